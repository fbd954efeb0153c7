"""A tiny relying party for the tests: PKCE, the card step, the token request, signature checks.

Signatures are verified with `cryptography` alone (no JOSE library), against the published JWKS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

from formsvc.mock_idp.clients import DEMO_CLIENT_ID, default_client_secret

CALLBACK = "http://localhost/auth/callback"
ALL_SCOPES = "openid name address birthdate gender"
TWELVE_DIGITS = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def s256(verifier: str) -> str:
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


@dataclass
class Login:
    """One authorization request of the test relying party."""

    client_id: str = DEMO_CLIENT_ID
    redirect_uri: str = CALLBACK
    scope: str = ALL_SCOPES
    state: str = ""
    nonce: str = ""
    verifier: str = ""

    def __post_init__(self):
        self.state = self.state or secrets.token_urlsafe(16)
        self.nonce = self.nonce or secrets.token_urlsafe(16)
        self.verifier = self.verifier or secrets.token_urlsafe(48)

    def params(self, **changes: str | None) -> dict[str, str]:
        params = {
            "response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
            "scope": self.scope, "state": self.state, "nonce": self.nonce,
            "code_challenge": s256(self.verifier), "code_challenge_method": "S256",
        }
        params.update(changes)
        return {key: value for key, value in params.items() if value is not None}

    def url(self, **changes: str | None) -> str:
        return "/mock-idp/authorize?" + urlencode(self.params(**changes))


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def submit_card(client, login: Login, card: str | None, pin: str | None, action: str = "authenticate"):
    """Open the card step, then press 認証する (or キャンセル) with the card and PIN given."""
    page = client.get(login.url())
    assert page.status_code == 200, page.get_data(as_text=True)
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "action": action}
    if card is not None:
        data["card"] = card
    if pin is not None:
        data["pin"] = pin
    return client.post(login.url(), data=data)


def redirect_params(response) -> dict[str, str]:
    assert response.status_code == 302, response.get_data(as_text=True)
    location = urlsplit(response.headers["Location"])
    return {key: values[0] for key, values in parse_qs(location.query).items()}


def redirect_base(response) -> str:
    location = urlsplit(response.headers["Location"])
    return f"{location.scheme}://{location.netloc}{location.path}"


def code_for(client, login: Login, card: str = "yamada-taro", pin: str = "1234") -> str:
    params = redirect_params(submit_card(client, login, card, pin))
    assert params["state"] == login.state
    return params["code"]


def demo_secret(app) -> str:
    with app.test_request_context():
        return default_client_secret()


def token_request(client, login: Login, code: str, *, secret: str, verifier: str | None = None,
                  redirect_uri: str | None = None, basic: bool = True, **extra: str):
    data = {"grant_type": "authorization_code", "code": code,
            "redirect_uri": login.redirect_uri if redirect_uri is None else redirect_uri,
            "code_verifier": login.verifier if verifier is None else verifier, **extra}
    headers = {}
    if basic:
        credentials = f"{login.client_id}:{secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode("ascii")
    else:
        data.update(client_id=login.client_id, client_secret=secret)
    return client.post("/mock-idp/token", data=data, headers=headers)


def verify_jws(token: str, jwks: dict) -> tuple[dict, dict]:
    """Check an RS256 signature against the JWKS; return (header, claims)."""
    header_part, payload_part, signature_part = token.split(".")
    header = json.loads(b64url_decode(header_part))
    assert header["alg"] == "RS256"
    key = next(key for key in jwks["keys"] if key["kid"] == header["kid"])
    public_key = RSAPublicNumbers(
        e=int.from_bytes(b64url_decode(key["e"]), "big"),
        n=int.from_bytes(b64url_decode(key["n"]), "big"),
    ).public_key()
    public_key.verify(b64url_decode(signature_part), f"{header_part}.{payload_part}".encode("ascii"),
                      padding.PKCS1v15(), hashes.SHA256())  # raises InvalidSignature
    return header, json.loads(b64url_decode(payload_part))


def full_login(client, app, card: str = "yamada-taro", login: Login | None = None,
               secret: str | None = None) -> tuple[dict, dict]:
    """The whole code flow; returns (token response, verified ID token claims)."""
    login = login or Login()
    code = code_for(client, login, card)
    response = token_request(client, login, code, secret=secret or demo_secret(app))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    _, claims = verify_jws(body["id_token"], client.get("/mock-idp/jwks").get_json())
    return body, claims
