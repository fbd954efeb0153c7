"""Signing in with the (mock) My Number card, as a resident does it, through the test client."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from formsvc.mock_idp.clients import DEMO_CLIENT_ID
from formsvc.submissions.models import Draft
from tests.applicant import csrf_token
from tests.authentication.support import (
    TWELVE_DIGITS,
    b64url,
    log_out,
    logins,
    session_data,
    sign_in_with_card,
    start_login,
)


def test_the_redirect_to_the_provider_asks_for_the_card_with_pkce_state_and_nonce(client, app):
    authorize, query = start_login(client)
    assert authorize.scheme == "http" and authorize.netloc == "localhost"
    assert authorize.path == "/mock-idp/authorize"
    assert query["response_type"] == "code"
    assert query["client_id"] == DEMO_CLIENT_ID
    assert query["redirect_uri"] == "http://localhost/auth/callback"
    assert set(query["scope"].split()) == {"openid", "name", "address", "birthdate", "gender"}
    assert query["acr_values"] == "aal3"
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 22 and len(query["nonce"]) >= 22
    # The challenge is S256 of the verifier kept (signed, server-readable only) in the session.
    pending = session_data(app, client)["oidc"]
    assert pending["state"] == query["state"] and pending["nonce"] == query["nonce"]
    assert 43 <= len(pending["verifier"]) <= 128
    assert query["code_challenge"] == b64url(hashlib.sha256(pending["verifier"].encode()).digest())
    assert pending["verifier"] not in authorize.query
    # Every sign-in gets its own state, nonce and verifier.
    _, again = start_login(client)
    assert again["state"] != query["state"] and again["nonce"] != query["nonce"]
    assert again["code_challenge"] != query["code_challenge"]


def test_a_resident_signs_in_with_the_card_and_sees_their_applications(client, app, db_session):
    client.get("/")  # a visitor first: the browser has a session cookie before signing in
    _, query = start_login(client)
    before = client.get_cookie("session").value

    done = sign_in_with_card(client)
    assert done.status_code == 302 and urlsplit(done.location).path == "/my/"
    page = client.get("/my/")
    assert page.status_code == 200
    assert "申請履歴" in page.text and "山田 太郎 さん" in page.text
    assert not TWELVE_DIGITS.search(page.text)

    [login] = logins(db_session)
    assert login.acr == "aal3"
    assert login.issuer == "http://localhost/mock-idp"
    assert set(login.claims) == {"name", "address", "birthdate", "gender"}
    assert login.claims["name"] == "山田 太郎"
    assert login.claims["address"]["region"] == "埼玉県"
    assert isinstance(login.auth_time, int)
    assert login.ended_at is None
    stored = json.dumps({column.name: str(getattr(login, column.key))
                         for column in login.__table__.columns}, ensure_ascii=False)
    assert not TWELVE_DIGITS.search(stored), "a 12-digit number (個人番号?) was stored"

    # No fixation: a new cookie, holding only a random token (no name, no claims).
    after = client.get_cookie("session").value
    assert after != before
    data = session_data(app, client)
    assert data["login"] == login.token
    assert "oidc" not in data
    assert set(data) <= {"login", "drafts", "_permanent", "csrf_token", "lang"}
    raw = cookie_payload(after)
    for text in ("山田", "太郎", "埼玉", "高砂", login.claims["birthdate"]):
        assert text not in after
        assert text.encode() not in raw
        assert json.dumps(text)[1:-1].encode() not in raw  # nor as JSON \u escapes
        assert text not in json.dumps(data, ensure_ascii=False)
    assert query["state"].encode() not in raw  # the pending sign-in is gone from the session too


def cookie_payload(value: str) -> bytes:
    """The JSON inside Flask's signed cookie (itsdangerous: base64, zlib when it starts with '.')."""
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return zlib.decompress(data) if compressed else data


def test_logging_out_ends_the_sign_in(client, app, db_session):
    sign_in_with_card(client)
    page = client.get("/my/")
    response = log_out(client, page.text)
    assert response.status_code == 200
    assert "ログアウトしました" in response.text
    assert "山田" not in response.text
    [login] = logins(db_session)
    assert login.ended_at is not None
    assert "login" not in session_data(app, client)

    again = client.get("/my/")
    assert again.status_code == 302
    location = urlsplit(again.location)
    assert location.path == "/auth/login" and parse_qs(location.query)["next"] == ["/my/"]
    # The old token does not sign anyone in again, even if a copy of the cookie was kept.
    with client.session_transaction() as cookie_session:
        cookie_session["login"] = login.token
    assert client.get("/my/").status_code == 302


def test_after_signing_in_the_resident_returns_to_where_they_were(client, app, library):
    done = sign_in_with_card(client, next_path="/forms/sample-permit/")
    assert done.status_code == 302 and urlsplit(done.location).path == "/forms/sample-permit/"


def test_a_next_address_off_the_site_is_ignored(client, app, db_session):
    for target in ("https://evil.example/", "//evil.example/my/", "/\\evil.example"):
        done = sign_in_with_card(client, next_path=target)
        assert done.status_code == 302
        assert done.location in ("/my/", "http://localhost/my/"), done.location


def test_each_card_signs_in_as_its_own_stable_subject(client, app, db_session):
    sign_in_with_card(client, "yamada-taro")
    sign_in_with_card(app.test_client(), "sato-hanako")
    sign_in_with_card(app.test_client(), "yamada-taro")
    first, second, third = logins(db_session)
    assert first.subject == third.subject != second.subject
    assert len({first.token, second.token, third.token}) == 3
    assert second.claims["name"] == "佐藤 花子"


def test_a_draft_planted_before_sign_in_gets_a_new_token(client, app, db_session, library):
    """Session fixation: an attacker who put their session (and draft) in the victim's browser
    cannot follow what the victim types after signing in."""
    attacker = app.test_client()
    start = attacker.get("/forms/sample-permit/")
    attacker.post("/forms/sample-permit/start", data={"csrf_token": csrf_token(start.text)})
    planted = attacker.get_cookie("session").value
    client.set_cookie("session", planted)

    sign_in_with_card(client, next_path="/forms/sample-permit/")
    draft = db_session.scalars(select(Draft)).one()
    db_session.refresh(draft)
    assert draft.resident_subject == logins(db_session)[0].subject
    assert session_data(app, client)["drafts"] == {"sample-permit": draft.token}
    assert session_data(app, attacker)["drafts"]["sample-permit"] != draft.token

    page = attacker.get("/forms/sample-permit/pages/eligibility")
    assert "入力の途中の内容が見つかりません" in page.text
    assert client.get("/forms/sample-permit/pages/eligibility").status_code == 200


def test_signing_in_as_someone_else_ends_the_previous_sign_in(client, app, db_session):
    """A shared computer: the next person signs in without signing out first."""
    sign_in_with_card(client, "yamada-taro")
    sign_in_with_card(client, "sato-hanako")
    first, second = logins(db_session)
    assert first.ended_at is not None and second.ended_at is None
    page = client.get("/my/")
    assert "佐藤 花子 さん" in page.text and "山田" not in page.text
    # A copy of the first cookie no longer signs anyone in.
    with client.session_transaction() as cookie_session:
        cookie_session["login"] = first.token
    assert client.get("/my/").status_code == 302


def test_the_language_survives_signing_in(client, app):
    client.get("/language/en")
    sign_in_with_card(client)
    page = client.get("/my/")
    assert "My applications" in page.text and session_data(app, client)["lang"] == "en"
