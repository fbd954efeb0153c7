"""/staff/notices: the signed-in staff member's own notices (お知らせ, formsvc.review.notices), and
the 「お知らせ（N件）」 count that every staff page's menu shows."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from formsvc.db import session as db_session
from formsvc.i18n import t
from formsvc.review import notices
from formsvc.review.queries import procedure_titles
from formsvc.staff.auth import current_staff, require_role, signed_in_staff
from formsvc.submissions import reception
from formsvc.templating import local_datetime

blueprint = Blueprint("notices", __name__, url_prefix="/staff")

NOTICE_CHOICE = re.compile(r"all|[0-9]{1,9}")  # ids fit a 32-bit integer column


@blueprint.app_context_processor
def notice_count_context():
    # お知らせ（N件） in the staff menu: asked only when a page shows the menu.
    return {"staff_notice_count": _notice_count}


def _notice_count() -> int | None:
    """The signed-in staff member's unread notices (None: their roles have no notices)."""
    user = current_staff()
    if user is None or not user.has_role(*notices.ROLES):
        return None
    return notices.unread_count(db_session(), user.id)


@blueprint.get("/notices")
@require_role(*notices.ROLES)
def notice_list():
    user = signed_in_staff()
    session = db_session()
    rows = notices.listed(session, user.id)
    return render_template("staff/notices.html", rows=rows, titles=procedure_titles(session),
                           kind_labels=notices.KIND_LABELS, display_number=reception.display,
                           local_datetime=local_datetime, unread=sum(1 for row in rows if row.notice.read_at is None))


@blueprint.post("/notices/read")
@require_role(*notices.ROLES)
def read_notices():
    """既読にする: one notice (its id) or all ("all"); another member's notice is left alone."""
    user = signed_in_staff()
    choice = request.form.get("notice", "")
    if NOTICE_CHOICE.fullmatch(choice) is None:
        abort(400)
    notices.mark_read(db_session(), user.id, None if choice == "all" else int(choice))
    db_session().commit()
    flash(t("既読にしました", "Marked as read"), "staff_notices")
    return redirect(url_for("notices.notice_list"))
