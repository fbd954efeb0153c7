"""The application pages at the counter: staff enter a procedure for the resident in front of them.

The same question, repeat and check pages as online (formsvc.resident.pages), in the
staff layout with every page in a side list. The draft belongs to the counter visit; the check
page leads to the printout the resident signs (formsvc.counter.views), not to a submission.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, url_for
from sqlalchemy import select

from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.resident import channels
from formsvc.resident.pages import register_pages
from formsvc.staff.auth import require_role
from formsvc.submissions.models import CounterVisit, Draft

blueprint = Blueprint("counter_form", __name__, url_prefix="/counter/visits/<id:visit_id>")


@blueprint.url_value_preprocessor
def _pull_visit_id(_endpoint, values):
    g.counter_visit_id = values.pop("visit_id")


@blueprint.url_defaults
def _add_visit_id(_endpoint, values):
    if "visit_id" not in values and "counter_visit_id" in g:
        values["visit_id"] = g.counter_visit_id


@blueprint.context_processor
def _visit_link():
    return {"counter_visit_url": url_for("counter.visit", visit_id=g.counter_visit_id)}


def open_visit() -> CounterVisit | None:
    """The visit in the URL, if it is still open (a closed visit is read-only)."""
    visit = db_session().get(CounterVisit, g.counter_visit_id)
    return visit if visit is not None and visit.closed_at is None else None


class CounterChannel(channels.Channel):
    name = "counter"
    layout = "staff/application.html"
    free_navigation = True
    steps_in_aside = True
    verified_label = ("マイナンバーカードから読取", "Read from the My Number card")  # as every counter page says

    def find_draft(self, form_id: str) -> Draft | None:
        if open_visit() is None:
            return None
        return db_session().scalar(
            select(Draft)
            .where(Draft.channel == "counter", Draft.visit_id == g.counter_visit_id,
                   Draft.form_id == form_id, Draft.submitted_at.is_(None), Draft.expires_at > utcnow())
            .order_by(Draft.id.desc())
            .limit(1)
        )

    def no_application(self, form_id: str):
        if db_session().get(CounterVisit, g.counter_visit_id) is None:
            abort(404)
        return redirect(url_for("counter.visit", visit_id=g.counter_visit_id))

    def start_url(self, form_id: str) -> str:
        return url_for("counter.visit", visit_id=g.counter_visit_id)

    def leave_label(self) -> tuple[str, str]:
        return ("来庁対応の画面に戻る", "Back to the visit")

    def finish(self, application):
        # Nothing is sent yet: the resident checks the printout and signs it first.
        return redirect(url_for("counter.signature", visit_id=g.counter_visit_id,
                                draft_id=application.draft.id))

    def submit_label(self) -> tuple[str, str]:
        return ("署名用の確認書へ進む", "Continue to the printout for signature")


channels.register(blueprint.name, CounterChannel())
register_pages(blueprint, decorate=require_role("counter"))
