"""Who is signed in: server-side sign-ins with an idle timeout, and their drafts.

The session cookie holds only a random token. Signing in starts a fresh session (no
fixation), and drafts started before signing in get new tokens and belong to the resident
from then on, so a token planted in the browser beforehand leads nowhere.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, session
from sqlalchemy import select

from formsvc.authentication.claims import usable_basic_four
from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.submissions.models import Draft

from .models import ResidentLogin

# Refresh last_seen_at at most this often, so a page view is not always a database write.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Identity:
    """What the provider asserted about the signed-in resident."""

    issuer: str
    subject: str
    claims: dict
    acr: str | None

    def owns(self, issuer: str | None, subject: str | None) -> bool:
        return issuer == self.issuer and subject == self.subject


def idle_timeout() -> timedelta:
    return timedelta(minutes=current_app.config["RESIDENT_IDLE_MINUTES"])


def note_activity() -> None:
    """Run before each request of a browser holding a sign-in (formsvc.authentication.views): end
    it when it was idle too long, else note that it is in use (at most every TOUCH_EVERY). Committed
    here, before the view has changed anything, so that nothing later in the request (a page's
    header asking who is signed in) writes to the database."""
    login = _stored_login()
    now = utcnow()
    if login is not None and _ended(login, now):
        if login.ended_at is None:
            login.ended_at = now
            db_session().commit()
        session.pop("login", None)
        g.login_timed_out = True
        login = None
    elif login is not None and now - login.last_seen_at > TOUCH_EVERY:
        login.last_seen_at = now
        db_session().commit()
    g.resident_login = login


def current_login() -> ResidentLogin | None:
    """The resident signed in on this request, as note_activity found it; reads, never writes."""
    if "resident_login" not in g:
        login = _stored_login()
        g.resident_login = None if login is None or _ended(login, utcnow()) else login
    return g.resident_login


def _stored_login() -> ResidentLogin | None:
    token = session.get("login")
    return db_session().scalar(select(ResidentLogin).where(ResidentLogin.token == token)) if token else None


def _ended(login: ResidentLogin, now: datetime) -> bool:
    return login.ended_at is not None or now - login.last_seen_at > idle_timeout()


def current_identity() -> Identity | None:
    login = current_login()
    if login is None:
        return None
    # A sign-in stored before the callback checked the 基本4情報 may hold malformed ones: left out.
    return Identity(login.issuer, login.subject, usable_basic_four(login.claims), login.acr)


def seconds_left(login: ResidentLogin) -> int:
    return max(0, int((login.last_seen_at + idle_timeout() - utcnow()).total_seconds()))


def sign_in(issuer: str, subject: str, claims: dict, acr: str | None, auth_time: int | None) -> ResidentLogin:
    """Start a new session for the resident and take over the drafts of the old one."""
    previous = current_login()
    if previous is not None:
        # Someone else (or the same person again) signs in without signing out: end the old one,
        # whose token no cookie will hold any more.
        previous.ended_at = utcnow()
    old_drafts = dict(session.get("drafts", {}))
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login = ResidentLogin(token=secrets.token_urlsafe(32), issuer=issuer, subject=subject,
                          claims=claims, acr=acr, auth_time=auth_time)
    db_session().add(login)
    drafts: dict[str, str] = {}
    for form_id, token in old_drafts.items():
        draft = db_session().scalar(select(Draft).where(Draft.token == token))
        if draft is None or (draft.resident_subject and draft.resident_subject != subject):
            continue
        draft.token = secrets.token_urlsafe(32)
        draft.resident_issuer, draft.resident_subject = issuer, subject
        drafts[form_id] = draft.token
    db_session().commit()
    session["login"] = login.token
    session["drafts"] = drafts
    session.permanent = True
    g.resident_login = login
    return login


def sign_out() -> None:
    login = current_login()
    if login is not None:
        login.ended_at = utcnow()
        db_session().commit()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    g.resident_login = None
