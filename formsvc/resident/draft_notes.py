"""What the question and check pages say about the draft itself: that a signed-in resident's
answers are saved (and until when), and that the draft answers a correction request (差し戻し).

formsvc.resident.pages.application.render passes these to every page of an application; the
partials resident/_saving_note.html and resident/_correction_banner.html show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from formsvc.authentication.residents import current_identity
from formsvc.clock import JST, today
from formsvc.db import session as db_session
from formsvc.i18n import current_locale
from formsvc.resident.channels import Channel
from formsvc.submissions import corrections
from formsvc.submissions.models import Draft, Submission


@dataclass(frozen=True)
class Correcting:
    """A draft answering a correction request: the application it corrects, and the request
    the office waits on (None once it no longer waits: decided or withdrawn meanwhile)."""

    number: str
    request: corrections.CorrectionRequest | None

    @property
    def display_number(self) -> str:
        return f"{self.number[:4]}-{self.number[4:]}"

    def marks(self, field_id: str) -> bool:
        return self.request is not None and self.request.marks(field_id)


def saved_until(channel: Channel, draft: Draft) -> date | None:
    """The day (Japan) a signed-in resident's online draft is kept until; None for anyone else
    (an anonymous draft lasts hours and is not listed anywhere; counter staff and previews
    save nothing for a resident to come back to)."""
    if channel.name != "online" or draft.resident_subject is None:
        return None
    identity = current_identity()
    if identity is None or not identity.owns(draft.resident_issuer, draft.resident_subject):
        return None
    return draft.expires_at.astimezone(JST).date()


def correcting(draft: Draft) -> Correcting | None:
    if draft.correction_of is None:
        return None
    corrected = db_session().get(Submission, draft.correction_of)
    if corrected is None:
        return None
    return Correcting(number=corrected.reception_number, request=corrections.latest(corrected))


def short_date(day: date) -> str:
    """「1月6日」, with the year only when it is not this year (「2027年1月6日」)."""
    if current_locale() == "en":
        return f"{day.day} {day:%B}" + (f" {day.year}" if day.year != today().year else "")
    return (f"{day.year}年" if day.year != today().year else "") + f"{day.month}月{day.day}日"


def for_pages(channel: Channel, draft: Draft) -> dict[str, Any]:
    """The template variables: ``saved_until`` (text or None) and ``correcting`` (or None)."""
    until = saved_until(channel, draft)
    return {"saved_until": short_date(until) if until is not None else None,
            "correcting": correcting(draft)}
