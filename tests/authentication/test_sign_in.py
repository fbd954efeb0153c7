"""Signing in with the (mock) My Number card, as a resident does it, through the test client."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from formsvc.authentication.models import ResidentLogin
from tests.mock_idp.oidc_support import csrf_token


def sign_in_with_card(client, card: str = "yamada-taro", pin: str = "1234", next_path: str = "/my/"):
    """Follow the redirects a browser would: our login, the card step, the callback."""
    to_provider = client.get(f"/auth/login?next={next_path}")
    assert to_provider.status_code == 302
    authorize = urlsplit(to_provider.location)
    assert authorize.path == "/mock-idp/authorize"
    query = parse_qs(authorize.query)
    assert query["code_challenge_method"] == ["S256"] and query["state"] and query["nonce"]
    card_page = client.get(f"{authorize.path}?{authorize.query}")
    assert card_page.status_code == 200
    back = client.post(f"{authorize.path}?{authorize.query}", data={
        "csrf_token": csrf_token(card_page.text), "card": card, "pin": pin, "action": "authenticate"})
    assert back.status_code == 302, back.text[:500]
    callback = urlsplit(back.location)
    assert callback.path == "/auth/callback"
    return client.get(f"{callback.path}?{callback.query}")


def test_a_resident_signs_in_with_the_card_and_sees_their_applications(client, app, db_session):
    done = sign_in_with_card(client)
    assert done.status_code == 302 and done.location.endswith("/my/")
    page = client.get("/my/")
    assert page.status_code == 200
    assert "申請履歴" in page.text and "山田 太郎 さん" in page.text
    login = db_session.scalars(select(ResidentLogin)).one()
    assert login.acr == "aal3"
    assert set(login.claims) == {"name", "address", "birthdate", "gender"}
    assert "12345" not in str(login.claims)
