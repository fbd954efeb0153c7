"""Who is signed in as staff, and the role check every staff route makes."""

from __future__ import annotations

import functools
import hmac

from flask import abort, g, redirect, request, session, url_for

from formsvc.db import session as db_session
from formsvc.staff.models import StaffUser


def current_staff() -> StaffUser | None:
    if "staff_user" in g:
        return g.staff_user
    user = None
    staff_id, nonce = session.get("staff_id"), session.get("staff_nonce")
    if staff_id is not None and nonce:
        candidate = db_session().get(StaffUser, staff_id)
        if candidate is not None and candidate.active and hmac.compare_digest(candidate.session_nonce, nonce):
            user = candidate
    g.staff_user = user
    return user


def begin_staff_session(user: StaffUser) -> None:
    # A fresh session: nothing from before signing in carries over (no fixation).
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session["staff_id"], session["staff_nonce"] = user.id, user.session_nonce
    session.permanent = True
    g.staff_user = user


def end_staff_session() -> None:
    session.pop("staff_id", None)
    session.pop("staff_nonce", None)
    g.staff_user = None


def require_role(*roles: str):
    """Decorator for staff views: signed-in staff holding at least one of ``roles``."""

    def decorate(view):
        view.required_roles = roles

        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_staff()
            if user is None:
                return redirect(url_for("staff.login", next=request.full_path))
            if not user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate
