"""The resident pays the fee online, then the application is sent (公金収納).

Every test drives the pages as a person does: the check page's 「支払いへ進む」, the demo's mock
provider pages (/mock-pay: card numbers that succeed, decline, ask for 3-D Secure or time out,
コンビニ/Pay-easy numbers) and back to the return page, which asks the provider rather than
believing the redirect. The mock's notifications (webhooks) reach the service at the end of the
mock's own requests, as a real provider's would arrive on their own.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, select

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.mock_payments.models import MockPayment
from formsvc.payments import models as payment_models
from formsvc.payments.models import Payment
from formsvc.staff.models import StaffUser
from formsvc.submissions import status as submission_status
from formsvc.submissions.models import Draft, Submission
from tests.applicant import Applicant, csrf_token
from tests.identity import sign_in
from tests.staff.support import staff_client

FORM_ID = "pay-permit"
FORM = """\
id: pay-permit
title: {ja: 見本の証明書, en: Sample certificate}
description: {ja: テスト用の手続きです。, en: A procedure for tests.}
department: {name: {ja: 市民課, en: Citizens Division}, contact: {phone: 03-1234-5678}}
authentication: optional
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 審査の後、郵送します。, en: We will post the certificate.}
retention: {years: 5}
fee:
  amount: {multiply: [{field: copies}, 300]}
  description: {ja: 1通300円, en: 300 yen per copy}
pages:
  - id: applicant
    title: {ja: 申請者, en: Applicant}
    fields:
      - {type: name, id: name, label: {ja: 氏名, en: Name}}
  - id: request
    title: {ja: 請求内容, en: Your request}
    fields:
      - {type: number, id: copies, label: {ja: 通数, en: Copies}, min: 1, max: 5, unit: {ja: 通, en: " copies"}}
"""

SUCCEEDS, DECLINED, THREE_D_SECURE, TIMES_OUT = (
    "4111111111111111", "4000000000000002", "4000000000003220", "4000000000000119")
THREE_D_SECURE_CODE = "123456"
CARD_FAILED = "カードでのお支払いができませんでした。"
TRY_ANOTHER_CARD = "別のカードでもう一度お試しください"


@pytest.fixture
def app(demo_app):
    """Demo mode: the mock payment provider is mounted at /mock-pay and configured."""
    with demo_app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(FORM, "pay-permit.yaml"), actor="test")
    return demo_app


@pytest.fixture
def client(app):
    return app.test_client()


def applicant(client, app, copies: int = 1) -> Applicant:
    return Applicant(client, app, FORM_ID, answers={"copies": copies, "name": {"family": "山田", "given": "花子"}})


def count(app, model, *where) -> int:
    with app.app_context(), database().session_factory() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def payments_of(app) -> list[Payment]:
    with app.app_context(), database().session_factory() as session:
        return list(session.scalars(select(Payment).order_by(Payment.id)))


def check_page(client):
    return client.get(f"/forms/{FORM_ID}/check")


def press_pay(client, data: dict | None = None):
    """「支払いへ進む」 on the check page (as shown now): the provider's page (a path), or the response."""
    page = check_page(client)
    assert page.status_code == 200, page.status_code
    return client.post(f"/forms/{FORM_ID}/check", data={"csrf_token": csrf_token(page.text), **(data or {})})


def start_paying(client, app, copies: int = 1) -> str:
    """Answer every page, then 支払いへ進む: the provider's page where the resident pays."""
    person = applicant(client, app, copies)
    check = person.apply()
    assert "支払いへ進む" in check.text
    response = press_pay(client)
    assert response.status_code == 302, response.status_code
    assert urlparse(response.location).path.startswith("/mock-pay/pay/mp_"), response.location
    return urlparse(response.location).path


def in_review(app, number: str):
    """A reviewer's client, the application assigned to them and in review."""
    reviewer = staff_client(app, "shinsa", "reviewer")
    with app.app_context(), database().transaction() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        submission.status = submission_status.IN_REVIEW
        submission.assignee_id = session.scalar(select(StaffUser.id).where(StaffUser.username == "shinsa"))
    return reviewer


def approve(reviewer, number: str):
    """「承認」 on the staff detail page, as the reviewer presses it."""
    page = reviewer.get(f"/staff/submissions/{number}")
    assert page.status_code == 200, page.status_code
    lock = re.search(r'name="lock_version" value="(\d+)"', page.text)
    assert lock, "the detail page carries the lock version"
    return reviewer.post(f"/staff/submissions/{number}/moves/approve",
                         data={"csrf_token": csrf_token(page.text), "lock_version": lock.group(1), "comment": ""})


def status_of(app, number: str) -> str:
    with app.app_context(), database().session_factory() as session:
        return session.scalar(select(Submission.status).where(Submission.reception_number == number))


# --- the mock provider's pages, as the payer uses them -----------------------------------------------

def provider_post(client, page_path: str, data: dict, form_path: str | None = None):
    page = client.get(page_path)
    assert page.status_code == 200, (page_path, page.status_code)
    return client.post(form_path or page_path, data={"csrf_token": csrf_token(page.text), **data})


def pay_by_card(client, pay_path: str, number: str):
    """Choose クレジットカード and enter a test card: the mock's response (back to the service,
    or on to its 3-D Secure page)."""
    chosen = provider_post(client, pay_path, {"method": "card"})
    assert chosen.status_code == 302, chosen.status_code
    card_path = urlparse(chosen.location).path
    return provider_post(client, card_path, {"number": number, "expiry": "12/39", "cvc": "123",
                                             "name": "HANAKO YAMADA"})


def answer_challenge(client, response, code: str):
    assert response.status_code == 302 and urlparse(response.location).path.endswith("/3ds"), response.location
    return provider_post(client, urlparse(response.location).path, {"code": code})


def back_to_service(client, response):
    """Follow the provider's redirect back to our return page; the return page's response."""
    assert response.status_code == 302, response.status_code
    target = urlparse(response.location)
    assert target.path == f"/forms/{FORM_ID}/payment/return", response.location
    return client.get(target.path + (f"?{target.query}" if target.query else ""))


def choose_konbini(client, pay_path: str, method: str = "konbini") -> str:
    chosen = provider_post(client, pay_path, {"method": method})
    assert chosen.status_code == 302, chosen.status_code
    target = urlparse(chosen.location)
    konbini = f"{target.path}?{target.query}"
    numbered = provider_post(client, konbini, {"method": method}, form_path=konbini)
    assert numbered.status_code == 302, numbered.status_code
    return urlparse(numbered.location).path


def done_page(client, response):
    assert response.status_code == 302, response.status_code
    path = urlparse(response.location).path
    assert re.fullmatch(rf"/forms/{FORM_ID}/done/[2-9A-HJ-NP-Z]{{8}}", path), response.location
    page = client.get(path)
    assert page.status_code == 200
    return page


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def error_summary(html: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', html, flags=re.S)
    assert found, "the page has no error summary"
    return text_of(found.group(0))


# --- the check page ----------------------------------------------------------------------------------

def test_the_check_page_asks_to_pay_the_fee_instead_of_submitting(client, app):
    check = applicant(client, app, copies=2).apply()
    assert check.status_code == 200
    page = text_of(check.text)
    assert "支払いへ進む" in page and "同意して申請する" not in page
    assert "600円" in page
    assert "お支払いが済むと、申請が送信されます" in page
    assert "上記の内容に相違ありません。" in page  # the declaration still applies
    english = client.get(f"/language/en?next=/forms/{FORM_ID}/check", follow_redirects=True)
    assert "Continue to payment" in english.text and "600 yen" in english.text


def test_without_a_payment_provider_the_application_is_sent_as_before(database_url, tmp_path):
    """A municipality without a provider (production, no FORMSVC_PAYMENT_PROVIDER): nothing to
    pay online, the fee is paid as the procedure says."""
    from formsvc import create_app
    from tests.conftest import database_of, empty_all_tables

    plain = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
                        "INSTANCE_DIR": str(tmp_path), "FORMSVC_DEMO": False, "MOCK_IDP_ENABLED": None})
    try:
        with plain.app_context(), database().transaction() as session:
            publish_loaded(session, load_text(FORM, "pay-permit.yaml"), actor="test")
        person = applicant(plain.test_client(), plain)
        check = person.apply()
        assert "同意して申請する" in check.text and "支払いへ進む" not in check.text
        number = person.submit()
        assert count(plain, Submission, Submission.reception_number == number) == 1
        assert count(plain, Payment) == 0
        # Sent without a payment step: staff decide it, the fee is collected as the procedure says.
        reviewer = in_review(plain, number)
        assert approve(reviewer, number).status_code == 302
        assert status_of(plain, number) == submission_status.APPROVED
    finally:
        empty_all_tables(plain)
        database_of(plain).engine.dispose()


# --- card ----------------------------------------------------------------------------------------------

def test_a_card_payment_sends_the_application_and_the_done_page_shows_it(client, app):
    pay_path = start_paying(client, app)
    assert count(app, Submission) == 0  # nothing is sent before the payment
    done = done_page(client, back_to_service(client, pay_by_card(client, pay_path, SUCCEEDS)))
    page = text_of(done.text)
    assert "申請を受け付けました" in page
    [payment] = payments_of(app)
    assert payment.status == payment_models.SUCCESS and payment.amount == 300 and payment.submission_id
    assert f"支払い済み（クレジットカード、300円、決済番号 {payment.reference}）" in page
    with app.app_context(), database().session_factory() as session:
        submission = session.get_one(Submission, payment.submission_id)
        assert submission.fee == 300 and submission.status == submission_status.RECEIVED
        assert "payment_received" in [event.kind for event in submission.events]
    # The check page of the sent application now leads to its confirmation, never to a second payment.
    again = check_page(client)
    assert "支払いへ進む" not in again.text and count(app, Payment) == 1


@pytest.mark.parametrize("card, detail", [
    (DECLINED, "カード会社がお支払いを承認しませんでした。"),
    (TIMES_OUT, "決済の処理が時間内に終わりませんでした。"),
])
def test_a_refused_card_comes_back_to_the_check_page_and_another_card_pays(client, app, card, detail):
    pay_path = start_paying(client, app)
    back = back_to_service(client, pay_by_card(client, pay_path, card))
    assert back.status_code == 302 and urlparse(back.location).path == f"/forms/{FORM_ID}/check"
    check = check_page(client)
    summary = error_summary(check.text)
    assert CARD_FAILED in summary and detail in summary and TRY_ANOTHER_CARD in summary
    assert "<title>エラー：" in check.text
    assert "山田" in check.text and "支払いへ進む" in check.text  # the answers are kept
    assert count(app, Submission) == 0
    # Shown once: a reload is the plain check page again.
    assert "error-summary" not in check_page(client).text

    retry = press_pay(client)
    assert urlparse(retry.location).path != pay_path  # a new attempt: the failed one is finished
    done_page(client, back_to_service(client, pay_by_card(client, urlparse(retry.location).path, SUCCEEDS)))
    statuses = [payment.status for payment in payments_of(app)]
    assert statuses == [payment_models.FAILED if card == DECLINED else payment_models.ERROR,
                        payment_models.SUCCESS]
    assert count(app, Submission) == 1


def test_3d_secure_with_the_right_code_pays(client, app):
    pay_path = start_paying(client, app)
    challenge = pay_by_card(client, pay_path, THREE_D_SECURE)
    page = client.get(urlparse(challenge.location).path)
    assert "本人認証" in page.text
    done_page(client, back_to_service(client, answer_challenge(client, challenge, THREE_D_SECURE_CODE)))
    assert count(app, Submission) == 1


def test_3d_secure_with_a_wrong_code_fails_and_says_so(client, app):
    pay_path = start_paying(client, app)
    back = back_to_service(client, answer_challenge(client, pay_by_card(client, pay_path, THREE_D_SECURE), "999999"))
    assert urlparse(back.location).path == f"/forms/{FORM_ID}/check"
    summary = error_summary(check_page(client).text)
    assert "本人認証（3-Dセキュア）が完了しませんでした。" in summary and TRY_ANOTHER_CARD in summary
    assert count(app, Submission) == 0


def test_cancelling_at_the_provider_comes_back_unsent(client, app):
    pay_path = start_paying(client, app)
    cancelled = provider_post(client, pay_path, {}, form_path=f"{pay_path}/cancel")
    back = back_to_service(client, cancelled)
    assert urlparse(back.location).path == f"/forms/{FORM_ID}/check"
    assert "お支払いが取り消されたため、申請はまだ送信されていません" in error_summary(check_page(client).text)
    assert count(app, Submission) == 0


# --- コンビニ / Pay-easy --------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["konbini", "payeasy"])
def test_a_konbini_number_sends_the_application_and_the_notification_confirms_the_payment(client, app, method):
    pay_path = start_paying(client, app)
    number_path = choose_konbini(client, pay_path, method)
    number_page = client.get(number_path)
    back_link = re.search(r'href="([^"]*/payment/return[^"]*)"', number_page.text)
    assert back_link, "the provider's number page links back to the service"
    done = done_page(client, client.get(urlparse(back_link.group(1)).path))
    page = text_of(done.text)
    [payment] = payments_of(app)
    assert payment.status == payment_models.PENDING and payment.payment_number
    shown_number = payment.payment_number
    assert "支払い待ち" in page and "払込番号" in page and shown_number in page and "支払期限" in page
    assert "期限までにお支払いください。お支払いが確認できてから審査を始めます。" in page
    assert count(app, Submission) == 1

    # The money arrives: the demo's 「支払われたことにする」, then the provider's signed notification.
    admin = client.get("/mock-pay/")
    with app.app_context(), database().session_factory() as session:
        mock_id = session.scalar(select(MockPayment.id))
    confirmed = client.post(f"/mock-pay/payments/{mock_id}/confirm", data={"csrf_token": csrf_token(admin.text)})
    assert confirmed.status_code == 302
    [payment] = payments_of(app)
    assert payment.status == payment_models.SUCCESS and payment.submission_id is not None
    again = text_of(client.get(urlparse(done.request.url).path).text)
    label = "コンビニ払い" if method == "konbini" else "Pay-easy（ペイジー）"
    assert f"支払い済み（{label}、300円、決済番号 {payment.reference}）" in again
    assert "期限までにお支払いください" not in again


def test_an_application_sent_awaiting_a_konbini_payment_is_approved_only_once_paid(client, app):
    """Sent through the payment step, the fee must be paid before the decision: 承認 waits for
    the コンビニ money, then is allowed, and the history says when the money came."""
    number_page = client.get(choose_konbini(client, start_paying(client, app)))
    back_link = re.search(r'href="([^"]*/payment/return[^"]*)"', number_page.text)
    assert back_link
    done_page(client, client.get(urlparse(back_link.group(1)).path))
    with app.app_context(), database().session_factory() as session:
        number = session.scalar(select(Submission.reception_number))
    reviewer = in_review(app, number)
    refused = approve(reviewer, number)
    assert refused.status_code in (400, 409) and "手数料の支払いが確認できていないため、承認できません" in refused.text
    assert "支払い待ち" in refused.text and status_of(app, number) == submission_status.IN_REVIEW

    admin = client.get("/mock-pay/")
    with app.app_context(), database().session_factory() as session:
        mock_id = session.scalar(select(MockPayment.id))
    assert client.post(f"/mock-pay/payments/{mock_id}/confirm",
                       data={"csrf_token": csrf_token(admin.text)}).status_code == 302
    assert approve(reviewer, number).status_code == 302
    assert status_of(app, number) == submission_status.APPROVED
    with app.app_context(), database().session_factory() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        assert submission.payment_required
        assert [event.kind for event in submission.events][:3] == ["submitted", "payment_awaiting", "payment_received"]


# --- back, twice, and starting again -------------------------------------------------------------------

def test_back_from_the_provider_offers_to_continue_or_start_again(client, app):
    pay_path = start_paying(client, app)
    client.get(pay_path)  # on the provider's page; the resident presses 戻る
    check = check_page(client)
    page = text_of(check.text)
    assert "お支払いの途中です" in page and "最初からやり直す" in page
    assert f'href="{pay_path}"' in check.text  # お支払いを続ける
    # 支払いへ進む again continues the same payment (no second one).
    assert urlparse(press_pay(client).location).path == pay_path
    assert count(app, Payment) == 1
    # 最初からやり直す: a new payment; the old one is cancelled at the provider too.
    restarted = press_pay(client, {"payment": "restart"})
    new_path = urlparse(restarted.location).path
    assert new_path != pay_path
    old, new = payments_of(app)
    assert old.status == payment_models.CANCELLED and new.status == payment_models.STARTED
    with app.app_context(), database().session_factory() as session:
        assert session.get_one(MockPayment, old.provider_payment_id).state == "cancelled"
    # The old page can no longer take money.
    old_page = client.get(pay_path)
    assert "このお支払いは終了しています" in old_page.text
    refused = client.post(f"{pay_path}/card", data={"csrf_token": csrf_token(check_page(client).text),
                                                    "number": SUCCEEDS, "expiry": "12/39", "cvc": "123",
                                                    "name": "HANAKO YAMADA"})
    assert refused.status_code == 409
    assert payments_of(app)[0].status == payment_models.CANCELLED
    done_page(client, back_to_service(client, pay_by_card(client, new_path, SUCCEEDS)))
    assert count(app, Submission) == 1


def test_the_return_page_while_the_payment_is_open_shows_the_check_page(client, app):
    pay_path = start_paying(client, app)
    back = client.get(f"/forms/{FORM_ID}/payment/return")
    assert urlparse(back.location).path == f"/forms/{FORM_ID}/check"
    assert "お支払いの途中です" in check_page(client).text
    assert count(app, Submission) == 0 and pay_path


def test_pressing_pay_twice_makes_one_payment_and_one_submission(client, app):
    applicant(client, app).apply()
    page = check_page(client)
    token = csrf_token(page.text)
    first = client.post(f"/forms/{FORM_ID}/check", data={"csrf_token": token})
    second = client.post(f"/forms/{FORM_ID}/check", data={"csrf_token": token})
    assert first.location == second.location
    assert count(app, Payment) == 1
    paid = pay_by_card(client, urlparse(first.location).path, SUCCEEDS)
    done = done_page(client, back_to_service(client, paid))
    # The return page again (reload, or the 戻る button): the same confirmation, nothing new.
    assert done_page(client, client.get(f"/forms/{FORM_ID}/payment/return")).request.path == done.request.path
    # And the check page's button again: the same confirmation, no new payment.
    again = client.post(f"/forms/{FORM_ID}/check", data={"csrf_token": token})
    assert "/mock-pay/" not in (again.location or "")
    assert count(app, Payment) == 1 and count(app, Submission) == 1


# --- the provider down -----------------------------------------------------------------------------------

def test_the_provider_down_when_paying_keeps_everything(client, app):
    applicant(client, app).apply()
    app.config["MOCK_PAYMENTS_DOWN"] = True
    try:
        refused = press_pay(client)
        assert urlparse(refused.location).path == f"/forms/{FORM_ID}/check"
        check = check_page(client)
        assert "ただいまお支払いの手続きを利用できません。入力した内容は保存されています。" in error_summary(check.text)
        assert "山田" in check.text
        assert count(app, Submission) == 0
    finally:
        app.config["MOCK_PAYMENTS_DOWN"] = False
    response = press_pay(client)
    done_page(client, back_to_service(client, pay_by_card(client, urlparse(response.location).path, SUCCEEDS)))
    assert count(app, Submission) == 1


def test_the_provider_down_on_return_says_so_and_loses_nothing(client, app):
    pay_path = start_paying(client, app)
    app.config["MOCK_PAYMENTS_DOWN"] = True
    try:
        back = client.get(f"/forms/{FORM_ID}/payment/return")
        assert urlparse(back.location).path == f"/forms/{FORM_ID}/check"
        assert "ただいまお支払いの手続きを利用できません" in error_summary(check_page(client).text)
    finally:
        app.config["MOCK_PAYMENTS_DOWN"] = False
    assert count(app, Submission) == 0
    done_page(client, back_to_service(client, pay_by_card(client, pay_path, SUCCEEDS)))


# --- forged returns and changed answers ------------------------------------------------------------------

def test_a_forged_return_naming_another_drafts_payment_applies_nothing(app):
    ours, theirs = app.test_client(), app.test_client()
    start_paying(ours, app)
    their_path = start_paying(theirs, app)
    _, their_payment = payments_of(app)
    # They pay; the notification sends their application.
    pay_by_card(theirs, their_path, SUCCEEDS)
    assert count(app, Submission) == 1
    for forged in (their_payment.reference, their_payment.provider_payment_id, str(their_payment.id)):
        back = ours.get(f"/forms/{FORM_ID}/payment/return", query_string={"payment": forged})
        assert urlparse(back.location).path == f"/forms/{FORM_ID}/check"  # ours is still unpaid
    assert count(app, Submission) == 1
    with app.app_context(), database().session_factory() as session:
        mine = session.scalars(select(Draft).order_by(Draft.id)).first()
        assert mine.submitted_at is None
    # A browser with no application at all learns nothing about theirs.
    stranger = app.test_client().get(f"/forms/{FORM_ID}/payment/return",
                                     query_string={"payment": their_payment.reference})
    assert stranger.status_code == 200 and "お支払いの後の申請が見つかりません" in stranger.text
    with app.app_context(), database().session_factory() as session:
        their_number = session.scalar(select(Submission.reception_number))
    assert their_number not in stranger.text and "支払い済み" not in stranger.text


def test_answers_changed_after_paying_started_are_not_sent_on_the_old_payment(client, app):
    pay_path = start_paying(client, app, copies=1)
    # In another tab, the resident changes 通数 to 2 (600円) while the provider's page is open.
    changed = applicant(client, app).post(f"/forms/{FORM_ID}/pages/request?return=check", {"copies": "2"})
    assert changed.status_code == 302
    assert "600円" in check_page(client).text
    # They pay the old page (300円): the payment is not applied; belonging to no application, it
    # is given back by the system at once.
    back = back_to_service(client, pay_by_card(client, pay_path, SUCCEEDS))
    assert urlparse(back.location).path == f"/forms/{FORM_ID}/check"
    assert count(app, Submission) == 0
    [old] = payments_of(app)
    assert old.status == payment_models.SUCCESS and old.refund_status == payment_models.REFUNDED
    with app.app_context(), database().session_factory() as session:
        assert session.get_one(MockPayment, old.provider_payment_id).refunded_amount == 300
    check = check_page(client)
    assert "申請内容が変わったため" in error_summary(check.text) and "600円" in check.text
    # Paying the fee of the answers as they are now sends the application.
    response = press_pay(client)
    done = done_page(client, back_to_service(client, pay_by_card(client, urlparse(response.location).path,
                                                                 SUCCEEDS)))
    assert "600円" in done.text
    old, new = payments_of(app)
    assert new.amount == 600 and new.submission_id is not None and old.submission_id is None
    with app.app_context(), database().session_factory() as session:
        assert session.get_one(Submission, new.submission_id).fee == 600


# --- recovered and shown in My applications -------------------------------------------------------------

def test_a_paid_application_whose_browser_never_came_back_is_in_my_applications(client, app):
    sign_in(client, app, subject="payer-1")
    pay_path = start_paying(client, app)
    # Paid, then the browser is gone before the return page (closed, cookie lost): the
    # provider's notification sends the application anyway.
    pay_by_card(app.test_client(), pay_path, SUCCEEDS)
    [payment] = payments_of(app)
    assert payment.submission_id is not None
    with app.app_context(), database().session_factory() as session:
        number = session.get_one(Submission, payment.submission_id).reception_number
    later = app.test_client()
    sign_in(later, app, subject="payer-1")
    listing = later.get("/my/")
    assert number[:4] in listing.text
    detail = text_of(later.get(f"/my/applications/{number}").text)
    assert f"支払い済み（クレジットカード、300円、決済番号 {payment.reference}）" in detail
    # The return page in a browser that lost its session explains, and offers My applications.
    lost = app.test_client().get(f"/forms/{FORM_ID}/payment/return")
    assert lost.status_code == 200 and "申請履歴を見る" in lost.text


def test_a_correction_of_a_paid_application_is_not_paid_again(client, app):
    sign_in(client, app, subject="payer-2")
    done_page(client, back_to_service(client, pay_by_card(client, start_paying(client, app), SUCCEEDS)))
    [payment] = payments_of(app)
    with app.app_context(), database().transaction() as session:
        submission = session.get_one(Submission, payment.submission_id)
        submission.status = submission_status.CORRECTION_REQUESTED
        number = submission.reception_number
    mine = client.get(f"/my/applications/{number}")
    started = client.post(f"/my/applications/{number}/correct", data={"csrf_token": csrf_token(mine.text)})
    assert urlparse(started.location).path == f"/forms/{FORM_ID}/check"
    check = check_page(client)
    # A correction is resubmitted (issue 16): the button says so, and nothing is paid again.
    assert "修正して再提出する" in check.text and "支払いへ進む" not in check.text
    sent = client.post(f"/forms/{FORM_ID}/check", data={"csrf_token": csrf_token(check.text)})
    assert sent.status_code == 302 and "/done/" in sent.location
    assert count(app, Payment) == 1
    with app.app_context(), database().session_factory() as session:
        assert session.get_one(Submission, payment.submission_id).status == submission_status.RECEIVED


def test_a_correction_that_changes_the_fee_is_paid_anew_and_the_first_fee_is_refunded(client, app):
    sign_in(client, app, subject="payer-3")
    done_page(client, back_to_service(client, pay_by_card(client, start_paying(client, app, copies=1), SUCCEEDS)))
    [first] = payments_of(app)
    with app.app_context(), database().transaction() as session:
        submission = session.get_one(Submission, first.submission_id)
        submission.status = submission_status.CORRECTION_REQUESTED
        number = submission.reception_number
    mine = client.get(f"/my/applications/{number}")
    client.post(f"/my/applications/{number}/correct", data={"csrf_token": csrf_token(mine.text)})
    # The corrected answers ask for 2 copies: 600円, paid in full on the payment step.
    changed = applicant(client, app).post(f"/forms/{FORM_ID}/pages/request?return=check", {"copies": "2"})
    assert changed.status_code == 302
    check = check_page(client)
    assert "支払いへ進む" in check.text and "600円" in check.text
    paying = press_pay(client)
    done_page(client, back_to_service(client, pay_by_card(client, urlparse(paying.location).path, SUCCEEDS)))
    first, second = payments_of(app)
    assert second.amount == 600 and second.submission_id == first.submission_id
    assert second.status == payment_models.SUCCESS and second.refund_status == payment_models.NO_REFUND
    # The 300円 paid for the answers as they were is to be given back, in the same transaction.
    assert first.refund_status == payment_models.REFUND_DUE and "手数料が変わり" in (first.refund_reason or "")
    with app.app_context(), database().session_factory() as session:
        submission = session.get_one(Submission, first.submission_id)
        assert submission.fee == 600 and submission.payment_required
        assert [event.kind for event in submission.events][-2:] == ["payment_received", "refund_due"]
    shown = text_of(client.get(f"/my/applications/{number}").text)
    assert "支払い済み" in shown and "600円" in shown


def test_the_return_page_and_the_notification_at_the_same_moment_send_it_once(client, app, monkeypatch):
    from formsvc.mock_payments import delivery
    from formsvc.payments import service as payment_service
    from formsvc.submissions.models import SubmissionEvent

    pay_path = start_paying(client, app)
    # The mock's notification is held back while the card is paid ...
    monkeypatch.setattr(delivery, "schedule", lambda: None)
    paid = pay_by_card(client, pay_path, SUCCEEDS)
    monkeypatch.undo()
    real_refresh = payment_service.refresh

    def notified_meanwhile(session, payment):
        # ... and arrives while the return page is asking the provider (before it commits).
        found = real_refresh(session, payment)
        with app.app_context():
            assert delivery.deliver_pending(app) == (1, 0)
        return found

    monkeypatch.setattr(payment_service, "refresh", notified_meanwhile)
    done = done_page(client, back_to_service(client, paid))
    assert "支払い済み" in text_of(done.text)
    assert count(app, Submission) == 1
    [payment] = payments_of(app)
    assert payment.status == payment_models.SUCCESS and payment.submission_id is not None
    assert count(app, SubmissionEvent, SubmissionEvent.kind == "payment_received") == 1
