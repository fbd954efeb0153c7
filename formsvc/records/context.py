"""The view model of one printed record: everything the template shows, as plain text.

The record is made against the definition version the resident used (``submission.version_id``),
so labels, pages and the fee description are the ones they saw, even after newer versions.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import segno
from sqlalchemy.orm import Session

from formsvc.applications import outcomes
from formsvc.applications.answers import Answers, item_place
from formsvc.applications.flow import Flow
from formsvc.applications.sections import Section, answer_sections
from formsvc.clock import JST
from formsvc.db import utcnow
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.catalog import version_by_id
from formsvc.japanese.era import era_of, to_wareki
from formsvc.records.images import PrintedAttachment, printed_attachments
from formsvc.submissions import channels, reception, status
from formsvc.submissions.identification import counter_facts
from formsvc.submissions.models import Submission
from formsvc.submissions.protection import masked_for_version

LOCALE = "ja"  # records are for the counter: always Japanese

ACTORS = {"resident": "申請者", "system": "システム"}
# Who signs residents in (formsvc.authentication): the My Number card, through the authentication app.
IDENTITY_SOURCE = "マイナンバーカード（デジタル認証アプリ）"
# Answers read from the card at the counter (formsvc.counter.carryover.SOURCE).
COUNTER_CARD_SOURCE = "counter_card"
COUNTER_CARD_READ = "マイナンバーカードから読取"  # as every counter page and sheet says it
# How sure the sign-in is, in words staff use (issue 16: not the OpenID Connect acr value "aal3").
ASSURANCE = {
    "aal1": "パスワードなど（単要素認証）",
    "aal2": "多要素認証",
    "aal3": "マイナンバーカード（公的個人認証）",
}
# Beside each answer the card confirmed: short, the section already says it was the card.
ANSWER_ASSURANCE = {"aal3": "公的個人認証", "aal2": "多要素認証", "aal1": "単要素認証"}


NO_ANSWER = "（回答なし）"  # a page asked but not answered (the record prints it; the sheet to sign leaves it out)


class RecordError(RuntimeError):
    """The submission cannot be printed (e.g. its definition version is gone)."""


def japan_date(d: date) -> str:
    """令和8年11月26日（2026年11月26日）; only the western date before 明治."""
    western = f"{d.year}年{d.month}月{d.day}日"
    return f"{to_wareki(d)}（{western}）" if era_of(d) is not None else western


def japan_datetime(moment: datetime) -> str:
    """令和8年11月26日（2026年11月26日）14:05 in Japan time."""
    local = moment.astimezone(JST)
    return f"{japan_date(local.date())}{local:%H:%M}"


# The record's QR code uses one fixed data mask. All eight masks are valid QR codes that every
# reader decodes (the mask is written in the symbol's format information); choosing the one with
# the lowest penalty score was 3 ms of a record's ~70 (issue 17). For reception numbers (8
# alphanumeric symbols: version 1-M, 21 x 21 modules) mask 1 has the lowest worst-case penalty
# of the eight over 500 random numbers (1170, where the best mask of each number averages 1016).
QR_MASK = 1


def qr_code(text: str) -> segno.QRCode:
    """The QR code (never Micro QR, which phones may not read) of ``text`` as the record prints it."""
    return segno.make_qr(text, error="m", boost_error=False, mask=QR_MASK)


def qr_data_uri(text: str) -> str:
    """``qr_code(text)`` as a data: URI PNG, one pixel per module: the stylesheet prints it at
    18 mm with image-rendering: pixelated, so edges stay sharp."""
    buffer = io.BytesIO()
    qr_code(text).save(buffer, kind="png", scale=1, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@dataclass(frozen=True)
class Entry:
    label: str
    text: str
    verified: bool = False


@dataclass
class PrintedSection:
    title: str
    entries: list[Entry] = field(default_factory=list)
    items: list[PrintedSection] = field(default_factory=list)  # a repeating page: one sub-section per item
    empty: str = NO_ANSWER  # shown when the page has no answer (e.g. no items were added)


@dataclass(frozen=True)
class Verification:
    """An answer taken from the My Number card: its label and how sure the sign-in was (公的個人認証)."""

    label: str
    assurance: str


@dataclass(frozen=True)
class HistoryEvent:
    when: str
    label: str
    actor: str
    comment: str | None


@dataclass
class RecordView:
    municipality: str
    title: str
    form_id: str
    version_number: int
    department: str
    reception_number: str
    reception_display: str
    qr_uri: str
    submitted_at: str
    channel: str
    status: str
    sections: list[PrintedSection]
    computed: list[Entry]  # every computed value stored with the submission, labelled by its role
    fee: str | None
    fee_description: str | None
    identity_source: str | None
    identity_assurance: str | None
    verifications: list[Verification]
    history: list[HistoryEvent]
    declaration: str
    printed_at: str
    # Counter applications: who entered it, how the resident was identified, when they signed.
    entered_by: str | None = None
    identification: str | None = None
    signed_at: str | None = None
    # (heading, entries) per role: 計算結果, 給付額・補助金額の見込み, 期限 (formsvc.applications.outcomes).
    computed_groups: list[tuple[str, list[Entry]]] = field(default_factory=list)
    # The procedures the resident was told they need (outcomes), with their deadlines.
    outcomes_title: str | None = None
    outcomes: list[Entry] = field(default_factory=list)
    # The documents that apply to the answers (documents[].show_if).
    documents: list[Entry] = field(default_factory=list)
    # The attached files, listed by name; pictures (HEIC converted to JPEG) printed (formsvc.records.images).
    attachments: list[PrintedAttachment] = field(default_factory=list)

    @property
    def document_title(self) -> str:
        return f"{self.title} 受付番号 {self.reception_display}"


def printed_sections(flow: Flow, sections: Sequence[Section]) -> list[PrintedSection]:
    """The answers as printed (``sections``: formsvc.applications.sections of ``flow``): one section
    per page asked that has questions, even unanswered; a repeating page with one per item."""
    by_page: dict[str, list[Section]] = {}
    for section in sections:
        by_page.setdefault(section.page.id, []).append(section)
    printed = []
    for page in flow.visible_pages():
        if page.kind == "exit" or not page.answer_fields():
            continue
        parts = by_page.get(page.id, [])
        printed.append(PrintedSection(
            page.title.get(LOCALE),
            entries=[entry for part in parts if part.item_index is None for entry in _entries(part)],
            items=[PrintedSection(part.title, _entries(part)) for part in parts if part.item_index is not None],
            empty=f"{page.repeat.item_label.get(LOCALE)}はありません" if page.repeat else NO_ANSWER,
        ))
    return printed


def _verified_label(definition: FormDefinition, labels: dict[str, str], key: str) -> str:
    """What a verified answer is called: its question's label; inside an item of a repeating page
    (marked ``members.0.member_name``), with the item: 「世帯員 1：氏名」."""
    place = item_place(key)
    if place is None:
        return labels.get(key, key)
    page, spec = definition.page_by_id(place[0]), definition.field_by_id(place[2])
    if page is None or page.repeat is None or spec is None:
        return key
    return f"{page.repeat.item_label.get(LOCALE)} {place[1] + 1}：{spec.label.get(LOCALE)}"


def _entries(section: Section) -> list[Entry]:
    return [Entry(row.spec.label.get(LOCALE), row.text, row.verified) for row in section.rows]


def _history(submission: Submission) -> list[HistoryEvent]:
    events = []
    for event in submission.events:
        label = status.EVENT_LABELS.get(event.kind, (event.kind, event.kind))[0]
        data = event.data or {}
        if event.kind == "submitted" and data.get("channel") == "counter":
            label = f"{label}（窓口。申請者 {data.get('resident_name') or '不明'}）"
        events.append(HistoryEvent(japan_datetime(event.created_at), label, _actor(event), event.comment))
    return events


def _actor(event) -> str:
    if event.actor.startswith("staff:"):
        return f"職員 {(event.data or {}).get('staff_name') or event.actor.removeprefix('staff:')}"
    return ACTORS.get(event.actor, event.actor)


def _amount(value) -> str:
    return f"{int(value):,}"


def computed_entries(flow: Flow) -> list[Entry]:
    """The definition's computed values (件数, 合計…) as printed, e.g. 「合計点数　3点」, from the
    answers as they are (the counter's sheet to sign, before the application is sent)."""
    return _printed(outcomes.computed_entries(flow.computed_values(), LOCALE))


def _printed(entries: Sequence[outcomes.ComputedEntry]) -> list[Entry]:
    """A benefit says 給付額・補助金額 and a date says 期限, unless its label already does."""
    return [Entry(entry.header, entry.text) for entry in entries]


def _outcome_entries(sent: outcomes.Sent) -> list[Entry]:
    return [Entry(outcome.title, f"期限 {outcome.deadline}" if outcome.deadline else "")
            for outcome in sent.guidance.outcomes]


def build_record(session: Session, submission: Submission, municipality: str,
                 printed_at: datetime | None = None) -> RecordView:
    """The record of ``submission`` as the definition version it was made on shows it.

    Conditions are evaluated as on the day it was submitted (Japan time), so a page asked then
    is printed even if "today" would no longer ask it.
    """
    compiled = version_by_id(session, submission.version_id, submission.channel)
    if compiled is None:
        raise RecordError(f"definition version {submission.version_id} of {submission.reception_number} "
                          f"is missing")
    definition = compiled.definition
    answers = Answers.from_json(submission.answers)
    submitted = submission.created_at.astimezone(JST)
    flow = Flow(definition, answers, submitted.date())
    sections = answer_sections(flow, LOCALE)
    # Computed values as stored when it was sent (not computed again), and what applied then.
    sent = outcomes.sent(definition, submission.answers, submission.computed, submitted.date(), LOCALE)

    labels = {row.spec.id: row.spec.label.get(LOCALE)
              for section in sections if section.item_index is None for row in section.rows}
    verifications = [
        Verification(_verified_label(definition, labels, field_id),
                     COUNTER_CARD_READ if mark.get("source") == COUNTER_CARD_SOURCE
                     else ANSWER_ASSURANCE.get((mark.get("acr") or "").lower(), mark.get("acr") or "不明"))
        for field_id, mark in answers.verified.items()
    ]
    counter = counter_facts(session, [submission]).get(submission.id)
    identity = answers.identity
    fee_spec = definition.fee
    number = submission.reception_number
    return RecordView(
        municipality=municipality,
        title=definition.title.get(LOCALE),
        form_id=definition.id,
        version_number=compiled.version_number,
        department=definition.department.name.get(LOCALE),
        reception_number=number,
        reception_display=reception.display(number),
        qr_uri=qr_data_uri(number),
        submitted_at=japan_datetime(submission.created_at),
        channel=channels.RECORD_LABELS.get(submission.channel, submission.channel),
        status=status.label(submission.status, LOCALE, definition),
        sections=printed_sections(flow, sections),
        computed=_printed(sent.computed),
        computed_groups=[(heading, [Entry(entry.label, entry.text) for entry in entries])
                         for _role, heading, entries in sent.groups(LOCALE)],
        outcomes_title=sent.guidance.outcomes_title if sent.guidance.outcomes else None,
        outcomes=_outcome_entries(sent),
        documents=[Entry(document.name, document.how) for document in sent.guidance.documents],
        fee=f"{_amount(submission.fee)}円" if submission.fee is not None else None,
        fee_description=fee_spec.description.get(LOCALE) if fee_spec and fee_spec.description else None,
        identity_source=IDENTITY_SOURCE if identity else None,
        identity_assurance=(ASSURANCE.get((identity.get("acr") or "").lower(), identity.get("acr") or "不明")
                            if identity else None),
        verifications=verifications,
        history=_history(submission),
        declaration=definition.declaration.get(LOCALE),
        printed_at=japan_datetime(printed_at or utcnow()),
        entered_by=(counter.entered_by or "（不明）") if counter else None,
        identification=counter.identification_text if counter else None,
        signed_at=japan_datetime(counter.signed_at) if counter and counter.signed_at else None,
        attachments=printed_attachments(session, submission, definition, LOCALE),
    )


def submission_json(session: Session, submission: Submission) -> str:
    """The stored answers, as attached to archive PDFs (readable Japanese, stable key order).

    An archive copy outlives the service and its keys: a 個人番号 is in it masked, as the printed
    record shows it, never encrypted or in full (formsvc.submissions.protection)."""
    answers = masked_for_version(session, submission.version_id, submission.answers)
    return json.dumps(answers, ensure_ascii=False, indent=2, sort_keys=True)
