"""Published definitions, compiled once per version and cached.

Versions are immutable, so a compiled definition never goes stale: the cache is keyed by
the version's id and checksum (ids alone can be reused by SQLite after rows are deleted),
and only the small version row is read from the database on each request. Every worker
builds its own cache; nothing about residents is kept in it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.definitions.channels import channel_problems
from formsvc.definitions.checks import semantic_problems
from formsvc.definitions.errors import DefinitionError, DefinitionInvalid
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.models import Form, FormVersion
from formsvc.forms.periods import Reception, reception


@dataclass(frozen=True)
class CompiledForm:
    version_id: int | None  # None: an unpublished working copy (an administrator's preview)
    version_number: int
    definition: FormDefinition

    @property
    def id(self) -> str:
        return self.definition.id

    def for_channel(self, channel: str) -> CompiledForm:
        """The same version as ``channel`` asks it (formsvc.definitions.channels): a counter
        draft or submission is read with the counter's pages, wording and next steps."""
        definition = self.definition.for_channel(channel)
        if definition is self.definition:
            return self
        return CompiledForm(self.version_id, self.version_number, definition)

_cache: dict[tuple[int, str], CompiledForm] = {}
_lock = threading.Lock()


def compile_version(version: FormVersion) -> CompiledForm:
    """The compiled definition of ``version`` (validated again: the schema may have moved on)."""
    key = (version.id, version.checksum)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    definition = FormDefinition.model_validate(version.document)
    problems = [(p.path, p.message) for p in semantic_problems(definition)]
    problems += [(c.path, c.message) for c in channel_problems(definition)]
    if problems:
        where = f"{version.form_id} v{version.number}"
        raise DefinitionInvalid([DefinitionError(where, 1, 1, ".".join(map(str, path)), message)
                                 for path, message in problems])
    compiled = CompiledForm(version.id, version.number, definition)
    with _lock:
        _cache[key] = compiled
    return compiled


def published(session: Session, form_id: str) -> CompiledForm | None:
    """The newest published version, whatever its 受付期間 (an administrator's preview). What
    residents may start an application on is ``in_force_on``."""
    version = session.scalar(
        select(FormVersion)
        .join(Form, Form.id == FormVersion.form_id)
        .where(Form.id == form_id, Form.state == "published",
               FormVersion.number == Form.published_version)
    )
    return compile_version(version) if version is not None else None


def version_by_id(session: Session, version_id: int, channel: str | None = "online") -> CompiledForm | None:
    """The version as ``channel`` uses it (a draft's or a submission's ``.channel``).

    ``channel=None``: the definition as written, with every channel's questions — for what reads
    the answers of any channel without knowing which (個人番号 protection, a version's CSV): a
    question asked only at the counter is missing from the online definition."""
    version = session.get(FormVersion, version_id)
    if version is None:
        return None
    compiled = compile_version(version)
    return compiled.for_channel(channel) if channel is not None else compiled


# --- 受付期間: the version in force on a day (formsvc.forms.periods) ---------------------------

def _published_versions(session: Session, form_ids: list[str] | None = None) -> dict[str, list[FormVersion]]:
    """Every published version of each published (not archived) procedure, by procedure."""
    query = (select(FormVersion)
             .join(Form, Form.id == FormVersion.form_id)
             .where(Form.state == "published", FormVersion.number <= Form.published_version)
             .order_by(FormVersion.form_id, FormVersion.number))
    if form_ids is not None:
        query = query.where(Form.id.in_(form_ids))
    found: dict[str, list[FormVersion]] = {}
    for version in session.scalars(query):
        found.setdefault(version.form_id, []).append(version)
    return found


def reception_on(session: Session, form_id: str, day: date) -> Reception[CompiledForm] | None:
    """Whether residents can start ``form_id`` on ``day``, with the version to show (in force,
    coming or last in force); None for a procedure that is unknown, archived or never published."""
    found = reception(_published_versions(session, [form_id]).get(form_id, []), day)
    return found.with_version(compile_version(found.version)) if found is not None else None


def in_force_on(session: Session, form_id: str, day: date) -> CompiledForm | None:
    """The version residents start applications on, on ``day``; None when it takes none."""
    found = reception_on(session, form_id, day)
    return found.version if found is not None and found.is_open else None


def all_receptions(session: Session, day: date) -> list[Reception[CompiledForm]]:
    """Every published procedure on ``day`` (open, upcoming or closed), by procedure id."""
    result = []
    for versions in _published_versions(session).values():
        found = reception(versions, day)
        if found is not None:
            result.append(found.with_version(compile_version(found.version)))
    return result


def all_in_force(session: Session, day: date) -> list[CompiledForm]:
    """The version in force on ``day`` of every procedure open that day, by procedure id."""
    return [found.version for found in all_receptions(session, day) if found.is_open]
