"""What each procedure's `authentication` (required, optional, none) offers on its start page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from formsvc.submissions.models import Draft
from tests.applicant import csrf_token
from tests.authentication.support import LOGIN_BUTTON, VERIFIED, logins, sign_in_with_card

START_BUTTON = "申請を始める"
WITHOUT_LOGIN = "ログインせずに申請を始める"


def start_form_action(form_id: str) -> str:
    return f'action="/forms/{form_id}/start"'


def test_required_offers_only_the_card(client, app, db_session, card_form, plain_form):
    page = client.get(f"/forms/{card_form}/")
    assert page.status_code == 200
    assert LOGIN_BUTTON in page.text
    assert "この手続きには、マイナンバーカードでのログインが必要です。" in page.text
    assert START_BUTTON not in page.text and start_form_action(card_form) not in page.text
    assert f'href="/auth/login?next=/forms/{card_form}/"' in page.text

    # Starting anyway (an old tab, a crafted POST) leads to the sign-in, not to the questions.
    token = csrf_token(client.get(f"/forms/{plain_form}/").text)
    response = client.post(f"/forms/{card_form}/start", data={"csrf_token": token})
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/auth/login" and parse_qs(location.query)["next"] == [f"/forms/{card_form}/"]
    assert db_session.scalars(select(Draft)).all() == []
    # Its pages without a draft do not open either.
    assert "入力の途中の内容が見つかりません" in client.get(f"/forms/{card_form}/pages/applicant").text

    # After signing in the resident comes back and can start.
    done = sign_in_with_card(client, next_path=f"/forms/{card_form}/")
    assert urlsplit(done.location).path == f"/forms/{card_form}/"
    page = client.get(f"/forms/{card_form}/")
    assert "山田 太郎 さん" in page.text
    assert LOGIN_BUTTON not in page.text and WITHOUT_LOGIN not in page.text
    assert START_BUTTON in page.text
    response = client.post(f"/forms/{card_form}/start", data={"csrf_token": csrf_token(page.text)})
    assert urlsplit(response.location).path == f"/forms/{card_form}/pages/applicant"
    draft = db_session.scalars(select(Draft)).one()
    assert draft.resident_subject == logins(db_session)[0].subject
    assert draft.answers["identity"]["acr"] == "aal3"


def test_optional_offers_both(client, app, db_session, optional_form):
    page = client.get(f"/forms/{optional_form}/")
    assert LOGIN_BUTTON in page.text and WITHOUT_LOGIN in page.text
    assert "マイナンバーカードでログインすると、氏名・住所・生年月日などが入力され" in page.text

    # Without the card: nothing is filled in, nothing is verified.
    response = client.post(f"/forms/{optional_form}/start", data={"csrf_token": csrf_token(page.text)})
    assert urlsplit(response.location).path == f"/forms/{optional_form}/pages/applicant"
    question = client.get(f"/forms/{optional_form}/pages/applicant")
    assert VERIFIED not in question.text and 'name="name-family"' in question.text
    draft = db_session.scalars(select(Draft)).one()
    assert draft.resident_subject is None and draft.answers["fields"] == {}


def test_optional_sign_in_part_way_fills_what_is_not_answered_yet(client, app, db_session, optional_form):
    """Started without the card, then signed in: the draft becomes theirs and the remaining
    questions are filled from the card; a name typed before stays typed (not verified)."""
    page = client.get(f"/forms/{optional_form}/")
    client.post(f"/forms/{optional_form}/start", data={"csrf_token": csrf_token(page.text)})
    draft = db_session.scalars(select(Draft)).one()
    old_token = draft.token
    draft.answers = {**draft.answers, "fields": {"name": {"family": "山田", "given": "たろう"}}}
    db_session.commit()

    done = sign_in_with_card(client, next_path=f"/forms/{optional_form}/pages/applicant")
    assert urlsplit(done.location).path == f"/forms/{optional_form}/pages/applicant"
    question = client.get(f"/forms/{optional_form}/pages/applicant")
    assert question.status_code == 200
    assert 'value="たろう"' in question.text  # typed before signing in: still editable
    assert "埼玉県さいたま市浦和区高砂3-15-1" in question.text and VERIFIED in question.text
    db_session.refresh(draft)
    assert draft.token != old_token
    assert draft.resident_subject == logins(db_session)[0].subject
    assert draft.answers["fields"]["name"] == {"family": "山田", "given": "たろう"}
    assert "name" not in draft.answers["verified"]
    assert set(draft.answers["verified"]) == {"postal", "home", "birth", "gender"}


def test_none_offers_no_sign_in(client, app, plain_form):
    page = client.get(f"/forms/{plain_form}/")
    assert LOGIN_BUTTON not in page.text and WITHOUT_LOGIN not in page.text
    # The procedure offers none; the site header's own ログイン (for 申請履歴) is not the procedure's.
    assert "/auth/login" not in page.text.split('id="main"', 1)[1]
    assert START_BUTTON in page.text and start_form_action(plain_form) in page.text
    assert "不要です" in page.text
