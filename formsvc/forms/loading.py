"""Import definitions from form_definitions/ into the database as published versions.

The files are the source at deployment: a changed file becomes a new version, an unchanged
one is left alone (compared by the checksum of the validated document), so that running
the import again is quick and changes nothing.

Administrators also publish versions in the browser (formsvc.admin). A file never silently
replaces such a version: while the newest version of a procedure was published in the browser
and not yet written back with ``formsvc export-definitions``, a file with other content is a
conflict, and nothing at all is imported (``force=True`` publishes the files anyway).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from formsvc import clock
from formsvc.clock import JST
from formsvc.db import utcnow
from formsvc.definitions.errors import DefinitionError
from formsvc.definitions.loader import LoadedDefinition, load_all
from formsvc.forms.catalog import version_in_effect
from formsvc.forms.models import Form, FormEvent, FormVersion, FormWorkingCopy
from formsvc.tenants.context import all_municipalities, current_tenant_id

UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Conflict:
    """A file that differs from a version an administrator published in the browser."""

    form_id: str
    file: str
    version: int
    published_by: str | None
    published_at: datetime | None

    def __str__(self) -> str:
        moment = self.published_at
        when_ja = f"{moment.astimezone(JST):%Y-%m-%d %H:%M}（日本時間）" if moment else "（日時不明）"
        when_en = f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if moment else "(unknown time)"
        who = self.published_by or "?"
        return (
            f"{self.file}: {self.form_id}: 第{self.version}版は管理画面で {who} が {when_ja}に公開したもので、"
            "このファイルの内容と異なります。`formsvc export-definitions` でデータベースの版をファイルに"
            "書き出し、変更をまとめてから読み込んでください。ファイルの内容をそのまま公開するには --force を"
            "付けてください。\n"
            f"{self.file}: {self.form_id}: version {self.version} was published in the browser by {who} on {when_en} "
            "and differs from this file. Run `formsvc export-definitions`, merge the changes into the file and "
            "load it again, or use --force to publish the file anyway."
        )


@dataclass(frozen=True)
class PendingSchedule:
    """A changed file for a procedure with a version waiting for its scheduled moment (公開予約):
    importing it would decide, unseen, what residents get around that moment."""

    form_id: str
    file: str
    version: int
    effective_at: datetime

    def __str__(self) -> str:
        when_ja = f"{self.effective_at.astimezone(JST):%Y-%m-%d %H:%M}（日本時間）"
        when_en = f"{self.effective_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        return (
            f"{self.file}: {self.form_id}: 第{self.version}版が{when_ja}に公開される予約になっているため、"
            "このファイルは読み込めません。予約の日時を過ぎてから読み込むか、管理画面で予約を取り消してください。\n"
            f"{self.file}: {self.form_id}: version {self.version} is scheduled to take effect on {when_en}; "
            "load this file after that moment, or cancel the schedule in the browser."
        )


@dataclass(frozen=True)
class TakenElsewhere:
    """A file for a procedure id another municipality of this deployment uses (ids are unique
    across all of them: the procedure's pages are /forms/<id>/)."""

    form_id: str
    file: str

    def __str__(self) -> str:
        return (f"{self.file}: 手続きID「{self.form_id}」はほかの団体が使っています。別のIDにしてください\n"
                f"{self.file}: procedure id {self.form_id!r} is used by another municipality; choose another id.")


def id_taken_elsewhere(session: Session, form_id: str) -> bool:
    """Whether another municipality has a procedure ``form_id`` (a count, nothing of it read)."""
    here = current_tenant_id()
    with all_municipalities():
        return bool(session.scalar(select(func.count()).select_from(Form).where(
            Form.id == form_id, Form.tenant_id != here)))


@dataclass
class ImportReport:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    errors: list[DefinitionError]
    conflicts: list[Conflict | PendingSchedule | TakenElsewhere] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def import_definitions(session: Session, paths: list[Path | str], actor: str = "cli",
                       force: bool = False) -> ImportReport:
    """Validate every file and look for conflicts first; write nothing unless all is well."""
    loaded, errors = load_all(paths)
    report = ImportReport([], [], [], errors)
    if errors:
        return report
    report.conflicts = [TakenElsewhere(item.definition.id, Path(item.filename).name) for item in loaded
                        if id_taken_elsewhere(session, item.definition.id)]
    if report.conflicts:
        return report
    # A scheduled version is never overtaken by a file, even with force: nothing is imported.
    report.conflicts = [pending for item in loaded if (pending := pending_schedule(session, item)) is not None]
    if report.conflicts:
        return report
    if not force:
        report.conflicts = [conflict for item in loaded
                            if (conflict := browser_conflict(session, item)) is not None]
        if report.conflicts:
            return report
    from formsvc.forms.audit import record_event

    for item in loaded:
        form_id = item.definition.id
        outcome = publish_loaded(session, item, actor)
        getattr(report, outcome).append(form_id)
        form = session.get_one(Form, form_id)
        if outcome != "unchanged":
            # 決裁: a file is published without the approval the browser would ask for; said in the
            # history and on the command line, naming the procedure.
            unapproved = form.approval_required
            record_event(session, form_id, "imported", actor, form.published_version,
                         file=Path(item.filename).name, forced=force or None,
                         note="承認を経ずにファイルから読み込み" if unapproved else None)
            if unapproved:
                report.warnings.append(
                    f"{form_id}: この手続きは公開前に承認が必要ですが、ファイルからの読み込みは承認なしで公開します"
                    f"（第{form.published_version}版） (approval is required for this procedure, but files are "
                    "published without it)")
        if form.state == "archived" and outcome != "unchanged" and form.latest is not None:
            number = form.latest.number
            report.warnings.append(
                f"{form_id}: アーカイブ中のため、読み込んだ第{number}版は公開していません "
                f"(archived: version {number} was stored but is not published)")
        copy = session.get(FormWorkingCopy, form_id)
        if copy is not None:
            base = f"、第{copy.based_on}版をもとに編集" if copy.based_on else ""
            report.warnings.append(
                f"{form_id}: 管理画面に未公開の下書き（{copy.updated_by or '?'} が保存{base}）があります。"
                "読み込んだ内容は下書きに反映されていません "
                f"(an unpublished working copy by {copy.updated_by or '?'} exists and does not include this file)")
    return report


def browser_conflict(session: Session, item: LoadedDefinition) -> Conflict | None:
    """A conflict when the newest version was published in the browser, not yet exported,
    and the file says something else."""
    form = session.get(Form, item.definition.id)
    latest = _newest(form) if form is not None else None
    if latest is None or latest.origin != "admin" or latest.checksum == item.checksum:
        return None
    exported = session.scalar(select(FormEvent.id).where(
        FormEvent.form_id == item.definition.id, FormEvent.kind == "exported",
        FormEvent.version_number == latest.number).limit(1))
    if exported is not None:
        return None  # the files have had this version: they are the source again
    return Conflict(item.definition.id, item.filename, latest.number, latest.created_by, latest.published_at)


def _newest(form: Form) -> FormVersion | None:
    """The newest version not cancelled (予約取消): what a new version follows."""
    return next((v for v in reversed(form.versions) if v.cancelled_at is None), None)


def pending_schedule(session: Session, item: LoadedDefinition) -> PendingSchedule | None:
    """A refusal when ``item`` changes a procedure that has a version waiting for its moment."""
    form = session.get(Form, item.definition.id)
    if form is None:
        return None
    newest = _newest(form)
    if newest is not None and newest.checksum == item.checksum:
        return None  # unchanged: nothing would be imported
    now = clock.now()
    waiting = next((v for v in form.versions
                    if v.cancelled_at is None and v.effective_at is not None and v.effective_at > now), None)
    if waiting is None or waiting.effective_at is None:
        return None
    return PendingSchedule(form.id, item.filename, waiting.number, waiting.effective_at)


def publish_loaded(session: Session, item: LoadedDefinition, actor: str, *, origin: str = "file",
                   note: str | None = None, rolled_back_from: int | None = None,
                   source_file: str | None = None) -> str:
    """Store ``item`` as the published version of its form; returns what happened.

    The one path that creates versions: files (``origin="file"``) and the administrator's
    publish and rollback (``origin="admin"``). An archived procedure stays archived.
    """
    form_id = item.definition.id
    form = session.get(Form, form_id)
    created = form is None
    if form is None:
        form = Form(id=form_id, state="published")
        session.add(form)
    newest = _newest(form)
    if newest is not None and newest.checksum == item.checksum:
        return "unchanged"
    latest = form.latest  # a cancelled version's number is not used again
    now = utcnow()
    version = FormVersion(
        number=(latest.number + 1) if latest else 1,
        document=item.document,
        source=item.source,
        source_file=source_file or Path(item.filename).name,
        checksum=item.checksum,
        created_by=actor,
        published_at=now,
        origin=origin,
        rolled_back_from=rolled_back_from,
        note=note or None,
        # 受付期間, copied so that the version in force on a day is found without reading
        # documents (formsvc.forms.periods); a rollback copies the old version's own period.
        valid_from=item.definition.valid_from,
        valid_until=item.definition.valid_until,
    )
    form.versions.append(version)
    form.published_version = version.number
    if form.state != "archived":
        form.state = "published"
    form.updated_by = actor
    form.updated_at = now
    session.flush()
    return "created" if created else "updated"


def published_versions(session: Session) -> list[FormVersion]:
    """Each published procedure's version in effect now (formsvc.forms.catalog.version_in_effect):
    never a version waiting for its scheduled moment, nor a cancelled one."""
    now = clock.now()
    forms = session.scalars(select(Form).where(Form.state == "published").order_by(Form.id))
    return [version for form in forms
            if (version := version_in_effect(form, now)) is not None
            and (version.effective_at is None or version.effective_at <= now)]


def export_file_name(version: FormVersion, taken: set[str]) -> str:
    """The file a version is written back to: its own file name, or <id>.yaml."""
    name = Path(version.source_file or "").name
    if not name.endswith((".yaml", ".yml")) or name.startswith(".") or name in taken:
        name = f"{version.form_id}.yaml"
    return name


def export_definitions(session: Session, directory: Path, actor: str = "cli") -> list[tuple[FormVersion, Path]]:
    """Write every published version's source (the YAML as stored) into ``directory``."""
    from formsvc.forms.audit import record_event

    directory.mkdir(parents=True, exist_ok=True)
    written: list[tuple[FormVersion, Path]] = []
    taken: set[str] = set()
    for version in published_versions(session):
        name = export_file_name(version, taken)
        taken.add(name)
        target = directory / name
        source = version.source if version.source.endswith("\n") else version.source + "\n"
        target.write_text(source, encoding="utf-8")
        record_event(session, version.form_id, "exported", actor, version.number, file=name)
        written.append((version, target))
    return written
