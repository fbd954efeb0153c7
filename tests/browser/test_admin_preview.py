"""An administrator changes a question's label in the browser and sees it in the preview."""

from __future__ import annotations

import re

import pytest

from tests.browser.support import assert_accessible
from tests.browser.test_staff_pages import sign_in_staff
from tests.staff.support import make_staff

pytestmark = pytest.mark.browser

FIELD = "/admin/forms/inu-touroku/pages/owner/fields/owner_name"


def test_a_changed_label_shows_in_the_preview_and_not_on_the_residents_pages(axe_page, live_server):
    make_staff(live_server.app, "label-admin", "admin", name="管理 花子")
    page = axe_page
    sign_in_staff(page, "label-admin")

    page.goto(FIELD)
    page.get_by_label("質問（ラベル）", exact=False).first.fill("飼い主の氏名")
    page.get_by_role("button", name="項目を保存する").click()
    assert "下書きに保存しました" in page.get_by_role("status").first.inner_text()

    page.get_by_role("link", name="プレビュー", exact=True).first.click()
    assert "プレビュー" in page.get_by_role("note", name="プレビュー").inner_text()
    page.get_by_role("button", name="申請を始める").click()
    page.get_by_role("group", name=re.compile("ほかの市区町村で登録")).get_by_label("いいえ").check()
    page.get_by_role("button", name="次へ進む").click()

    assert page.get_by_text("飼い主の氏名").first.is_visible()
    assert "/admin/preview/forms/inu-touroku/pages/owner" in page.url
    assert_accessible(page, "a preview page")

    # Residents still see the published label until the administrator publishes.
    resident = page.context.browser.new_context(base_url=live_server.url).new_page()
    resident.goto("/forms/inu-touroku/")
    resident.get_by_role("button", name="申請を始める").click()
    resident.get_by_role("group", name=re.compile("ほかの市区町村で登録")).get_by_label("いいえ").check()
    resident.get_by_role("button", name="次へ進む").click()
    assert resident.get_by_text("所有者の氏名").first.is_visible()
    assert "飼い主の氏名" not in resident.content()
    resident.context.close()
