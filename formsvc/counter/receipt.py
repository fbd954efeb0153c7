"""The slip handed to the resident after receiving (受付票・引換券), for an 80 mm receipt printer.

One slip per received procedure: the reception number as large text and as a QR code (which the
issuing counter scans to call the application up), the procedure, the fee and its 収納 (領収 once
paid), where to wait or where to collect, and the date and time in Japan. Nothing else about the
resident is printed: a slip left on a counter must not tell anyone whose it is.
Rendered by ``formsvc.records.render_receipts`` (80 mm wide, as long as it needs; BIZ UD Gothic).
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from datetime import datetime

import segno
from sqlalchemy.orm import Session

from formsvc.applications.answers import Answers
from formsvc.applications.flow import Flow
from formsvc.applications.outcomes import next_steps
from formsvc.clock import JST
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.catalog import version_by_id
from formsvc.payments import status as pay_status
from formsvc.records.context import japan_date
from formsvc.submissions import reception
from formsvc.submissions import status as submission_status
from formsvc.submissions.models import Submission

LOCALE = "ja"
KIND = "受付票（引換券）"
WAIT = "番号をお呼びするまでお待ちください"


class ReceiptError(LookupError):
    """The submission cannot be printed (its definition version is gone)."""


def qr_svg_uri(text: str) -> str:
    """The QR code (never Micro QR) of ``text`` as an SVG data: URI: vector, so a thermal printer's
    dots draw every module sharp at any size."""
    svg = segno.make_qr(text, error="m", boost_error=False).svg_inline(scale=1, border=4, omitsize=True)
    return "data:image/svg+xml;charset=utf-8," + urllib.parse.quote(svg)


@dataclass(frozen=True)
class Slip:
    """One received procedure's 受付票."""

    title: str
    department: str
    reception_number: str
    reception_display: str
    qr_uri: str
    fee: str | None                 # 「300円」; None: no fee
    payment_label: str | None       # 支払い済み, 未払い …
    payment_method: str | None
    paid: bool
    paid_at: str | None
    payment_reference: str | None
    same_day: bool
    issued: bool
    where: str | None               # the counter to go to (the department's contact address)
    hours: str | None
    phone: str | None
    next_steps: str | None          # when not issued today: what happens next

    @property
    def wait_text(self) -> str | None:
        if self.issued:
            return "交付済みです"
        return WAIT if self.same_day else None


@dataclass
class Receipt:
    municipality: str
    slips: list[Slip]
    printed_at: str
    kind: str = KIND

    def per_slip(self) -> list[Receipt]:
        """One receipt per slip: each is printed (and cut) on its own."""
        return [Receipt(self.municipality, [one], self.printed_at) for one in self.slips]

    @property
    def document_title(self) -> str:
        numbers = "、".join(slip.reception_display for slip in self.slips)
        return f"{KIND} 受付番号 {numbers}"


def _yen(amount: int) -> str:
    return f"{amount:,}円"


def slip(session: Session, submission: Submission) -> Slip:
    compiled = version_by_id(session, submission.version_id)
    if compiled is None:
        raise ReceiptError(f"definition version {submission.version_id} of submission {submission.id} is missing")
    definition: FormDefinition = compiled.definition.for_channel(submission.channel)
    summary = pay_status.summary_of(session, submission)
    contact = definition.department.contact
    paid = summary.code in (pay_status.PAID,)
    has_fee = bool(submission.fee and submission.fee > 0)
    issued = submission.status == submission_status.COMPLETED
    steps = None
    if not definition.same_day_issue:
        answers = Answers.from_json(submission.answers)
        flow = Flow(definition, answers, submission.created_at.astimezone(JST).date())
        steps = "\n".join(next_steps(flow, LOCALE)) or None
    return Slip(
        title=definition.title.get(LOCALE),
        department=definition.department.name.get(LOCALE),
        reception_number=submission.reception_number,
        reception_display=reception.display(submission.reception_number),
        qr_uri=qr_svg_uri(submission.reception_number),
        fee=_yen(int(submission.fee)) if has_fee and submission.fee is not None else None,
        payment_label=summary.label if has_fee else None,
        payment_method=summary.method_label if has_fee else None,
        paid=paid,
        paid_at=japan_time(summary.paid_at) if paid and summary.paid_at else None,
        payment_reference=summary.reference if paid else None,
        same_day=definition.same_day_issue,
        issued=issued,
        where=contact.address.get(LOCALE) if contact and contact.address else None,
        hours=contact.hours.get(LOCALE) if contact and contact.hours else None,
        phone=contact.phone if contact else None,
        next_steps=steps,
    )


def japan_time(moment: datetime) -> str:
    """令和8年12月7日（2026年12月7日）14:05 in Japan time."""
    local = moment.astimezone(JST)
    return f"{japan_date(local.date())}{local:%H:%M}"


def receipt(session: Session, submissions: list[Submission], municipality: str, now: datetime) -> Receipt:
    return Receipt(municipality=municipality, slips=[slip(session, submission) for submission in submissions],
                   printed_at=japan_time(now))
