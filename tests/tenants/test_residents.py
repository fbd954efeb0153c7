"""Residents across municipalities: one sign-in with the card for the whole host, and 申請履歴
per municipality with the others listed (the card's identity is national)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import select

from formsvc.authentication.models import ResidentLogin
from formsvc.db import database
from formsvc.db import session as db_session
from formsvc.forms.catalog import published
from formsvc.submissions.reception import display
from formsvc.tenants.models import Tenant
from formsvc.tenants.resolution import directory
from tests.applicant import Applicant, csrf_token
from tests.authentication.support import definition_yaml, log_out, publish
from tests.tenants.support import in_tenant, make_tenant

ROOT = "http://localhost"


@pytest.fixture
def app(demo_app):
    return demo_app


@pytest.fixture
def towns(app) -> dict[str, int]:
    """鎌倉市 and 逗子市 at /kamakura/ and /zushi/, each with a procedure that needs the card."""
    ids = {"kamakura": make_tenant(app, "kamakura", "鎌倉市", "14204"),
           "zushi": make_tenant(app, "zushi", "逗子市", "14208")}
    for slug, tenant_id in ids.items():
        with in_tenant(app, tenant_id):
            publish(app, definition_yaml(f"{slug}-card", "required", f"{slug}の証明書"))
    return ids


def card_step_at(client, prefix: str, next_path: str | None, card: str = "yamada-taro") -> str:
    """Sign-in started under ``prefix``: the one provider of the host, then the callback URL."""
    query = f"?{urlencode({'next': next_path})}" if next_path else ""
    response = client.get(f"{prefix}/auth/login{query}")
    assert response.status_code == 302, response.text[:500]
    authorize = urlsplit(response.location)
    assert (authorize.netloc, authorize.path) == ("localhost", "/mock-idp/authorize")
    assert parse_qs(authorize.query)["redirect_uri"] == [f"{ROOT}{prefix}/auth/callback"]
    url = f"{authorize.path}?{authorize.query}"
    page = client.get(url)
    assert page.status_code == 200
    back = client.post(url, data={"csrf_token": csrf_token(page.text), "card": card, "pin": "1234",
                                  "action": "authenticate"})
    assert back.status_code == 302, back.text[:500]
    callback = urlsplit(back.location)
    assert callback.path == f"{prefix}/auth/callback"
    return f"{callback.path}?{callback.query}"


def sign_in_at(client, prefix: str, card: str = "yamada-taro"):
    return client.get(card_step_at(client, prefix, f"{prefix}/my/", card))


def apply_at(client, app, tenant_id: int, prefix: str, form_id: str, until: str | None = None) -> str:
    with in_tenant(app, tenant_id):
        definition = published(db_session(), form_id).definition
    applicant = Applicant(client, app, form_id, answers={"purpose": "年金の手続き"}, prefix=prefix,
                          on_definition=definition)
    if until is not None:
        applicant.apply(until=until)
        return ""
    return applicant.submit()


def test_signing_in_at_one_municipality_signs_in_at_the_others_as_the_same_resident(app, client, towns):
    back = sign_in_at(client, "/kamakura")
    assert back.status_code == 302 and back.location == "/kamakura/my/"
    for prefix in ("/kamakura", "/zushi", ""):
        page = client.get(f"{prefix}/my/")
        assert page.status_code == 200, prefix
        assert "申請履歴" in page.text and "山田 太郎" in page.text

    # Applied at Zushi while signed in at Kamakura; signing in again at Zushi finds it: one
    # identity (issuer and subject) for the host, not one per municipality's prefix.
    number = apply_at(client, app, towns["zushi"], "/zushi", "zushi-card")
    log_out(client, client.get("/zushi/my/").text)
    sign_in_at(client, "/zushi")
    assert display(number) in client.get("/zushi/my/").text
    with app.app_context():
        issuers = set(db_session().scalars(select(ResidentLogin.issuer)))
    assert issuers == {f"{ROOT}/mock-idp"}


def test_signing_in_from_a_page_under_a_prefix_returns_to_that_page(app, client, towns):
    response = client.get("/zushi/my/")
    assert response.status_code == 302
    login = urlsplit(response.location)
    assert login.path == "/zushi/auth/login"
    next_path = parse_qs(login.query)["next"][0]  # as the page said it (without the prefix)
    back = client.get(card_step_at(client, "/zushi", next_path))
    assert back.location == "/zushi/my/"


def test_the_card_step_accepts_exactly_the_callbacks_of_active_municipalities(app, client, towns):
    make_tenant(app, "hayama", "葉山町", "14301")
    response = client.get("/kamakura/auth/login")
    authorize = urlsplit(response.location)
    query = {key: values[0] for key, values in parse_qs(authorize.query).items()}

    def card_page(redirect_uri: str):
        return client.get(f"{authorize.path}?{urlencode({**query, 'redirect_uri': redirect_uri})}")

    for good in (f"{ROOT}/auth/callback", f"{ROOT}/zushi/auth/callback", f"{ROOT}/hayama/auth/callback"):
        assert card_page(good).status_code == 200, good
    for bad in (f"{ROOT}/nowhere/auth/callback", f"{ROOT}/kamakura/auth/callback/",
                f"{ROOT}/kamakura/x/auth/callback", f"{ROOT}/kamakura/auth/callback?x=1",
                f"{ROOT}/kamakurax/auth/callback", "https://localhost/kamakura/auth/callback",
                "http://evil.example/kamakura/auth/callback", f"{ROOT}/kamakura/auth/callbackx"):
        page = card_page(bad)
        assert page.status_code == 400 and "戻り先" in page.text, bad

    # A suspended municipality's callback is no longer registered.
    with app.app_context(), database().transaction() as session:
        session.scalars(select(Tenant).where(Tenant.slug == "hayama")).one().active = False
    with app.app_context():
        directory().forget()
    assert card_page(f"{ROOT}/hayama/auth/callback").status_code == 400


def test_my_applications_per_municipality_and_the_others_listed(app, client, towns):
    hayama = make_tenant(app, "hayama", "葉山町", "14301")
    with in_tenant(app, hayama):
        publish(app, definition_yaml("hayama-card", "required", "葉山の証明書"))
    with in_tenant(app, towns["zushi"]):
        publish(app, definition_yaml("zushi-optional", "optional", "逗子の届出"))
    sign_in_at(client, "/kamakura")
    at_kamakura = apply_at(client, app, towns["kamakura"], "/kamakura", "kamakura-card")
    at_zushi = apply_at(client, app, towns["zushi"], "/zushi", "zushi-card")
    apply_at(client, app, towns["zushi"], "/zushi", "zushi-optional", until="request")  # a draft

    someone_else = app.test_client()
    sign_in_at(someone_else, "/hayama", card="sato-hanako")
    at_hayama = apply_at(someone_else, app, hayama, "/hayama", "hayama-card")

    zushi = client.get("/zushi/my/").text
    mine, elsewhere = zushi.split("ほかの自治体への申請")
    assert display(at_zushi) in mine and "逗子の届出" in mine  # the application and the draft
    assert display(at_kamakura) not in zushi and "kamakuraの証明書" not in zushi
    assert f'href="{ROOT}/kamakura/my/"' in elsewhere and "鎌倉市" in elsewhere
    assert "送信した申請 1件" in elsewhere and "入力途中" not in elsewhere
    assert "逗子市の申請履歴" not in elsewhere and "葉山町" not in zushi and display(at_hayama) not in zushi

    kamakura = client.get("/kamakura/my/").text
    mine, elsewhere = kamakura.split("ほかの自治体への申請")
    assert display(at_kamakura) in mine and display(at_zushi) not in kamakura and "逗子の届出" not in mine
    assert f'href="{ROOT}/zushi/my/"' in elsewhere and "送信した申請 1件、入力途中の申請 1件" in elsewhere

    default = client.get("/my/").text
    assert "送信した申請はありません。" in default
    assert f'href="{ROOT}/kamakura/my/"' in default and f'href="{ROOT}/zushi/my/"' in default

    # Each application opens at its own municipality only.
    assert client.get(f"/zushi/my/applications/{at_zushi}").status_code == 200
    for prefix in ("/kamakura", ""):
        assert client.get(f"{prefix}/my/applications/{at_zushi}").status_code == 404
        assert client.post(f"{prefix}/my/applications/{at_zushi}/withdraw",
                           data={"csrf_token": csrf_token(kamakura), "confirm": "yes"}).status_code == 404
    assert client.get(f"/hayama/my/applications/{at_hayama}").status_code == 404  # someone else's

    # Nobody else's municipalities: the other resident sees only 葉山町's own list.
    hayama_page = someone_else.get("/hayama/my/").text
    assert display(at_hayama) in hayama_page and "ほかの自治体への申請" not in hayama_page
