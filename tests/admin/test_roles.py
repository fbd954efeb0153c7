"""Only administrators reach /admin/: other staff are refused, anyone else is sent to sign in."""

from __future__ import annotations

import pytest

from tests.admin.support import FORM, admin_client, publish_sample
from tests.staff.support import staff_client

PAGES = ["/admin/", "/admin/new", "/admin/copy", f"/admin/forms/{FORM}", f"/admin/forms/{FORM}/edit",
         f"/admin/forms/{FORM}/yaml", f"/admin/forms/{FORM}/pages/applicant",
         f"/admin/forms/{FORM}/pages/applicant/fields/name", f"/admin/forms/{FORM}/versions/1",
         f"/admin/forms/{FORM}/diff"]
POSTS = [f"/admin/forms/{FORM}/publish", f"/admin/forms/{FORM}/archive", f"/admin/forms/{FORM}/yaml",
         f"/admin/forms/{FORM}/versions/1/rollback", f"/admin/forms/{FORM}/pages/applicant/delete"]


@pytest.mark.parametrize("role", ["reviewer", "counter"])
def test_staff_without_the_admin_role_are_refused(app, role):
    publish_sample(app)
    other = staff_client(app, f"staff-{role}", role)
    for url in PAGES:
        assert other.get(url).status_code == 403, url
    home = other.get("/staff/")
    assert "手続きの管理" not in home.text  # nor is it in their menu


def test_anonymous_visitors_are_sent_to_sign_in_and_cannot_change_anything(app):
    publish_sample(app)
    anonymous = app.test_client()
    for url in PAGES:
        response = anonymous.get(url)
        assert response.status_code == 302 and "/staff/login" in response.location, url
    for url in POSTS:
        assert anonymous.post(url).status_code in (302, 400), url


def test_administrators_reach_every_page(app):
    publish_sample(app)
    admin = admin_client(app)
    for url in PAGES:
        assert admin.get(url).status_code == 200, url
