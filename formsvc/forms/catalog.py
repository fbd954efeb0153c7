"""Published definitions, compiled once per version and cached.

Versions are immutable, so a compiled definition never goes stale: the cache is keyed by
the version's id and checksum (ids alone can be reused by SQLite after rows are deleted),
and only the small version row is read from the database on each request. Every worker
builds its own cache; nothing about residents is kept in it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.definitions.checks import semantic_problems
from formsvc.definitions.errors import DefinitionError, DefinitionInvalid
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.models import Form, FormVersion


@dataclass(frozen=True)
class CompiledForm:
    version_id: int | None  # None: an unpublished working copy (an administrator's preview)
    version_number: int
    definition: FormDefinition

    @property
    def id(self) -> str:
        return self.definition.id


_cache: dict[tuple[int, str], CompiledForm] = {}
_lock = threading.Lock()


def compile_version(version: FormVersion) -> CompiledForm:
    """The compiled definition of ``version`` (validated again: the schema may have moved on)."""
    key = (version.id, version.checksum)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    definition = FormDefinition.model_validate(version.document)
    problems = list(semantic_problems(definition))
    if problems:
        where = f"{version.form_id} v{version.number}"
        raise DefinitionInvalid([DefinitionError(where, 1, 1, ".".join(map(str, p.path)), p.message)
                                 for p in problems])
    compiled = CompiledForm(version.id, version.number, definition)
    with _lock:
        _cache[key] = compiled
    return compiled


def published(session: Session, form_id: str) -> CompiledForm | None:
    version = session.scalar(
        select(FormVersion)
        .join(Form, Form.id == FormVersion.form_id)
        .where(Form.id == form_id, Form.state == "published",
               FormVersion.number == Form.published_version)
    )
    return compile_version(version) if version is not None else None


def version_by_id(session: Session, version_id: int) -> CompiledForm | None:
    version = session.get(FormVersion, version_id)
    return compile_version(version) if version is not None else None


def all_published(session: Session) -> list[CompiledForm]:
    from formsvc.forms.loading import published_versions

    return [compile_version(version) for version in published_versions(session)]
