"""The mock provider's pages driven as a payer would: each test card, 3-D Secure with the right
and a wrong code, コンビニ then 「支払われたことにする」 (a signed notification: paid and sent), Pay-easy,
cancelling, the provider down, and `formsvc mock-payments deliver`."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from formsvc.db import database
from formsvc.mock_payments.models import MockPayment, MockPaymentNotification
from formsvc.payments import models
from formsvc.submissions.models import Submission
from tests.applicant import csrf_token
from tests.payments.conftest import new_draft, payments_of_draft
from tests.payments.test_service import RETURN_URL, start

CARD = {"expiry": "12/39", "cvc": "123", "name": "TARO YAMADA"}


def to_payment_page(app, client):
    draft_id = new_draft(app, copies=2)
    payment = start(app, draft_id)
    page = client.get(payment.next_url)
    assert page.status_code == 200
    return draft_id, payment, page


def choose(client, payment, page, method: str):
    return client.post(payment.next_url, data={"method": method, "csrf_token": csrf_token(page.text)})


def pay_by_card(client, payment, page, number: str):
    card_page = client.get(choose(client, payment, page, "card").headers["Location"])
    assert "クレジットカードでのお支払い" in card_page.text and "4111 1111 1111 1111" in card_page.text
    return client.post(f"{payment.next_url}/card",
                       data={"number": number, **CARD, "csrf_token": csrf_token(card_page.text)})


def stored(app, draft_id: int):
    [payment] = payments_of_draft(app, draft_id)
    return payment


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_payment_page_shows_what_is_paid(pay_app, pay_client):
    _, payment, page = to_payment_page(pay_app, pay_client)
    text = text_of(page.text)
    assert "デモ決済サービス（模擬）" in text and "お支払い方法の選択" in text
    assert "600円" in text and payment.reference in text and "見本の証明書" in text
    assert "コンビニ払い" in text and "Pay-easy（ペイジー）" in text
    refused = pay_client.post(payment.next_url, data={"csrf_token": csrf_token(page.text)})
    assert refused.status_code == 400 and "お支払い方法を選んでください" in refused.text


def test_the_success_card_pays_and_returns_to_the_service(pay_app, pay_client):
    draft_id, payment, page = to_payment_page(pay_app, pay_client)
    response = pay_by_card(pay_client, payment, page, "4111 1111 1111 1111")
    assert response.status_code == 302 and response.headers["Location"] == RETURN_URL
    # The signed notification was delivered at the end of that request: paid and sent already.
    now = stored(pay_app, draft_id)
    assert now.status == models.SUCCESS and now.method == "card" and now.submission_id is not None
    with pay_app.app_context(), database().transaction() as session:
        at_provider = session.get_one(MockPayment, payment.provider_payment_id)
        assert at_provider.state == "success" and at_provider.card_last4 == "1111"
        assert all(note.delivered_at for note in session.scalars(select(MockPaymentNotification)))
    # Opening the provider's page again says it is over, with the way back.
    again = pay_client.get(payment.next_url)
    assert "このお支払いは終了しています" in again.text and RETURN_URL in again.text


def test_the_declined_card_fails_the_payment(pay_app, pay_client):
    draft_id, payment, page = to_payment_page(pay_app, pay_client)
    response = pay_by_card(pay_client, payment, page, "4000000000000002")
    assert response.headers["Location"] == RETURN_URL
    now = stored(pay_app, draft_id)
    assert (now.status, now.failure_reason, now.submission_id) == (models.FAILED, "declined", None)


def test_the_timeout_card_is_a_processing_error(pay_app, pay_client):
    draft_id, payment, page = to_payment_page(pay_app, pay_client)
    pay_by_card(pay_client, payment, page, "4000-0000-0000-0119")
    now = stored(pay_app, draft_id)
    assert (now.status, now.failure_reason, now.submission_id) == (models.ERROR, "timeout", None)


@pytest.mark.parametrize(("code", "status", "sent"), [("123456", models.SUCCESS, True),
                                                      ("654321", models.FAILED, False)])
def test_three_d_secure_with_the_right_and_a_wrong_code(pay_app, pay_client, code, status, sent):
    draft_id, payment, page = to_payment_page(pay_app, pay_client)
    response = pay_by_card(pay_client, payment, page, "4000000000003220")
    assert response.headers["Location"].endswith("/3ds")
    challenge = pay_client.get(response.headers["Location"])
    assert "本人認証（3-Dセキュア）" in challenge.text and "123456" in challenge.text
    empty = pay_client.post(response.headers["Location"], data={"csrf_token": csrf_token(challenge.text)})
    assert empty.status_code == 400 and "ワンタイムパスワードを入力してください" in empty.text
    answered = pay_client.post(response.headers["Location"], data={"code": code,
                                                                    "csrf_token": csrf_token(challenge.text)})
    assert answered.headers["Location"] == RETURN_URL
    now = stored(pay_app, draft_id)
    assert now.status == status and (now.submission_id is not None) == sent
    if not sent:
        assert now.failure_reason == "3ds_failed"


def test_card_mistakes_are_shown_with_a_summary(pay_app, pay_client):
    draft_id, payment, _page = to_payment_page(pay_app, pay_client)
    card_page = pay_client.get(f"{payment.next_url}/card")
    refused = pay_client.post(f"{payment.next_url}/card", data={
        "number": "1234 5678 9012 3456", "expiry": "13/20", "cvc": "1", "name": "山田",
        "csrf_token": csrf_token(card_page.text)})
    assert refused.status_code == 400
    text = text_of(refused.text)
    assert "入力内容にエラーがあります" in text and "＊カード番号が正しくありません" in text
    assert "有効期限の月は1から12" in text and "セキュリティコード" in text and "ローマ字" in text
    assert 'aria-describedby="number-hint number-error"' in refused.text
    real_looking = pay_client.post(f"{payment.next_url}/card", data={
        "number": "4242424242424242", **CARD, "csrf_token": csrf_token(card_page.text)})
    assert "テスト用カード番号を入力してください" in real_looking.text
    assert stored(pay_app, draft_id).status == models.STARTED


def test_cancelling_goes_back_to_the_service(pay_app, pay_client):
    draft_id, payment, page = to_payment_page(pay_app, pay_client)
    response = pay_client.post(f"{payment.next_url}/cancel", data={"csrf_token": csrf_token(page.text)})
    assert response.headers["Location"] == RETURN_URL
    assert stored(pay_app, draft_id).status == models.CANCELLED


@pytest.mark.parametrize("method", ["konbini", "payeasy"])
def test_konbini_then_paid_on_the_demo_page_sends_a_signed_notification(pay_app, pay_client, method):
    draft_id, payment, page = to_payment_page(pay_app, pay_client)
    konbini = pay_client.get(choose(pay_client, payment, page, method).headers["Location"])
    issued = pay_client.post(f"{payment.next_url}/konbini", data={"method": method,
                                                                  "csrf_token": csrf_token(konbini.text)})
    number_page = pay_client.get(issued.headers["Location"])
    text = text_of(number_page.text)
    assert "払込番号のお知らせ" in text and "支払期限" in text and RETURN_URL in number_page.text
    awaiting = stored(pay_app, draft_id)
    assert awaiting.status == models.PENDING and awaiting.payment_number and awaiting.submission_id is not None
    assert awaiting.payment_number.split("-")[-1] in text

    admin = pay_client.get("/mock-pay/")
    assert "支払われたことにする" in admin.text and payment.reference in admin.text
    confirmed = pay_client.post(f"/mock-pay/payments/{payment.provider_payment_id}/confirm",
                                data={"csrf_token": csrf_token(admin.text)})
    assert confirmed.headers["Location"] == "/mock-pay/"
    assert "申請サービスに通知しました" in pay_client.get("/mock-pay/").text
    paid = stored(pay_app, draft_id)
    assert paid.status == models.SUCCESS and paid.submission_id == awaiting.submission_id
    with pay_app.app_context(), database().transaction() as session:
        assert len(list(session.scalars(select(Submission)))) == 1
    again = pay_client.post(f"/mock-pay/payments/{payment.provider_payment_id}/confirm",
                            data={"csrf_token": csrf_token(admin.text)})
    assert "支払い待ちではありません" in pay_client.get(again.headers["Location"]).text


def test_the_provider_down_toggle(pay_app, pay_client):
    _draft_id, payment, _page = to_payment_page(pay_app, pay_client)
    admin = pay_client.get("/mock-pay/")
    pay_client.post("/mock-pay/down", data={"down": "on", "csrf_token": csrf_token(admin.text)})
    assert "停止中" in pay_client.get("/mock-pay/").text
    unavailable = pay_client.get(payment.next_url)
    assert unavailable.status_code == 503 and "ただいまご利用いただけません" in unavailable.text
    from formsvc.payments import service
    with pytest.raises(service.PaymentUnavailable):
        start(pay_app, new_draft(pay_app))
    pay_client.post("/mock-pay/down", data={"down": "off", "csrf_token": csrf_token(admin.text)})
    assert pay_client.get(payment.next_url).status_code == 200


def test_undelivered_notifications_are_sent_again_by_the_command(pay_app, pay_client, monkeypatch):
    from formsvc.mock_payments import delivery

    draft_id, payment, page = to_payment_page(pay_app, pay_client)
    monkeypatch.setattr(delivery, "schedule", lambda: None)  # the service was unreachable then
    pay_by_card(pay_client, payment, page, "4111111111111111")
    assert stored(pay_app, draft_id).status == models.STARTED
    result = pay_app.test_cli_runner().invoke(args=["mock-payments", "deliver"])
    assert result.exit_code == 0 and "delivered 1, not accepted 0" in result.output
    assert stored(pay_app, draft_id).status == models.SUCCESS


def test_unknown_payment_pages_are_not_found(pay_app, pay_client):
    assert pay_client.get("/mock-pay/pay/mp_nothing").status_code == 404
    assert pay_client.get("/mock-pay/pay/" + "x" * 300).status_code == 404
