"""Signed-in residents for tests that are not about signing in itself.

The sign-in flow (the mock My Number card, OpenID Connect) has tests of its own; elsewhere a
test states who is signed in, as the callback would leave it: a ResidentLogin row and its
token in the session.
"""

from __future__ import annotations

import secrets

from formsvc.authentication.models import ResidentLogin
from formsvc.db import database

CARD_HOLDER = {
    "name": "山田 太郎",
    "address": {"formatted": "東京都港区芝公園4-2-8 タワーマンション1205号", "postal_code": "105-0011",
                "region": "東京都", "locality": "港区", "street_address": "芝公園4-2-8 タワーマンション1205号"},
    "birthdate": "1985-04-01",
    "gender": "male",
}
ISSUER = "https://idp.example.test"


def sign_in(client, app, claims: dict | None = None, subject: str = "resident-1",
            issuer: str = ISSUER, acr: str = "aal3") -> str:
    token = secrets.token_urlsafe(32)
    with app.app_context(), database().transaction() as session:
        session.add(ResidentLogin(token=token, issuer=issuer, subject=subject,
                                  claims=claims or CARD_HOLDER, acr=acr))
    with client.session_transaction() as cookie_session:
        cookie_session["login"] = token
    return token
