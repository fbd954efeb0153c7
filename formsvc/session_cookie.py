"""The signed session cookie, written again only when it changed or has aged (issue 17).

Flask's default re-signs a permanent session on every response (SESSION_REFRESH_EACH_REQUEST), so
that its expiry (PERMANENT_SESSION_LIFETIME, the draft lifetime) counts from the last request:
serialising, compressing and signing the cookie cost about a tenth of a question page. Here an
unchanged session is written again only once its signature is REFRESH_AFTER old (at most a minute,
or a hundredth of a short lifetime): the cookie still expires one lifetime after the visitor's last
request, give or take that minute; a changed session is written at once, as before.

The signing serializer is built once per key set instead of twice per request.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.wrappers import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

# An unchanged session's cookie is signed again after this long (see refresh_after).
REFRESH_AFTER = timedelta(seconds=60)


class Session(SecureCookieSession):
    # When the cookie the session came from was signed (None: a new session, or a bad cookie).
    signed_at: datetime | None = None


def refresh_after(lifetime: timedelta) -> timedelta:
    """How old a cookie may get before an unchanged session is written again."""
    return min(REFRESH_AFTER, lifetime / 100)


class SessionInterface(SecureCookieSessionInterface):
    session_class = Session

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if serializer is None:
                return None
            if len(self._serializers) > 8:  # keys rotated many times in one process: start over
                self._serializers.clear()
            self._serializers[key] = serializer
        return serializer

    def open_session(self, app: Flask, request: Request) -> Session | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        try:
            data, signed_at = serializer.loads(value, max_age=int(app.permanent_session_lifetime.total_seconds()),
                                               return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or datetime.now(UTC) - signed_at >= refresh_after(app.permanent_session_lifetime)
