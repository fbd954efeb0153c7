"""Every way a sign-in can go wrong ends on a clear page (never a 500) with nobody signed in."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from sqlalchemy import select

from formsvc.authentication import provider as provider_module
from formsvc.authentication import views as auth_views
from formsvc.mock_idp.models import MockIdpAccessToken
from tests.authentication.support import (
    CANCELLED,
    REFUSED,
    card_step,
    logins,
    session_data,
    sign_in_with_card,
    start_login,
)
from tests.mock_idp.conftest import make_app

PERSONAL = ("山田", "太郎", "ヤマダ", "埼玉", "さいたま", "高砂", "330-0063")


def assert_refused(response, client, app, db_session, status: int = 400, text: str = REFUSED):
    """The resident sees what happened, and nobody is signed in."""
    assert response.status_code == status, response.text[:2000]
    assert text in response.text
    assert "もう一度ログインする" in response.text or text == CANCELLED
    assert logins(db_session) == []
    assert "login" not in session_data(app, client)
    my = client.get("/my/")
    assert my.status_code == 302 and urlsplit(my.location).path == "/auth/login"


def with_params(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    query = {key: value for key, value in query.items() if value is not None}
    return f"{parts.path}?{urlencode(query)}"


def tamper_pending(client, **changes) -> dict:
    """Change what the session remembers about the sign-in in progress (None removes a key)."""
    with client.session_transaction() as cookie_session:
        pending = dict(cookie_session["oidc"])
        original = dict(pending)
        for key, value in changes.items():
            if value is None:
                pending.pop(key, None)
            else:
                pending[key] = value
        cookie_session["oidc"] = pending
    return original


# --- state -------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", ["wrong-state-value-123456", "", None, "あいうえお", "x" * 5000],
                         ids=["wrong", "empty", "missing", "not-ascii", "huge"])
def test_a_callback_with_a_wrong_or_missing_state_is_refused(client, app, db_session, state):
    callback = card_step(client)
    response = client.get(with_params(callback, state=state))
    assert_refused(response, client, app, db_session)
    assert "別の画面から始められた" in response.text


def test_a_callback_without_a_sign_in_in_progress_is_refused(client, app, db_session):
    """A callback URL opened in another browser (login CSRF): the state is not theirs."""
    callback = card_step(client)
    other = app.test_client()
    assert_refused(other.get(callback), other, app, db_session)
    assert_refused(other.get("/auth/callback"), other, app, db_session)


def test_the_state_is_used_once(client, app, db_session):
    callback = card_step(client)
    client.get(with_params(callback, state="wrong"))
    # The sign-in in progress was dropped by the wrong attempt: the right URL no longer works.
    assert_refused(client.get(callback), client, app, db_session)


# --- the provider's answers --------------------------------------------------------------------

def test_cancelling_at_the_card_step_says_so(client, app, db_session):
    callback = card_step(client, action="cancel", next_path="/forms/x/")
    assert parse_qs(urlsplit(callback).query)["error"] == ["access_denied"]
    response = client.get(callback)
    assert_refused(response, client, app, db_session, status=200, text=CANCELLED)
    assert REFUSED not in response.text
    assert 'href="/forms/x/"' in response.text  # 前の画面に戻る


@pytest.mark.parametrize("error", ["server_error", "invalid_request", "login_required", "temporarily_unavailable"])
def test_an_error_from_the_provider_is_refused(client, app, db_session, error):
    callback = card_step(client)
    response = client.get(with_params(callback, code=None, error=error, error_description="x"))
    assert_refused(response, client, app, db_session)


def test_a_callback_without_a_code_is_refused(client, app, db_session):
    callback = card_step(client)
    assert_refused(client.get(with_params(callback, code=None)), client, app, db_session)


def test_a_made_up_code_is_refused(client, app, db_session):
    callback = card_step(client)
    assert_refused(client.get(with_params(callback, code="made-up-code")), client, app, db_session)


def test_a_token_below_the_requested_assurance_level_is_refused(client, app, db_session):
    """The mock asserts aal3; a relying party that requires more refuses it."""
    callback = card_step(client)
    with app.test_request_context():
        provider_module.provider().settings.acr_values = "aal4"
    assert_refused(client.get(callback), client, app, db_session)


# --- PKCE ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("verifier", ["A" * 64, "", None], ids=["wrong", "empty", "missing"])
def test_a_wrong_or_missing_pkce_verifier_is_refused(client, app, db_session, verifier):
    callback = card_step(client)
    tamper_pending(client, verifier=verifier)
    assert_refused(client.get(callback), client, app, db_session)


@pytest.mark.parametrize("key", ["state", "nonce"])
def test_a_sign_in_in_progress_missing_its_state_or_nonce_is_refused(client, app, db_session, key):
    callback = card_step(client)
    tamper_pending(client, **{key: None})
    assert_refused(client.get(callback), client, app, db_session)


def test_a_sign_in_in_progress_that_is_not_a_mapping_is_refused(client, app, db_session):
    callback = card_step(client)
    with client.session_transaction() as cookie_session:
        cookie_session["oidc"] = "not-a-dict"
    assert_refused(client.get(callback), client, app, db_session)


# --- the code --------------------------------------------------------------------------------------

def test_a_code_is_used_once(client, app, db_session):
    callback = card_step(client)
    with client.session_transaction() as cookie_session:
        pending = dict(cookie_session["oidc"])
    assert client.get(callback).status_code == 302
    [login] = logins(db_session)

    # Replayed in another browser: its session has no sign-in in progress.
    thief = app.test_client()
    assert thief.get(callback).status_code == 400
    # Replayed with the sign-in in progress copied too: the provider refuses the used code.
    with thief.session_transaction() as cookie_session:
        cookie_session["oidc"] = pending
    response = thief.get(callback)
    assert response.status_code == 400 and REFUSED in response.text
    assert "login" not in session_data(app, thief)
    assert [row.id for row in logins(db_session)] == [login.id]
    # The provider revoked the access token issued for the replayed code (RFC 6749 4.1.2).
    db_session.expire_all()
    assert db_session.scalars(select(MockIdpAccessToken)).one().revoked_at is not None


def test_an_expired_code_is_refused(client, app, db_session):
    app.config["MOCK_IDP_CODE_LIFETIME_SECONDS"] = 0
    callback = card_step(client)
    assert_refused(client.get(callback), client, app, db_session)


# --- the redirect URI ------------------------------------------------------------------------------

def test_a_foreign_redirect_uri_is_never_redirected_to(client, app, db_session):
    authorize, query = start_login(client)
    query["redirect_uri"] = "https://evil.example/auth/callback"
    response = client.get(f"{authorize.path}?{urlencode(query)}")
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "戻り先（redirect_uri）" in response.text
    assert logins(db_session) == []


def test_a_token_request_with_another_redirect_uri_is_refused(client, app, db_session, monkeypatch):
    callback = card_step(client)
    monkeypatch.setattr(auth_views, "_callback_url", lambda: "http://localhost/auth/callback?other=1")
    assert_refused(client.get(callback), client, app, db_session)


# --- the ID token -------------------------------------------------------------------------------

def test_an_id_token_for_another_sign_in_is_refused_without_personal_data_in_the_log(
        client, app, db_session, caplog):
    """A nonce that does not match (an ID token injected from another sign-in)."""
    callback = card_step(client)
    tamper_pending(client, nonce="nonce-of-another-sign-in")
    with caplog.at_level(logging.DEBUG):
        response = client.get(callback)
    assert_refused(response, client, app, db_session)
    assert "sign-in refused: token (nonce)" in caplog.text
    for text in PERSONAL:
        assert text not in caplog.text
    code = parse_qs(urlsplit(callback).query)["code"][0]
    assert code not in caplog.text


def test_a_successful_sign_in_logs_no_personal_data(client, app, db_session, caplog):
    with caplog.at_level(logging.DEBUG):
        sign_in_with_card(client)
        client.get("/my/")
    assert "resident signed in" in caplog.text
    for text in PERSONAL:
        assert text not in caplog.text


# --- the provider itself ---------------------------------------------------------------------------

def test_an_unreachable_provider_gives_a_clear_page(database_url, key_instance_dir, db_session):
    app = make_app(database_url, key_instance_dir, MOCK_IDP_ENABLED=False,
                   OIDC_ISSUER="http://127.0.0.1:9/idp", OIDC_CLIENT_ID="formsvc", OIDC_CLIENT_SECRET="s")
    client = app.test_client()
    response = client.get("/auth/login")
    assert response.status_code == 400
    assert REFUSED in response.text and "時間をおいて" in response.text


def test_no_provider_configured_gives_a_clear_page(database_url, key_instance_dir):
    app = make_app(database_url, key_instance_dir, MOCK_IDP_ENABLED=False, FORMSVC_DEMO=False)
    response = app.test_client().get("/auth/login")
    assert response.status_code == 400 and REFUSED in response.text


def test_without_a_configured_provider_the_embedded_one_is_used(database_url, key_instance_dir):
    """The mock is one embedded provider (formsvc.authentication.provider.EmbeddedProvider); the
    sign-in goes wherever the one registered says."""
    app = make_app(database_url, key_instance_dir, MOCK_IDP_ENABLED=False, FORMSVC_DEMO=False)

    class Unreachable:
        def settings(self) -> provider_module.ProviderSettings:
            return provider_module.ProviderSettings("http://127.0.0.1:9/embedded", "formsvc", "s")

    provider_module.register_embedded(app, Unreachable())
    response = app.test_client().get("/auth/login")
    assert response.status_code == 400 and REFUSED in response.text and "時間をおいて" in response.text


def broken_token_endpoint(monkeypatch, app, answer: httpx.Response):
    """The provider's discovery and keys as they are, its token endpoint answering ``answer``."""
    wsgi = httpx.WSGITransport(app=app)

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return answer
        return wsgi.handle_request(request)

    monkeypatch.setattr(provider_module.Provider, "client",
                        lambda self: httpx.Client(transport=httpx.MockTransport(handle)))


@pytest.mark.parametrize("answer", [
    httpx.Response(200, text="<html>maintenance</html>"),
    httpx.Response(200, json=["not", "an", "object"]),
    httpx.Response(200, json={"access_token": "a"}),
    httpx.Response(502, text="Bad gateway"),
    httpx.Response(400, json={"error": "invalid_grant"}),
], ids=["html", "json-list", "no-id-token", "bad-gateway", "invalid-grant"])
def test_a_broken_token_response_gives_a_clear_page(client, app, db_session, monkeypatch, answer):
    callback = card_step(client)
    broken_token_endpoint(monkeypatch, app, answer)
    assert_refused(client.get(callback), client, app, db_session)


def test_discovery_without_endpoints_gives_a_clear_page(client, app, monkeypatch):
    monkeypatch.setattr(provider_module.Provider, "client", lambda self: httpx.Client(
        transport=httpx.MockTransport(lambda request: httpx.Response(
            200, json={"issuer": "http://localhost/mock-idp"}))))
    response = client.get("/auth/login")
    assert response.status_code == 400 and REFUSED in response.text


# --- the iss parameter of the authorization response (RFC 9207) ---------------------------------

ADVERTISED = "authorization_response_iss_parameter_supported"


def provider_not_advertising_iss(monkeypatch) -> None:
    """The provider's discovery document without authorization_response_iss_parameter_supported."""
    metadata = provider_module.Provider.metadata
    monkeypatch.setattr(provider_module.Provider, "metadata", lambda self: {
        key: value for key, value in metadata(self).items() if key != ADVERTISED})


def test_the_mock_advertises_and_sends_iss(client, app):
    discovery = client.get("/mock-idp/.well-known/openid-configuration").get_json()
    assert discovery[ADVERTISED] is True
    assert parse_qs(urlsplit(card_step(client)).query)["iss"] == ["http://localhost/mock-idp"]


@pytest.mark.parametrize("iss", [None, "", "https://evil.example/mock-idp", "http://localhost/mock-idp/",
                                 "http://localhost"],
                         ids=["missing", "empty", "another-provider", "trailing-slash", "prefix"])
def test_a_callback_with_a_missing_or_wrong_iss_is_refused_when_the_provider_advertises_it(
        client, app, db_session, iss):
    """A mix-up attack: the code came from another provider, or the response lost its issuer."""
    callback = card_step(client)
    response = client.get(with_params(callback, iss=iss))
    assert_refused(response, client, app, db_session)
    assert "本人確認の結果を確かめられなかった" in response.text


def test_a_cancellation_from_another_issuer_is_refused(client, app, db_session):
    callback = card_step(client, action="cancel")
    response = client.get(with_params(callback, iss="https://evil.example/mock-idp"))
    assert_refused(response, client, app, db_session)


def test_without_the_advertisement_a_missing_iss_is_accepted(client, app, db_session, monkeypatch):
    provider_not_advertising_iss(monkeypatch)
    callback = card_step(client)
    assert client.get(with_params(callback, iss=None)).status_code == 302
    assert len(logins(db_session)) == 1


def test_without_the_advertisement_a_wrong_iss_is_still_refused(client, app, db_session, monkeypatch):
    provider_not_advertising_iss(monkeypatch)
    callback = card_step(client)
    assert_refused(client.get(with_params(callback, iss="https://evil.example/mock-idp")), client, app, db_session)


# --- the provider cache ---------------------------------------------------------------------------

def test_forged_host_headers_do_not_grow_the_provider_cache(client, app, db_session):
    """In demo mode the mock's issuer follows the request's host: a cache keyed by it alone would
    keep one provider (discovery document and keys) per host anyone cares to send."""
    for number in range(3 * provider_module.MAX_CACHED_PROVIDERS):
        response = client.get("/auth/login", base_url=f"http://forged-{number}.example")
        assert response.status_code == 302
        assert urlsplit(response.location).netloc == f"forged-{number}.example"
    assert len(app.extensions["formsvc.oidc"]) <= provider_module.MAX_CACHED_PROVIDERS
    # The usual host still signs in.
    assert sign_in_with_card(app.test_client()).status_code == 302
