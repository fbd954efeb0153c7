"""A procedure's published versions: one version's text, the differences between any two
(the working copy included), and publishing an old version's content again (rollback)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from formsvc import clock
from formsvc.admin import forms as admin_forms
from formsvc.admin import working_copies
from formsvc.admin.diff import describe_changes, source_diff
from formsvc.admin.views.common import ADMIN, actor, blueprint, procedure_or_404, refused
from formsvc.admin.views.located import first_errors, listing
from formsvc.admin.working_copies import NotAllowed
from formsvc.clock import today
from formsvc.db import session as db_session
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.models import Form, FormVersion
from formsvc.forms.periods import (
    english_date,
    english_datetime,
    japanese_date,
    japanese_datetime,
    period_text,
    version_states,
)
from formsvc.i18n import current_locale
from formsvc.request_guard import database_integer
from formsvc.staff.auth import require_role


def definition_of(version: FormVersion) -> FormDefinition | None:
    # The stored document, not the source read again: the source's `use:` and shared
    # `choice_list:` would take today's shared blocks and lists, while the version keeps
    # those it was published with (formsvc.definitions.library).
    try:
        return FormDefinition.model_validate(version.document)
    except ValidationError:
        return None  # written for an older schema: only the text diff can be shown


@dataclass(frozen=True)
class VersionPeriod:
    """A version's 受付期間 and where it stands today, as the administrator reads it."""

    period: str  # 「2027年4月1日から2028年3月31日まで」, or 「指定なし」
    state: str  # "in_force" (residents get it today), "scheduled" (予定: from a later day), "past",
    # or "reserved" (公開予約: published to take effect at a later moment, can be cancelled),
    # or "cancelled" (予約取消: its scheduled publishing was cancelled; nobody ever got it)
    label: str | None  # 「公開中」, 「予定（2027年4月1日から）」; None for a past version
    from_day: date | None = None  # scheduled: the day it comes into force
    period_limited: bool = False  # the version has valid_from or valid_until
    starts: str | None = None  # scheduled: 「2027年4月1日から」


def version_periods(form: Form, day: date | None = None) -> dict[int, VersionPeriod]:
    """Each version's 受付期間 and state on ``day`` (today in Japan), by version number, by the
    same rule residents are served by (formsvc.forms.periods)."""
    day = day or today()
    locale = current_locale()
    en = locale == "en"
    # A scheduled version (公開予約, formsvc.forms.catalog) does not count before its moment.
    moment = clock.now()
    reserved = {v.number for v in form.versions if v.effective_at is not None and v.effective_at > moment}
    cancelled = {v.number for v in form.versions if v.cancelled_at is not None}
    published = [v for v in form.versions if form.published_version is not None
                 and v.number <= form.published_version and v.number not in reserved | cancelled]
    states = version_states(published, day)
    result = {}
    for version in form.versions:
        state = states.get(version.number)
        label = starts = None
        if version.number in cancelled:
            result[version.number] = VersionPeriod(
                period_text(version.valid_from, version.valid_until, locale) or ("not limited" if en else "指定なし"),
                "cancelled", "schedule cancelled" if en else "予約取消", None,
                version.valid_from is not None or version.valid_until is not None)
            continue
        if version.number in reserved and version.effective_at is not None:
            at = english_datetime(version.effective_at) if en else japanese_datetime(version.effective_at)
            result[version.number] = VersionPeriod(
                period_text(version.valid_from, version.valid_until, locale) or ("not limited" if en else "指定なし"),
                "reserved", f"reserved: from {at}" if en else f"予約（{at}から）", None,
                version.valid_from is not None or version.valid_until is not None,
                f"from {at}" if en else f"{at}から")
            continue
        if state is not None and state.state == "in_force":
            label = "published" if en else "公開中"
        elif state is not None and state.state == "scheduled" and state.from_day is not None:
            starts = f"from {english_date(state.from_day)}" if en else f"{japanese_date(state.from_day)}から"
            label = f"scheduled: {starts}" if en else f"予定（{starts}）"
        result[version.number] = VersionPeriod(
            period_text(version.valid_from, version.valid_until, locale) or ("not limited" if en else "指定なし"),
            state.state if state is not None else "past", label, state.from_day if state is not None else None,
            version.valid_from is not None or version.valid_until is not None, starts)
    return result


def published_message(form: Form, version: FormVersion) -> str:
    """What publishing ``version`` means for residents: it is used now, from a later day, or
    never (its 受付期間 is over, or a version starting later takes over)."""
    note = period_note(form, version) or "これから始まる申請はこの版を使います"
    return f"第{version.number}版を公開しました。{note}"


def period_note(form: Form, version: FormVersion) -> str | None:
    """When a just-published ``version`` is not the one residents get from now on, why; else None."""
    periods = version_periods(form)
    facts = periods.get(version.number)
    if facts is not None and facts.state == "scheduled" and facts.from_day is not None:
        in_force = next((number for number, other in periods.items() if other.state == "in_force"), None)
        until = f"それまでは第{in_force}版を使います" if in_force else "それまでは受付期間外のため申請できません"
        return f"{japanese_date(facts.from_day)}から始まる申請はこの版を使います（{until}）"
    if facts is not None and facts.state == "past":
        return (f"ただし受付期間（{facts.period}）のため、住民の方が今後この版で申請を始めることはありません。"
                "valid_from / valid_until を確かめてください")
    return None


def _version_or_404(form: Form, number: int) -> FormVersion:
    found = form.version(number)
    if found is None:
        abort(404)
    return found


def _version_page(form: Form, version: FormVersion, rollback_form: admin_forms.PublishForm, code: int = 200):
    return render_template("admin/version.html", form=form, version=version, rollback_form=rollback_form,
                           period=version_periods(form).get(version.number),
                           lines=listing(version.source, [])[0], errors=admin_forms.error_summary(rollback_form)), code


@blueprint.get("/forms/<form_id>/versions/<id:number>")
@require_role(ADMIN)
def version(form_id: str, number: int):
    form = procedure_or_404(form_id)
    return _version_page(form, _version_or_404(form, number), admin_forms.PublishForm())


@blueprint.post("/forms/<form_id>/versions/<id:number>/rollback")
@require_role(ADMIN)
def rollback(form_id: str, number: int):
    session = db_session()
    form = procedure_or_404(form_id)
    found = _version_or_404(form, number)
    note_form = admin_forms.PublishForm(request.form)
    if not note_form.validate():
        return _version_page(form, found, note_form, code=400)
    try:
        created = working_copies.rollback(session, form, number, actor(), note_form.note.data)
    except NotAllowed as refusal:
        return refused(refusal.message, url_for("admin.version", form_id=form_id, number=number))
    except DefinitionInvalid as invalid:
        session.rollback()
        flash(f"第{number}版は今の定義の形式では正しくないため、戻せません: " + first_errors(invalid.errors),
              "admin-error")
        return redirect(url_for("admin.version", form_id=form_id, number=number))
    session.commit()
    if not isinstance(created, FormVersion):  # 決裁: the old text is now the working copy, to be approved
        flash(f"第{number}版の内容を下書きにしました。承認を依頼してから公開してください", "admin")
        return redirect(url_for("admin.procedure", form_id=form_id))
    note = period_note(form, created)
    flash(f"第{number}版の内容を第{created.number}版として公開しました" + (f"。{note}" if note else ""), "admin")
    return redirect(url_for("admin.procedure", form_id=form_id))


@blueprint.get("/forms/<form_id>/diff")
@require_role(ADMIN)
def diff(form_id: str):
    session = db_session()
    form = procedure_or_404(form_id)
    copy = working_copies.working_copy(session, form_id)
    pairs = [(str(v.number), f"第{v.number}版") for v in reversed(form.versions)]
    if copy is not None:
        pairs.insert(0, ("working", "下書き（未公開）"))
    choices = admin_forms.options(pairs)
    numbers = {choice.value for choice in choices}
    current = working_copies.current_version(form)
    default_to = "working" if copy is not None else (str(form.latest.number) if form.latest else "")
    to = request.args.get("to") or default_to
    default_from = str(current.number) if current and to == "working" else (
        str(number - 1) if (number := database_integer(to)) is not None and number > 1 else "")
    start = request.args.get("from") or default_from
    if (start and start not in numbers) or (to and to not in numbers):
        abort(404)

    def side(key: str) -> tuple[str, str, FormDefinition | None]:
        if key == "working" and copy is not None:
            return "下書き", copy.source, load_text(copy.source, working_copies.file_name(form_id)).definition
        found = _version_or_404(form, int(key))
        return f"第{found.number}版", found.source, definition_of(found)

    comparison = None
    if start and to:
        old_name, old_source, old_definition = side(start)
        new_name, new_source, new_definition = side(to)
        sentences = describe_changes(old_definition, new_definition, old_source, new_source) \
            if old_definition is not None and new_definition is not None else None
        comparison = {"old": old_name, "new": new_name, "sentences": sentences,
                      "lines": source_diff(old_source, new_source, old_name, new_name)}
    return render_template("admin/diff.html", form=form, choices=choices, start=start, to=to,
                           comparison=comparison)
