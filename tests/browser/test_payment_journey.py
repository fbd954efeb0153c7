"""Paying the fee online in a real browser: 住民票の写し from its check page to the demo's
mock provider and back (the redirect, the card page, the 3-D Secure page, コンビニ numbers),
a declined card then another, and a double click on 「支払いへ進む」. axe-core finds nothing on
the provider's pages, the check page with a payment error, and the done page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from formsvc.db import database
from formsvc.payments.models import Payment
from formsvc.submissions.models import Submission
from tests.browser.support import RECEPTION_NUMBER, Shortcut, assert_accessible, pay_with_card

pytestmark = pytest.mark.browser

FORM_ID = "juminhyo-copy"
SUCCEEDS, DECLINED, THREE_D_SECURE = "4111111111111111", "4000000000000002", "4000000000003220"


def to_check_page(page: Page, live_server, copies: int = 2) -> None:
    """Answer the earlier pages over HTTP in the page's session, then open the check page."""
    path = Shortcut(page, live_server.definition(FORM_ID), {"copies": copies}).until()
    assert path == f"/forms/{FORM_ID}/check", path
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("申請内容の確認")


def count(live_server, model) -> int:
    with live_server.app.app_context(), database().session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def expect_received(page: Page) -> str:
    expect(page.get_by_role("heading", level=1)).to_have_text("申請を受け付けました")
    number = page.locator(".reception-number").inner_text().strip()
    assert RECEPTION_NUMBER.match(number), number
    return number


def test_card_with_3d_secure_from_the_check_page_to_the_done_page(axe_page: Page, live_server):
    page = axe_page
    to_check_page(page, live_server, copies=2)
    expect(page.get_by_text("600円", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="同意して申請する")).to_have_count(0)
    page.get_by_role("button", name="支払いへ進む").click()

    # The provider's pages (the redirect works without any script of ours).
    expect(page).to_have_url(re.compile(r"/mock-pay/pay/mp_[0-9a-f]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("お支払い方法の選択")
    assert_accessible(page, "provider: choose how to pay")
    page.get_by_role("radio", name=re.compile("^クレジットカード")).check(force=True)
    page.get_by_role("button", name="次へ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("クレジットカードでのお支払い")
    assert_accessible(page, "provider: card")
    page.get_by_role("button", name="600円を支払う").click()  # empty: the provider's own errors
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "provider: card with errors")
    pay_with_card(page, THREE_D_SECURE)
    expect(page.get_by_role("heading", level=1)).to_have_text("本人認証（3-Dセキュア）")
    assert_accessible(page, "provider: 3-D Secure")
    page.get_by_label(re.compile("^ワンタイムパスワード")).fill("123456")
    page.get_by_role("button", name="認証する").click()

    expect_received(page)
    paid = re.compile(r"支払い済み（クレジットカード、600円、決済番号 FP[0-9A-Z]{10}）")
    expect(page.get_by_text(paid)).to_be_visible()
    assert_accessible(page, "done page with the payment")


def test_a_declined_card_then_another_card(axe_page: Page, live_server):
    page = axe_page
    to_check_page(page, live_server, copies=1)
    submissions = count(live_server, Submission)
    page.get_by_role("button", name="支払いへ進む").click()
    pay_with_card(page, DECLINED)

    # Back on the check page: the error summary says what happened; the answers are all there.
    expect(page).to_have_url(re.compile(rf"/forms/{FORM_ID}/check$"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("カードでのお支払いができませんでした。")
    expect(summary).to_contain_text("別のカードでもう一度お試しください")
    assert page.title().startswith("エラー：")
    assert_accessible(page, "check page with a declined card")
    # The summary's link leads to the pay button.
    summary.get_by_role("link").click()
    expect(page.get_by_role("button", name="支払いへ進む")).to_be_focused()
    assert count(live_server, Submission) == submissions

    page.get_by_role("button", name="支払いへ進む").click()
    pay_with_card(page, SUCCEEDS)
    expect_received(page)
    assert count(live_server, Submission) == submissions + 1


def test_a_konbini_number_on_the_done_page(axe_page: Page, live_server):
    page = axe_page
    to_check_page(page, live_server, copies=1)
    page.get_by_role("button", name="支払いへ進む").click()
    page.get_by_role("radio", name=re.compile("^コンビニ払い")).check(force=True)
    page.get_by_role("button", name="次へ").click()
    assert_accessible(page, "provider: konbini")
    page.get_by_role("button", name="払込番号を発行する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("払込番号のお知らせ")
    assert_accessible(page, "provider: payment number")
    page.get_by_role("link", name="申請サービスに戻る").click()
    expect_received(page)
    expect(page.get_by_text("期限までにお支払いください。お支払いが確認できてから審査を始めます。")).to_be_visible()
    expect(page.locator(".payment-number")).to_have_text(re.compile(r"^\d{11}$"))
    assert_accessible(page, "done page awaiting a konbini payment")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_double_click_on_pay_makes_one_payment_and_one_application(new_page, live_server, javascript):
    page = new_page(javascript=javascript)
    to_check_page(page, live_server, copies=1)
    payments, submissions = count(live_server, Payment), count(live_server, Submission)
    page.get_by_role("button", name="支払いへ進む").dblclick()
    expect(page).to_have_url(re.compile(r"/mock-pay/pay/mp_[0-9a-f]+$"))
    assert count(live_server, Payment) == payments + 1
    pay_with_card(page, SUCCEEDS)
    expect_received(page)
    assert count(live_server, Payment) == payments + 1
    assert count(live_server, Submission) == submissions + 1
