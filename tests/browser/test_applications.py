"""Whole applications in a real browser, found and filled by accessible names only.

- 住民票の写し: keyboard only, JavaScript on, with a mistake in the date of birth and its
  correction through the error summary; 住所を検索 fills the address without a reload.
- 住民票の写し as an agent, JavaScript off: the server-side 住所を検索, a file upload, a
  cross-field rule error, and 変更 from check-your-answers back to check.
- 粗大ごみ: the repeating page: add, add another, change, remove.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.support import PDF_FILE, RECEPTION_NUMBER, pay_with_card, send_application
from tests.conftest import JAPAN_TODAY

pytestmark = pytest.mark.browser

TODAY = JAPAN_TODAY


# --- helpers ------------------------------------------------------------------------------

def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus (as a keyboard user moves through a page)."""
    element = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("element => document.activeElement === element", element):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {target}")


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def group(page: Page, legend: str) -> Locator:
    """A fieldset by its legend (the ※必須/※任意 tag is part of the legend)."""
    return page.get_by_role("group", name=re.compile("^" + re.escape(legend)))


def fill_date(page: Page, legend: str, day: date) -> None:
    dates = group(page, legend)
    dates.get_by_role("textbox", name="年").fill(str(day.year))
    dates.get_by_role("textbox", name="月").fill(str(day.month))
    dates.get_by_role("textbox", name="日").fill(str(day.day))


def choose(option: Locator) -> None:
    """Click a radio button or checkbox where it is drawn.

    The native input is transparent under its drawn box (the label's ::before), so the click
    lands on the label, as a person's does; force skips Playwright's check that the input
    itself would receive the click, and check() still verifies that it became checked.
    """
    option.check(force=True)


def press_continue(page: Page, name: str = "次へ進む") -> None:
    page.get_by_role("button", name=name, exact=True).click()


def expect_question_page(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)


def expect_received(page: Page) -> str:
    expect(page.get_by_role("heading", level=1)).to_have_text("申請を受け付けました")
    number = page.locator(".reception-number").inner_text().strip()
    assert RECEPTION_NUMBER.match(number), number
    return number


# --- 住民票の写し, keyboard only ------------------------------------------------------------

def test_juminhyo_copy_by_keyboard_only(page: Page, live_server):
    live_server.definition("juminhyo-copy")
    page.goto("/")
    tab_to(page, page.get_by_role("link", name="住民票の写し等の交付請求").first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("住民票の写し等の交付請求")
    tab_to(page, page.get_by_role("button", name="申請を始める"))
    page.keyboard.press("Enter")

    expect_question_page(page, "請求する方")
    myself = page.get_by_role("radio", name="本人")
    tab_to(page, myself)
    page.keyboard.press("Space")
    expect(myself).to_be_checked()
    tab_to(page, page.get_by_role("button", name="次へ進む"))
    page.keyboard.press("Enter")

    expect_question_page(page, "住民票が必要な方")
    name, kana = group(page, "氏名"), group(page, "フリガナ")
    type_into(page, name.get_by_role("textbox", name="氏"), "山田")
    type_into(page, name.get_by_role("textbox", name="名"), "花子")
    type_into(page, kana.get_by_role("textbox", name="セイ"), "ヤマダ")
    type_into(page, kana.get_by_role("textbox", name="メイ"), "ハナコ")
    birth = group(page, "生年月日")
    type_into(page, birth.get_by_role("textbox", name="年"), str(TODAY.year + 1))  # the mistake
    type_into(page, birth.get_by_role("textbox", name="月"), "4")
    type_into(page, birth.get_by_role("textbox", name="日"), "1")
    type_into(page, page.get_by_role("textbox", name="郵便番号"), "105-0011")
    page.evaluate("window.stillTheSamePage = true")
    tab_to(page, page.get_by_role("button", name="住所を検索"))
    page.keyboard.press("Enter")
    address = group(page, "住民登録をしている住所")
    # With JavaScript the address is filled in place (no reload), and the focus moves on to 番地.
    expect(address.get_by_role("textbox", name="都道府県")).to_have_value("東京都")
    expect(address.get_by_role("textbox", name="市区町村")).to_have_value("港区")
    expect(address.get_by_role("textbox", name="町域", exact=False)).to_have_value("芝公園")
    expect(page.get_by_role("status")).to_contain_text("住所を入力しました")
    expect(address.get_by_role("textbox", name="番地", exact=False)).to_be_focused()
    assert page.evaluate("window.stillTheSamePage === true")
    page.keyboard.type("1-2-3")
    tab_to(page, page.get_by_role("button", name="次へ進む"))
    page.keyboard.press("Enter")

    # The error: summary first (and focused), the field marked, everything else kept.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("入力内容にエラーがあります")
    assert page.title().startswith("エラー：")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link")
    expect(link).to_have_count(1)
    expect(link).to_contain_text("生年月日")
    expect(birth).to_contain_text(link.inner_text())  # the same message next to the field
    year = birth.get_by_role("textbox", name="年")
    expect(year).to_have_attribute("aria-invalid", "true")
    expect(name.get_by_role("textbox", name="氏")).to_have_value("山田")
    expect(address.get_by_role("textbox", name="番地", exact=False)).to_have_value("1-2-3")
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(year).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("1990")
    tab_to(page, page.get_by_role("button", name="次へ進む"))
    page.keyboard.press("Enter")

    expect_question_page(page, "必要な住民票の内容")
    household = page.get_by_role("radio", name="世帯全員")
    tab_to(page, household)
    page.keyboard.press("Space")
    expect(household).to_be_checked()
    tab_to(page, page.get_by_role("button", name="次へ進む"))
    page.keyboard.press("Enter")

    expect_question_page(page, "通数と使いみち")
    type_into(page, page.get_by_role("textbox", name="必要な通数"), "2")
    purpose = page.get_by_role("combobox", name="使いみち")
    tab_to(page, purpose)
    page.keyboard.press("ArrowDown")
    expect(purpose).to_have_value("employment")
    tab_to(page, page.get_by_role("button", name="次へ進む"))
    page.keyboard.press("Enter")

    expect_question_page(page, "受け取り方法")
    counter = page.get_by_role("radio", name="窓口で受け取る")
    tab_to(page, counter)
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="次へ進む"))
    page.keyboard.press("Enter")

    expect_question_page(page, "窓口での受け取り")
    office = page.get_by_role("combobox", name="受け取る窓口")
    tab_to(page, office)
    page.keyboard.press("ArrowDown")
    expect(office).to_have_value("main")
    collect = TODAY + timedelta(days=7)
    collection = group(page, "受取希望日")
    type_into(page, collection.get_by_role("textbox", name="年"), str(collect.year))
    type_into(page, collection.get_by_role("textbox", name="月"), str(collect.month))
    type_into(page, collection.get_by_role("textbox", name="日"), str(collect.day))
    tab_to(page, page.get_by_role("button", name="次へ進む"))
    page.keyboard.press("Enter")

    expect_question_page(page, "日中の連絡先")
    type_into(page, page.get_by_role("textbox", name="電話番号"), "090-1234-5678")
    page.keyboard.press("Enter")  # Enter in a text box continues (the form's first button)

    expect(page.get_by_role("heading", level=1)).to_have_text("申請内容の確認")
    main = page.get_by_role("main")
    for text in ("山田\u3000花子", "ヤマダ\u3000ハナコ", "1990年4月1日", "〒105-0011", "東京都港区芝公園",
                 "就職・勤務先への提出", "窓口で受け取る", "090-1234-5678", "600円"):
        expect(main).to_contain_text(text)
    # The fee is paid online before the application is sent (the mock provider's pages).
    tab_to(page, page.get_by_role("button", name="支払いへ進む"))
    page.keyboard.press("Enter")
    pay_with_card(page)
    expect_received(page)


# --- 住民票の写し as an agent, JavaScript off ------------------------------------------------

def test_juminhyo_copy_as_an_agent_without_javascript(nojs_page: Page, live_server):
    page = nojs_page
    live_server.definition("juminhyo-copy")
    page.goto("/")
    page.get_by_role("link", name="住民票の写し等の交付請求").first.click()
    page.get_by_role("button", name="申請を始める").click()

    expect_question_page(page, "請求する方")
    choose(page.get_by_role("radio", name="代理人"))
    press_continue(page)

    expect_question_page(page, "住民票が必要な方")
    group(page, "氏名").get_by_role("textbox", name="氏").fill("佐藤")
    group(page, "氏名").get_by_role("textbox", name="名").fill("一郎")
    group(page, "フリガナ").get_by_role("textbox", name="セイ").fill("サトウ")
    group(page, "フリガナ").get_by_role("textbox", name="メイ").fill("イチロウ")
    fill_date(page, "生年月日", date(1950, 2, 3))
    page.get_by_label("郵便番号").fill("1050011")
    page.get_by_role("button", name="住所を検索").click()
    # Without JavaScript the page comes back from the server with the address filled in.
    expect(page.get_by_role("status")).to_contain_text("住所を入力しました（東京都港区芝公園）")
    address = group(page, "住民登録をしている住所")
    expect(address.get_by_role("textbox", name="都道府県")).to_have_value("東京都")
    expect(address.get_by_role("textbox", name="市区町村")).to_have_value("港区")
    expect(group(page, "氏名").get_by_role("textbox", name="氏")).to_have_value("佐藤")
    expect(group(page, "生年月日").get_by_role("textbox", name="年")).to_have_value("1950")
    address.get_by_role("textbox", name="番地", exact=False).fill("4-5-6")
    press_continue(page)

    expect_question_page(page, "あなた（請求する方）について")
    group(page, "あなたの氏名").get_by_role("textbox", name="氏").fill("鈴木")
    group(page, "あなたの氏名").get_by_role("textbox", name="名").fill("次郎")
    group(page, "あなたのフリガナ").get_by_role("textbox", name="セイ").fill("スズキ")
    group(page, "あなたのフリガナ").get_by_role("textbox", name="メイ").fill("ジロウ")
    page.get_by_label("あなたの郵便番号").fill("100-0001")
    mine = group(page, "あなたの住所")
    mine.get_by_role("textbox", name="都道府県").fill("東京都")
    mine.get_by_role("textbox", name="市区町村").fill("千代田区")
    mine.get_by_role("textbox", name="町域", exact=False).fill("千代田")
    mine.get_by_role("textbox", name="番地", exact=False).fill("1-1")
    press_continue(page)

    expect_question_page(page, "委任状")
    expect(page.get_by_role("main")).to_contain_text("代理人が請求するときは委任状が必要です")
    page.get_by_label("委任状の画像またはPDF").set_input_files(PDF_FILE)
    press_continue(page)

    expect_question_page(page, "必要な住民票の内容")
    choose(page.get_by_role("radio", name="世帯の一部の方"))
    choose(page.get_by_role("checkbox", name="前住所"))
    press_continue(page)

    expect_question_page(page, "必要な方の氏名")
    page.get_by_label("住民票に記載が必要な方の氏名").fill("佐藤 一郎\n佐藤 和子")
    press_continue(page)

    # A rule across two fields: その他 needs its description.
    expect_question_page(page, "通数と使いみち")
    page.get_by_label("必要な通数").fill("1")
    page.get_by_label("使いみち", exact=False).first.select_option(label="その他")
    press_continue(page)
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("入力内容にエラーがあります")
    assert page.title().startswith("エラー：")
    expect(summary).not_to_be_focused()  # no script has run: it is JavaScript that focuses it
    other = page.get_by_role("textbox", name="その他の使いみち")
    expect(other).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link", name="使いみちで「その他」を選んだ場合は", exact=False).click()
    expect(other).to_be_focused()
    other.fill("パスポートの申請")
    press_continue(page)

    expect_question_page(page, "受け取り方法")
    choose(page.get_by_role("radio", name="郵送で受け取る"))
    press_continue(page)
    expect_question_page(page, "郵送での受け取り")
    press_continue(page)  # not signed in with the card: the copy of the proof of identity is required
    expect(page.get_by_role("alert")).to_contain_text("本人確認書類の写しのファイルを選択してください")
    page.get_by_label("本人確認書類の写し").set_input_files(PDF_FILE)
    press_continue(page)

    expect_question_page(page, "日中の連絡先")
    page.get_by_label("電話番号").fill("03-1234-5678")
    page.get_by_label("メールアドレス").fill("agent@example.jp")
    press_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("申請内容の確認")
    main = page.get_by_role("main")
    for text in ("代理人", "委任状.pdf", "佐藤 一郎", "前住所", "パスポートの申請", "郵送で受け取る", "300円"):
        expect(main).to_contain_text(text)
    # 変更 goes to the page and back to check.
    page.get_by_role("link", name="変更 （電話番号）").click()
    expect_question_page(page, "日中の連絡先")
    page.get_by_label("電話番号").fill("090-8765-4321")
    press_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("申請内容の確認")
    expect(main).to_contain_text("090-8765-4321")
    send_application(page)
    expect_received(page)


# --- 粗大ごみ: the repeating page ------------------------------------------------------------

def test_sodai_gomi_items_are_added_changed_and_removed(page: Page, live_server):
    live_server.definition("sodai-gomi")
    page.goto("/forms/sodai-gomi/")
    page.get_by_role("button", name="申請を始める").click()

    expect_question_page(page, "出したいもの")
    choose(page.get_by_role("radio", name="いいえ"))
    press_continue(page)

    expect_question_page(page, "収集を申し込む品目（品目 1）")
    page.get_by_role("combobox", name="品目").select_option(label="ソファ（2人掛け以上）")
    page.get_by_label("点数").fill("1")
    press_continue(page, "保存する")

    expect_question_page(page, "収集を申し込む品目")
    expect(page.get_by_role("main")).to_contain_text("品目：1件（1件以上10件まで）")
    page.get_by_role("button", name="品目を追加する").click()
    expect_question_page(page, "収集を申し込む品目（品目 2）")
    page.get_by_role("combobox", name="品目").select_option(label="自転車")
    page.get_by_label("点数").fill("2")
    page.get_by_label("大きさや特徴").fill("26インチ")
    press_continue(page, "保存する")
    main = page.get_by_role("main")
    expect(main).to_contain_text("品目：2件")
    expect(main).to_contain_text("自転車")

    page.get_by_role("link", name="変更 （品目 1）").click()
    expect(page.get_by_role("combobox", name="品目")).to_have_value("sofa")
    page.get_by_label("点数").fill("2")
    press_continue(page, "保存する")

    page.get_by_role("link", name="削除 （品目 2）").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("品目 2（自転車）を削除しますか")
    expect(page.get_by_role("radio", name="いいえ")).to_be_checked()
    choose(page.get_by_role("radio", name="はい、削除します"))
    page.get_by_role("button", name="決定").click()
    expect(main).to_contain_text("品目：1件")
    expect(main).not_to_contain_text("自転車")
    press_continue(page)

    expect_question_page(page, "申込者")
    group(page, "氏名").get_by_role("textbox", name="氏").fill("田中")
    group(page, "氏名").get_by_role("textbox", name="名").fill("三郎")
    group(page, "フリガナ").get_by_role("textbox", name="セイ").fill("タナカ")
    group(page, "フリガナ").get_by_role("textbox", name="メイ").fill("サブロウ")
    page.get_by_label("電話番号").fill("090-1111-2222")
    press_continue(page)

    expect_question_page(page, "収集する場所")
    page.get_by_label("郵便番号").fill("1050011")
    page.get_by_role("button", name="住所を検索").click()
    address = group(page, "収集する住所")
    expect(address.get_by_role("textbox", name="都道府県")).to_have_value("東京都")
    address.get_by_role("textbox", name="番地", exact=False).fill("7-8-9")
    choose(page.get_by_role("radio", name="自宅の玄関前（一戸建て）"))
    press_continue(page)

    expect_question_page(page, "収集の希望日")
    fill_date(page, "収集希望日", TODAY + timedelta(days=10))
    press_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("申請内容の確認")
    for text in ("ソファ（2人掛け以上）", "2,000円", "収集する点数の合計", "東京都港区芝公園"):
        expect(main).to_contain_text(text)
    expect(main).not_to_contain_text("自転車")
    send_application(page)
    expect_received(page)
