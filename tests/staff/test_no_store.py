"""Every staff page (/staff, /counter, /admin and its preview) is never kept in a cache, whichever
blueprint answers it; the sign-in page too."""

from __future__ import annotations

from tests.applicant import csrf_token
from tests.staff.support import staff_client


def test_staff_pages_are_never_cached(app):
    client = staff_client(app, "kanri", "reviewer", "counter", "admin")
    for url in ("/staff/", "/staff/queue", "/counter/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("Cache-Control") == "no-store", url
    home = client.get("/staff/")
    logged_out = client.post("/staff/logout", data={"csrf_token": csrf_token(home.text)})
    assert logged_out.headers.get("Cache-Control") == "no-store"


def test_the_sign_in_page_and_refusals_are_never_cached(client):
    assert client.get("/staff/login").headers.get("Cache-Control") == "no-store"
    assert client.get("/staff/queue").headers.get("Cache-Control") == "no-store"


def test_a_signed_in_staff_members_other_pages_are_never_cached(app):
    client = staff_client(app, "shinsa", "reviewer")
    assert client.get("/").headers.get("Cache-Control") == "no-store"
