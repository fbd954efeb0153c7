"""Statuses as each procedure names them (definition ``status_labels``) in the staff's lists."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from formsvc.forms.catalog import version_by_id
from formsvc.submissions import status
from formsvc.submissions.models import Submission


def short_labels(session: Session, rows: Iterable[Submission]) -> dict[int, str]:
    """{submission id: its status's one word}: 収集日決定 for 粗大ごみ, 承認 for a procedure without
    its own names. Each version is read once (a page holds few)."""
    return _named(session, rows, status.short_label)


def labels(session: Session, rows: Iterable[Submission]) -> dict[int, str]:
    """{submission id: its status's name as residents and records say it} (status.label)."""
    return _named(session, rows, lambda code, definition: status.label(code, "ja", definition))


def _named(session: Session, rows: Iterable[Submission], name: Callable[[str, Any], str]) -> dict[int, str]:
    definitions: dict[int, object] = {}
    found = {}
    for row in rows:
        if row.version_id not in definitions:
            compiled = version_by_id(session, row.version_id, None)
            definitions[row.version_id] = compiled.definition if compiled is not None else None
        found[row.id] = name(row.status, definitions[row.version_id])
    return found
