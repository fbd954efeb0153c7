"""Staff sign-in and sign-out."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from formsvc.db import session as db_session
from formsvc.resident.context import safe_local_path, t
from formsvc.staff import roles
from formsvc.staff.accounts import authenticate, throttled
from formsvc.staff.auth import begin_staff_session, current_staff, end_staff_session, require_role

blueprint = Blueprint("staff", __name__, url_prefix="/staff")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    errors: list[tuple[str, str]] = []
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        address = request.remote_addr or "unknown"
        if not username:
            errors.append((t("ユーザー名を入力してください", "Enter your user name"), "username"))
        if not password:
            errors.append((t("パスワードを入力してください", "Enter your password"), "password"))
        if not errors:
            if throttled(db_session(), [f"user:{username}", f"ip:{address}"]):
                errors.append((t("ログインの失敗が続いたため、しばらくログインできません。15分ほど待ってからもう一度お試しください",
                                 "Too many failed attempts. Wait 15 minutes and try again"), "username"))
            else:
                user = authenticate(db_session(), username, password, address)
                db_session().commit()
                if user is not None:
                    begin_staff_session(user)
                    current_app.logger.info("staff signed in: id=%s", user.id)
                    return redirect(safe_local_path(request.args.get("next")) or url_for("staff.home"))
                errors.append((t("ユーザー名またはパスワードが正しくありません",
                                 "The user name or password is not right"), "username"))
    return render_template("staff/login.html", errors=errors, username=username), 200 if not errors else 400


@blueprint.post("/logout")
def logout():
    end_staff_session()
    return redirect(url_for("staff.login"))


@blueprint.get("/")
@require_role(*roles.ALL)
def home():
    user = current_staff()
    queue = current_app.view_functions.get("review.queue")
    if queue is not None and user.has_role(roles.REVIEWER):
        return queue()  # reviewers start at their work: the review queue
    return render_template("staff/home.html", user=user)
