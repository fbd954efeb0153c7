"""A correction request (差し戻し) as the resident and staff read it.

The request is the audit event ``correction_requested`` (formsvc.review.workflow): its comment is the
clerk's message and its data may name the questions to fix (``fields``: field ids, top-level or
``page_id.field_id`` inside a repeat) and a reply deadline (``due``: ISO date). Older events carry
only the message; both read the same here, so every page showing a correction uses this one reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from formsvc.submissions import status
from formsvc.submissions.models import Submission

EVENT = "correction_requested"


@dataclass(frozen=True)
class CorrectionRequest:
    message: str
    fields: tuple[str, ...]   # the questions the clerk asked to fix (may be empty: "see the message")
    due: date | None          # reply by this day (Japan), if the clerk set one
    requested_at: datetime

    def marks(self, field_id: str) -> bool:
        """Whether the question ``field_id`` (or a repeat's ``page.field``) was asked to be fixed."""
        return field_id in self.fields or any(f.endswith("." + field_id) for f in self.fields)


def latest(submission: Submission) -> CorrectionRequest | None:
    """The request the office is waiting on, or None when the application is not 差し戻し."""
    if submission.status != status.CORRECTION_REQUESTED:
        return None
    event = next((e for e in reversed(submission.events) if e.kind == EVENT), None)
    if event is None:
        return None
    data = event.data or {}
    fields = tuple(str(f) for f in data.get("fields") or () if isinstance(f, str))
    try:
        due = date.fromisoformat(data["due"]) if isinstance(data.get("due"), str) else None
    except ValueError:
        due = None
    return CorrectionRequest(message=event.comment or "", fields=fields, due=due,
                             requested_at=event.created_at)
