"""One resident never reaches another's applications or drafts, whatever ids or tokens they try."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from formsvc.submissions.models import Draft, Submission
from formsvc.submissions.reception import new_reception_number
from tests import identity
from tests.applicant import csrf_token
from tests.authentication.support import logins, session_data, sign_in_with_card
from tests.authentication.test_my_applications import (
    answer_first_page,
    events,
    request_correction,
    submission,
    submit,
)

NOT_FOUND = "ページが見つかりません"
A_PERSONAL = ("山田", "太郎", "高砂", "3300063", "330-0063", "年金の手続き")


@pytest.fixture
def resident_a(client, app, db_session, card_form, optional_form):
    """Yamada: one application waiting for a correction, and a draft of another procedure."""
    sign_in_with_card(client, "yamada-taro")
    number = submit(client, app, card_form)
    request_correction(db_session, number, "通数を確認してください。")
    answer_first_page(client, optional_form)
    draft = db_session.scalars(select(Draft).where(Draft.form_id == optional_form)).one()
    return {"number": number, "draft_id": draft.id, "draft_token": draft.token, "form": optional_form,
            "subject": logins(db_session)[0].subject}


@pytest.fixture
def resident_b(app):
    other = app.test_client()
    sign_in_with_card(other, "sato-hanako")
    return other


def without_timed_parts(html: str) -> str:
    """The page without what changes with the second it was made: the CSRF tokens (the form
    input's and the head's meta tag, signed with a timestamp) and the seconds left in the session."""
    return re.sub(r'name="csrf_token" value="[^"]+"|name="csrf-token" content="[^"]+"|data-session-seconds="\d+"',
                  "", html)


def assert_nothing_of_a(html: str) -> None:
    for text in A_PERSONAL:
        assert text not in html


def test_another_resident_gets_404_for_each_page_of_an_application(app, db_session, resident_a, resident_b):
    number = resident_a["number"]
    token = csrf_token(resident_b.get("/my/").text)
    for response in (
        resident_b.get(f"/my/applications/{number}"),
        resident_b.get(f"/my/applications/{number}/withdraw"),
        resident_b.post(f"/my/applications/{number}/withdraw", data={"csrf_token": token, "confirm": "yes"}),
        resident_b.post(f"/my/applications/{number}/correct", data={"csrf_token": token}),
    ):
        assert response.status_code == 404
        assert NOT_FOUND in response.text
        assert_nothing_of_a(response.text)
    assert submission(db_session, number).status == "correction_requested"
    assert [e.kind for e in events(db_session, number)] == ["submitted", "correction_requested"]
    assert db_session.scalars(select(Draft).where(Draft.correction_of.is_not(None))).all() == []


def test_an_existing_number_and_a_made_up_one_look_the_same(app, resident_a, resident_b):
    """Nothing tells another resident that a reception number exists."""
    theirs = resident_b.get(f"/my/applications/{resident_a['number']}")
    other_number = new_reception_number()
    made_up = resident_b.get(f"/my/applications/{other_number}")
    assert theirs.status_code == made_up.status_code == 404
    # The same page, but for the number in the URL (the language switch links back to it).
    assert without_timed_parts(theirs.text).replace(resident_a["number"], "N") == \
        without_timed_parts(made_up.text).replace(other_number, "N")


def test_another_resident_cannot_resume_a_draft_by_its_id(app, db_session, resident_a, resident_b):
    token = csrf_token(resident_b.get("/my/").text)
    draft_id = resident_a["draft_id"]
    for candidate in (draft_id, draft_id - 1, draft_id + 1, 0, 99999999):
        response = resident_b.post(f"/my/drafts/{candidate}/resume", data={"csrf_token": token})
        assert response.status_code == 404, candidate
        assert_nothing_of_a(response.text)
    db_session.expire_all()
    draft = db_session.get(Draft, draft_id)
    assert draft.token == resident_a["draft_token"]  # not re-keyed into B's session
    assert resident_a["form"] not in session_data(app, resident_b).get("drafts", {})


def test_a_draft_token_planted_in_another_residents_session_opens_nothing(app, db_session, resident_a,
                                                                          resident_b):
    form = resident_a["form"]
    with resident_b.session_transaction() as cookie_session:
        cookie_session["drafts"] = {form: resident_a["draft_token"]}
    for path in (f"/forms/{form}/pages/applicant", f"/forms/{form}/pages/request", f"/forms/{form}/check"):
        page = resident_b.get(path)
        assert page.status_code == 200, path
        assert "入力の途中の内容が見つかりません" in page.text
        assert_nothing_of_a(page.text)
    start = resident_b.get(f"/forms/{form}/")
    assert "途中まで入力した申請があります。" not in start.text
    # Posting answers with it changes nothing of A's.
    resident_b.post(f"/forms/{form}/pages/request",
                    data={"csrf_token": csrf_token(start.text), "copies": "5", "purpose": "いたずら"})
    # "Resume" from the start page starts B's own draft instead.
    resident_b.post(f"/forms/{form}/start", data={"csrf_token": csrf_token(start.text), "resume": "1"})
    db_session.expire_all()
    a_draft = db_session.get(Draft, resident_a["draft_id"])
    assert a_draft.token == resident_a["draft_token"] and a_draft.resident_subject == resident_a["subject"]
    assert "copies" not in a_draft.answers["fields"]
    b_draft = db_session.scalars(select(Draft).where(Draft.form_id == form, Draft.id != a_draft.id)).one()
    assert b_draft.resident_subject != resident_a["subject"]
    assert b_draft.answers["fields"]["name"] == {"family": "佐藤", "given": "花子"}


def test_a_draft_token_planted_before_signing_in_is_dropped(app, db_session, resident_a):
    form = resident_a["form"]
    browser = app.test_client()
    browser.get("/")
    with browser.session_transaction() as cookie_session:
        cookie_session["drafts"] = {form: resident_a["draft_token"]}
    sign_in_with_card(browser, "sato-hanako")
    assert session_data(app, browser)["drafts"] == {}
    db_session.expire_all()
    assert db_session.get(Draft, resident_a["draft_id"]).token == resident_a["draft_token"]
    assert "入力の途中の内容が見つかりません" in browser.get(f"/forms/{form}/pages/applicant").text


def test_the_same_subject_at_another_provider_is_someone_else(app, db_session, resident_a):
    """Subjects are only unique per issuer."""
    impostor = app.test_client()
    identity.sign_in(impostor, app, subject=resident_a["subject"], issuer="https://other-idp.example.test")
    response = impostor.get(f"/my/applications/{resident_a['number']}")
    assert response.status_code == 404
    page = impostor.get("/my/")
    assert "入力途中の申請はありません。" in page.text and "送信した申請はありません。" in page.text
    response = impostor.post(f"/my/drafts/{resident_a['draft_id']}/resume",
                             data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(app, db_session, resident_a):
    visitor = app.test_client()
    for path in ("/my/", f"/my/applications/{resident_a['number']}",
                 f"/my/applications/{resident_a['number']}/withdraw"):
        response = visitor.get(path)
        assert response.status_code == 302 and "/auth/login" in response.location, path
    token = csrf_token(visitor.get(f"/forms/{resident_a['form']}/").text)
    response = visitor.post(f"/my/drafts/{resident_a['draft_id']}/resume", data={"csrf_token": token})
    assert response.status_code == 302 and "/auth/login" in response.location
    assert db_session.scalars(select(Submission)).one().status == "correction_requested"
