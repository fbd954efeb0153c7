"""What every page's context holds, and that putting it together writes nothing."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, render_template
from sqlalchemy import select, update

from formsvc import templating
from formsvc.authentication.models import ResidentLogin
from formsvc.db import database, utcnow
from formsvc.db import session as db_session
from formsvc.staff import views as staff_views
from formsvc.staff.models import StaffUser
from tests.identity import sign_in


def test_the_page_header_commits_nothing_the_view_left_unsaved(app):
    """Who is signed in is noted before the view runs: the page's header then only reads, so a
    change the view did not commit (a refused form) is not saved by rendering the page."""
    client = app.test_client()
    sign_in(client, app)
    long_ago = utcnow() - timedelta(minutes=5)  # long enough for this request to note activity again
    with app.app_context(), database().transaction() as session:
        session.execute(update(ResidentLogin).values(last_seen_at=long_ago))

    def view_leaving_a_change_unsaved():
        db_session().add(StaffUser(username="never-saved", display_name="x", password_hash="x", session_nonce="x"))
        return render_template("errors/404.html")

    app.view_functions["resident.portal"] = view_leaving_a_change_unsaved
    page = client.get("/")
    assert "山田 太郎 さん" in page.text and "ログアウト" in page.text  # the header shows the resident
    with app.app_context():
        assert db_session().scalar(select(StaffUser).where(StaffUser.username == "never-saved")) is None
        seen = db_session().scalar(select(ResidentLogin.last_seen_at))
    assert seen is not None and seen > long_ago  # the activity was noted all the same


def headers_app(**config) -> Flask:
    app = Flask(__name__)
    app.secret_key = "headers"
    app.config.update(config)
    templating.init_app(app)

    @app.get("/plain")
    def plain():
        return "plain"

    @app.get("/framed")
    def framed():
        return "framed", {"x-frame-options": "SAMEORIGIN", "Content-Security-Policy": "frame-ancestors 'self'"}

    return app


def test_every_response_gets_the_security_headers_in_order():
    response = headers_app().test_client().get("/plain")
    added = [(name, value) for name, value in response.headers
             if name not in ("Content-Type", "Content-Length", "Vary")]
    assert added == [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                    "script-src 'self'; form-action 'self'; frame-ancestors 'none'"),
    ]
    with_provider = headers_app(PAYMENT_PROVIDER_ORIGIN="https://pay.example.jp").test_client().get("/plain")
    assert "form-action 'self' https://pay.example.jp;" in with_provider.headers["Content-Security-Policy"]


def test_a_header_the_view_set_is_kept_whatever_its_case():
    response = headers_app().test_client().get("/framed")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Content-Security-Policy") == ["frame-ancestors 'self'"]
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_private_page_is_not_stored():
    app = headers_app()
    app.add_url_rule("/my/page", "my_page", lambda: "mine")
    assert app.test_client().get("/my/page").headers["Cache-Control"] == "no-store"
    assert "Cache-Control" not in app.test_client().get("/plain").headers


def test_no_staff_member_is_looked_up_for_a_browser_without_a_staff_sign_in(client, monkeypatch):
    """The header's staff member is looked up only for a browser holding a staff sign-in (or
    when this request has signed one in or out): a resident's pages have nobody to find."""
    looked_up = []
    monkeypatch.setattr(staff_views, "current_staff", lambda: looked_up.append("staff"))
    for path in ("/staff/login", "/"):
        page = client.get(path)
        assert page.status_code == 200 and "ログアウト" not in page.text
    assert looked_up == []
