"""Every staff route checks the role: walk the URL map, so a new route cannot forget it."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from formsvc.staff import roles
from tests.identity import sign_in as resident_sign_in
from tests.staff.support import staff_client

OPEN_TO_ALL = {"staff.login", "staff.logout", "staff.keep_alive"}  # keep-alive: 401 unless signed in
# Staff areas outside /staff: counter mode (/counter/..., role "counter") and the
# administrators' pages (/admin/..., role "admin", the preview included).
STAFF_PREFIXES = ("/staff", "/counter", "/admin")


def staff_rules(app):
    rules = [rule for rule in app.url_map.iter_rules()
             if (rule.rule.startswith(STAFF_PREFIXES) or rule.endpoint.startswith(("staff.", "staff_")))
             and rule.endpoint not in OPEN_TO_ALL]
    assert rules, "no staff routes found"
    return rules


def url_for_rule(app, rule) -> str:
    values = {name: 1 if isinstance(rule._converters[name], IntegerConverter) else "ABCD2345"
              for name in rule.arguments}
    return app.url_map.bind("localhost").build(rule.endpoint, values, method=methods(rule)[0])


def methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_staff_view_declares_its_roles(app):
    for rule in staff_rules(app):
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "required_roles", None), f"{rule.endpoint} has no role check"


@pytest.mark.parametrize("who", ["anonymous", "resident"])
def test_staff_routes_refuse_anonymous_users_and_residents(app, who):
    client = app.test_client()
    if who == "resident":
        resident_sign_in(client, app)
    for rule in staff_rules(app):
        for method in methods(rule):
            # Refused before the CSRF check matters: GETs redirect; POSTs never succeed.
            response = client.open(url_for_rule(app, rule), method=method)
            assert response.status_code in (302, 400, 401, 403), (rule.rule, method, response.status_code)
            if response.status_code == 302:
                assert "/staff/login" in response.location, (rule.rule, method)


def test_staff_routes_refuse_staff_without_the_role(app):
    for rule in staff_rules(app):
        required = set(app.view_functions[rule.endpoint].required_roles)
        others = [role for role in roles.ALL if role not in required]
        if not others:
            continue  # open to every staff role
        client = staff_client(app, f"user-{len(required)}-{abs(hash(rule.rule)) % 10_000}", others[0])
        for method in methods(rule):
            if method != "GET":
                continue  # POSTs need a CSRF token; the GET proves the decorator
            assert client.get(url_for_rule(app, rule)).status_code == 403, rule.rule


# 決裁 (formsvc.admin.views.approvals): approvers read a procedure's approval page and decide; they edit nothing.
APPROVAL_ROUTES = {
    "admin.approvals": (roles.APPROVER,),
    "admin.decide_approval": (roles.APPROVER,),
    "admin.approval": (roles.ADMIN, roles.APPROVER),
    "admin.procedure_approval": (roles.ADMIN, roles.APPROVER),
    "admin.approval_setting": (roles.ADMIN, roles.APPROVER),
}


def test_every_admin_route_requires_the_admin_role_and_nothing_else(app):
    """Except 決裁: approvers list and decide requests, and read what they approve (its preview)."""
    admin_rules = [rule for rule in staff_rules(app) if rule.rule.startswith("/admin")]
    assert len(admin_rules) > 10, "the administrators' pages are not registered"
    for rule in admin_rules:
        previewing = (roles.ADMIN, roles.APPROVER) if rule.endpoint.startswith("preview.") else None
        expected = APPROVAL_ROUTES.get(rule.endpoint, previewing or (roles.ADMIN,))
        assert app.view_functions[rule.endpoint].required_roles == expected, rule.rule


def test_notices_are_for_the_staff_who_open_applications(app):
    """お知らせ link to an application's detail page: the roles that may open it, no others."""
    for endpoint in ("notices.notice_list", "notices.read_notices"):
        assert app.view_functions[endpoint].required_roles == (roles.REVIEWER, roles.COUNTER, roles.ADMIN)


def test_correction_phrases_are_kept_by_administrators_only(app):
    """差し戻しの定型文 (issue 16): administrators edit them; reviewers only pick them on the detail page."""
    for endpoint in ("admin.correction_phrases", "admin.save_correction_phrases"):
        assert app.view_functions[endpoint].required_roles == (roles.ADMIN,)
    assert app.view_functions["review.move"].required_roles == (roles.REVIEWER, roles.COUNTER, roles.ADMIN)


def test_the_dashboard_is_for_administrators_and_managers_and_paper_counts_for_administrators(app):
    """集計 (formsvc.dashboard): aggregates only, for administrators and managers (管理職)."""
    for endpoint in ("dashboard.index", "dashboard.download"):
        assert app.view_functions[endpoint].required_roles == (roles.ADMIN, roles.MANAGER)
    assert app.view_functions["dashboard.paper"].required_roles == (roles.ADMIN,)
