"""The signed session cookie, written again only when it changed or has aged, and its signature
checked once in a process rather than on every request that sends it (issue 17).

Flask's default re-signs a permanent session on every response (SESSION_REFRESH_EACH_REQUEST), so
that its expiry (PERMANENT_SESSION_LIFETIME, the draft lifetime) counts from the last request:
serialising, compressing and signing the cookie cost about a tenth of a question page. Here an
unchanged session is written again only once its signature is REFRESH_AFTER old (at most a minute,
or a hundredth of a short lifetime): the cookie still expires one lifetime after the visitor's last
request, give or take that minute; a changed session is written at once, as before.

Reading it, Flask checks the cookie's signature (two HMACs) and decodes it on every request,
though a visitor sends the same cookie until it changes. A cookie whose signature checked out is
remembered with what it holds and when it was signed (VerifiedCookies): the same cookie text
under the same keys always holds the same, so a later request with it is given a fresh copy of
that, once its age is checked as itsdangerous checks it. A cookie that did not check out is
never remembered, and is checked in full each time.

The signing serializer is built once per key set instead of twice per request, and a response
that writes no cookie only says Vary: Cookie (as Flask does, without its cookie settings read).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, cast

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.wrappers import Request, Response
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from werkzeug.sansio.http import parse_cookie

from formsvc.plain_copy import plain_copy

# An unchanged session's cookie is signed again after this long (see refresh_after).
REFRESH_AFTER = timedelta(seconds=60)
# Verified cookies remembered per key set (then forgotten all at once): a cookie is at most 4 kB.
VERIFIED_COOKIES_KEPT = 512


class Session(SecureCookieSession):
    # When the cookie the session came from was signed (None: a new session, or a bad cookie).
    signed_at: datetime | None = None


def refresh_after(lifetime: timedelta) -> timedelta:
    """How old a cookie may get before an unchanged session is written again."""
    return min(REFRESH_AFTER, lifetime / 100)


class VerifiedCookie(NamedTuple):
    data: dict[str, Any]  # never handed out: each session gets a copy (plain_copy)
    timestamp: int  # when it was signed, in itsdangerous's seconds
    signed_at: datetime


class VerifiedCookies:
    """The cookies one key set's signature was found on, by their text. A lookup compares the
    text sent only with remembered cookies of the same string hash (randomised per process)."""

    def __init__(self, serializer: URLSafeTimedSerializer) -> None:
        self.serializer = serializer
        # Its clock, as loads() reads it (tests move it: TimestampSigner.get_timestamp).
        self._signer = cast(TimestampSigner, serializer.make_signer())
        self._found: dict[str, VerifiedCookie] = {}

    def loads(self, value: str, max_age: int) -> tuple[dict[str, Any], datetime]:
        """serializer.loads(value, max_age=max_age, return_timestamp=True), the data a copy of
        its own. Raises BadSignature as loads does (SignatureExpired for a cookie too old)."""
        found = self._found.get(value)
        if found is None:
            data, signed_at = self.serializer.loads(value, max_age=max_age, return_timestamp=True)
            found = VerifiedCookie(data, int(signed_at.timestamp()), signed_at)
            if len(self._found) >= VERIFIED_COOKIES_KEPT:
                self._found.clear()
            self._found[value] = found
        else:
            age = self._signer.get_timestamp() - found.timestamp
            if age > max_age or age < 0:  # TimestampSigner.unsign's two checks
                self._found.pop(value, None)
                raise SignatureExpired(f"Signature age {age} is not within 0 to {max_age} seconds",
                                       date_signed=found.signed_at)
        return plain_copy(found.data), found.signed_at


class SessionInterface(SecureCookieSessionInterface):
    session_class = Session

    def __init__(self) -> None:
        self._verified: dict[tuple, VerifiedCookies] = {}

    def _verified_cookies(self, app: Flask) -> VerifiedCookies | None:
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        verified = self._verified.get(key)
        if verified is None:
            serializer = super().get_signing_serializer(app)
            if serializer is None:
                return None
            if len(self._verified) > 8:  # keys rotated many times in one process: start over
                self._verified.clear()
            verified = self._verified[key] = VerifiedCookies(serializer)
        return verified

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        verified = self._verified_cookies(app)
        return verified.serializer if verified is not None else None

    def open_session(self, app: Flask, request: Request) -> Session | None:
        verified = self._verified_cookies(app)
        if verified is None:
            return None
        value = sent_cookie(request, self.get_cookie_name(app))
        if not value:
            return self.session_class()
        try:
            data, signed_at = verified.loads(value, int(app.permanent_session_lifetime.total_seconds()))
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def save_session(self, app: Flask, session, response: Response) -> None:
        # Most responses write no cookie (a session unchanged and fresh): Flask's save_session
        # then reads the seven cookie settings and parses the Vary header only to say Vary: Cookie.
        if session and not self.should_set_cookie(app, session):
            if session.accessed:
                vary_with_the_cookie(response)
            return
        super().save_session(app, session, response)

    def should_set_cookie(self, app: Flask, session) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or datetime.now(UTC) - signed_at >= refresh_after(app.permanent_session_lifetime)


def sent_cookie(request: Request, name: str) -> str | None:
    """request.cookies.get(name). request.cookies finds the Cookie header by walking every header
    of the WSGI environ (~70 lines of Python a request), which holds it once: read directly."""
    return parse_cookie(request.headers.get("Cookie"), cls=request.dict_storage_class).get(name)


def vary_with_the_cookie(response: Response) -> None:
    """response.vary.add("Cookie"), as Flask's save_session says it, without parsing a Vary header
    the response does not have."""
    if response.headers.get("Vary"):
        response.vary.add("Cookie")
    else:
        response.headers["Vary"] = "Cookie"
