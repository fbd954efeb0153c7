"""変更 from check-your-answers in a real browser: the #fragment of the 変更 link (which field to
look at) stays on that page only, and a change that brings in a new page leads through it and
back to the check page. Also 戻る after 送信 says the application was sent."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Shortcut, send_application

pytestmark = pytest.mark.browser


def fragment(page: Page) -> str:
    return urlparse(page.url).fragment


def to_check(page: Page, live_server, **answers) -> None:
    path = Shortcut(page, live_server.definition("juminhyo-copy"), answers).until()
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("申請内容の確認")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_change_links_fragment_does_not_stick_to_later_pages(new_page, live_server, javascript):
    page = new_page(javascript=javascript)
    to_check(page, live_server)
    page.get_by_role("link", name="変更 （必要な通数）").click()
    assert fragment(page) == "copies"  # the link points at the question to change
    page.get_by_label("必要な通数").fill("3")
    page.get_by_role("button", name="次へ進む", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申請内容の確認")
    assert urlparse(page.url).path == "/forms/juminhyo-copy/check"
    assert fragment(page) in ("", "top"), page.url  # not #copies any more
    send_application(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("申請を受け付けました")
    assert "/done/" in page.url and fragment(page) in ("", "top"), page.url


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_change_that_brings_in_a_page_leads_through_it_back_to_check(new_page, live_server, javascript):
    page = new_page(javascript=javascript)
    to_check(page, live_server, scope="whole_household")
    page.get_by_role("link", name="変更 （記載する方の範囲）").click()
    page.get_by_role("radio", name="世帯の一部の方").check(force=True)
    page.get_by_role("button", name="次へ進む", exact=True).click()
    # The page the change brought in, with no leftover #scope.
    expect(page.get_by_role("heading", level=1)).to_contain_text("必要な方の氏名")
    assert fragment(page) in ("", "top"), page.url
    page.get_by_label("住民票に記載が必要な方の氏名").fill("山田 花子")
    page.get_by_role("button", name="次へ進む", exact=True).click()
    # Straight back: 通数・使いみち and the later pages were answered already.
    expect(page.get_by_role("heading", level=1)).to_have_text("申請内容の確認")
    expect(page.get_by_role("main")).to_contain_text("山田 花子")


def test_back_after_sending_says_it_was_sent(page: Page, live_server):
    to_check(page, live_server)
    send_application(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("申請を受け付けました")
    number = page.locator(".reception-number").inner_text().strip()
    # The browser's 戻る would pass the payment provider's pages first (the fee is paid online):
    # open the check page again, as 戻る reaches it.
    page.goto("/forms/juminhyo-copy/check")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"この申請は送信済みです（受付番号 {number}）")
    expect(page.get_by_text("入力の途中の内容が見つかりません")).to_have_count(0)
    page.get_by_role("link", name="受付の確認画面を見る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申請を受け付けました")
    assert re.search(r"/done/[2-9A-HJ-NP-Z]{8}$", page.url)
