"""Staff sign-in and sign-out, keeping a staff session alive, and the staff home page.

The staff user, the menu and the session's time left are in every page's context (registered
here for the whole app: the header of any page may show who is signed in as staff).
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, session, url_for

from formsvc.db import session as db_session
from formsvc.i18n import t
from formsvc.navigation import safe_local_path
from formsvc.staff import roles, throttling
from formsvc.staff.accounts import authenticate, new_session_nonce
from formsvc.staff.auth import (
    begin_staff_session,
    current_staff,
    end_staff_session,
    keep_staff_session_alive,
    require_role,
    signed_in_staff,
    staff_seconds_left,
)
from formsvc.staff.forms import LoginForm
from formsvc.staff.menu import MenuEntries, start_page_for
from formsvc.templating import signed_in

blueprint = Blueprint("staff", __name__, url_prefix="/staff")


@blueprint.app_context_processor
def staff_context():
    return {
        # A browser holding no staff sign-in (a resident's) has nobody to look up (g: this
        # request signed in, out, or looked already).
        "staff_user": signed_in(current_staff) if "staff_id" in session or "staff_user" in g else None,
        "staff_menu": MenuEntries(),
        # For the time-out warning of the staff layouts (templates/staff/_session.html).
        "staff_seconds_left": staff_seconds_left,
    }


@blueprint.app_template_filter("role_label")
def role_label(role: str) -> str:
    return t(*roles.LABELS.get(role, (role, role)))


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(request.form if request.method == "POST" else None)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        errors = [] if form.validate() else form.error_summary()
        if not errors:
            # The client's address as the nearest trusted proxy saw it (FORMSVC_PROXY_COUNT).
            attempt = throttling.start(form.username.data or "", request.remote_addr or "unknown")
            if attempt.refused:
                attempt.turned_away()
                errors.append((t("ログインの失敗が続いたため、しばらくログインできません。15分ほど待ってからもう一度お試しください",
                                 "Too many failed attempts. Wait 15 minutes and try again"), "username"))
            else:
                user = authenticate(db_session(), form.username.data or "", form.password.data or "")
                db_session().commit()
                if user is not None:
                    attempt.succeeded()
                    begin_staff_session(user)
                    current_app.logger.info("staff signed in: id=%s", user.id)
                    return redirect(safe_local_path(request.args.get("next")) or url_for("staff.home"))
                errors.append((t("ユーザー名またはパスワードが正しくありません",
                                 "The user name or password is not right"), "username"))
    timed_out = bool(request.args.get("timed_out")) and not errors
    page = render_template("staff/login.html", errors=errors, username=form.username.data or "",
                           timed_out=timed_out, idle_minutes=current_app.config["STAFF_IDLE_MINUTES"],
                           demo_logins=_demo_logins())
    return page, 400 if errors else 200


def _demo_logins():
    """Demo mode only: the demo accounts and their passwords, shown on the sign-in page (None
    otherwise: outside demo mode the page never shows any, whatever instance/ holds)."""
    if not current_app.config["FORMSVC_DEMO"]:
        return None
    from formsvc.staff.demo_accounts import stored_logins

    return stored_logins(current_app.config["INSTANCE_DIR"])


@blueprint.post("/logout")
def logout():
    user = current_staff()
    if user is not None:
        # A new nonce ends every session of this account, including any copy of this cookie.
        user.session_nonce = new_session_nonce()
        db_session().commit()
        current_app.logger.info("staff signed out: id=%s", user.id)
    end_staff_session()
    return render_template("staff/logged_out.html")


@blueprint.post("/keep-alive")
def keep_alive():
    """Extend the session (the 延長する button of the time-out warning)."""
    if not keep_staff_session_alive():
        return jsonify(signed_in=False), 401
    return jsonify(signed_in=True, seconds_left=staff_seconds_left())


@blueprint.get("/")
@require_role(*roles.ALL)
def home():
    user = signed_in_staff()
    start_page = start_page_for(user)  # reviewers start at their work: the review queue
    if start_page is not None:
        return start_page()
    return render_template("staff/home.html", user=user)
