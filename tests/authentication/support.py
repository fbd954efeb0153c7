"""Helpers for the sign-in tests: the card step as a browser does it, small definitions, keys.

Tokens are crafted with ``formsvc.authentication.tokens.sign`` (RS256) or by hand (``none``,
HS256): the tests never import python-jose themselves.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from sqlalchemy import select

from formsvc.authentication.models import ResidentLogin
from formsvc.authentication.tokens import sign
from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from tests.applicant import csrf_token

TWELVE_DIGITS = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
REFUSED = "ログインできませんでした"
CANCELLED = "ログインを中止しました"
LOGIN_BUTTON = "マイナンバーカードでログインする"
VERIFIED = "マイナンバーカードで確認済み"


# --- the card step, as a browser goes through it ----------------------------------------------

def start_login(client, next_path: str | None = "/my/"):
    """GET /auth/login: the redirect to the provider, and its query."""
    response = client.get("/auth/login" + (f"?{urlencode({'next': next_path})}" if next_path else ""))
    assert response.status_code == 302, response.text[:500]
    authorize = urlsplit(response.location)
    return authorize, {key: values[0] for key, values in parse_qs(authorize.query).items()}


def card_step(client, card: str = "yamada-taro", pin: str = "1234", next_path: str | None = "/my/",
              action: str = "authenticate") -> str:
    """Our login, then the card page (認証する or キャンセル): the callback URL (not yet opened)."""
    authorize, _ = start_login(client, next_path)
    assert authorize.path == "/mock-idp/authorize"
    url = f"{authorize.path}?{authorize.query}"
    card_page = client.get(url)
    assert card_page.status_code == 200
    back = client.post(url, data={"csrf_token": csrf_token(card_page.text), "card": card, "pin": pin,
                                  "action": action})
    assert back.status_code == 302, back.text[:500]
    callback = urlsplit(back.location)
    assert callback.path == "/auth/callback"
    return f"{callback.path}?{callback.query}"


def sign_in_with_card(client, card: str = "yamada-taro", pin: str = "1234", next_path: str | None = "/my/"):
    """Follow the redirects a browser would: our login, the card step, the callback."""
    return client.get(card_step(client, card, pin, next_path))


def logins(db_session) -> list[ResidentLogin]:
    db_session.expire_all()
    return list(db_session.scalars(select(ResidentLogin).order_by(ResidentLogin.id)))


def session_data(app, client) -> dict:
    """The decoded Flask session cookie (what the browser carries)."""
    cookie = client.get_cookie("session")
    if cookie is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def log_out(client, page_html: str):
    return client.post("/auth/logout", data={"csrf_token": csrf_token(page_html)})


# --- small definitions -------------------------------------------------------------------------

PREFILL_FIELDS = """\
      - {type: name, id: name, label: {ja: 氏名, en: Name}, prefill: name}
      - {type: postal_code, id: postal, label: {ja: 郵便番号, en: Postcode}, prefill: postal_code,
         prefill_editable: true}
      - {type: address, id: home, label: {ja: 住所, en: Address}, prefill: address}
      - {type: date, id: birth, label: {ja: 生年月日, en: Date of birth}, prefill: birthdate, max: {days_from_today: 0}}
      - type: radio
        id: gender
        label: {ja: 性別, en: Gender}
        prefill: gender
        choices: [{value: m, label: {ja: 男性, en: Male}}, {value: f, label: {ja: 女性, en: Female}}]
"""
PLAIN_FIELDS = """\
      - {type: text, id: nickname, label: {ja: 呼び名, en: Nickname}, max_length: 20}
"""


def definition_yaml(form_id: str, authentication: str, title: str, prefill: bool = True) -> str:
    return f"""\
id: {form_id}
title: {{ja: {title}, en: {form_id}}}
description: {{ja: テスト用の手続きです。, en: For tests.}}
department: {{name: {{ja: 市民課, en: Citizens Division}}}}
authentication: {authentication}
declaration: {{ja: 上記の内容に相違ありません。, en: The above is true.}}
next_steps: {{ja: 審査の後、郵送します。, en: We will post it.}}
retention: {{years: 5}}
pages:
  - id: applicant
    title: {{ja: 申請者, en: Applicant}}
    fields:
{PREFILL_FIELDS if prefill else PLAIN_FIELDS}\
  - id: request
    title: {{ja: 請求内容, en: Your request}}
    fields:
      - {{type: number, id: copies, label: {{ja: 通数, en: Copies}}, min: 1, max: 5, unit: {{ja: 通, en: copies}}}}
      - {{type: text, id: purpose, label: {{ja: 使いみち, en: Purpose}}, max_length: 40}}
"""


def publish(app, yaml_text: str, filename: str = "x.yaml") -> str:
    loaded = load_text(yaml_text, filename)
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, loaded, actor="test")
    return loaded.definition.id


# --- keys and hand-made tokens -----------------------------------------------------------------

def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_json(value: dict) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


@dataclass(frozen=True)
class RsaKey:
    private_pem: str
    public_pem: str
    numbers: rsa.RSAPublicNumbers

    @classmethod
    def generate(cls) -> RsaKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode("ascii")
        public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
        return cls(private, public, key.public_key().public_numbers())

    def jwk(self, kid: str) -> dict:
        def unsigned(number: int) -> str:
            return b64url(number.to_bytes((number.bit_length() + 7) // 8, "big"))

        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
                "n": unsigned(self.numbers.n), "e": unsigned(self.numbers.e)}

    def sign(self, claims: dict, kid: str) -> str:
        return sign(claims, self.private_pem, kid)

    def sign_with_header(self, header: dict, claims: dict) -> str:
        return sign_with_header(self.private_pem, header, claims)


def sign_with_header(private_pem: str, header: dict, claims: dict) -> str:
    """RS256 under any header (``crit`` and the like), made with `cryptography` alone."""
    key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    signing_input = f"{b64url_json(header)}.{b64url_json(claims)}"
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url(signature)}"


def unsigned_token(claims: dict, alg: str = "none", kid: str | None = "key-1") -> str:
    header = {"alg": alg, "typ": "JWT", **({"kid": kid} if kid else {})}
    return f"{b64url_json(header)}.{b64url_json(claims)}."


def hmac_token(claims: dict, secret: bytes, kid: str = "key-1", alg: str = "HS256") -> str:
    """A token MACed with ``secret`` (the key-confusion attack uses the RSA public key's PEM)."""
    signing_input = f"{b64url_json({'alg': alg, 'typ': 'JWT', 'kid': kid})}.{b64url_json(claims)}"
    mac = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(mac)}"


def with_payload(token: str, claims: dict) -> str:
    """The same header and signature with another payload (claims changed after signing)."""
    header, _, signature = token.split(".")
    return f"{header}.{b64url_json(claims)}.{signature}"
