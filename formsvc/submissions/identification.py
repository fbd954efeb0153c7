"""How a resident at the counter was identified, and the counter facts staff see on a submission.

A counter application stays the resident's: the staff member who typed it is recorded beside
it (``entered_by_id``), never in place of the applicant. These helpers give the words the
queue, the detail page, the printed record, the CSV and the API use for those facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.staff.models import StaffUser
from formsvc.submissions.models import CounterVisit, Submission

CARD, DOCUMENTS, NONE = "card", "documents", "none"

# Short labels (queue, CSV) and the choices staff make at the start of a visit.
LABELS = {
    CARD: "マイナンバーカード読取",
    DOCUMENTS: "本人確認書類",
    NONE: "確認なし",
}
CHOICES = {
    CARD: ("マイナンバーカードを読み取る", "Read the My Number card"),
    DOCUMENTS: ("本人確認書類で確認して入力する", "Check identity documents and type the details"),
    NONE: ("確認なしで入力する", "Type the details without an identity check"),
}
# Identity documents commonly shown at a Japanese counter (the last one asks for its name).
DOCUMENT_CHOICES = (
    "運転免許証",
    "パスポート",
    "在留カード",
    "特別永住者証明書",
    "身体障害者手帳",
    "マイナンバーカード（券面の確認のみ）",
    "健康保険の資格確認書と年金手帳",
)
OTHER_DOCUMENT = "その他"
MAX_DOCUMENTS_LENGTH = 50



def describe(identification: str | None, documents: str | None = None) -> str:
    """「マイナンバーカード読取」「本人確認書類（運転免許証）」「確認なし」."""
    if identification is None:
        return ""
    label = LABELS.get(identification, identification)
    if identification == DOCUMENTS and documents:
        return f"{label}（{documents}）"
    return label


@dataclass(frozen=True)
class CounterFacts:
    """What a counter submission records beside the resident's answers."""

    entered_by: str | None       # the staff member's display name
    entered_by_username: str | None
    identification: str | None   # card / documents / none
    documents: str | None        # which identity documents were shown
    signed_at: datetime | None

    @property
    def identification_text(self) -> str:
        return describe(self.identification, self.documents)

    @property
    def identification_label(self) -> str:
        """Without the document's name (for narrow places such as the queue)."""
        return describe(self.identification)


def counter_facts(session: Session, submissions: Iterable[Submission]) -> dict[int, CounterFacts]:
    """The counter facts of those submissions made at the counter, by submission id (two queries)."""
    rows = [s for s in submissions if s.channel == "counter"]
    if not rows:
        return {}
    staff_ids = {s.entered_by_id for s in rows if s.entered_by_id is not None}
    visit_ids = {s.visit_id for s in rows if s.visit_id is not None}
    staff = {row.id: (row.display_name, row.username) for row in session.execute(
        select(StaffUser.id, StaffUser.display_name, StaffUser.username).where(StaffUser.id.in_(staff_ids)))} \
        if staff_ids else {}
    documents = dict(session.execute(select(CounterVisit.id, CounterVisit.identity_documents)
                                     .where(CounterVisit.id.in_(visit_ids))).all()) if visit_ids else {}
    facts = {}
    for submission in rows:
        name, username = staff.get(submission.entered_by_id, (None, None))
        facts[submission.id] = CounterFacts(
            entered_by=name, entered_by_username=username, identification=submission.identification,
            documents=documents.get(submission.visit_id)
            if submission.identification == DOCUMENTS and submission.visit_id is not None else None,
            signed_at=submission.signed_at)
    return facts
