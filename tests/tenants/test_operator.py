"""The operator's pages (/staff/tenants): municipalities made, changed, suspended through the
pages; the new municipality's administrator signs in under its prefix; others are refused."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select, update

from formsvc.db import database
from formsvc.staff import roles
from formsvc.tenants.codes import check_digit
from formsvc.tenants.models import Tenant
from tests.admin.support import errors_on, form_values, summary_of
from tests.applicant import csrf_token
from tests.staff.support import PASSWORD, staff_client
from tests.tenants.support import make_tenant, tenant_row

KAMAKURA = "14204" + check_digit("14204")


def operator(app):
    return staff_client(app, "unei", roles.OPERATOR)


def new_tenant(client, **changes):
    values = {"name": "鎌倉市", "code": KAMAKURA, "slug": "kamakura", "host": "",
              "address": "神奈川県鎌倉市御成町18-10",
              "colour": "green", "contact_department": "市民課", "contact_phone": "0467-23-3000",
              "contact_email": "shimin@city.kamakura.example.lg.jp", "contact_hours": "平日 8時30分〜17時15分",
              "note": "", "admin_username": "kanri", "admin_display_name": "鎌倉 管理", "admin_password": ""}
    values.update(changes)
    page = client.get("/staff/tenants/new")
    assert page.status_code == 200, page.text[:300]
    return client.post("/staff/tenants/new", data={"csrf_token": csrf_token(page.text), **values})


def sign_in(app, prefix: str, username: str, password: str):
    client = app.test_client()
    page = client.get(f"{prefix}/staff/login")
    response = client.post(f"{prefix}/staff/login", data={"csrf_token": csrf_token(page.text), "username": username,
                                                         "password": password})
    return client, response


def test_the_operator_creates_a_municipality_whose_administrator_signs_in_under_its_prefix(app):
    client = operator(app)
    listing = client.get("/staff/tenants/")
    assert listing.status_code == 200
    assert "団体の管理" in listing.text and app.config["MUNICIPALITY_NAME"] in listing.text
    assert 'href="/staff/tenants/"' in client.get("/staff/").text  # in the staff menu

    # A wrong check digit, a slug that is one of the app's own pages, no administrator name.
    wrong = KAMAKURA[:5] + str((int(KAMAKURA[5]) + 1) % 10)
    refused = new_tenant(client, code=wrong, slug="staff", admin_username="")
    assert refused.status_code == 400
    errors = errors_on(refused.text)
    assert f"＊団体コードの検査数字（6桁目）が合いません。14204 の検査数字は {KAMAKURA[5]} です" in errors
    assert "＊「staff」はこのサービスのページの名前と重なるため使えません" in errors
    assert "＊管理者のユーザー名を入力してください（例：kanri）" in errors
    assert summary_of(refused.text) == [error.lstrip("＊") for error in errors]
    assert 'aria-describedby="code-hint code-error"' in refused.text and 'aria-invalid="true"' in refused.text
    assert f'value="{wrong}"' in refused.text  # what was typed, shown again
    assert tenant_count(app) == 1

    # Full-width digits are accepted; no password typed: one is made and shown once.
    done = new_tenant(client, code=KAMAKURA.translate(str.maketrans("0123456789", "０１２３４５６７８９")))
    assert done.status_code == 200, errors_on(done.text)
    assert "no-store" in done.headers["Cache-Control"]
    password = unescape(re.search(r'data-testid="initial-password">([^<]+)<', done.text).group(1))
    assert len(password) >= 12
    assert "http://localhost/kamakura/staff/login" in done.text

    tenant = tenant_row(app, tenant_id_of(app, "kamakura"))
    assert (tenant.slug, tenant.name, tenant.code, tenant.colour) == ("kamakura", "鎌倉市", KAMAKURA, "green")
    assert tenant.contact == {"department": "市民課", "phone": "0467-23-3000",
                              "email": "shimin@city.kamakura.example.lg.jp", "hours": "平日 8時30分〜17時15分"}

    admin, signed_in = sign_in(app, "/kamakura", "kanri", password)
    assert signed_in.status_code == 302
    home = admin.get("/kamakura/admin/")
    assert home.status_code == 200 and "鎌倉市" in home.text
    # The account is the municipality's: the same name and password do not sign in at the root.
    assert sign_in(app, "", "kanri", password)[1].status_code == 400

    # The same code or slug again is refused.
    again = new_tenant(client, slug="kamakura2")
    assert "＊この団体コードの団体はすでに登録されています" in errors_on(again.text)


def test_the_operator_types_the_first_password_and_it_must_be_a_good_one(app):
    client = operator(app)
    weak = new_tenant(client, admin_password="password1234")
    assert weak.status_code == 400
    assert any("よく使われている" in error for error in errors_on(weak.text))
    assert "password1234" not in weak.text  # a password is never shown again
    done = new_tenant(client, admin_password=PASSWORD)
    assert done.status_code == 200
    assert "initial-password" not in done.text
    assert sign_in(app, "/kamakura", "kanri", PASSWORD)[1].status_code == 302


def test_the_operator_changes_suspends_and_resumes_a_municipality(app):
    tenant_id = make_tenant(app, "zushi", "逗子市", first_five="14208")
    client = operator(app)
    assert app.test_client().get("/zushi/").status_code == 200
    page = client.get(f"/staff/tenants/{tenant_id}/edit")
    assert page.status_code == 200 and 'value="逗子市"' in page.text
    data = form_values(page.text, f"/staff/tenants/{tenant_id}/edit")
    data.update({"colour": "purple", "contact_phone": "046-873-1111", "name": "逗子市役所"})
    saved = client.post(f"/staff/tenants/{tenant_id}/edit", data=data)
    assert saved.status_code == 302, errors_on(saved.text)
    row = tenant_row(app, tenant_id)
    assert (row.name, row.colour, row.contact) == ("逗子市役所", "purple", {"phone": "046-873-1111"})

    bad = client.post(f"/staff/tenants/{tenant_id}/edit", data={**data, "contact_phone": "電話", "colour": "red"})
    assert bad.status_code == 400
    assert "＊電話番号は半角数字とハイフンで入力してください（例：0466-12-3456）" in errors_on(bad.text)
    assert "＊色は一覧から選んでください" in errors_on(bad.text)

    listing = client.get("/staff/tenants/")
    token = csrf_token(listing.text)
    assert client.post(f"/staff/tenants/{tenant_id}/active",
                       data={"csrf_token": token, "active": "0"}).status_code == 302
    assert not tenant_row(app, tenant_id).active
    assert app.test_client().get("/zushi/").status_code == 404
    assert "停止中" in client.get("/staff/tenants/").text
    assert client.post(f"/staff/tenants/{tenant_id}/active",
                       data={"csrf_token": token, "active": "1"}).status_code == 302
    assert app.test_client().get("/zushi/").status_code == 200
    # The deployment's own municipality cannot be suspended.
    client.post("/staff/tenants/1/active", data={"csrf_token": token, "active": "0"})
    assert tenant_row(app, 1).active


def test_the_default_tenants_name_keeps_following_the_configuration_unless_changed(app):
    client = operator(app)
    page = client.get("/staff/tenants/1/edit")
    assert page.status_code == 200
    data = form_values(page.text, "/staff/tenants/1/edit")
    assert data["name"] == app.config["MUNICIPALITY_NAME"]
    data.update({"colour": "cyan"})
    try:
        assert client.post("/staff/tenants/1/edit", data=data).status_code == 302
        row = tenant_row(app, 1)
        assert (row.name, row.colour, row.slug, row.is_default) == (None, "cyan", "default", True)
    finally:  # the default tenant outlives the test (tests/conftest.py keeps it)
        with app.app_context(), database().transaction() as session:
            session.execute(update(Tenant).where(Tenant.id == 1).values(colour="blue", contact={}, name=None))


def test_only_operators_of_the_default_tenant_reach_the_pages(app):
    tenant_id = make_tenant(app, "hayama", "葉山町", first_five="14301")
    assert app.test_client().get("/staff/tenants/").status_code == 302  # sign in first
    admin = staff_client(app, "kanri", roles.ADMIN)
    for path in ("/staff/tenants/", "/staff/tenants/new", f"/staff/tenants/{tenant_id}/edit",
                 "/staff/tenants/shared-templates"):
        assert admin.get(path).status_code == 403, path
    # The operator's session means nothing under a municipality's prefix (no such account there).
    client = operator(app)
    assert client.get("/hayama/staff/tenants/").status_code == 302
    # A municipality's own staff holding the role (it should not): the pages are not there.
    from formsvc.staff.accounts import create_or_update
    from tests.tenants.support import in_tenant

    with in_tenant(app, tenant_id), database().transaction() as session:
        create_or_update(session, "unei", PASSWORD, [roles.OPERATOR])
    local, response = sign_in(app, "/hayama", "unei", PASSWORD)
    assert response.status_code == 302
    assert local.get("/hayama/staff/tenants/").status_code == 404
    assert local.get("/hayama/staff/tenants/new").status_code == 404


def tenant_count(app) -> int:
    from sqlalchemy import func, select

    with app.app_context(), database().session_factory() as session:
        return session.scalar(select(func.count()).select_from(Tenant))


def test_an_operator_sees_no_municipalitys_procedures_or_applications(app):
    client = operator(app)
    assert client.get("/staff/").status_code == 200
    for path in ("/admin/", "/admin/shared-templates", "/staff/queue", "/counter/", "/staff/dashboard"):
        assert client.get(path).status_code == 403, path


def tenant_id_of(app, slug: str) -> int:
    """By slug: ids are not 2, 3… on PostgreSQL, whose sequence earlier tests moved on."""
    with app.app_context(), database().session_factory() as session:
        return session.scalar(select(Tenant.id).where(Tenant.slug == slug))
