"""After the staff sign-in, `next=` never leads off this site (the table is shared with the
resident side: tests/resident/redirects.py)."""

from __future__ import annotations

from tests.applicant import csrf_token
from tests.resident.redirects import BYPASSES, LOCAL, stays_on_this_site
from tests.staff.support import PASSWORD, make_staff


def sign_in_with_next(app, target: str):
    client = app.test_client()
    page = client.get("/staff/login")
    return client.post("/staff/login", query_string={"next": target},
                       data={"csrf_token": csrf_token(page.text), "username": "shinsa",
                             "password": PASSWORD})


def test_signing_in_never_redirects_off_this_site(app):
    make_staff(app, "shinsa", "reviewer")
    for target in BYPASSES:
        response = sign_in_with_next(app, target)
        # 400: refused before any view for its control characters (formsvc.request_guard).
        assert response.status_code in (302, 400), (target, response.status_code)
        if response.status_code == 302:
            assert response.location == "/staff/", (target, response.location)
    for target in LOCAL:
        response = sign_in_with_next(app, target)
        assert response.location == target and stays_on_this_site(response.location)


def test_the_tab_trick_from_the_report_goes_to_the_staff_menu(app, client):
    make_staff(app, "shinsa", "reviewer")
    url = "/staff/login?next=/%09/evil.example/x"
    page = client.get(url)
    response = client.post(url, data={"csrf_token": csrf_token(page.text), "username": "shinsa",
                                      "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/staff/"
