"""The review detail page as a reviewer sees it (issue 16): the actions before the answers, and the
差し戻し form (questions by page, standard phrases, deadline) accessible and usable without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from formsvc import clock
from formsvc.submissions import status
from tests.browser.support import assert_accessible
from tests.browser.test_staff_pages import sign_in_staff
from tests.review.support import make_submissions
from tests.staff.support import make_staff

pytestmark = pytest.mark.browser


def test_the_correction_form_is_at_the_top_accessible_and_sent_without_javascript(axe_page, nojs_page, live_server):
    make_staff(live_server.app, "axe-shinsa", "reviewer", name="審査 花子")
    number = make_submissions(live_server.app, "sodai-gomi", 1, status=status.IN_REVIEW, assignee="axe-shinsa")[0]
    for page in (axe_page, nojs_page):
        sign_in_staff(page, "axe-shinsa")
        page.goto(f"/staff/submissions/{number}")
        actions = page.locator("#moves-title").bounding_box()
        answers = page.get_by_role("heading", name="申請の内容").bounding_box()
        assert actions["y"] < answers["y"] and actions["y"] < page.viewport_size["height"]  # seen without scrolling
        page.locator("summary", has_text="差し戻す").click()
    assert_accessible(axe_page, "detail with the correction form open")

    form = nojs_page.locator("details.move--request_correction")
    form.locator('input[name="fields"]').first.check()
    form.get_by_label(re.compile("本人確認書類の画像が不鮮明です")).check()
    due = clock.today() + timedelta(days=10)
    form.get_by_label("回答の期限（任意）").fill(due.isoformat())
    form.get_by_role("button", name="差し戻す（修正を依頼する）").click()
    nojs_page.wait_for_url(re.compile(rf"/staff/submissions/{number}$"))
    history = nojs_page.locator(".history-table").inner_text()
    assert "本人確認書類の画像が不鮮明です。再度添付してください。" in history
    assert f"修正を依頼した項目 1件、期限 {due.year}年{due.month}月{due.day}日" in history
