"""An independent, standard OpenID Connect client (Authlib) signs in against the mock provider.

If Authlib's client and its ID-token validation accept what the mock issues, the mock speaks
OpenID Connect, not just a dialect our own relying party happens to understand.
"""

from __future__ import annotations

import secrets
import warnings
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.applicant import csrf_token
from tests.mock_idp.oidc_support import CALLBACK, TWELVE_DIGITS, demo_secret

with warnings.catch_warnings():
    # Authlib 1.x announces joserfc and httpx2; authlib.jose still works until 2.0.
    from authlib.deprecate import AuthlibDeprecationWarning

    warnings.filterwarnings("ignore", category=AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client
    from authlib.jose import JsonWebKey, JsonWebToken
    from authlib.jose.errors import JoseError
    from authlib.oidc.core import CodeIDToken
    from joserfc.errors import JoseError as JoserfcError

# Authlib 1.9 raises joserfc's errors from some checks and its own from others.
JOSE_ERRORS = (JoseError, JoserfcError)

BASE = "http://localhost"
ISSUER = f"{BASE}/mock-idp"


@pytest.fixture
def oidc_client(app):
    client = OAuth2Client(
        client_id="formsvc-demo", client_secret=demo_secret(app),
        scope="openid name address birthdate gender", redirect_uri=CALLBACK,
        code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic",
        transport=httpx.WSGITransport(app=app), base_url=BASE,
    )
    yield client
    client.close()


def present_card(http, authorization_url: str, card: str = "sato-hanako") -> httpx.Response:
    """The card step, in the same HTTP client (its cookies carry the page's CSRF token)."""
    page = http.request("GET", authorization_url, withhold_token=True)
    assert page.status_code == 200, page.text[:1000]
    form = {"csrf_token": csrf_token(page.text), "card": card, "pin": "1234", "action": "authenticate"}
    return http.request("POST", authorization_url, withhold_token=True, data=form)


def test_authlib_signs_in_and_validates_the_id_token(oidc_client):
    metadata = oidc_client.request("GET", f"{ISSUER}/.well-known/openid-configuration",
                                  withhold_token=True).json()
    assert metadata["issuer"] == ISSUER
    jwks = JsonWebKey.import_key_set(oidc_client.request("GET", metadata["jwks_uri"], withhold_token=True).json())

    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = oidc_client.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce, acr_values="aal3")
    assert "code_challenge_method=S256" in url

    back = present_card(oidc_client, url)
    assert back.status_code == 302
    location = back.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    params = {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
    assert params["state"] == state
    assert params["iss"] == ISSUER  # RFC 9207 issuer identification

    token = oidc_client.fetch_token(metadata["token_endpoint"], authorization_response=location,
                                    code_verifier=verifier)
    assert token["token_type"] == "Bearer" and token["scope"].split()[0] == "openid"

    claims = JsonWebToken(["RS256"]).decode(
        token["id_token"], key=jwks, claims_cls=CodeIDToken,
        claims_options={"iss": {"essential": True, "value": ISSUER},
                        "aud": {"essential": True, "value": "formsvc-demo"},
                        "acr": {"essential": True, "value": "aal3"}},
        claims_params={"nonce": nonce, "client_id": "formsvc-demo", "access_token": token["access_token"]},
    )
    claims.validate(leeway=30)  # exp, iat, nonce, at_hash, auth_time, acr
    assert claims.header["alg"] == "RS256" and claims.header["kid"]
    assert claims["name"] == "佐藤 花子"
    assert claims["address"]["street_address"] == "芝公園4-2-8 タワーマンション1205号"
    assert claims["gender"] == "female"
    assert not TWELVE_DIGITS.search(token["id_token"] + str(dict(claims)))

    # The access token works at the userinfo endpoint, with the same subject.
    userinfo = oidc_client.get(metadata["userinfo_endpoint"]).json()
    assert userinfo["sub"] == claims["sub"] and userinfo["name"] == "佐藤 花子"

    # A second use of the same code is refused by the provider (Authlib raises the OAuth error).
    with pytest.raises(Exception, match="invalid_grant"):
        oidc_client.fetch_token(metadata["token_endpoint"], authorization_response=location,
                                code_verifier=verifier)


def test_authlib_refuses_an_id_token_for_another_nonce(oidc_client):
    metadata = oidc_client.request("GET", f"{ISSUER}/.well-known/openid-configuration",
                                  withhold_token=True).json()
    jwks = JsonWebKey.import_key_set(oidc_client.request("GET", metadata["jwks_uri"], withhold_token=True).json())
    verifier = secrets.token_urlsafe(48)
    url, _ = oidc_client.create_authorization_url(metadata["authorization_endpoint"],
                                                  code_verifier=verifier, nonce="the-real-nonce")
    location = present_card(oidc_client, url, card="yamada-taro").headers["Location"]
    token = oidc_client.fetch_token(metadata["token_endpoint"], authorization_response=location,
                                    code_verifier=verifier)
    claims = JsonWebToken(["RS256"]).decode(
        token["id_token"], key=jwks, claims_cls=CodeIDToken,
        claims_params={"nonce": "another-nonce", "client_id": "formsvc-demo"})
    with pytest.raises(JOSE_ERRORS, match="nonce"):
        claims.validate()
    # An HS256-only validator does not accept the RS256 token either (algorithms are pinned).
    with pytest.raises(JOSE_ERRORS):
        JsonWebToken(["HS256"]).decode(token["id_token"], key=jwks)
