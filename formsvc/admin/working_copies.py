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
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.admin import editing, yaml_edit
from formsvc.db import utcnow
from formsvc.definitions.errors import DefinitionError, DefinitionInvalid
from formsvc.definitions.loader import LoadedDefinition, load_text
from formsvc.definitions.schema import FormDefinition
from formsvc.definitions.yaml_source import YamlSyntaxError, parse
from formsvc.forms.audit import record_event
from formsvc.forms.loading import publish_loaded
from formsvc.forms.models import Form, FormVersion, FormWorkingCopy

SLUG_PATTERN = r"^[a-z][a-z0-9-]{1,62}$"

NEW_PROCEDURE = """\
# yaml-language-server: $schema=./schema.json
id: new-procedure
title: 新しい手続き
description: この手続きの説明を書いてください。
department:
  name: 担当課
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、結果をお知らせします。
retention: {years: 5}
pages:
  - id: applicant
    title: {ja: 申請者, en: Applicant}
    fields:
      - {type: name, id: applicant_name, label: {ja: 氏名, en: Name}}
"""


# With an English title every text a resident sees needs its English (formsvc.definitions.checks
# english_problems): the template's texts, in both languages, to be rewritten like the Japanese.
NEW_PROCEDURE_ENGLISH = {
    "description": {"ja": "この手続きの説明を書いてください。", "en": "Describe this procedure here."},
    "declaration": {"ja": "上記の内容に相違ありません。", "en": "I declare that the above is true."},
    "next_steps": {"ja": "審査の後、結果をお知らせします。", "en": "We will let you know the result after the review."},
}


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
    """The published version, or (for an archived procedure) the newest one."""
    if form.published_version is not None:
        return form.version(form.published_version)
    return form.latest


def editable_source(session: Session, form: Form) -> str:
    """What the editor shows: the working copy, else the published version's YAML."""
    source = working_source(session, form.id)
    if source is not None:
        return source
    version = current_version(form)
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
    form.updated_at, form.updated_by = utcnow(), actor
    record_event(session, form.id, "discarded", actor, based_on=copy.based_on)
    session.flush()


def publish(session: Session, form: Form, actor: str, note: str | None = None) -> FormVersion | None:
    """Publish the working copy as a new version; None when it says what is already published
    (the working copy is then removed all the same)."""
    _editable(form)
    copy = working_copy(session, form.id)
    if copy is None:
        raise NotAllowed("公開する下書きがありません。先に編集してください")
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
    record_event(session, form.id, "published", actor, version.number, note=version.note,
                 based_on=copy.based_on)
    return version


def rollback(session: Session, form: Form, number: int, actor: str, note: str | None = None) -> FormVersion:
    """Publish version ``number``'s definition again, as a new version."""
    _editable(form)
    old = form.version(number)
    if old is None:
        raise NotAllowed(f"第{number}版はありません")
    if form.latest is not None and form.latest.checksum == old.checksum:
        raise NotAllowed(f"第{number}版は最新の版と同じ内容です")
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


def _new_form(session: Session, form_id: str, text: str, actor: str) -> tuple[Form, LoadedDefinition]:
    if session.get(Form, form_id) is not None:
        raise NotAllowed(f"手続きID「{form_id}」はすでに使われています。別のIDにしてください")
    loaded = check_source(text, form_id)
    now = utcnow()
    form = Form(id=form_id, state="draft", created_at=now, updated_at=now, updated_by=actor)
    session.add(form)
    session.flush()
    session.add(FormWorkingCopy(form_id=form_id, source=text, checksum=loaded.checksum, based_on=None,
                                created_at=now, updated_at=now, updated_by=actor))
    return form, loaded


def create(session: Session, form_id: str, title, department, actor: str) -> Form:
    """A new procedure from the starting template: a draft with only a working copy."""
    text = editing.rename(NEW_PROCEDURE, form_id, title)
    text = yaml_edit.set_value(text, ("department", "name"), department)
    if isinstance(title, dict) and title.get("en"):
        for key, value in NEW_PROCEDURE_ENGLISH.items():
            text = yaml_edit.set_value(text, (key,), value)
    form, _ = _new_form(session, form_id, text, actor)
    record_event(session, form_id, "created", actor)
    session.flush()
    return form


def copy_procedure(session: Session, original: Form, form_id: str, title, actor: str) -> Form:
    """A new procedure from another one's working copy (or its published version)."""
    copy = working_copy(session, original.id)
    version = current_version(original)
    text = editing.rename(editable_source(session, original), form_id, title)
    form, _ = _new_form(session, form_id, text, actor)
    record_event(session, form_id, "copied", actor, copied_from=original.id,
                 copied_version=None if copy is not None else (version.number if version else None),
                 working_copy=True if copy is not None else None)
    session.flush()
    return form
