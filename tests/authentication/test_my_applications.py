"""My applications (/my/): the resident's own submissions and drafts, withdrawal, corrections."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from formsvc.submissions.models import Draft, Submission, SubmissionEvent
from formsvc.submissions.reception import display
from tests.applicant import Applicant, csrf_token
from tests.authentication.support import log_out, sign_in_with_card

CARD_FORM_TITLE = "カードで申請する証明書"
OPTIONAL_FORM_TITLE = "カードがあれば便利な証明書"


def submit(client, app, form_id: str, **answers) -> str:
    """Apply from the start page to the confirmation; the reception number."""
    applicant = Applicant(client, app, form_id, answers={"purpose": "年金の手続き", **answers})
    return applicant.submit()


def submission(db_session, number: str) -> Submission:
    db_session.expire_all()
    return db_session.scalars(select(Submission).where(Submission.reception_number == number)).one()


def events(db_session, number: str) -> list[SubmissionEvent]:
    found = submission(db_session, number)
    return list(db_session.scalars(select(SubmissionEvent).where(SubmissionEvent.submission_id == found.id)
                                   .order_by(SubmissionEvent.id)))


def answer_first_page(client, form_id: str) -> None:
    page = client.get(f"/forms/{form_id}/")
    client.post(f"/forms/{form_id}/start", data={"csrf_token": csrf_token(page.text)})
    question = client.get(f"/forms/{form_id}/pages/applicant")
    response = client.post(f"/forms/{form_id}/pages/applicant",
                           data={"csrf_token": csrf_token(question.text), "postal": "3300063"})
    assert urlsplit(response.location).path == f"/forms/{form_id}/pages/request"


def test_my_applications_lists_only_the_residents_own(client, app, db_session, card_form, optional_form,
                                                     plain_form):
    sign_in_with_card(client, "yamada-taro")
    mine = submit(client, app, card_form)
    answer_first_page(client, optional_form)

    other = app.test_client()
    sign_in_with_card(other, "sato-hanako")
    theirs = submit(other, app, card_form)
    anonymous = submit(app.test_client(), app, plain_form, nickname="たろう")

    page = client.get("/my/")
    assert page.status_code == 200
    assert display(mine) in page.text and f"/my/applications/{mine}" in page.text
    assert display(theirs) not in page.text and display(anonymous) not in page.text
    assert "入力途中の申請" in page.text and OPTIONAL_FORM_TITLE in page.text and "続きから入力する" in page.text
    assert "受付" in page.text

    page = other.get("/my/")
    assert display(theirs) in page.text
    assert display(mine) not in page.text and display(anonymous) not in page.text
    assert "入力途中の申請はありません。" in page.text
    assert "佐藤 花子 さん" in page.text and "山田" not in page.text


def test_a_draft_can_be_resumed_after_signing_out_and_in_again(client, app, db_session, card_form):
    """Save and come back later, even in another browser."""
    sign_in_with_card(client)
    answer_first_page(client, card_form)
    draft = db_session.scalars(select(Draft)).one()
    log_out(client, client.get("/my/").text)
    # Signed out, this browser no longer opens it.
    assert "入力の途中の内容が見つかりません" in client.get(f"/forms/{card_form}/pages/request").text

    later = app.test_client()
    sign_in_with_card(later)
    page = later.get("/my/")
    assert CARD_FORM_TITLE in page.text and "続きから入力する" in page.text
    response = later.post(f"/my/drafts/{draft.id}/resume", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert urlsplit(response.location).path == f"/forms/{card_form}/pages/request"
    db_session.refresh(draft)
    assert draft.token != "" and later.get(f"/forms/{card_form}/pages/request").status_code == 200

    question = later.get(f"/forms/{card_form}/pages/request")
    later.post(f"/forms/{card_form}/pages/request",
               data={"csrf_token": csrf_token(question.text), "copies": "3", "purpose": "車の登録"})
    check = later.get(f"/forms/{card_form}/check")
    assert "山田\u3000太郎" in check.text and "〒330-0063" in check.text and "車の登録" in check.text
    done = later.post(f"/forms/{card_form}/check", data={"csrf_token": csrf_token(check.text)})
    assert done.status_code == 302
    stored = db_session.scalars(select(Submission)).one()
    assert stored.answers["fields"]["copies"] == 3
    assert "入力途中の申請はありません。" in later.get("/my/").text


def test_a_resident_withdraws_an_application_after_confirming(client, app, db_session, card_form):
    sign_in_with_card(client)
    number = submit(client, app, card_form)
    page = client.get(f"/my/applications/{number}")
    assert page.status_code == 200
    assert display(number) in page.text and "受付" in page.text and "この申請を取り下げる" in page.text
    assert "山田\u3000太郎" in page.text and "マイナンバーカードで確認済み" in page.text

    confirm = client.get(f"/my/applications/{number}/withdraw")
    assert confirm.status_code == 200 and "を取り下げますか" in confirm.text and "元に戻せません" in confirm.text
    # "いいえ" keeps it.
    response = client.post(f"/my/applications/{number}/withdraw",
                           data={"csrf_token": csrf_token(confirm.text), "confirm": "no"})
    assert response.status_code == 302 and submission(db_session, number).status == "received"
    # Without a CSRF token nothing happens.
    assert client.post(f"/my/applications/{number}/withdraw", data={"confirm": "yes"}).status_code == 400
    assert submission(db_session, number).status == "received"

    response = client.post(f"/my/applications/{number}/withdraw", data={
        "csrf_token": csrf_token(confirm.text), "confirm": "yes", "reason": "窓口で申請しました"})
    assert urlsplit(response.location).path == f"/my/applications/{number}"
    assert submission(db_session, number).status == "withdrawn"
    withdrawn = [e for e in events(db_session, number) if e.kind == "withdrawn"]
    assert len(withdrawn) == 1 and withdrawn[0].actor == "resident" and withdrawn[0].comment == "窓口で申請しました"
    page = client.get(f"/my/applications/{number}")
    assert "取下げ" in page.text and "申請を取り下げました" in page.text
    assert "この申請を取り下げる" not in page.text
    # Withdrawing twice changes nothing.
    client.post(f"/my/applications/{number}/withdraw", data={"csrf_token": csrf_token(confirm.text),
                                                             "confirm": "yes"})
    assert [e.kind for e in events(db_session, number)].count("withdrawn") == 1


def test_a_decided_application_cannot_be_withdrawn(client, app, db_session, card_form):
    sign_in_with_card(client)
    number = submit(client, app, card_form)
    decided = submission(db_session, number)
    decided.status = "approved"
    db_session.commit()

    page = client.get(f"/my/applications/{number}")
    assert "承認" in page.text and "この申請を取り下げる" not in page.text
    response = client.get(f"/my/applications/{number}/withdraw")
    assert response.status_code == 302 and urlsplit(response.location).path == f"/my/applications/{number}"
    response = client.post(f"/my/applications/{number}/withdraw",
                           data={"csrf_token": csrf_token(page.text), "confirm": "yes"})
    assert response.status_code == 302
    assert submission(db_session, number).status == "approved"
    assert "withdrawn" not in [e.kind for e in events(db_session, number)]


def request_correction(db_session, number: str, comment: str) -> None:
    """What the reviewer's 差し戻し will do (the staff queue is not built yet)."""
    found = submission(db_session, number)
    found.status = "correction_requested"
    db_session.add(SubmissionEvent(submission_id=found.id, kind="correction_requested", actor="reviewer",
                                   comment=comment))
    db_session.commit()


def test_a_resident_answers_a_correction_request(client, app, db_session, card_form):
    sign_in_with_card(client)
    number = submit(client, app, card_form, copies=1)
    earlier = submission(db_session, number).answers
    assert earlier["fields"]["copies"] == 1
    request_correction(db_session, number, "通数は2通でお願いします。\n使いみちも具体的に書いてください。")

    listing = client.get("/my/")
    assert "修正をお願いしている申請が1件あります。" in listing.text
    page = client.get(f"/my/applications/{number}")
    assert "修正のお願い" in page.text
    assert "通数は2通でお願いします。\n使いみちも具体的に書いてください。" in page.text
    assert "申請内容を修正する" in page.text

    response = client.post(f"/my/applications/{number}/correct", data={"csrf_token": csrf_token(page.text)})
    assert urlsplit(response.location).path == f"/forms/{card_form}/check"
    check = client.get(f"/forms/{card_form}/check")
    assert check.status_code == 200
    assert "年金の手続き" in check.text and "1通" in check.text and "山田\u3000太郎" in check.text

    change = client.get(f"/forms/{card_form}/pages/request?return=check")
    response = client.post(f"/forms/{card_form}/pages/request", data={
        "csrf_token": csrf_token(change.text), "return": "check", "copies": "2", "purpose": "遺族年金の請求"})
    assert urlsplit(response.location).path == f"/forms/{card_form}/check"
    check = client.get(f"/forms/{card_form}/check")
    assert "2通" in check.text and "遺族年金の請求" in check.text

    # A double click: the second POST carries the cookie from before the first one's answer.
    cookie = client.get_cookie("session").value
    first = client.post(f"/forms/{card_form}/check", data={"csrf_token": csrf_token(check.text)})
    client.set_cookie("session", cookie)
    second = client.post(f"/forms/{card_form}/check", data={"csrf_token": csrf_token(check.text)})
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert urlsplit(first.location).path == f"/forms/{card_form}/done/{number}"
    assert client.get(first.location).status_code == 200

    corrected = submission(db_session, number)
    assert corrected.status == "received"
    assert corrected.answers["fields"]["copies"] == 2
    assert corrected.answers["fields"]["purpose"] == "遺族年金の請求"
    assert set(corrected.answers["verified"]) == set(earlier["verified"])  # the card's answers stay verified
    kinds = [e.kind for e in events(db_session, number)]
    assert kinds == ["submitted", "correction_requested", "resubmitted"]
    resubmitted = events(db_session, number)[-1]
    assert resubmitted.actor == "resident"
    assert resubmitted.data["previous"]["answers"] == earlier
    assert db_session.scalars(select(Submission)).all() == [corrected]  # stored once, no new submission

    page = client.get(f"/my/applications/{number}")
    assert "修正した申請を受け付けました" in page.text and "申請内容を修正する" not in page.text
    # Answered: the correction cannot be started again.
    response = client.post(f"/my/applications/{number}/correct", data={"csrf_token": csrf_token(page.text)})
    assert urlsplit(response.location).path == f"/my/applications/{number}"


def test_a_correction_withdrawn_meanwhile_is_not_resubmitted(client, app, db_session, card_form):
    sign_in_with_card(client)
    number = submit(client, app, card_form)
    request_correction(db_session, number, "添付をお願いします。")
    page = client.get(f"/my/applications/{number}")
    client.post(f"/my/applications/{number}/correct", data={"csrf_token": csrf_token(page.text)})
    check = client.get(f"/forms/{card_form}/check")
    # Withdrawn from another tab before the correction is sent.
    withdrawn = submission(db_session, number)
    withdrawn.status = "withdrawn"
    db_session.commit()
    response = client.post(f"/forms/{card_form}/check", data={"csrf_token": csrf_token(check.text)})
    assert response.status_code == 302
    assert urlsplit(response.location).path == f"/my/applications/{number}"
    assert submission(db_session, number).status == "withdrawn"
    assert "resubmitted" not in [e.kind for e in events(db_session, number)]


def test_starting_a_correction_twice_leaves_one_correction_in_progress(client, app, db_session, card_form):
    sign_in_with_card(client)
    number = submit(client, app, card_form)
    request_correction(db_session, number, "<script>alert(1)</script>通数を確認してください。")
    page = client.get(f"/my/applications/{number}")
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    for _ in range(2):  # e.g. back, then the button again
        client.post(f"/my/applications/{number}/correct", data={"csrf_token": csrf_token(page.text)})
    listing = client.get("/my/")
    assert listing.text.count("続きから入力する</button>") + listing.text.count("続きから入力する<span") <= 1
    corrections = db_session.scalars(select(Draft).where(Draft.correction_of.is_not(None))).all()
    assert len(corrections) == 1


def test_a_withdrawn_application_leaves_no_correction_in_progress(client, app, db_session, card_form):
    sign_in_with_card(client)
    number = submit(client, app, card_form)
    request_correction(db_session, number, "通数を確認してください。")
    page = client.get(f"/my/applications/{number}")
    client.post(f"/my/applications/{number}/correct", data={"csrf_token": csrf_token(page.text)})
    confirm = client.get(f"/my/applications/{number}/withdraw")
    client.post(f"/my/applications/{number}/withdraw", data={"csrf_token": csrf_token(confirm.text),
                                                             "confirm": "yes"})
    assert submission(db_session, number).status == "withdrawn"
    assert "入力途中の申請はありません。" in client.get("/my/").text


def test_a_form_sent_after_signing_out_returns_to_its_page_after_signing_in(client, app):
    """The sign-in would otherwise return to a POST-only address, which a link cannot repeat."""
    page = client.get("/staff/login")  # a page with this session's CSRF token
    sent = client.post("/my/drafts/1/resume", data={"csrf_token": csrf_token(page.text)},
                       headers={"Referer": "http://localhost/my/?tab=drafts"})
    assert sent.status_code == 302
    assert urlsplit(sent.location).path == "/auth/login"
    assert parse_qs(urlsplit(sent.location).query)["next"] == ["/my/?tab=drafts"]
    elsewhere = client.post("/my/drafts/1/resume", data={"csrf_token": csrf_token(page.text)},
                            headers={"Referer": "https://evil.example/my/"})
    assert urlsplit(elsewhere.location).path == "/auth/login" and "next" not in elsewhere.location
