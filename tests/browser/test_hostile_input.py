"""The messages for what no form should be sent, in a real browser: accessible, and the error
summary's link leads to what it is about."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.support import Shortcut, assert_accessible

pytestmark = pytest.mark.browser


def sign_in_with_card(page, card_name: str, next_path: str) -> None:
    page.goto(f"/auth/login?next={next_path}")
    page.get_by_label(card_name, exact=False).check(force=True)
    page.get_by_label("利用者証明用電子証明書の暗証番号").fill("1234")
    page.get_by_role("button", name="認証する").click()
    page.wait_for_url(f"**{next_path}")


def test_a_rule_about_an_answer_from_the_card_is_shown_and_reachable(axe_page, live_server):
    """佐藤花子's birth date comes from her card (read-only); a reason date before it breaks a rule
    whose message belongs to that birth date."""
    page = axe_page
    jidoteate = live_server.definition("jidoteate-nintei")
    sign_in_with_card(page, "佐藤 花子", "/forms/jidoteate-nintei/")
    path = Shortcut(page, jidoteate, {"reason_date": date(1996, 12, 1)}).until("claimant")
    page.goto(path)
    page.get_by_label("セイ").fill("サトウ")
    page.get_by_label("メイ").fill("ハナコ")
    page.get_by_role("button", name="次へ進む", exact=True).click()
    summary = page.get_by_role("alert")
    summary.get_by_role("heading", name="入力内容にエラーがあります").wait_for()
    message = "生年月日は、請求の理由が生じた日より前の日付を入力してください"
    summary.get_by_role("link", name=message).click()
    assert page.evaluate("document.activeElement.id") == "claimant_birth_date"
    assert page.locator("#claimant_birth_date-error").inner_text().endswith(message)
    assert_accessible(page, "an error about an answer from the card")


def test_a_number_in_exponent_notation_is_explained_beside_the_field(axe_page, live_server):
    page = axe_page
    path = Shortcut(page, live_server.definition("juminhyo-copy"),
                    {"requester": "agent", "scope": "part", "receive_method": "mail"}).until("copies_purpose")
    page.goto(path)
    page.get_by_label("必要な通数").fill("1e999999999")
    page.get_by_role("button", name="次へ進む", exact=True).click()
    page.get_by_role("alert").get_by_role("link", name="数字で入力してください").wait_for()
    assert page.get_by_label("必要な通数").input_value() == "1e999999999"
    assert_accessible(page, "a number in exponent notation")


def test_the_bad_request_page_says_why_and_is_accessible(axe_page):
    response = axe_page.goto("/?q=%00")
    assert response.status == 400
    assert axe_page.get_by_role("heading", name="リクエストを処理できませんでした").is_visible()
    assert axe_page.get_by_text("使用できない文字（制御文字）が含まれていたため").is_visible()
    assert_accessible(axe_page, "400 page")
