"""Counter mode in a real browser: a clerk reads the resident's card, enters a procedure in the
staff layout, prints the form to sign and receives it — keyboard first, every counter page
checked with axe-core on the way."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import RECEPTION_NUMBER, assert_accessible
from tests.browser.test_applications import choose, fill_date, group, tab_to, type_into
from tests.staff.support import PASSWORD, make_staff

pytestmark = pytest.mark.browser


def sign_in_clerk(page: Page, username: str) -> None:
    page.goto("/staff/login")
    type_into(page, page.get_by_label("ユーザー名"), username)
    type_into(page, page.get_by_label("パスワード"), PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/?$"))


def press(page: Page, name: str) -> None:
    """Tab to a button and press Enter, as a keyboard user does."""
    tab_to(page, page.get_by_role("button", name=name, exact=True))
    page.keyboard.press("Enter")


def test_a_counter_application_with_the_card_from_identification_to_reception(axe_page: Page, live_server):
    page = axe_page
    live_server.definition("inu-touroku")
    make_staff(live_server.app, "browser-clerk", "counter", name="窓口 次郎")
    sign_in_clerk(page, "browser-clerk")

    tab_to(page, page.get_by_role("link", name="窓口受付").first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("窓口受付")
    assert_accessible(page, "counter home")
    # Nothing chosen: the error summary comes first and links to the choice.
    press(page, "次へ進む")
    expect(page.locator(".error-summary")).to_contain_text("本人確認の方法を選んでください")
    assert_accessible(page, "counter home with an error")
    card = page.get_by_role("radio", name="マイナンバーカードを読み取る")
    tab_to(page, card)
    page.keyboard.press("Space")
    expect(card).to_be_checked()
    press(page, "次へ進む")

    expect(page.get_by_role("heading", level=1)).to_have_text("マイナンバーカードの読み取り")
    assert_accessible(page, "card page")
    holder = page.get_by_role("radio", name=re.compile("^山田 太郎"))
    tab_to(page, holder)
    page.keyboard.press("Space")
    type_into(page, page.get_by_label("券面事項入力補助用の暗証番号"), "9999")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_contain_text("あと2回間違えると")
    assert_accessible(page, "card page with a wrong PIN")
    choose(page.get_by_role("radio", name=re.compile("^山田 太郎")))
    type_into(page, page.get_by_label("券面事項入力補助用の暗証番号"), "1234")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("申請者の情報")
    expect(page.get_by_role("main")).to_contain_text("山田 太郎")
    assert_accessible(page, "resident's details")
    kana = group(page, "フリガナ")
    type_into(page, kana.get_by_role("textbox", name="セイ"), "やまだ")  # hiragana becomes katakana
    type_into(page, kana.get_by_role("textbox", name="メイ"), "たろう")
    type_into(page, page.get_by_role("textbox", name="電話番号"), "090-1111-2222")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("山田　太郎 さん")
    expect(page.get_by_role("main")).to_contain_text("ヤマダ　タロウ")
    assert_accessible(page, "visit page")
    type_into(page, page.get_by_role("searchbox", name="手続きの名前で探す"), "犬")
    page.keyboard.press("Enter")
    start = page.get_by_role("button", name="犬の登録と狂犬病予防注射済票の交付申請")
    tab_to(page, start)
    page.keyboard.press("Enter")

    # The procedure's pages in the staff layout; the owner's details are already there.
    expect(page.get_by_role("heading", level=1)).to_contain_text("登録の前に")
    expect(page.locator(".page-list")).to_contain_text("犬について")
    choose(page.get_by_role("radio", name="いいえ"))
    page.get_by_role("button", name="次へ進む", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("犬の所有者")
    expect(group(page, "所有者の氏名").get_by_role("textbox", name="氏")).to_have_value("山田")
    expect(group(page, "フリガナ").get_by_role("textbox", name="メイ")).to_have_value("タロウ")
    page.get_by_role("button", name="次へ進む", exact=True).click()
    expect(page.get_by_role("textbox", name="電話番号")).to_have_value("09011112222")
    page.get_by_role("button", name="次へ進む", exact=True).click()
    page.get_by_role("textbox", name="犬の名前").fill("こむぎ")
    page.get_by_role("textbox", name="犬種").fill("柴")
    page.get_by_role("textbox", name="毛色").fill("赤")
    choose(page.get_by_role("radio", name="メス"))
    page.get_by_role("button", name="次へ進む", exact=True).click()
    fill_date(page, "犬の生年月日", date(2025, 3, 1))
    fill_date(page, "飼い始めた日", date(2025, 6, 1))
    page.get_by_role("button", name="次へ進む", exact=True).click()
    choose(page.get_by_role("radio", name="いいえ"))
    page.get_by_role("button", name="次へ進む", exact=True).click()
    choose(page.get_by_role("radio", name="窓口で受け取る（生活衛生課）"))
    page.get_by_role("button", name="次へ進む", exact=True).click()
    press(page, "署名用の確認書へ進む")

    expect(page.get_by_role("heading", level=1)).to_have_text("署名と受付")
    assert_accessible(page, "signature page")
    printout = page.get_by_role("link", name="申請内容確認書（署名用）を印刷（PDF）")
    pdf = page.request.get(printout.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF-")
    # Receiving without the confirmation is refused, with the message beside the checkbox.
    press(page, "署名を確認し、申請を受け付ける")
    expect(page.locator(".error-summary")).to_contain_text("申請者が確認書に署名したこと")
    assert_accessible(page, "signature page with an error")
    confirm = page.get_by_role("checkbox", name=re.compile("^申請者が印刷した確認書"))
    tab_to(page, confirm)
    page.keyboard.press("Space")
    expect(confirm).to_be_checked()
    press(page, "署名を確認し、申請を受け付ける")

    expect(page.get_by_role("heading", level=1)).to_have_text("山田　太郎 さん")
    notice = page.get_by_role("status").first
    expect(notice).to_contain_text("受付番号")
    number = re.search(r"受付番号 (\S{4}-\S{4})", notice.inner_text()).group(1)
    assert RECEPTION_NUMBER.match(number), number
    expect(page.locator(".counter-procedures")).to_contain_text("受付済み")
    assert_accessible(page, "visit page after reception")

    # 収納: the clerk chooses 現金 (nothing is chosen for them) and takes the fee; the slip and the
    # day's book show it.
    cash = page.get_by_role("radio", name="現金")
    tab_to(page, cash)
    page.keyboard.press("Space")
    expect(cash).to_be_checked()
    take = page.get_by_role("button", name=re.compile("^収納する"))
    tab_to(page, take)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("3,000円を現金で収納しました")
    expect(page.locator("#fees-title ~ .counter-fee").first).to_contain_text("支払い済み")
    assert_accessible(page, "visit page after 収納")
    slip = page.request.get(page.get_by_role("link", name=re.compile("^受付票（引換券）を印刷")).get_attribute("href"))
    assert slip.ok and slip.headers["content-type"] == "application/pdf"
    page.goto("/counter/")
    tab_to(page, page.get_by_role("link", name=re.compile("^収納日計")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("収納日計")
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"差引合計\s*3,000円"))
    assert_accessible(page, "収納日計")
    type_into(page, page.get_by_label("日付"), "2026-13-01")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_contain_text("年-月-日の形で指定してください")
    assert_accessible(page, "収納日計 with an error")
