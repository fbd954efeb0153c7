"""Who is signed in as staff, the idle timeout, and the role check every staff route makes.

The session cookie carries the account id, the account's session nonce at sign-in and when the
person was last active. Signing out gives the account a new nonce, which ends every session of
it (a copied cookie included); FORMSVC_STAFF_IDLE_MINUTES without activity end one session.

A staff account is one municipality's, and so is its session (``staff_tenant``): at another
municipality's address (/<slug>/…, its host name) the member is simply not signed in there, and
still is at home (the cookie is the host's, shared by every municipality on it).
"""

from __future__ import annotations

import functools
import hmac
from datetime import timedelta
from typing import Any

from flask import abort, current_app, g, redirect, session, url_for

from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.navigation import return_path_after_sign_in
from formsvc.staff.models import StaffUser
from formsvc.tenants.context import DEFAULT_TENANT_ID, current_tenant_id

# Note activity at most this often, so that not every response has to carry a new cookie value.
TOUCH_EVERY = timedelta(seconds=60)
_KEYS = ("staff_id", "staff_nonce", "staff_seen", "staff_timed_out", "staff_tenant")


def idle_timeout() -> timedelta:
    return timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])


def _now() -> int:
    return int(utcnow().timestamp())


def current_staff() -> StaffUser | None:
    if "staff_user" in g:
        return g.staff_user
    user = None
    staff_id, nonce = session.get("staff_id"), session.get("staff_nonce")
    # A session from before municipalities were told apart is the default one's (the only one then).
    if session.get("staff_tenant", DEFAULT_TENANT_ID) != current_tenant_id():
        staff_id = None  # another municipality's member: nobody here, left signed in at home
    if staff_id is not None and nonce:
        seen = session.get("staff_seen")
        if not isinstance(seen, int) or _now() - seen > idle_timeout().total_seconds():
            end_staff_session()
            # Remembered for the next staff page, should this request not be one (the keep-alive
            # button, a resident page): that page's sign-in link says why.
            session["staff_timed_out"] = True
            return None
        candidate = db_session().get(StaffUser, staff_id)
        if candidate is not None and candidate.active and hmac.compare_digest(candidate.session_nonce, nonce):
            user = candidate
            if _now() - seen >= TOUCH_EVERY.total_seconds():
                session["staff_seen"] = _now()
        else:
            end_staff_session()  # signed out elsewhere, new password or account closed: forget it
    g.staff_user = user
    return user


def signed_in_staff() -> StaffUser:
    """The staff member using a view behind require_role (which lets no one else in)."""
    user = current_staff()
    if user is None:
        abort(403)
    return user


def staff_seconds_left() -> int:
    """Seconds until the signed-in staff member's session times out without activity."""
    seen = session.get("staff_seen")
    if current_staff() is None or not isinstance(seen, int):
        return 0
    return max(0, int(seen + idle_timeout().total_seconds() - _now()))


def keep_staff_session_alive() -> bool:
    if current_staff() is None:
        return False
    session["staff_seen"] = _now()
    return True


def begin_staff_session(user: StaffUser) -> None:
    # A fresh session: nothing from before signing in carries over (no fixation).
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session["staff_id"], session["staff_nonce"] = user.id, user.session_nonce
    session["staff_tenant"] = user.tenant_id
    session["staff_seen"] = _now()
    session.permanent = True
    g.staff_user = user


def end_staff_session() -> None:
    for key in _KEYS:
        session.pop(key, None)
    g.staff_user = None


def login_url(next_path: str | None = None) -> str:
    """The sign-in page, saying why when the session timed out, and where to return to."""
    arguments: dict[str, Any] = {"next": next_path} if next_path else {}
    if session.pop("staff_timed_out", False):
        arguments["timed_out"] = 1
    return url_for("staff.login", **arguments)


def require_role(*roles: str):
    """Decorator for staff views: signed-in staff holding at least one of ``roles``."""

    def decorate(view):
        view.required_roles = roles

        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_staff()
            if user is None:
                return redirect(login_url(return_path_after_sign_in()))
            if not user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate
