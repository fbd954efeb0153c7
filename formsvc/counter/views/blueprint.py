"""The counter's blueprint, and what its views share: the role, the flash category, the visit
and procedure named in the URL."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from formsvc.counter import service
from formsvc.db import session as db_session
from formsvc.staff import menu, roles
from formsvc.submissions.models import CounterVisit, Draft, Submission

blueprint = Blueprint("counter", __name__, url_prefix="/counter")
COUNTER = roles.COUNTER
FLASH = "counter"
FLASH_ERROR = "counter-error"  # a refusal after a redirect (収納 twice …): shown as an alert

menu.add_entry(blueprint, "counter.home", ("窓口受付", "Counter"), (COUNTER,))


# Ids are 32-bit integer columns: a longer number in a URL is no row (and must not reach the
# database driver, which cannot bind it).
MAX_ROW_ID = 2**31 - 1


def row_id(value: int) -> int:
    """``value`` when it can be a row's id, else 404."""
    if not 0 < value <= MAX_ROW_ID:
        abort(404)
    return value


def visit_or_404(visit_id: int) -> CounterVisit:
    visit = db_session().get(CounterVisit, row_id(visit_id))
    if visit is None:
        abort(404)
    return visit


def open_visit_or_redirect(visit_id: int) -> tuple[CounterVisit, None] | tuple[None, Response]:
    """(visit, None) for an open visit; (None, a redirect to its page) for a closed one."""
    visit = visit_or_404(visit_id)
    if visit.closed_at is not None:
        flash("この来庁対応は終了しています。内容の変更や新しい手続きはできません。", FLASH)
        return None, redirect(url_for("counter.visit", visit_id=visit_id))
    return visit, None


def draft_or_404(visit: CounterVisit, draft_id: int) -> Draft:
    draft = db_session().get(Draft, row_id(draft_id))
    if draft is None or draft.visit_id != visit.id or draft.channel != service.CHANNEL:
        abort(404)
    return draft


def submission_of(draft: Draft) -> Submission | None:
    return db_session().scalar(select(Submission).where(Submission.draft_id == draft.id))
