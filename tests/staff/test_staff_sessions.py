"""Staff sessions end: signing out ends every session of the account (a copied cookie too), and
FORMSVC_STAFF_IDLE_MINUTES without activity end one, with the residents' warning first."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

from formsvc import create_app
from formsvc.config import settings_from_environment
from tests.applicant import csrf_token
from tests.conftest import database_of, empty_all_tables
from tests.staff.support import PASSWORD, staff_client

TIMED_OUT = "操作がなかったため、安全のためにログアウトしました"


def idle_for(client, minutes: float) -> None:
    """As if the browser had been left alone that long (the session cookie notes the last activity)."""
    with client.session_transaction() as cookie_session:
        cookie_session["staff_seen"] = int(time.time() - minutes * 60)


def copy_of(app, client):
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_signing_out_ends_a_copied_cookie_too(app):
    client = staff_client(app, "shinsa", "reviewer")
    thief = copy_of(app, client)
    assert thief.get("/staff/").status_code == 200
    home = client.get("/staff/")
    page = client.post("/staff/logout", data={"csrf_token": csrf_token(home.text)})
    assert page.status_code == 200 and "ログアウトしました" in page.text
    assert "ほかの端末やブラウザも、すべてログアウトしました" in page.text
    assert client.get("/staff/").status_code == 302
    response = thief.get("/staff/")
    assert response.status_code == 302 and urlsplit(response.location).path == "/staff/login"


def test_signing_out_ends_the_accounts_other_sessions(app):
    first = staff_client(app, "shinsa", "reviewer")
    second = app.test_client()
    page = second.get("/staff/login")
    assert second.post("/staff/login", data={"csrf_token": csrf_token(page.text), "username": "shinsa",
                                              "password": PASSWORD}).status_code == 302
    home = first.get("/staff/")
    first.post("/staff/logout", data={"csrf_token": csrf_token(home.text)})
    assert second.get("/staff/").status_code == 302


def test_the_idle_time_defaults_to_30_minutes(monkeypatch):
    monkeypatch.delenv("FORMSVC_STAFF_IDLE_MINUTES", raising=False)
    assert settings_from_environment()["STAFF_IDLE_MINUTES"] == 30
    monkeypatch.setenv("FORMSVC_STAFF_IDLE_MINUTES", "10")
    assert settings_from_environment()["STAFF_IDLE_MINUTES"] == 10


def test_a_staff_session_ends_after_the_idle_time_and_returns_after_signing_in(app):
    client = staff_client(app, "shinsa", "reviewer")
    idle = app.config["STAFF_IDLE_MINUTES"]
    idle_for(client, idle - 1)
    assert client.get("/staff/queue").status_code == 200  # not yet; and that was activity
    assert client.get("/staff/queue").status_code == 200

    idle_for(client, idle + 1)
    response = client.get("/staff/queue?status=new")
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/staff/login"
    query = parse_qs(location.query)
    assert query["next"] == ["/staff/queue?status=new"] and query["timed_out"] == ["1"]
    notice = client.get(response.location)
    assert notice.status_code == 200 and TIMED_OUT in notice.text and f"{idle}分間" in notice.text
    # Still signed out: the old cookie does not come back to life.
    assert client.get("/staff/queue").status_code == 302

    back = client.post(response.location, data={"csrf_token": csrf_token(notice.text), "username": "shinsa",
                                                "password": PASSWORD})
    assert back.status_code == 302 and back.location == "/staff/queue?status=new"


def test_a_form_sent_after_the_time_out_returns_to_its_page(app):
    client = staff_client(app, "shinsa", "reviewer")
    token = csrf_token(client.get("/staff/queue?mine=1").text)
    idle_for(client, app.config["STAFF_IDLE_MINUTES"] + 1)
    response = client.post("/staff/queue/claim-next", data={"csrf_token": token},
                           headers={"Referer": "http://localhost/staff/queue?mine=1"})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.location).query)
    assert query["next"] == ["/staff/queue?mine=1"] and query["timed_out"] == ["1"]


def test_signing_in_fresh_shows_no_time_out_notice(client):
    assert TIMED_OUT not in client.get("/staff/queue", follow_redirects=True).text


def test_staff_pages_carry_the_time_out_warning_and_keep_alive_extends(app):
    client = staff_client(app, "shinsa", "reviewer", "counter")
    idle = app.config["STAFF_IDLE_MINUTES"]
    for url in ("/staff/queue", "/counter/"):
        page = client.get(url)
        seconds = int(re.search(r'data-session-seconds="(\d+)"', page.text).group(1))
        assert idle * 60 - 5 <= seconds <= idle * 60
        assert 'data-keep-alive-url="/staff/keep-alive"' in page.text
        assert "まもなくログインの有効期限が切れます" in page.text and "ログインを延長する" in page.text

    idle_for(client, idle - 3)
    token = csrf_token(client.get("/staff/login").text)
    idle_for(client, idle - 3)
    extended = client.post("/staff/keep-alive", headers={"X-CSRFToken": token})
    assert extended.status_code == 200
    assert extended.get_json()["signed_in"] is True and extended.get_json()["seconds_left"] > (idle - 1) * 60

    idle_for(client, idle + 1)
    ended = client.post("/staff/keep-alive", headers={"X-CSRFToken": token})
    assert ended.status_code == 401 and ended.get_json() == {"signed_in": False}
    # The warning's script then reloads the page: the sign-in page it leads to says why.
    reloaded = client.get("/staff/queue")
    assert parse_qs(urlsplit(reloaded.location).query)["timed_out"] == ["1"]
    assert TIMED_OUT in client.get(reloaded.location).text


def test_the_sign_in_page_has_no_warning_for_someone_not_signed_in(client):
    page = client.get("/staff/login")
    assert "data-session-seconds" not in page.text and "まもなくログインの有効期限" not in page.text


def test_a_shorter_idle_time_is_honoured(database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
                      "INSTANCE_DIR": str(tmp_path), "STAFF_IDLE_MINUTES": 5})
    try:
        client = staff_client(app, "shinsa", "reviewer")
        idle_for(client, 6)
        assert client.get("/staff/queue").status_code == 302
    finally:
        empty_all_tables(app)
        database_of(app).engine.dispose()
