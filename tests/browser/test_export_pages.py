"""axe-core finds nothing on the CSV export pages (issue 16): the options page and the report of
characters Shift_JIS cannot hold. The staff page walk skips /export links as downloads, so these
two are visited here, by the link and buttons a clerk uses."""

from __future__ import annotations

import pytest

from tests.browser.support import assert_accessible
from tests.browser.test_staff_pages import sign_in_staff
from tests.review.conftest import REVIEW_FORM, REVIEW_SAMPLE, publish
from tests.review.support import make_submissions
from tests.staff.support import make_staff

pytestmark = pytest.mark.browser


def test_export_options_and_the_shift_jis_report_are_accessible(axe_page, live_server):
    make_staff(live_server.app, "axe-export", "reviewer", name="出力 太郎")
    publish(live_server.app, REVIEW_SAMPLE, "review.yaml")
    make_submissions(live_server.app, REVIEW_FORM, overrides={"name": {"family": "𠮷田", "given": "花子"}})
    sign_in_staff(axe_page, "axe-export")
    # As the queue's 「形式を選んでCSVを出力する」 opens it (tests/review/test_export_options.py).
    axe_page.goto(f"/staff/queue/export?version=1&form={REVIEW_FORM}&status=all")
    assert_accessible(axe_page, "export options")
    axe_page.get_by_label("Shift_JIS（CP932）").check()
    axe_page.get_by_role("button", name="CSVを出力する", exact=True).click()
    axe_page.get_by_role("heading", name="Shift_JISにない文字があります").wait_for()
    assert_accessible(axe_page, "characters outside Shift_JIS")
