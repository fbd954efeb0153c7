"""お知らせ in a browser: the menu shows the count, the list has no axe violations with notices in
it, and 既読にする works with a keyboard and without JavaScript."""

from __future__ import annotations

import pytest

from formsvc.submissions.reception import display
from tests.browser.support import assert_accessible
from tests.browser.test_staff_pages import sign_in_staff
from tests.review.support import make_submissions
from tests.staff.resubmission import resubmit_number
from tests.staff.support import make_staff

pytestmark = pytest.mark.browser


def test_a_reviewer_reads_and_clears_a_resubmission_notice(axe_page, live_server):
    make_staff(live_server.app, "notice-reviewer", "reviewer", name="通知 花子")
    [number] = make_submissions(live_server.app, "sodai-gomi", 1, status="correction_requested",
                                assignee="notice-reviewer")
    resubmit_number(live_server.app, number)
    sign_in_staff(axe_page, "notice-reviewer")
    axe_page.get_by_role("link", name="お知らせ（1件）").click()
    axe_page.wait_for_url("**/staff/notices")
    assert_accessible(axe_page, "/staff/notices")
    row = axe_page.get_by_role("row").filter(has_text=display(number))
    assert "修正された申請（再提出）" in row.inner_text() and "粗大ごみ" in row.inner_text()
    button = axe_page.get_by_role("button", name=f"受付番号 {display(number)} のお知らせを既読にする")
    button.focus()
    with axe_page.expect_navigation():
        axe_page.keyboard.press("Enter")
    assert axe_page.get_by_role("status").filter(has_text="既読にしました").is_visible()
    assert axe_page.get_by_role("link", name="お知らせ（0件）").is_visible()
    assert_accessible(axe_page, "/staff/notices (read)")
