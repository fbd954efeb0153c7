"""The printout a resident checks and signs at the counter (申請内容確認書（署名用）).

Printed before the application is submitted, from the draft's answers as they would be
submitted (``formsvc.applications.completion``), with the same sections as the printed record
(``formsvc.records``), a signature box for the resident and a confirmation box for staff.
Rendered by ``formsvc.records.render_signature_forms`` (A4, BIZ UD Gothic, tagged PDF/UA-1).

Unlike the record, the sheet leaves out questions nobody answered (optional ones skipped): the
resident reads what they are asked to sign, and rows of 「（回答なし）」 only push the signature
box to a second page. A typical procedure (住民票 with one copy) fits one A4 page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from formsvc.applications.completion import Completion
from formsvc.applications.flow import Flow
from formsvc.applications.sections import answer_sections
from formsvc.counter.service import fee_text, resident_name
from formsvc.forms.catalog import CompiledForm
from formsvc.records.context import (
    NO_ANSWER,
    Entry,
    PrintedSection,
    computed_entries,
    japan_date,
    printed_sections,
)
from formsvc.staff.models import StaffUser
from formsvc.submissions.identification import describe
from formsvc.submissions.models import CounterVisit, Draft

LOCALE = "ja"
# How an answer read from the card is marked, here as on every counter page (one wording).
CARD_READ = "マイナンバーカードから読取"
KIND = "申請内容確認書（署名用）"
DECLARATION = "上記の内容に相違ありません。"


@dataclass
class SignatureForm:
    municipality: str
    title: str
    form_id: str
    version_number: int
    department: str
    applicant_name: str | None
    sections: list[PrintedSection]
    computed: list[Entry]
    fee: str
    fee_description: str | None
    declaration: str | None  # the procedure's own declaration (usually it begins with DECLARATION)
    verified_labels: list[str]
    staff_name: str
    identification: str
    prepared_on: str

    kind: str = KIND
    card_read: str = CARD_READ

    @property
    def statement(self) -> str | None:
        """「上記の内容に相違ありません。」 unless the procedure's declaration says it already."""
        return None if self.declaration and DECLARATION in self.declaration else DECLARATION

    @property
    def document_title(self) -> str:
        return f"{KIND} {self.title}"


def answered_only(sections: list[PrintedSection]) -> list[PrintedSection]:
    """The sections without unanswered rows; a page left with nothing answered is left out, except
    a repeating page with no items (「世帯員はありません」 says something the resident should check)."""
    kept = []
    for section in sections:
        entries = [entry for entry in section.entries if entry.text]
        items = [PrintedSection(item.title, [entry for entry in item.entries if entry.text], empty=item.empty)
                 for item in section.items]
        repeat_without_items = not section.entries and not section.items and section.empty != NO_ANSWER
        if entries or items or repeat_without_items:
            kept.append(PrintedSection(section.title, entries, items, section.empty))
    return kept


def signature_form(session: Session, visit: CounterVisit, draft: Draft, compiled: CompiledForm, ready: Completion,
                   staff: StaffUser, municipality: str, today: date) -> SignatureForm:
    definition = compiled.definition
    flow = Flow(definition, ready.answers, today)
    sections = answer_sections(flow, LOCALE)
    entered_by = session.get(StaffUser, draft.staff_id) if draft.staff_id else None
    declaration = definition.declaration.get(LOCALE) if definition.declaration else None
    fee_spec = definition.fee
    return SignatureForm(
        municipality=municipality,
        title=definition.title.get(LOCALE),
        form_id=definition.id,
        version_number=compiled.version_number,
        department=definition.department.name.get(LOCALE),
        applicant_name=resident_name(compiled, ready.answers, visit),
        sections=answered_only(printed_sections(flow, sections)),
        computed=computed_entries(flow),
        fee=fee_text(ready.fee),
        fee_description=fee_spec.description.get(LOCALE) if fee_spec and fee_spec.description else None,
        declaration=declaration,
        verified_labels=[row.spec.label.get(LOCALE) for section in sections for row in section.rows if row.verified],
        staff_name=(entered_by or staff).display_name,
        identification=describe(visit.identification, visit.identity_documents),
        prepared_on=japan_date(today),
    )
