"""The payment step when something changes while the resident is paying: the office closes a
correction, the 受付期間 ends, the answers change to the same fee in another tab, the sign-in
times out, a コンビニ number expires, a correction lowers the fee to nothing, a purged draft's id
is given to a new one. Driven through the pages and the demo's mock provider, as in
test_payment_step.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import delete, select, update

from formsvc.authentication.models import ResidentLogin
from formsvc.db import database, utcnow
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.mock_payments import delivery
from formsvc.mock_payments import service as mock_service
from formsvc.mock_payments.models import MockPayment
from formsvc.payments import models as payment_models
from formsvc.submissions import status as submission_status
from formsvc.submissions.models import Draft, Submission
from tests.applicant import csrf_token
from tests.conftest import JAPAN_TODAY, hold_clock
from tests.identity import sign_in
from tests.resident.test_payment_step import (
    FORM,
    FORM_ID,
    SUCCEEDS,
    applicant,
    back_to_service,
    check_page,
    choose_konbini,
    count,
    done_page,
    error_summary,
    pay_by_card,
    payments_of,
    press_pay,
    start_paying,
    text_of,
)

# The same procedure, taking applications until today (Japan time), and 0 copies allowed so
# that a correction can bring the fee to nothing.
EDGE_FORM = FORM.replace("retention: {years: 5}\n", f"retention: {{years: 5}}\nvalid_until: {JAPAN_TODAY}\n") \
    .replace("min: 1, max: 5", "min: 0, max: 5")


@pytest.fixture
def app(demo_app):
    with demo_app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(EDGE_FORM, "pay-permit.yaml"), actor="test")
    return demo_app


@pytest.fixture
def client(app):
    return app.test_client()


def paid_application(client, app, subject: str, copies: int = 1) -> str:
    """Signed in, paid by card and sent: the reception number."""
    sign_in(client, app, subject=subject)
    done_page(client, back_to_service(client, pay_by_card(client, start_paying(client, app, copies), SUCCEEDS)))
    with app.app_context(), database().session_factory() as session:
        return session.scalar(select(Submission.reception_number))


def ask_for_correction(app, client, number: str) -> None:
    """Staff ask for a correction; the resident presses 申請内容を修正する (to the check page)."""
    with app.app_context(), database().transaction() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        submission.status = submission_status.CORRECTION_REQUESTED
    mine = client.get(f"/my/applications/{number}")
    started = client.post(f"/my/applications/{number}/correct", data={"csrf_token": csrf_token(mine.text)})
    assert urlparse(started.location).path == f"/forms/{FORM_ID}/check"


def change_copies(client, app, copies: int) -> None:
    changed = applicant(client, app).post(f"/forms/{FORM_ID}/pages/request?return=check", {"copies": str(copies)})
    assert changed.status_code == 302, changed.status_code


def change_name(client, app, family: str) -> None:
    person = applicant(client, app)
    page = next(page for page in person.definition().pages if page.id == "applicant")
    data = person.inputs_for(page, {"name": {"family": family, "given": "花子"}})
    changed = person.post(f"/forms/{FORM_ID}/pages/applicant?return=check", data)
    assert changed.status_code == 302, changed.status_code


def submission_by_number(app, number: str) -> Submission:
    with app.app_context(), database().session_factory() as session:
        found = session.scalar(select(Submission).where(Submission.reception_number == number))
        assert found is not None
        session.expunge(found)
        return found


def events_of(app, number: str) -> list[str]:
    with app.app_context(), database().session_factory() as session:
        found = session.scalar(select(Submission).where(Submission.reception_number == number))
        return [event.kind for event in found.events]


# --- 1. the office closes the correction while the resident pays -------------------------------------

def test_a_correction_closed_while_paying_is_not_sent_and_its_payment_is_refunded(client, app):
    number = paid_application(client, app, "edge-1")
    ask_for_correction(app, client, number)
    change_copies(client, app, 2)  # 600円: paid on the payment step
    pay_path = urlparse(press_pay(client).location).path
    with app.app_context(), database().transaction() as session:  # staff reject it meanwhile
        session.scalar(select(Submission).where(Submission.reception_number == number)).status = \
            submission_status.REJECTED
    back = back_to_service(client, pay_by_card(client, pay_path, SUCCEEDS))
    assert back.status_code == 302 and urlparse(back.location).path == f"/my/applications/{number}"
    page = text_of(client.get(back.location).text)
    assert "修正の受付が終わっていたため、修正した内容は送信されませんでした" in page
    assert "返金します" in page
    first, second = payments_of(app)
    assert second.submission_id is None and second.refund_status == payment_models.REFUNDED
    assert first.refund_status == payment_models.NO_REFUND
    with app.app_context(), database().session_factory() as session:
        draft = session.scalar(select(Draft).where(Draft.correction_of.is_not(None)))
        assert draft.submitted_at is None  # the correction was never sent
    sent = submission_by_number(app, number)
    assert sent.status == submission_status.REJECTED and sent.fee == 300
    # The draft is let go: the return page again does not lead to a confirmation.
    again = client.get(f"/forms/{FORM_ID}/payment/return")
    assert "/done/" not in (again.location or "")


# --- 2. a correction that brings the fee to nothing ---------------------------------------------------

def test_a_correction_to_no_fee_gives_the_earlier_payment_back(client, app):
    number = paid_application(client, app, "edge-2")
    ask_for_correction(app, client, number)
    change_copies(client, app, 0)
    check = check_page(client)
    assert "修正して再提出する" in check.text and "支払いへ進む" not in check.text  # a correction (issue 16)
    sent = client.post(f"/forms/{FORM_ID}/check", data={"csrf_token": csrf_token(check.text)})
    assert sent.status_code == 302 and "/done/" in sent.location
    [payment] = payments_of(app)
    assert payment.refund_status == payment_models.REFUND_DUE and "手数料が変わった" in (payment.refund_reason or "")
    assert submission_by_number(app, number).fee == 0
    assert events_of(app, number)[-2:] == ["resubmitted", "refund_due"]
    shown = text_of(client.get(f"/my/applications/{number}").text)
    assert "返金予定" in shown


# --- 3. the 受付期間 ends while the resident pays -----------------------------------------------------

def test_a_payment_completed_after_the_period_closed_sends_nothing_and_is_refunded(client, app, monkeypatch):
    pay_path = start_paying(client, app)
    hold_clock(monkeypatch, JAPAN_TODAY + timedelta(days=1))  # midnight passes at the provider
    back = back_to_service(client, pay_by_card(client, pay_path, SUCCEEDS))
    assert urlparse(back.location).path == f"/forms/{FORM_ID}/check"
    check = client.get(f"/forms/{FORM_ID}/check")
    page = text_of(check.text)
    assert "受付期間は" in page and "終了したため、送信できません" in page
    assert "お支払いいただいた手数料は返金します。" in page
    # One message: no payment error, no link to a 支払いへ進む that is not there.
    assert "error-summary" not in check.text and 'href="#pay"' not in check.text
    assert "別のカード" not in page and "支払いへ進む" not in page
    assert count(app, Submission) == 0
    [payment] = payments_of(app)
    assert payment.status == payment_models.SUCCESS and payment.refund_status == payment_models.REFUNDED
    assert "受付期間" in (payment.refund_reason or "")


# --- 4. a correction while a コンビニ number is still to be paid ---------------------------------------

def test_a_correction_with_the_same_fee_does_not_ask_again_while_a_konbini_number_is_open(client, app):
    sign_in(client, app, subject="edge-4")
    number_page = client.get(choose_konbini(client, start_paying(client, app)))
    back_link = next(part for part in number_page.text.split('"') if "/payment/return" in part)
    done_page(client, client.get(urlparse(back_link).path))
    with app.app_context(), database().session_factory() as session:
        number = session.scalar(select(Submission.reception_number))
    ask_for_correction(app, client, number)
    change_name(client, app, "佐藤")  # the same fee
    check = check_page(client)
    assert "修正して再提出する" in check.text and "支払いへ進む" not in check.text  # a correction (issue 16)
    sent = client.post(f"/forms/{FORM_ID}/check", data={"csrf_token": csrf_token(check.text)})
    assert "/done/" in sent.location
    [payment] = payments_of(app)
    assert payment.status == payment_models.PENDING and payment.refund_status == payment_models.NO_REFUND
    assert "支払い待ち" in text_of(client.get(f"/my/applications/{number}").text)


# --- 5. a コンビニ number that expired unpaid ----------------------------------------------------------

def test_an_expired_konbini_number_can_be_paid_again_from_my_applications(client, app):
    sign_in(client, app, subject="edge-5")
    number_page = client.get(choose_konbini(client, start_paying(client, app)))
    back_link = next(part for part in number_page.text.split('"') if "/payment/return" in part)
    done_page(client, client.get(urlparse(back_link).path))
    with app.app_context(), database().session_factory() as session:
        number = session.scalar(select(Submission.reception_number))
    # The provider reports that the number expired unpaid (its signed notification).
    with app.app_context():
        with database().transaction() as session:
            expired = session.scalar(select(MockPayment))
            expired.state, expired.failure_code = "failed", "expired"
            mock_service.notify(session, expired, "payment")
        assert delivery.deliver_pending(app) == (1, 0)
    [old] = payments_of(app)
    assert old.status == payment_models.FAILED
    mine = client.get(f"/my/applications/{number}")
    page = text_of(mine.text)
    assert "未払い" in page and "コンビニでのお支払い期限が過ぎたため" in page and "お支払い手続きへ" in page
    paying = client.post(f"/my/applications/{number}/pay", data={"csrf_token": csrf_token(mine.text)})
    assert paying.status_code == 302 and urlparse(paying.location).path.startswith("/mock-pay/pay/")
    paid = pay_by_card(client, urlparse(paying.location).path, SUCCEEDS)
    assert paid.status_code == 302 and urlparse(paid.location).path == f"/my/applications/{number}/payment/return"
    back = client.get(urlparse(paid.location).path)
    assert urlparse(back.location).path == f"/my/applications/{number}"
    shown = text_of(client.get(back.location).text)
    assert "支払い済み（クレジットカード、300円" in shown and "お支払い手続きへ" not in shown
    assert "手数料の支払いを確認しました" in shown
    old, new = payments_of(app)
    assert new.status == payment_models.SUCCESS and new.submission_id == old.submission_id
    assert events_of(app, number).count("payment_received") == 1
    # Someone else's application cannot be paid from here (never say it exists).
    stranger = app.test_client()
    sign_in(stranger, app, subject="edge-5-other")
    their = stranger.get("/my/")
    assert stranger.post(f"/my/applications/{number}/pay",
                         data={"csrf_token": csrf_token(their.text)}).status_code == 404


# --- 6. the sign-in times out at the provider ----------------------------------------------------------

def test_a_sign_in_timed_out_at_the_provider_asks_to_sign_in_again(client, app):
    sign_in(client, app, subject="edge-6")
    pay_path = start_paying(client, app)
    with app.app_context(), database().transaction() as session:
        session.execute(update(ResidentLogin).values(
            last_seen_at=utcnow() - timedelta(minutes=app.config["RESIDENT_IDLE_MINUTES"] + 1)))
    # The provider's pages are another site: this service first hears of the browser on its return.
    paid = pay_by_card(app.test_client(), pay_path, SUCCEEDS)
    back = client.get(urlparse(paid.location).path)
    assert back.status_code == 302
    location = urlparse(back.location)
    assert location.path == "/auth/login"
    query = parse_qs(location.query)
    assert query["next"] == [f"/forms/{FORM_ID}/payment/return"] and query["timed_out"] == ["1"]


# --- 7. a purged draft's id given to a new draft --------------------------------------------------------

def test_a_new_draft_with_a_purged_drafts_id_never_leads_to_the_earlier_application(client, app):
    done_page(client, back_to_service(client, pay_by_card(client, start_paying(client, app), SUCCEEDS)))
    with app.app_context(), database().transaction() as session:
        old_id = session.scalar(select(Draft.id))
        session.execute(delete(Draft))  # purged after its lifetime
    other = app.test_client()
    applicant(other, app).apply()
    with app.app_context(), database().transaction() as session:
        # As SQLite does when the purged draft had the highest id.
        session.execute(update(Draft).values(id=old_id))
    back = other.get(f"/forms/{FORM_ID}/payment/return")
    assert urlparse(back.location).path == f"/forms/{FORM_ID}/check"
    check = check_page(other)
    assert check.status_code == 200 and "支払いへ進む" in check.text
    assert count(app, Submission) == 1


# --- 8. the check page's words, and answers changed to the same fee -------------------------------------

def test_a_refused_csrf_token_names_the_payment_button(client, app):
    applicant(client, app).apply()
    refused = client.post(f"/forms/{FORM_ID}/check", data={"csrf_token": "stale"})
    assert refused.status_code == 400
    assert "もう一度「支払いへ進む」を押してください" in refused.text and "「申請する」" not in refused.text


def test_answers_changed_to_the_same_fee_in_another_tab_are_not_sent_unconfirmed(client, app):
    pay_path = start_paying(client, app)
    change_name(client, app, "佐藤")  # another tab: the same 300円
    # 支払いへ進む again does not continue the payment made for the other answers.
    renewed = urlparse(press_pay(client).location).path
    assert renewed != pay_path
    change_name(client, app, "鈴木")
    back = back_to_service(client, pay_by_card(client, renewed, SUCCEEDS))
    assert urlparse(back.location).path == f"/forms/{FORM_ID}/check"
    assert "申請内容が変わったため" in error_summary(check_page(client).text)
    assert count(app, Submission) == 0
    paid = [p for p in payments_of(app) if p.status == payment_models.SUCCESS]
    assert [p.refund_status for p in paid] == [payment_models.REFUNDED]
    # Confirmed and paid again: sent with the answers shown.
    response = press_pay(client)
    done_page(client, back_to_service(client, pay_by_card(client, urlparse(response.location).path, SUCCEEDS)))
    with app.app_context(), database().session_factory() as session:
        sent = session.scalar(select(Submission))
        assert sent.answers["fields"]["name"]["family"] == "鈴木"

