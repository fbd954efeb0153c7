"""Import definitions from form_definitions/ into the database as published versions.

The files are the source at deployment: a changed file becomes a new version, an unchanged
one is left alone (compared by the checksum of the validated document), so that running
the import again is quick and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.db import utcnow
from formsvc.definitions.errors import DefinitionError
from formsvc.definitions.loader import LoadedDefinition, load_all
from formsvc.forms.models import Form, FormVersion


@dataclass
class ImportReport:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    errors: list[DefinitionError]


def import_definitions(session: Session, paths: list[Path | str], actor: str = "cli") -> ImportReport:
    """Validate every file first; write nothing unless all are valid."""
    loaded, errors = load_all(paths)
    report = ImportReport([], [], [], errors)
    if errors:
        return report
    for item in loaded:
        outcome = publish_loaded(session, item, actor)
        getattr(report, outcome).append(item.definition.id)
    return report


def publish_loaded(session: Session, item: LoadedDefinition, actor: str) -> str:
    """Store ``item`` as the published version of its form; returns what happened."""
    form_id = item.definition.id
    form = session.get(Form, form_id)
    created = form is None
    if form is None:
        form = Form(id=form_id, state="published")
        session.add(form)
    latest = form.latest
    if latest is not None and latest.checksum == item.checksum:
        return "unchanged"
    now = utcnow()
    version = FormVersion(
        number=(latest.number + 1) if latest else 1,
        document=item.document,
        source=item.source,
        source_file=Path(item.filename).name,
        checksum=item.checksum,
        created_by=actor,
        published_at=now,
    )
    form.versions.append(version)
    form.published_version = version.number
    form.state = "published"
    form.updated_by = actor
    form.updated_at = now
    session.flush()
    return "created" if created else "updated"


def published_versions(session: Session) -> list[FormVersion]:
    query = (
        select(FormVersion)
        .join(Form, Form.id == FormVersion.form_id)
        .where(Form.state == "published", FormVersion.number == Form.published_version)
        .order_by(Form.id)
    )
    return list(session.scalars(query))
