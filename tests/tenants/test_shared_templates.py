"""Shared procedure templates: the operator shares one of the deployment's procedures, a
municipality's administrator adopts it (a procedure of its own, <slug>-<id>), publishes it for
its residents, and is told when the template changes until it is marked seen."""

from __future__ import annotations

from formsvc.staff import roles
from tests.admin.support import form_values, submit
from tests.applicant import csrf_token
from tests.resident.conftest import SAMPLE
from tests.review.conftest import REVIEW_FORM, REVIEW_SAMPLE, publish
from tests.staff.support import PASSWORD, make_staff, staff_client
from tests.tenants.support import in_tenant, make_tenant

TEMPLATE = "sample-permit"
ADOPTED = f"kamakura-{TEMPLATE}"
PROCEDURE = f"/kamakura/admin/forms/{ADOPTED}"


def share(app, form_id: str = TEMPLATE, description: str = "住民票の写しなどの交付申請の見本です"):
    operator = staff_client(app, "unei", roles.OPERATOR)
    page = operator.get("/staff/tenants/shared-templates")
    assert page.status_code == 200
    action = f"/staff/tenants/shared-templates/{form_id}"
    data = {**form_values(page.text, action), "description": description, "action": "share"}
    assert operator.post(action, data=data).status_code == 302
    return operator


def municipality_admin(app):
    tenant_id = make_tenant(app, "kamakura", "鎌倉市")
    with in_tenant(app, tenant_id):
        make_staff(app, "kanri", roles.ADMIN)
    client = app.test_client()
    page = client.get("/kamakura/staff/login")
    signed_in = client.post("/kamakura/staff/login", data={"csrf_token": csrf_token(page.text), "username": "kanri",
                                                           "password": PASSWORD})
    assert signed_in.status_code == 302
    return client


def test_a_municipality_adopts_publishes_and_follows_a_shared_template(app):
    publish(app, SAMPLE)
    share(app)
    admin = municipality_admin(app)

    listing = admin.get("/kamakura/admin/shared-templates")
    assert listing.status_code == 200
    assert "見本の許可申請" in listing.text and "住民票の写しなどの交付申請の見本です" in listing.text
    assert "第1版" in listing.text and ADOPTED in listing.text

    adopted = submit(admin, "/kamakura/admin/shared-templates", f"/kamakura/admin/shared-templates/{TEMPLATE}/adopt")
    assert adopted.status_code == 302 and adopted.location.endswith(PROCEDURE)
    page = admin.get(PROCEDURE)
    assert page.status_code == 200 and "共有テンプレート「見本の許可申請」を取り込み" in page.text
    assert "共有テンプレートが更新されました" not in page.text
    source = admin.get(f"{PROCEDURE}/yaml")
    assert f"id: {ADOPTED}" in source.text

    published = submit(admin, PROCEDURE, f"{PROCEDURE}/publish", {"note": "共有テンプレートから"})
    assert published.status_code == 302
    resident = app.test_client().get(f"/kamakura/forms/{ADOPTED}/")
    assert resident.status_code == 200 and "見本の許可申請" in resident.text
    assert app.test_client().get(f"/forms/{ADOPTED}/").status_code == 404  # the municipality's, not the root's

    # Adopting again: refused, nothing made.
    again = admin.post(f"/kamakura/admin/shared-templates/{TEMPLATE}/adopt",
                       data={"csrf_token": csrf_token(listing.text)})
    assert again.status_code == 302
    assert "すでに取り込んでいます" in admin.get(again.location).text

    # The operator publishes a new version of the template: the procedure's page says so.
    publish(app, SAMPLE.replace("title: {ja: 見本の許可申請", "title: {ja: 見本の許可申請（改正）", 1))
    page = admin.get(PROCEDURE)
    assert "共有テンプレートが更新されました（第1版→第2版）" in page.text
    diff_link = f"/kamakura/admin/shared-templates/{TEMPLATE}/diff?procedure={ADOPTED}&amp;from=1&amp;to=2"
    assert diff_link in page.text
    diff = admin.get(diff_link.replace("&amp;", "&"))
    assert diff.status_code == 200 and "第1版から第2版への変更点" in diff.text and "改正" in diff.text
    seen = submit(admin, PROCEDURE, f"{PROCEDURE}/template-seen")
    assert seen.status_code == 302
    page = admin.get(PROCEDURE)
    assert "共有テンプレートの第2版を確認済みにしました" in page.text
    assert "共有テンプレートが更新されました" not in page.text
    # The municipality's procedure itself is unchanged (its residents still see what it published).
    assert "（改正）" not in app.test_client().get(f"/kamakura/forms/{ADOPTED}/").text


def test_only_shared_procedures_of_the_deployment_can_be_read(app):
    publish(app, SAMPLE)
    publish(app, REVIEW_SAMPLE, "review.yaml")  # not shared
    operator = share(app)
    admin = municipality_admin(app)
    token = csrf_token(admin.get("/kamakura/admin/shared-templates").text)
    assert REVIEW_FORM not in admin.get("/kamakura/admin/shared-templates").text
    assert admin.post(f"/kamakura/admin/shared-templates/{REVIEW_FORM}/adopt",
                      data={"csrf_token": token}).status_code == 404
    assert admin.get(f"/kamakura/admin/shared-templates/{REVIEW_FORM}/diff?from=1&to=1").status_code == 404
    assert admin.get(f"/kamakura/admin/forms/{TEMPLATE}").status_code == 404  # the template itself stays the root's

    # The operator stops sharing: it is no longer offered; nothing is adopted from it any more.
    page = operator.get("/staff/tenants/shared-templates")
    operator.post(f"/staff/tenants/shared-templates/{TEMPLATE}",
                  data={"csrf_token": csrf_token(page.text), "action": "unshare"})
    assert "見本の許可申請" not in admin.get("/kamakura/admin/shared-templates").text
    assert admin.post(f"/kamakura/admin/shared-templates/{TEMPLATE}/adopt",
                      data={"csrf_token": token}).status_code == 404


def test_only_published_procedures_are_shared_and_only_by_operators(app):
    publish(app, SAMPLE)
    operator = staff_client(app, "unei", roles.OPERATOR)
    page = operator.get("/staff/tenants/shared-templates")
    token = csrf_token(page.text)
    too_long = operator.post(f"/staff/tenants/shared-templates/{TEMPLATE}",
                             data={"csrf_token": token, "action": "share", "description": "あ" * 501})
    assert too_long.status_code == 400 and "説明は500文字以内で入力してください" in too_long.text
    assert operator.post("/staff/tenants/shared-templates/no-such-form",
                         data={"csrf_token": token, "action": "share"}).status_code == 404
    admin = staff_client(app, "kanri", roles.ADMIN)
    assert admin.get("/staff/tenants/shared-templates").status_code == 403
    own_token = csrf_token(admin.get("/admin/").text)
    assert admin.post(f"/staff/tenants/shared-templates/{TEMPLATE}",
                      data={"csrf_token": own_token, "action": "share"}).status_code == 403


def test_odd_version_numbers_in_the_diff_and_seen_are_not_found_never_an_error(app):
    """"²" passes str.isdigit() but not int(); 5,000 digits pass neither int() nor the column."""
    publish(app, SAMPLE)
    share(app)
    admin = municipality_admin(app)
    submit(admin, "/kamakura/admin/shared-templates", f"/kamakura/admin/shared-templates/{TEMPLATE}/adopt")
    diff = f"/kamakura/admin/shared-templates/{TEMPLATE}/diff"
    for value in ("²", "١", "9" * 5000, "99999999999", "0", "-1", "1\x00"):
        for query in ({"to": value}, {"from": value, "to": "1"}):
            assert admin.get(diff, query_string=query).status_code in (400, 404), (query, value)
        page = admin.get(PROCEDURE)
        seen = admin.post(f"{PROCEDURE}/template-seen", data={"csrf_token": csrf_token(page.text), "version": value})
        assert seen.status_code in (302, 400), value
