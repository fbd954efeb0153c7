"""What every administrator's page shares: the blueprint, its labels, the procedure a URL
names, who is acting, and the form that carries the revision a page was showing."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect
from werkzeug.wrappers import Response
from wtforms import Form as WTForm
from wtforms import HiddenField

from formsvc.admin import describe
from formsvc.db import session as db_session
from formsvc.forms import audit
from formsvc.forms.models import Form
from formsvc.staff import menu, roles
from formsvc.staff.auth import signed_in_staff

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

ADMIN = roles.ADMIN
STATES = {"draft": ("下書き（未公開）", "Draft"), "published": ("公開中", "Published"),
          "archived": ("アーカイブ（受付停止）", "Archived")}
ORIGINS = {"file": ("ファイル", "File"), "admin": ("管理画面", "Browser")}

menu.add_entry(blueprint, "admin.index", ("手続きの管理", "Procedures"), (ADMIN,))


@blueprint.context_processor
def _facts():
    return {"state_labels": STATES, "origin_labels": ORIGINS, "event_labels": audit.KINDS,
            "type_name": describe.type_name, "person": person}


def person(actor: str | None, kind: str | None = None) -> str:
    """Who acted, as the administrator's pages show it (formsvc.forms.audit.person)."""
    return audit.person(db_session(), actor, kind, known=g.setdefault("admin_people", {}))


class RevisionForm(WTForm):
    """The working copy's revision the page showed: a change made on an older one is refused
    (the buttons that move, delete or publish post nothing else)."""

    revision = HiddenField()


def refused(message: str, back: str) -> Response:
    """A change the rules refuse: nothing of it is kept, and the page it came from says why."""
    db_session().rollback()
    flash(message, "admin-error")
    return redirect(back)


def actor() -> str:
    return signed_in_staff().username


def procedure_or_404(form_id: str) -> Form:
    form = db_session().get(Form, form_id)
    if form is None:
        abort(404)
    return form
