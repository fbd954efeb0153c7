"""Signing in with the mock My Number card in a real browser, by accessible names."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.support import assert_accessible


def test_a_resident_signs_in_with_the_card_and_signs_out(page):
    page.goto("/auth/login?next=/my/")
    assert page.url.split("?")[0].endswith("/mock-idp/authorize")
    page.get_by_label("佐藤 花子", exact=False).check(force=True)
    page.get_by_label("利用者証明用電子証明書の暗証番号").fill("1234")
    page.get_by_role("button", name="認証する").click()
    page.wait_for_url("**/my/")
    assert page.get_by_role("heading", name="申請履歴").is_visible()
    assert "佐藤 花子 さん" in page.content()
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", name="ログアウトしました")).to_be_visible()


def test_the_card_page_is_accessible(axe_page):
    axe_page.goto("/auth/login?next=/my/")
    assert_accessible(axe_page)
