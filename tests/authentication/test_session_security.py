"""Sign-ins end after inactivity (answers kept), can be extended, and are protected against CSRF."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from formsvc.db import utcnow
from tests.applicant import csrf_token
from tests.authentication.support import logins, session_data, sign_in_with_card
from tests.authentication.test_my_applications import answer_first_page


def idle_for(db_session, minutes: float) -> None:
    [login] = [row for row in logins(db_session) if row.ended_at is None]
    login.last_seen_at = utcnow() - timedelta(minutes=minutes)
    db_session.commit()


def test_a_sign_in_ends_after_the_idle_time(client, app, db_session):
    sign_in_with_card(client)
    idle = app.config["RESIDENT_IDLE_MINUTES"]
    idle_for(db_session, idle - 1)
    assert client.get("/my/").status_code == 200  # not yet
    [login] = logins(db_session)
    assert utcnow() - login.last_seen_at < timedelta(seconds=5)  # the visit counted as activity

    idle_for(db_session, idle + 1)
    response = client.get("/my/")
    assert response.status_code == 302 and urlsplit(response.location).path == "/auth/login"
    [login] = logins(db_session)
    assert login.ended_at is not None
    assert "login" not in session_data(app, client)
    assert "山田 太郎 さん" not in client.get("/").text
    assert client.get("/my/").status_code == 302


def test_a_timed_out_application_continues_after_signing_in_again(client, app, db_session, card_form):
    sign_in_with_card(client)
    answer_first_page(client, card_form)
    idle_for(db_session, app.config["RESIDENT_IDLE_MINUTES"] + 1)

    page = f"/forms/{card_form}/pages/request"
    response = client.get(page)
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/auth/login"
    query = parse_qs(location.query)
    assert query["next"] == [page] and query["timed_out"] == ["1"]
    notice = client.get(response.location)
    assert notice.status_code == 200 and "ログインの有効期限が切れました" in notice.text
    assert "入力した内容は保存されています" in notice.text

    done = sign_in_with_card(client, next_path=query["next"][0])
    assert urlsplit(done.location).path == page
    again = client.get(page)
    assert again.status_code == 200 and "請求内容" in again.text
    first_page = client.get(f"/forms/{card_form}/pages/applicant")
    assert "山田\u3000太郎" in first_page.text and 'value="3300063"' in first_page.text
    assert len(logins(db_session)) == 2


def test_keep_alive_extends_the_sign_in(client, app, db_session):
    sign_in_with_card(client)
    token = csrf_token(client.get("/my/").text)
    idle_for(db_session, 20)
    response = client.post("/auth/keep-alive", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    body = response.get_json()
    assert body["signed_in"] is True
    full = app.config["RESIDENT_IDLE_MINUTES"] * 60
    assert full - 10 <= body["seconds_left"] <= full
    [login] = logins(db_session)
    assert utcnow() - login.last_seen_at < timedelta(seconds=5)


def test_keep_alive_without_a_sign_in_says_so(client, app, db_session):
    sign_in_with_card(client)
    token = csrf_token(client.get("/my/").text)
    idle_for(db_session, app.config["RESIDENT_IDLE_MINUTES"] + 1)
    response = client.post("/auth/keep-alive", headers={"X-CSRFToken": token})
    assert response.status_code == 401 and response.get_json() == {"signed_in": False}
    assert logins(db_session)[0].ended_at is not None


def test_keep_alive_and_logout_need_the_csrf_token(client, app, db_session):
    sign_in_with_card(client)
    # Half a minute ago: a page view would not refresh it yet (TOUCH_EVERY), a keep-alive would.
    idle_for(db_session, 0.5)
    before = logins(db_session)[0].last_seen_at
    for headers in ({}, {"X-CSRFToken": "forged"}):
        response = client.post("/auth/keep-alive", headers=headers)
        assert response.status_code == 400 and response.get_json(silent=True) is None
    assert logins(db_session)[0].last_seen_at == before

    for data in ({}, {"csrf_token": "forged"}):
        response = client.post("/auth/logout", data=data)
        assert response.status_code == 400
    [login] = logins(db_session)
    assert login.ended_at is None
    assert client.get("/my/").status_code == 200
    assert client.get("/auth/logout").status_code == 405  # no signing out by a link or an image


def test_the_session_cookie_is_http_only_and_same_site(client, app):
    done = sign_in_with_card(client)
    cookie = done.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
