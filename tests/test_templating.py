"""What every page's context holds, and that putting it together writes nothing."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from sqlalchemy import select, update

from formsvc.authentication.models import ResidentLogin
from formsvc.db import database, utcnow
from formsvc.db import session as db_session
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
