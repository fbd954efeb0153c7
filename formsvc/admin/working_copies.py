"""Procedures edited in the browser: working copies, publishing, rollback, archive, create and copy.

A working copy (form_working_copies) is the administrator's unpublished edit: one per procedure,
always valid (``save`` refuses what ``formsvc validate`` would refuse, and the typed text is
shown again, never stored). Publishing turns it into a new immutable FormVersion through
formsvc.forms.loading.publish_loaded, the one path that creates versions. Every change leaves a
FormEvent (formsvc.forms.audit). The caller commits.

For other parts of the app: ``working_source(session, form_id)`` is the working copy's YAML (or
None), ``working_definition(session, form_id)`` its validated definition, and
``editable_source(session, form)`` what the editor starts from (the working copy, else the
published version's source).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc import clock
from formsvc.admin import copy_parts, editing, gallery, yaml_edit
from formsvc.db import utcnow
from formsvc.definitions.errors import DefinitionError, DefinitionInvalid
from formsvc.definitions.loader import LoadedDefinition, load_text
from formsvc.definitions.schema import FormDefinition
from formsvc.definitions.yaml_source import YamlSyntaxError, parse
from formsvc.forms.audit import record_event
from formsvc.forms.catalog import version_in_effect
from formsvc.forms.loading import id_taken_elsewhere, publish_loaded
from formsvc.forms.models import Form, FormVersion, FormWorkingCopy
from formsvc.submissions.models import Draft

SLUG_PATTERN = r"^[a-z][a-z0-9-]{1,62}$"

class NotAllowed(Exception):
    """The procedure's state does not allow this (message for the administrator, in Japanese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def file_name(form_id: str) -> str:
    return f"{form_id}.yaml"


def revision(text: str) -> str:
    """A short fingerprint of a source: an edit made on an older page is refused, not lost."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- validation: exactly what `formsvc validate` does, and the id kept -------------------------

def check_source(text: str, form_id: str) -> LoadedDefinition:
    """Validate ``text`` with formsvc.definitions.loader.load_text (as `formsvc validate` does)
    and refuse a changed ``id``; raises DefinitionInvalid with every located error."""
    filename = file_name(form_id)
    errors: list[DefinitionError] = []
    loaded: LoadedDefinition | None = None
    try:
        loaded = load_text(text, filename)
    except DefinitionInvalid as invalid:
        # The editor shows the text being edited: a mistake inside a shared block it uses is
        # placed at that `use:` line (the block's own file:line:column goes into the message).
        errors.extend(error.at_use() for error in invalid.errors)
    id_error = _changed_id(text, form_id, filename)
    if id_error is not None and not any(error.path == "id" for error in errors):
        errors.append(id_error)
    if loaded is None or errors:
        raise DefinitionInvalid(errors)
    return loaded


def _changed_id(text: str, form_id: str, filename: str) -> DefinitionError | None:
    try:
        data, source, _ = parse(text)
    except YamlSyntaxError:
        return None
    if not isinstance(data, dict) or "id" not in data or data["id"] == form_id:
        return None
    position = source.value_position(("id",))
    return DefinitionError(filename, position.line, position.column, "id",
                           f"手続きIDは「{form_id}」のままにしてください (IDは変更できません)。"
                           "別のIDにするには、手続きの一覧でこの手続きを複製してください")


# --- reading ------------------------------------------------------------------------------------

def working_copy(session: Session, form_id: str) -> FormWorkingCopy | None:
    return session.get(FormWorkingCopy, form_id)


def working_source(session: Session, form_id: str) -> str | None:
    """The YAML of the procedure's working copy, or None when nobody is editing it."""
    copy = working_copy(session, form_id)
    return copy.source if copy is not None else None


def working_definition(session: Session, form_id: str) -> LoadedDefinition | None:
    """The working copy, validated (it always is valid: saves are checked)."""
    source = working_source(session, form_id)
    return load_text(source, file_name(form_id)) if source is not None else None


def current_version(form: Form) -> FormVersion | None:
    """The version in effect now (formsvc.forms.catalog.version_in_effect: a scheduled version
    only from its moment, a cancelled one never), an archived procedure's too."""
    return version_in_effect(form)


def newest_version(form: Form) -> FormVersion | None:
    """The newest version not cancelled (a scheduled one included): what the next edit follows."""
    return form.version(form.published_version) if form.published_version is not None else None


def editable_source(session: Session, form: Form) -> str:
    """What the editor shows: the working copy, else the published version's YAML."""
    source = working_source(session, form.id)
    if source is not None:
        return source
    version = newest_version(form)
    if version is None:
        raise NotAllowed("この手続きには定義がありません")
    return version.source


@dataclass(frozen=True)
class ProcedureRow:
    form: Form
    title: str
    has_working_copy: bool
    working_copy_by: str | None


def procedures(session: Session) -> list[ProcedureRow]:
    """Every procedure (draft, published, archived) for the administrator's list."""
    forms = list(session.scalars(select(Form).order_by(Form.id)))
    copies = {copy.form_id: copy for copy in session.scalars(select(FormWorkingCopy))}
    rows = []
    for form in forms:
        copy = copies.get(form.id)
        version = current_version(form)
        if version is not None:
            title = _title_of(version.document)
        elif copy is not None:
            title = _title_of(yaml_edit.load(copy.source))
        else:
            title = form.id
        rows.append(ProcedureRow(form, title, copy is not None, copy.updated_by if copy else None))
    return rows


def _title_of(document) -> str:
    title = document.get("title") if isinstance(document, dict) else None
    return editing.text_parts(title)[0] or "（名前なし）"


# --- changing -----------------------------------------------------------------------------------

def _editable(form: Form) -> None:
    if form.state == "archived":
        raise NotAllowed("アーカイブ中の手続きは編集・公開できません。先にアーカイブから戻してください")


def save(session: Session, form: Form, text: str, actor: str, change: str | None = None) -> LoadedDefinition:
    """Store ``text`` as the working copy if it is valid (DefinitionInvalid otherwise)."""
    _editable(form)
    loaded = check_source(text, form.id)
    now = utcnow()
    copy = working_copy(session, form.id)
    if copy is None:
        copy = FormWorkingCopy(form_id=form.id, based_on=form.published_version, created_at=now)
        session.add(copy)
    copy.source, copy.checksum = text, loaded.checksum
    copy.updated_at, copy.updated_by = now, actor
    form.updated_at, form.updated_by = now, actor
    record_event(session, form.id, "edited", actor, based_on=copy.based_on, change=change)
    session.flush()
    return loaded


def discard(session: Session, form: Form, actor: str) -> None:
    copy = working_copy(session, form.id)
    if copy is None:
        raise NotAllowed("破棄する下書きはありません")
    if form.published_version is None and not form.versions:
        raise NotAllowed("まだ公開していない手続きの下書きは破棄できません。不要ならアーカイブしてください")
    session.delete(copy)
    from formsvc.admin import approvals  # here: approvals imports this module

    approvals.close_on_discard(session, form)  # 決裁: discarding closes the copy's requests
    form.updated_at, form.updated_by = utcnow(), actor
    record_event(session, form.id, "discarded", actor, based_on=copy.based_on)
    session.flush()


def publish(session: Session, form: Form, actor: str, note: str | None = None,
            effective_at: datetime | None = None) -> FormVersion | None:
    """Publish the working copy as a new version; None when it says what is already published
    (the working copy is then removed all the same). ``effective_at``: scheduled publishing
    (公開予約): residents get the version only from that moment (formsvc.forms.catalog)."""
    _editable(form)
    _no_pending_schedule(form)
    copy = working_copy(session, form.id)
    if copy is None:
        raise NotAllowed("公開する下書きがありません。先に編集してください")
    from formsvc.admin import approvals  # here: approvals imports this module

    approvals.check_before_publishing(session, form)  # 決裁: refused unless this exact text is approved
    loaded = check_source(copy.source, form.id)  # the schema may have moved on since the save
    previous = form.latest
    outcome = publish_loaded(session, loaded, actor, origin="admin", note=(note or "").strip() or None,
                             source_file=(previous.source_file if previous else None) or file_name(form.id))
    session.delete(copy)
    session.flush()
    if outcome == "unchanged":
        return None
    version = form.latest
    assert version is not None  # just published
    if effective_at is not None:
        version.effective_at = effective_at.astimezone(UTC)  # stored in UTC (formsvc.db.UTCDateTime)
        record_event(session, form.id, "scheduled", actor, version.number, note=version.note,
                     based_on=copy.based_on, effective_at=effective_at.isoformat())
        session.flush()
        return version
    record_event(session, form.id, "published", actor, version.number, note=version.note,
                 based_on=copy.based_on)
    return version


def pending_schedule(form: Form) -> FormVersion | None:
    """The version waiting for its scheduled moment (公開予約), if any."""
    now = clock.now()
    return next((v for v in form.versions
                 if v.effective_at is not None and v.effective_at > now and v.cancelled_at is None), None)


def _no_pending_schedule(form: Form) -> None:
    pending = pending_schedule(form)
    if pending is not None:
        raise NotAllowed(f"第{pending.number}版の公開予約があります。"
                         "先に予約を取り消すか、予約の日時を過ぎてから公開してください")


def cancel_schedule(session: Session, form: Form, number: int, actor: str) -> None:
    """Cancel the scheduled publishing of version ``number``: the version is kept, marked 予約取消
    (its number is never used again, and no resident ever gets it), and its text becomes the
    working copy again, unless one is being edited. A working copy never stays based on it."""
    version = form.version(number)
    if version is None or version.effective_at is None or version.cancelled_at is not None:
        raise NotAllowed(f"第{number}版は公開予約ではありません")
    if version.effective_at <= clock.now():
        raise NotAllowed(f"第{number}版は予約の日時を過ぎて公開されたため、取り消せません。"
                         "以前の版に戻すには「以前の版に戻す」を使ってください")
    if session.scalar(select(Draft.id).where(Draft.version_id == version.id).limit(1)) is not None:
        raise NotAllowed(f"第{number}版は使われているため、取り消せません")
    now = utcnow()
    version.cancelled_at = now
    live = [v for v in form.versions if v.cancelled_at is None]
    form.published_version = live[-1].number if live else None
    if not live and form.state == "published":
        form.state = "draft"
    effective = current_version(form)
    based_on = effective.number if effective is not None else None
    copy = working_copy(session, form.id)
    if copy is None:
        session.add(FormWorkingCopy(form_id=form.id, source=version.source,
                                    checksum=check_source(version.source, form.id).checksum,
                                    based_on=based_on, created_at=now, updated_at=now, updated_by=actor))
    else:
        base = form.version(copy.based_on) if copy.based_on is not None else None
        if copy.based_on is not None and (base is None or base.cancelled_at is not None):
            copy.based_on = based_on
    form.updated_at, form.updated_by = now, actor
    record_event(session, form.id, "schedule_cancelled", actor, number)
    session.flush()


def rollback(session: Session, form: Form, number: int, actor: str,
             note: str | None = None) -> FormVersion | FormWorkingCopy:
    """Publish version ``number``'s definition again, as a new version. For a procedure that needs
    approval before publishing (決裁), nothing is published: the old text becomes the working copy
    (refused while one exists), to be approved and published like any edit."""
    _editable(form)
    _no_pending_schedule(form)
    old = form.version(number)
    if old is None:
        raise NotAllowed(f"第{number}版はありません")
    if old.cancelled_at is not None:
        raise NotAllowed(f"第{number}版は公開の予約を取り消した版のため、戻せません")
    newest = newest_version(form)
    if newest is not None and newest.checksum == old.checksum:
        raise NotAllowed(f"第{number}版は最新の版と同じ内容です")
    if form.approval_required:
        return _rollback_to_working_copy(session, form, old, actor)
    # The version's own document, not its source checked again: the source may `use:` shared
    # blocks and lists that have changed since, and a rollback brings back what was published.
    loaded = LoadedDefinition(FormDefinition.model_validate(old.document), old.source,
                              old.source_file or file_name(form.id))
    publish_loaded(session, loaded, actor, origin="admin", rolled_back_from=number,
                   note=(note or "").strip() or None, source_file=old.source_file or file_name(form.id))
    version = form.latest
    assert version is not None  # just published
    record_event(session, form.id, "rolled_back", actor, version.number, rolled_back_from=number,
                 note=version.note)
    session.flush()
    return version


def _rollback_to_working_copy(session: Session, form: Form, old: FormVersion, actor: str) -> FormWorkingCopy:
    if working_copy(session, form.id) is not None:
        raise NotAllowed("下書きがあります。先に公開するか破棄してください")
    loaded = check_source(old.source, form.id)  # a working copy is always valid, as a save is
    now = utcnow()
    effective = current_version(form)
    copy = FormWorkingCopy(form_id=form.id, source=old.source, checksum=loaded.checksum,
                           based_on=effective.number if effective is not None else form.published_version,
                           created_at=now, updated_at=now, updated_by=actor)
    session.add(copy)
    form.updated_at, form.updated_by = now, actor
    record_event(session, form.id, "edited", actor, based_on=copy.based_on,
                 change=f"第{old.number}版の内容を下書きにしました（以前の版に戻す）")
    session.flush()
    return copy


def archive(session: Session, form: Form, actor: str) -> None:
    if form.state == "archived":
        raise NotAllowed("この手続きはすでにアーカイブされています")
    form.state = "archived"
    form.updated_at, form.updated_by = utcnow(), actor
    record_event(session, form.id, "archived", actor, form.published_version)
    session.flush()


def restore(session: Session, form: Form, actor: str) -> None:
    if form.state != "archived":
        raise NotAllowed("この手続きはアーカイブされていません")
    form.state = "published" if form.published_version is not None else "draft"
    form.updated_at, form.updated_by = utcnow(), actor
    record_event(session, form.id, "restored", actor, form.published_version)
    session.flush()


def _refuse_used_id(session: Session, form_id: str) -> None:
    """NotAllowed when a procedure ``form_id`` exists already (said before anything else), in
    this municipality or another (ids are unique across the deployment)."""
    if session.get(Form, form_id) is not None or id_taken_elsewhere(session, form_id):
        raise NotAllowed(f"手続きID「{form_id}」はすでに使われています。別のIDにしてください")


class SourceInvalid(DefinitionInvalid):
    """The procedure being copied is not valid in itself (with every part kept): its own
    mistakes, not those of the parts left out."""


def _new_form(session: Session, form_id: str, text: str, actor: str) -> tuple[Form, LoadedDefinition]:
    _refuse_used_id(session, form_id)
    loaded = check_source(text, form_id)
    now = utcnow()
    form = Form(id=form_id, state="draft", created_at=now, updated_at=now, updated_by=actor)
    session.add(form)
    session.flush()
    session.add(FormWorkingCopy(form_id=form_id, source=text, checksum=loaded.checksum, based_on=None,
                                created_at=now, updated_at=now, updated_by=actor))
    return form, loaded


def create(session: Session, form_id: str, title, department, actor: str, template: str = gallery.DEFAULT) -> Form:
    """A new procedure from a template of the gallery (formsvc.admin.gallery): a draft with only
    a working copy."""
    chosen = gallery.template(template)
    if chosen is None:
        raise NotAllowed("ひな形を選んでください")
    text = gallery.build(template, form_id, title, department)
    form, _ = _new_form(session, form_id, text, actor)
    record_event(session, form_id, "created", actor, template=chosen.name)
    session.flush()
    return form


def copy_procedure(session: Session, original: Form, form_id: str, title, actor: str,
                   kept: Iterable[str] | None = None) -> Form:
    """A new procedure from another one's working copy (or its published version). ``kept``:
    the parts of formsvc.admin.copy_parts to keep (None: everything); the others are left out
    (copy_parts.PartRefused when one cannot be)."""
    _refuse_used_id(session, form_id)  # said first, before anything about the parts
    copy = working_copy(session, original.id)
    version = current_version(original)
    parts = set(copy_parts.PART_KEYS if kept is None else kept)
    english_title = isinstance(title, dict) and bool(title.get("en"))
    source = editable_source(session, original)
    if parts != set(copy_parts.PART_KEYS):
        # The source as it is first (lines as its editor shows them), so that its own mistakes
        # are not blamed on the parts left out.
        try:
            check_source(source, original.id)
        except DefinitionInvalid as invalid:
            raise SourceInvalid(invalid.errors) from invalid
    text = copy_parts.leave_out(source, parts, english_title)
    text = editing.rename(text, form_id, title)
    if "comments" not in parts:
        check_source(text, form_id)  # mistakes are shown at the lines of the text as it was
        text = copy_parts.strip_comments(text)
    form, _ = _new_form(session, form_id, text, actor)
    left_out = [part.label for part in copy_parts.PARTS if part.key not in parts]
    record_event(session, form_id, "copied", actor, copied_from=original.id,
                 copied_version=None if copy is not None else (version.number if version else None),
                 working_copy=True if copy is not None else None, left_out="、".join(left_out))
    session.flush()
    return form
