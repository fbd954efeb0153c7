"""Every refusal: bad authorization requests, bad token requests, PINs, locked and unusable cards."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from formsvc.config import settings_from_environment
from formsvc.db import utcnow
from formsvc.mock_idp.clients import demo_client_secret
from formsvc.mock_idp.models import MockIdpAuthorizationCode, MockIdpCardState
from formsvc.mock_idp.pins import is_locked, reset_test_cards
from tests.conftest import database_of
from tests.mock_idp.conftest import TWO_CLIENTS, make_app
from tests.mock_idp.oidc_support import (
    CALLBACK,
    Login,
    code_for,
    csrf_token,
    demo_secret,
    full_login,
    redirect_base,
    redirect_params,
    submit_card,
    token_request,
)

# --- the authorization request ----------------------------------------------------------------


@pytest.mark.parametrize(("changes", "error"), [
    ({"code_challenge_method": None}, "invalid_request"),
    ({"code_challenge_method": "plain"}, "invalid_request"),
    ({"code_challenge": None}, "invalid_request"),
    ({"code_challenge": "too-short"}, "invalid_request"),
    ({"nonce": None}, "invalid_request"),
    ({"scope": "name address"}, "invalid_scope"),
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"response_type": "code id_token"}, "unsupported_response_type"),
    ({"response_type": None}, "invalid_request"),
    ({"prompt": "none"}, "login_required"),
    ({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported"),
], ids=["no-pkce-method", "plain-pkce", "no-challenge", "bad-challenge", "no-nonce", "no-openid",
        "implicit", "hybrid", "no-response-type", "prompt-none", "request-object"])
def test_bad_requests_are_returned_to_the_verified_redirect_uri(client, changes, error):
    login = Login()
    response = client.get(login.url(**changes))
    assert redirect_base(response) == CALLBACK
    params = redirect_params(response)
    assert params["error"] == error
    assert params["error_description"].isascii()
    assert params["state"] == login.state
    assert params["iss"] == "http://localhost/mock-idp"  # RFC 9207, on errors too
    assert "code" not in params


def test_a_missing_state_is_refused_without_a_state(client):
    params = redirect_params(client.get(Login().url(state=None)))
    assert params["error"] == "invalid_request"
    assert "state" in params["error_description"]
    assert "state" not in params


def test_a_repeated_parameter_is_refused(client):
    login = Login()
    params = redirect_params(client.get(login.url() + "&nonce=second"))
    assert params["error"] == "invalid_request"


@pytest.mark.parametrize("changes", [
    {"client_id": "unknown-client"},
    {"client_id": None},
    {"redirect_uri": "https://attacker.example.com/auth/callback"},
    {"redirect_uri": "http://localhost/auth/callback/../../evil"},
    {"redirect_uri": "http://localhost/auth/callback?next=https://attacker.example.com"},
    {"redirect_uri": "http://localhost/other"},
    {"redirect_uri": None},
], ids=["unknown-client", "no-client", "other-host", "other-path", "query", "wrong-path", "no-redirect-uri"])
def test_an_unverified_client_or_redirect_uri_gets_a_page_never_a_redirect(client, changes):
    response = client.get(Login().url(**changes, response_type="token"))
    assert response.status_code == 400
    assert "Location" not in response.headers
    html = response.get_data(as_text=True)
    assert "本人確認を始められませんでした" in html
    assert 'href="https://attacker' not in html


def test_an_explicit_client_needs_an_exact_redirect_uri(two_client_app):
    client = two_client_app.test_client()
    registered = TWO_CLIENTS["city-portal"]["redirect_uris"][0]
    assert client.get(Login(client_id="city-portal", redirect_uri=registered).url()).status_code == 200
    for near_miss in (registered + "/", registered + "?x=1", registered.replace("https:", "http:"),
                      "http://localhost/auth/callback"):
        response = client.get(Login(client_id="city-portal", redirect_uri=near_miss).url())
        assert response.status_code == 400 and "Location" not in response.headers, near_miss
    # Without MOCK_IDP_CLIENTS' demo client, "formsvc-demo" is unknown.
    assert client.get(Login().url()).status_code == 400


def test_the_demo_client_accepts_the_callback_on_the_request_host(client):
    login = Login(redirect_uri="https://city.example.jp/auth/callback")
    assert client.get(login.url(), base_url="https://city.example.jp").status_code == 200
    assert client.get(login.url(), base_url="https://other.example.jp").status_code == 400


def test_cancel_returns_access_denied_with_the_state(client):
    login = Login()
    response = submit_card(client, login, None, None, action="cancel")
    assert redirect_base(response) == CALLBACK
    params = redirect_params(response)
    assert params["error"] == "access_denied"
    assert params["state"] == login.state
    assert params["iss"] == "http://localhost/mock-idp"
    assert "code" not in params


def test_posting_the_card_step_needs_the_csrf_token(client):
    response = client.post(Login().url(), data={"action": "authenticate", "card": "yamada-taro", "pin": "1234"})
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_missing_card_and_pin_are_shown_in_an_error_summary(client):
    response = submit_card(client, Login(), None, "")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>エラー：" in html
    assert "入力内容にエラーがあります" in html
    assert '<a href="#card-yamada-taro">使用するテスト用カードを選んでください</a>' in html
    assert "＊使用するテスト用カードを選んでください" in html
    assert "＊暗証番号を入力してください" in html
    assert 'aria-invalid="true"' in html

    html = submit_card(client, Login(), "yamada-taro", "12a4").get_data(as_text=True)
    assert "＊暗証番号は数字4桁で入力してください" in html


def test_full_width_digits_are_accepted_as_the_pin(client):
    assert "code" in redirect_params(submit_card(client, Login(), "yamada-taro", "１２３４"))


# --- PINs and unusable cards ------------------------------------------------------------------


def test_three_wrong_pins_lock_the_card_until_the_cards_are_reset(client, app, db_session):
    login = Login()
    first = submit_card(client, login, "yamada-taro", "0000").get_data(as_text=True)
    assert "＊暗証番号が違います。あと2回間違えると、このカードはロックされます" in first
    second = submit_card(client, login, "yamada-taro", "1111").get_data(as_text=True)
    assert "あと1回間違えると" in second
    third = submit_card(client, login, "yamada-taro", "2222").get_data(as_text=True)
    assert "3回続けて間違えたため、このカードはロックされました" in third

    # The lock is in the database (every worker sees it) and holds against the right PIN.
    assert db_session.get(MockIdpCardState, "yamada-taro").failed_pin_attempts == 3
    fourth = submit_card(client, login, "yamada-taro", "1234")
    assert fourth.status_code == 200
    assert "＊このカードは暗証番号を3回続けて間違えたため、ロックされています" in fourth.get_data(as_text=True)
    with app.app_context():
        assert is_locked("yamada-taro")
    # Other cards are not affected.
    assert "code" in redirect_params(submit_card(client, login, "sato-hanako", "1234"))

    # The reset button on the card step unlocks, and brings the resident back to the same request.
    page = client.get(login.url()).get_data(as_text=True)
    assert "ロック中" in page
    reset = client.post("/mock-idp/reset-cards", data={"csrf_token": csrf_token(page), "next": login.url()})
    assert reset.status_code == 303
    assert reset.headers["Location"] == login.url()
    assert "テスト用カードをすべて元に戻しました" in client.get(login.url()).get_data(as_text=True)
    assert "code" in redirect_params(submit_card(client, login, "yamada-taro", "1234"))


def test_a_right_pin_clears_the_wrong_pin_count(client, app, db_session):
    login = Login()
    submit_card(client, login, "yamada-taro", "0000")
    submit_card(client, login, "yamada-taro", "0000")
    assert "code" in redirect_params(submit_card(client, login, "yamada-taro", "1234"))
    assert db_session.get(MockIdpCardState, "yamada-taro").failed_pin_attempts == 0


def test_reset_test_cards_is_a_function_for_tests_too(client, app):
    for _ in range(3):
        submit_card(client, Login(), "sato-hanako", "9999")
    with app.app_context():
        assert is_locked("sato-hanako")
        reset_test_cards()
        assert not is_locked("sato-hanako")


def test_reset_never_redirects_elsewhere(client):
    page = client.get("/mock-idp/").get_data(as_text=True)
    for target in ("https://attacker.example.com/", "//attacker.example.com/", "/mock-idp/authorize\\@x"):
        response = client.post("/mock-idp/reset-cards", data={"csrf_token": csrf_token(page), "next": target})
        assert response.headers["Location"] == "/mock-idp/"


@pytest.mark.parametrize(("card", "message"), [
    ("tanaka-ichiro", "＊このカードの利用者証明用電子証明書は有効期限が切れています"),
    ("ito-misaki", "＊このカードの利用者証明用電子証明書は失効しています"),
])
def test_expired_and_revoked_cards_are_refused_with_a_clear_message(client, db_session, card, message):
    response = submit_card(client, Login(), card, "1234")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert "入力内容にエラーがあります" in html
    assert db_session.scalar(select(MockIdpAuthorizationCode)) is None


# --- the token request ------------------------------------------------------------------------


def test_a_wrong_code_verifier_is_refused(client, app):
    login = Login()
    code = code_for(client, login)
    response = token_request(client, login, code, secret=demo_secret(app), verifier=Login().verifier)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"
    # The code was used up by the failed attempt.
    again = token_request(client, login, code, secret=demo_secret(app))
    assert again.get_json()["error"] == "invalid_grant"


def test_a_code_works_once_and_its_replay_revokes_the_token_it_gave(client, app):
    login = Login()
    code = code_for(client, login)
    first = token_request(client, login, code, secret=demo_secret(app))
    assert first.status_code == 200
    second = token_request(client, login, code, secret=demo_secret(app))
    assert second.status_code == 400
    assert second.get_json()["error"] == "invalid_grant"
    headers = {"Authorization": f"Bearer {first.get_json()['access_token']}"}
    assert client.get("/mock-idp/userinfo", headers=headers).status_code == 401


def test_an_expired_code_is_refused(client, app, db_session):
    login = Login()
    code = code_for(client, login)
    db_session.execute(update(MockIdpAuthorizationCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    db_session.commit()
    response = token_request(client, login, code, secret=demo_secret(app))
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid_grant", "error_description": "the authorization code has expired"}


def test_codes_live_sixty_seconds_and_are_stored_hashed(client, db_session):
    code = code_for(client, Login())
    stored = db_session.scalar(select(MockIdpAuthorizationCode))
    assert code not in (stored.code_hash, stored.code_challenge)
    assert timedelta(seconds=59) <= stored.expires_at - stored.created_at <= timedelta(seconds=60)


def test_a_different_redirect_uri_at_the_token_endpoint_is_refused(client, app):
    login = Login()
    code = code_for(client, login)
    response = token_request(client, login, code, secret=demo_secret(app),
                             redirect_uri="http://localhost/auth/callback2")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


@pytest.mark.parametrize("basic", [True, False], ids=["basic", "post"])
def test_a_wrong_client_secret_is_refused(client, app, basic):
    login = Login()
    code = code_for(client, login)
    response = token_request(client, login, code, secret="wrong-secret", basic=basic)
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    if basic:
        assert response.headers["WWW-Authenticate"] == 'Basic realm="mock-idp"'
    # The right client can still redeem the code: a stranger cannot burn it.
    assert token_request(client, login, code, secret=demo_secret(app)).status_code == 200


def test_the_demo_secret_is_derived_from_the_secret_key_unless_configured(app, database_url, key_instance_dir):
    assert demo_secret(app) == demo_client_secret("test-secret-key")
    assert demo_client_secret("test-secret-key") != demo_client_secret("another-key")
    assert len(demo_secret(app)) == 64
    configured = make_app(database_url, key_instance_dir, OIDC_CLIENT_SECRET="from-the-environment")
    assert demo_secret(configured) == "from-the-environment"
    database_of(configured).engine.dispose()


def test_the_demo_secret_comes_from_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("FORMSVC_OIDC_CLIENT_SECRET", "from-the-environment")
    monkeypatch.setenv("FORMSVC_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = settings_from_environment()
    app = Flask(__name__)
    app.config.from_mapping(settings)
    assert demo_secret(app) == "from-the-environment"


@pytest.mark.parametrize(("data", "status", "error"), [
    ({"grant_type": "authorization_code"}, 401, "invalid_client"),
    ({"grant_type": "refresh_token", "client_id": "formsvc-demo", "client_secret": "{secret}"},
     400, "unsupported_grant_type"),
    ({"client_id": "formsvc-demo", "client_secret": "{secret}"}, 400, "invalid_request"),
    ({"grant_type": "authorization_code", "client_id": "formsvc-demo", "client_secret": "{secret}",
      "code": "x", "redirect_uri": CALLBACK}, 400, "invalid_request"),
    ({"grant_type": "authorization_code", "client_id": "formsvc-demo", "client_secret": "{secret}",
      "code": "not-a-code", "redirect_uri": CALLBACK, "code_verifier": "v" * 43}, 400, "invalid_grant"),
], ids=["no-client", "refresh", "no-grant-type", "no-verifier", "unknown-code"])
def test_malformed_token_requests_get_rfc6749_errors(client, app, data, status, error):
    secret = demo_secret(app)
    response = client.post("/mock-idp/token",
                           data={key: value.format(secret=secret) for key, value in data.items()})
    assert response.status_code == status
    assert response.get_json()["error"] == error
    assert response.headers["Cache-Control"] == "no-store"


def test_a_code_is_bound_to_the_client_it_was_issued_to(two_client_app):
    client = two_client_app.test_client()
    portal = Login(client_id="city-portal", redirect_uri=TWO_CLIENTS["city-portal"]["redirect_uris"][0])
    code = code_for(client, portal)
    library = Login(client_id="library", redirect_uri=portal.redirect_uri, verifier=portal.verifier)
    response = token_request(client, library, code, secret=TWO_CLIENTS["library"]["secret"])
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_grant"
    # The code has leaked to another relying party: it is used up, for its own client too.
    again = token_request(client, portal, code, secret=TWO_CLIENTS["city-portal"]["secret"])
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"


def test_two_client_authentication_methods_at_once_are_refused(client, app):
    login = Login()
    code = code_for(client, login)
    secret = demo_secret(app)
    basic = base64.b64encode(f"formsvc-demo:{secret}".encode()).decode()
    response = client.post("/mock-idp/token", headers={"Authorization": f"Basic {basic}"}, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
        "code_verifier": login.verifier, "client_secret": secret})
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"


def test_the_token_endpoint_needs_no_csrf_token_but_the_flow_still_works_twice(client, app):
    # Two sign-ins in a row with the same card give two different codes and tokens.
    first, _ = full_login(client, app)
    second, _ = full_login(client, app)
    assert first["access_token"] != second["access_token"]


# --- any presentation of a code uses it up -----------------------------------------------------

@pytest.mark.parametrize("mistake", [
    {"redirect_uri": "http://localhost/auth/callback2"},
    {"redirect_uri": "https://localhost/auth/callback"},
    {"redirect_uri": ""},
    {"verifier": ""},
    {"verifier": "x" * 43},
    {"grant_type": "refresh_token"},
], ids=["other-redirect-uri", "https-redirect-uri", "no-redirect-uri", "no-verifier", "wrong-verifier",
        "wrong-grant-type"])
def test_a_refused_token_request_uses_the_code_up(client, app, mistake):
    """Whatever was wrong, the code cannot be presented again (no guessing the verifier or the
    redirect URI one try at a time). Only an unauthenticated caller cannot burn a code."""
    login = Login()
    code = code_for(client, login)
    secret = demo_secret(app)
    first = token_request(client, login, code, secret=secret, **mistake)
    assert first.status_code == 400, first.get_json()
    assert_used_up(token_request(client, login, code, secret=secret))


def assert_used_up(response) -> None:
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid_grant",
                                   "error_description": "the authorization code has already been used"}


def test_a_token_request_with_a_repeated_parameter_uses_the_code_up(client, app):
    login = Login()
    code = code_for(client, login)
    secret = demo_secret(app)
    form = MultiDict([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", CALLBACK),
                      ("code_verifier", login.verifier), ("code_verifier", Login().verifier),
                      ("client_id", "formsvc-demo"), ("client_secret", secret)])
    response = client.post("/mock-idp/token", data=form)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"
    assert_used_up(token_request(client, login, code, secret=secret))


def test_a_replayed_code_revokes_even_after_a_refused_first_presentation(client, app):
    login = Login()
    code = code_for(client, login)
    ok = token_request(client, login, code, secret=demo_secret(app))
    token_request(client, login, code, secret=demo_secret(app), redirect_uri="http://localhost/x")
    headers = {"Authorization": f"Bearer {ok.get_json()['access_token']}"}
    assert client.get("/mock-idp/userinfo", headers=headers).status_code == 401


# --- redirect URIs match exactly --------------------------------------------------------------

DEMO_NEAR_MISSES = [
    "https://localhost/auth/callback", "HTTP://localhost/auth/callback", "Http://localhost/auth/callback",
    "http://localhost:80/auth/callback", "http://localhost:5000/auth/callback", "http://LOCALHOST/auth/callback",
    "http://localhost./auth/callback", "http://localhost/auth/callback/", "http://localhost/Auth/Callback",
    "http://localhost/auth/callback?", "http://localhost/auth/callback#", "http://localhost//auth/callback",
    "http://localhost/auth/%63allback", "http://user@localhost/auth/callback", " http://localhost/auth/callback",
]


@pytest.mark.parametrize("near_miss", DEMO_NEAR_MISSES)
def test_the_demo_client_needs_its_callback_exactly(client, near_miss):
    assert client.get(Login().url()).status_code == 200
    response = client.get(Login(redirect_uri=near_miss).url())
    assert response.status_code == 400 and "Location" not in response.headers
    assert "戻り先（redirect_uri）がこの利用者システムに登録されていません。" in response.get_data(as_text=True)


def test_a_registered_http_redirect_uri_matches_exactly(database_url, key_instance_dir):
    registered = "http://127.0.0.1:8000/oidc/callback"
    app = make_app(database_url, key_instance_dir, MOCK_IDP_CLIENTS={
        "kiosk": {"secret": "kiosk-secret", "redirect_uris": [registered]}})
    client = app.test_client()
    assert client.get(Login(client_id="kiosk", redirect_uri=registered).url()).status_code == 200
    for near_miss in ("https://127.0.0.1:8000/oidc/callback", "http://127.0.0.1:8000/oidc/callback/",
                      "http://127.0.0.1/oidc/callback", "http://127.0.0.1:8000/OIDC/callback",
                      "HTTP://127.0.0.1:8000/oidc/callback"):
        response = client.get(Login(client_id="kiosk", redirect_uri=near_miss).url())
        assert response.status_code == 400 and "Location" not in response.headers, near_miss
    database_of(app).engine.dispose()


@pytest.mark.parametrize("changes", [{"nonce": "ノンス"}, {"state": "line\nbreak"}, {"state": "tab\there"}],
                         ids=["nonce-not-ascii", "state-newline", "state-tab"])
def test_a_state_or_nonce_outside_visible_ascii_is_refused(client, changes):
    """RFC 6749 A.5: state is VSCHAR (%x20-7E); the nonce is held to the same."""
    params = redirect_params(client.get(Login().url(**changes)))
    assert params["error"] == "invalid_request"
    assert "code" not in params and "state" not in params  # a malformed state is not echoed


@pytest.mark.parametrize("changes", [{"nonce": "n\x00nce"}, {"state": "st\x00te"}], ids=["nonce-nul", "state-nul"])
def test_a_nul_in_state_or_nonce_is_refused_before_the_provider(client, changes):
    """A NUL cannot be stored on PostgreSQL: the request guard refuses it before any view runs,
    and nothing is redirected back to the client."""
    response = client.get(Login().url(**changes))
    assert response.status_code == 400 and "Location" not in response.headers
    assert "制御文字" in response.text
