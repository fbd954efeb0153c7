"""Withdrawing an application: a confirmation page saying what is withdrawn, 「申請を取り下げる」 and
「取り下げない」, then 「申請を取り下げました」; refused with a clear message once decided."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from formsvc.db import database
from formsvc.submissions.models import SubmissionEvent
from formsvc.submissions.reception import display
from tests.applicant import csrf_token
from tests.identity import sign_in
from tests.resident.my_support import TITLE, applicant, event_kinds, publish_card_form, set_status, stored


def sent(client, app) -> str:
    return applicant(client, app, publish_card_form(app)).submit()


def test_the_confirmation_page_says_what_is_withdrawn_and_offers_two_clear_buttons(app, client):
    number = sent(client, app)
    page = client.get(f"/my/applications/{number}")
    assert f'href="/my/applications/{number}/withdraw"' in page.text

    confirm = client.get(f"/my/applications/{number}/withdraw")
    assert confirm.status_code == 200
    assert "この申請を取り下げますか" in confirm.text
    assert TITLE in confirm.text and display(number) in confirm.text
    assert "元に戻せません" in confirm.text
    assert 'class="button button--warning"' in confirm.text and "申請を取り下げる</button>" in confirm.text
    assert f'href="/my/applications/{number}">取り下げない</a>' in confirm.text
    assert 'type="radio"' not in confirm.text  # no pre-selected いいえ any more

    # 取り下げない is a link back: nothing changes.
    assert client.get(f"/my/applications/{number}").status_code == 200
    assert stored(app, number).status == "received"

    # Control characters are refused outright (formsvc's hostile-input guard): nothing withdrawn.
    for hostile in ("窓口で\x00申請しました", "窓口で\x1b申請しました\x07"):
        refused = client.post(f"/my/applications/{number}/withdraw", data={
            "csrf_token": csrf_token(confirm.text), "confirm": "yes", "reason": hostile})
        assert refused.status_code == 400 and stored(app, number).status == "received"

    response = client.post(f"/my/applications/{number}/withdraw", data={
        "csrf_token": csrf_token(confirm.text), "confirm": "yes", "reason": "  窓口で申請しました\n"})
    assert urlsplit(response.location).path == f"/my/applications/{number}"
    assert stored(app, number).status == "withdrawn"
    with app.app_context(), database().transaction() as session:
        comment = session.scalar(select(SubmissionEvent.comment).where(SubmissionEvent.kind == "withdrawn"))
    assert comment == "窓口で申請しました"

    page = client.get(f"/my/applications/{number}")
    assert 'notice notice--success' in page.text and "申請を取り下げました。" in page.text
    assert "この申請を取り下げる" not in page.text
    # The success message is said once.
    assert "notice--success" not in client.get(f"/my/applications/{number}").text
    # Back to the confirmation page (history): it says so rather than offering it again.
    again = client.get(f"/my/applications/{number}/withdraw")
    assert urlsplit(again.location).path == f"/my/applications/{number}"
    assert "この申請は取り下げ済みです。" in client.get(f"/my/applications/{number}").text


def test_a_huge_reason_is_cut_and_a_missing_confirmation_withdraws_nothing(app, client):
    number = sent(client, app)
    confirm = client.get(f"/my/applications/{number}/withdraw")
    # A POST without the confirmation (an old form, a forged request) changes nothing.
    response = client.post(f"/my/applications/{number}/withdraw", data={"csrf_token": csrf_token(confirm.text)})
    assert response.status_code == 302 and stored(app, number).status == "received"
    assert client.post(f"/my/applications/{number}/withdraw", data={"confirm": "yes"}).status_code == 400
    assert stored(app, number).status == "received"

    client.post(f"/my/applications/{number}/withdraw", data={
        "csrf_token": csrf_token(confirm.text), "confirm": "yes", "reason": "あ" * 100_000})
    with app.app_context(), database().transaction() as session:
        comment = session.scalar(select(SubmissionEvent.comment).where(SubmissionEvent.kind == "withdrawn"))
    assert comment == "あ" * 1000


def test_a_decided_application_is_not_withdrawn_and_the_resident_is_told_why(app, client):
    number = sent(client, app)
    confirm = client.get(f"/my/applications/{number}/withdraw")
    set_status(app, number, "approved")  # decided while the confirmation page was open

    response = client.post(f"/my/applications/{number}/withdraw",
                           data={"csrf_token": csrf_token(confirm.text), "confirm": "yes"})
    assert urlsplit(response.location).path == f"/my/applications/{number}"
    assert stored(app, number).status == "approved" and "withdrawn" not in event_kinds(app, number)
    page = client.get(f"/my/applications/{number}")
    assert "この申請は、審査が進んでいるため取り下げられません。" in page.text
    assert "この申請を取り下げる" not in page.text

    response = client.get(f"/my/applications/{number}/withdraw")
    assert urlsplit(response.location).path == f"/my/applications/{number}"


def test_forged_numbers_and_other_residents_get_not_found(app, client):
    number = sent(client, app)
    other = app.test_client()
    sign_in(other, app, subject="resident-2")
    token = csrf_token(other.get("/my/").text)
    for forged in (number, number.lower(), "ZZZZZZZZ", "X" * 5000, "%00", "1%0a2", "../" + number):
        assert other.get(f"/my/applications/{forged}/withdraw").status_code == 404, forged
        assert other.post(f"/my/applications/{forged}/withdraw",
                          data={"csrf_token": token, "confirm": "yes"}).status_code == 404, forged
    assert stored(app, number).status == "received"
