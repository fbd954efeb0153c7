"""The session cookie (formsvc.session_cookie, issue 17): an unchanged session is not signed again on
every response, yet its expiry still counts from the visitor's last request (give or take
REFRESH_AFTER); a changed session is written at once; a forged or expired cookie is no session.
A cookie's signature is checked once; what it holds is remembered, but its age is checked on
every request and each request gets a session of its own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask, session
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from formsvc.session_cookie import REFRESH_AFTER, SessionInterface, refresh_after, sent_cookie

LIFETIME = timedelta(hours=24)


@pytest.fixture
def bare_app():
    app = Flask(__name__)
    app.secret_key = "session-cookie"
    app.config["PERMANENT_SESSION_LIFETIME"] = LIFETIME
    app.session_interface = SessionInterface()

    @app.get("/start")
    def start():
        session["drafts"] = {"form": "token"}
        session.permanent = True
        return "started"

    @app.get("/read")
    def read():
        return session.get("drafts", {}).get("form", "none")

    @app.get("/change")
    def change():
        session["lang"] = "en"
        return "changed"

    @app.get("/scribble")
    def scribble():
        session["drafts"]["form"] = "scribbled"  # in place: Flask does not see it, nothing is saved
        return "scribbled"

    @app.get("/varied")
    def varied():
        return session.get("lang", "ja"), {"Vary": "Accept-Language"}

    @app.get("/untouched")
    def untouched():
        return "untouched"

    @app.get("/temporary")
    def temporary():
        session["visited"] = True  # not permanent: a browser session's cookie
        return "temporary"

    return app


def signed_cookie(response) -> str | None:
    found = re.match(r"session=([^;]+)", response.headers.get("Set-Cookie", ""))
    return found.group(1) if found else None


def signed_ago(monkeypatch, seconds: int) -> None:
    """Sign cookies as if ``seconds`` ago (itsdangerous puts the time in the signature)."""
    now = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now(self) - seconds)


def test_an_unchanged_session_is_not_signed_again_on_the_next_request(bare_app):
    client = bare_app.test_client()
    assert signed_cookie(client.get("/start"))
    reading = client.get("/read")
    assert reading.text == "token"
    assert "Set-Cookie" not in reading.headers
    assert reading.headers["Vary"] == "Cookie"  # still said: the page depends on the cookie


def test_vary_cookie_is_said_as_flask_says_it(bare_app):
    client = bare_app.test_client()
    client.get("/start")
    assert client.get("/varied").headers.getlist("Vary") == ["Accept-Language, Cookie"]
    untouched = client.get("/untouched")
    assert "Vary" not in untouched.headers and "Set-Cookie" not in untouched.headers


def test_a_changed_session_is_written_at_once(bare_app):
    client = bare_app.test_client()
    client.get("/start")
    changed = client.get("/change")
    assert signed_cookie(changed)
    assert client.get("/read").text == "token"


def test_an_aged_cookie_is_signed_again_with_a_later_expiry(bare_app, monkeypatch):
    client = bare_app.test_client()
    with monkeypatch.context() as patch:
        signed_ago(patch, int(REFRESH_AFTER.total_seconds()) + 5)
        first = client.get("/start")
    renewed = client.get("/read")
    assert renewed.text == "token"
    assert signed_cookie(renewed) and signed_cookie(renewed) != signed_cookie(first)
    expires = renewed.headers["Set-Cookie"]
    assert "Expires=" in expires
    # Renewed, it is fresh again: the next request leaves it alone.
    assert "Set-Cookie" not in client.get("/read").headers


def test_a_cookie_older_than_the_lifetime_is_no_session(bare_app, monkeypatch):
    client = bare_app.test_client()
    with monkeypatch.context() as patch:
        signed_ago(patch, int(LIFETIME.total_seconds()) + 5)
        client.get("/start")
    assert client.get("/read").text == "none"


def test_a_forged_cookie_is_no_session(bare_app):
    client = bare_app.test_client()
    client.get("/start")
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB"))
    assert client.get("/read").text == "none"


def test_a_session_that_is_not_permanent_is_written_only_when_changed(bare_app):
    client = bare_app.test_client()
    assert signed_cookie(client.get("/temporary"))
    assert "Set-Cookie" not in client.get("/read").headers


def test_a_short_lifetime_is_refreshed_sooner():
    assert refresh_after(timedelta(hours=24)) == REFRESH_AFTER
    assert refresh_after(timedelta(minutes=30)) == timedelta(seconds=18)



def test_a_cookie_is_verified_once_and_each_request_gets_a_session_of_its_own(bare_app, monkeypatch):
    client = bare_app.test_client()
    client.get("/start")
    checked = []
    loads = URLSafeTimedSerializer.loads

    def counted(self, *args, **kwargs):
        checked.append(1)
        return loads(self, *args, **kwargs)

    monkeypatch.setattr(URLSafeTimedSerializer, "loads", counted)
    assert client.get("/read").text == "token"
    assert client.get("/scribble").text == "scribbled"
    # What one request did to its session in place is not what the next one reads.
    assert client.get("/read").text == "token"
    assert len(checked) == 1


@pytest.mark.parametrize("seconds", [int(LIFETIME.total_seconds()) + 5, -5])
def test_a_remembered_cookie_is_still_refused_once_too_old(bare_app, monkeypatch, seconds):
    """As itsdangerous refuses it: older than the lifetime, or signed "in the future" (the
    clock went back)."""
    client = bare_app.test_client()
    client.get("/start")
    assert client.get("/read").text == "token"  # remembered
    signed_ago(monkeypatch, -seconds)  # the clock moves on (or back) by ``seconds``
    assert client.get("/read").text == "none"


def test_a_remembered_cookie_is_no_session_once_the_key_changes(bare_app):
    client = bare_app.test_client()
    client.get("/start")
    assert client.get("/read").text == "token"  # remembered
    bare_app.secret_key = "another"
    assert client.get("/read").text == "none"
    bare_app.config["SECRET_KEY_FALLBACKS"] = ["session-cookie"]  # the old key still accepted
    assert client.get("/read").text == "token"


def test_a_forged_cookie_is_refused_every_time(bare_app):
    client = bare_app.test_client()
    client.get("/start")
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB"))
    assert [client.get("/read").text for _ in range(2)] == ["none", "none"]
    client.set_cookie("session", cookie.value)
    assert client.get("/read").text == "token"


@pytest.mark.parametrize("header", [None, "", "session=abc", "other=1; session=abc.def; third=x",
                                    "session=first; session=second", 'session="quoted value"', "session=",
                                    "sessionx=1", "garbage;;; =; session=ok", "session=caf\u00c3\u00a9"])
def test_the_cookie_is_read_as_request_cookies_reads_it(bare_app, header):
    with bare_app.test_request_context(headers={"Cookie": header} if header is not None else {}) as context:
        assert sent_cookie(context.request, "session") == context.request.cookies.get("session")
