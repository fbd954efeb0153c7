"""受付期間 as date-times: a procedure's opening and closing moments (Japan time), set by an
administrator, in force at once (no publishing: they are not part of the definition), on top of
the versions' day-based valid_from / valid_until (formsvc.forms.periods.timed). Audited."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from wtforms import Form as WTForm
from wtforms import StringField, ValidationError

from formsvc.admin import forms as admin_forms
from formsvc.admin import working_copies
from formsvc.admin.moments import MomentError, day_value, read_moment, time_value
from formsvc.admin.views.common import ADMIN, actor, blueprint, procedure_or_404
from formsvc.admin.views.publishing import _title
from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.forms.audit import record_event
from formsvc.forms.models import Form
from formsvc.forms.periods import moments_text
from formsvc.staff.auth import require_role


class IntakeForm(WTForm):
    opens_day = StringField("受付開始日")
    opens_time = StringField("受付開始時刻")
    closes_day = StringField("受付終了日")
    closes_time = StringField("受付終了時刻")

    def _read(self, day_field, time_field, what: str, field) -> datetime | None:
        """The moment of one end; raises ValidationError on the field the mistake is in."""
        try:
            return read_moment(day_field.data, time_field.data, what)
        except MomentError as wrong:
            on_time = "時刻" in wrong.message
            if (field is time_field) == on_time:
                raise ValidationError(wrong.message) from None
            return None

    def validate_opens_day(self, field):
        self._read(self.opens_day, self.opens_time, "受付開始", field)

    def validate_opens_time(self, field):
        self._read(self.opens_day, self.opens_time, "受付開始", field)

    def validate_closes_day(self, field):
        self._read(self.closes_day, self.closes_time, "受付終了", field)

    def validate_closes_time(self, field):
        closes = self._read(self.closes_day, self.closes_time, "受付終了", field)
        try:
            opens = read_moment(self.opens_day.data, self.opens_time.data, "受付開始")
        except MomentError:
            return
        if opens is not None and closes is not None and closes <= opens:
            raise ValidationError("受付終了の日時は受付開始の日時より後にしてください")

    def moments(self) -> tuple[datetime | None, datetime | None]:
        """(opens_at, closes_at); call after validate()."""
        return (read_moment(self.opens_day.data, self.opens_time.data, "受付開始"),
                read_moment(self.closes_day.data, self.closes_time.data, "受付終了"))


def set_intake(session: Session, form: Form, opens_at: datetime | None, closes_at: datetime | None,
               who: str) -> bool:
    """Store the procedure's opening and closing moments (in force at once); False: unchanged."""
    # Stored in UTC (formsvc.db.UTCDateTime keeps a zone's wall time on SQLite).
    opens_at = opens_at.astimezone(UTC) if opens_at is not None else None
    closes_at = closes_at.astimezone(UTC) if closes_at is not None else None
    if (form.opens_at, form.closes_at) == (opens_at, closes_at):
        return False
    form.opens_at, form.closes_at = opens_at, closes_at
    form.updated_at, form.updated_by = utcnow(), who
    record_event(session, form.id, "intake_changed", who, change=moments_text(opens_at, closes_at) or "指定なし",
                 opens_at=opens_at.isoformat() if opens_at else None,
                 closes_at=closes_at.isoformat() if closes_at else None)
    session.flush()
    return True


def _page(form: Form, intake_form: IntakeForm, code: int = 200):
    session = db_session()
    copy = working_copies.working_copy(session, form.id)
    return render_template("admin/intake.html", form=form, title=_title(form, copy), intake_form=intake_form,
                           errors=admin_forms.error_summary(intake_form),
                           current=moments_text(form.opens_at, form.closes_at)), code


@blueprint.get("/forms/<form_id>/intake")
@require_role(ADMIN)
def intake(form_id: str):
    form = procedure_or_404(form_id)
    intake_form = IntakeForm(opens_day=day_value(form.opens_at), opens_time=time_value(form.opens_at),
                             closes_day=day_value(form.closes_at), closes_time=time_value(form.closes_at))
    return _page(form, intake_form)


@blueprint.post("/forms/<form_id>/intake")
@require_role(ADMIN)
def save_intake(form_id: str):
    form = procedure_or_404(form_id)
    intake_form = IntakeForm(request.form)
    if request.form.get("action") == "clear":
        intake_form = IntakeForm()
    elif not intake_form.validate():
        return _page(form, intake_form, 400)
    opens_at, closes_at = intake_form.moments()
    session = db_session()
    changed = set_intake(session, form, opens_at, closes_at, actor())
    session.commit()
    if not changed:
        flash("受付期間は変わりませんでした", "admin")
    elif opens_at is None and closes_at is None:
        flash("受付期間の日時の指定をなくしました。版の受付期間（日）だけで受け付けます", "admin")
    else:
        flash(f"受付期間を「{moments_text(opens_at, closes_at)}」にしました。"
              "すぐに住民の方の画面に反映されます", "admin")
    return redirect(url_for("admin.intake", form_id=form_id))
