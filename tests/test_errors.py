"""Error pages: a failure inside a request gets the 500 page, with every security header."""

from __future__ import annotations

import pytest
from flask import abort

from formsvc import errors
from formsvc.db import Database
from formsvc.db import session as db_session
from formsvc.staff.models import StaffUser
from tests.identity import sign_in
from tests.staff.support import staff_client

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


def failing_database_write():
    """A view whose write fails at flush: the session is left needing a rollback."""
    db_session().add(StaffUser(username=None, display_name=None, password_hash="x", session_nonce="x"))
    db_session().flush()


def assert_500_page(response) -> None:
    assert response.status_code == 500
    assert "エラーが発生しました" in response.text
    assert "Traceback" not in response.text
    for header in SECURITY_HEADERS:
        assert header in response.headers, header
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_database_error_for_a_signed_in_resident_gets_the_500_page(app):
    client = app.test_client()
    sign_in(client, app)
    assert "ログアウト" in client.get("/").text
    app.view_functions["resident.portal"] = failing_database_write
    response = client.get("/")
    assert_500_page(response)
    assert "山田 太郎 さん" in response.text and "ログアウト" in response.text  # still signed in


@pytest.mark.parametrize("endpoint", ["staff.home", "review.queue"])
def test_a_database_error_for_signed_in_staff_gets_the_500_page(app, endpoint):
    client = staff_client(app, "shinsa", "reviewer")
    url = {"staff.home": "/staff/", "review.queue": "/staff/queue"}[endpoint]
    assert client.get(url).status_code in (200, 302)
    app.view_functions[endpoint] = failing_database_write
    response = client.get(url)
    assert_500_page(response)


def test_the_500_page_keeps_its_headers_when_the_database_is_gone(app):
    client = staff_client(app, "shinsa", "reviewer")
    working = app.extensions["formsvc.db"]
    # Port 9 (discard) on loopback has nothing listening: every query fails to connect.
    gone = Database("postgresql+psycopg://nobody@127.0.0.1:9/none")

    def database_gone():
        app.extensions["formsvc.db"] = gone
        raise RuntimeError("the database went away")

    app.view_functions["staff.home"] = database_gone
    try:
        response = client.get("/staff/")
    finally:
        app.extensions["formsvc.db"] = working
        gone.dispose()
    assert_500_page(response)


def test_a_failing_500_template_still_gets_a_page_with_the_headers(app, monkeypatch):
    def broken_template(*_args, **_kwargs):
        raise RuntimeError("the template failed too")

    def failing_view():
        raise RuntimeError("the first failure")

    monkeypatch.setattr(errors, "render_template", broken_template)
    app.view_functions["resident.portal"] = failing_view
    assert_500_page(app.test_client().get("/"))


def test_another_http_error_gets_the_generic_page_with_its_status(app):
    def teapot():
        abort(418)

    app.view_functions["resident.portal"] = teapot
    response = app.test_client().get("/")
    assert response.status_code == 418
    assert "リクエストを処理できませんでした" in response.text
    for header in SECURITY_HEADERS:
        assert header in response.headers, header
