"""What the staff detail page shows: answers by page, attachments, history and corrections.

Everything is read against the definition version the resident used (``version_id``), so the
labels are the ones they saw even after a newer version has been published.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc import clock
from formsvc.applications.answers import Answers
from formsvc.applications.flow import AnswerRow, Flow
from formsvc.applications.outcomes import Sent, sent
from formsvc.clock import JST
from formsvc.definitions.schema import FormDefinition
from formsvc.fields import file_content
from formsvc.fields.file import clean_filename
from formsvc.forms.catalog import version_by_id
from formsvc.review.corrections import QuestionGroup, japanese_date, suggested_due
from formsvc.submissions import status
from formsvc.submissions.models import Submission, SubmissionEvent, Upload

LOCALE = "ja"

# What staff see in the history, per event kind (residents see formsvc.submissions.status.EVENT_LABELS).
STAFF_EVENT_LABELS = {
    "submitted": "申請を受付",
    "claimed": "担当（審査開始）",
    "released": "担当を解除（受付に戻す）",
    "reassigned": "担当者を変更",
    "correction_requested": "差し戻し（修正依頼）",
    "resubmitted": "修正後の再申請を受付",
    "approved": "承認",
    "rejected": "却下",
    "completed": "完了（交付済）",
    "withdrawn": "申請者が取下げ",
    # Payments (formsvc.payments.service's event kinds).
    "payment_received": "手数料の支払い（入金を確認）",
    "payment_awaiting": "支払い待ち（コンビニ・Pay-easyの番号を発行）",
    "refund_due": "返金予定（手数料）",
    "payment_refunded": "手数料を返金",
    "payment_refund_failed": "手数料の返金に失敗",
}
PAYMENT_EVENTS = frozenset({"payment_received", "payment_awaiting", "refund_due", "payment_refunded",
                            "payment_refund_failed"})


def answer_flow(definition: FormDefinition, answers: dict, submitted: datetime) -> Flow:
    """Stored answers walked as on the day (in Japan) they were submitted, as the record prints them."""
    return Flow(definition, Answers.from_json(answers), submitted.astimezone(JST).date())


def answer_rows(definition: FormDefinition, answers: dict, submitted: datetime) -> list[AnswerRow]:
    return answer_flow(definition, answers, submitted).rows(LOCALE)


def sent_of(definition: FormDefinition, submission: Submission) -> Sent:
    """The computed values stored with the submission (not computed again) and the outcomes and
    documents that apply to its answers: what the resident was told when they sent it."""
    return sent(definition, submission.answers, submission.computed,
                submission.created_at.astimezone(JST).date(), LOCALE)


@dataclass(frozen=True)
class Attachment:
    token: str
    filename: str
    content_type: str
    size: int
    field_label: str
    current: bool  # part of the answers as they are now (not only of an earlier version)

    @property
    def kind_label(self) -> str:
        return file_content.kind_label(self.content_type)

    @property
    def is_image(self) -> bool:
        """Shown on the page as a picture (HEIC converted to JPEG); the original downloads as sent."""
        return file_content.is_image(self.content_type)


def attachments(session: Session, submission: Submission, definition: FormDefinition) -> list[Attachment]:
    current = set(Answers.from_json(submission.answers).uploads(definition))
    uploads = session.scalars(select(Upload).where(Upload.submission_id == submission.id).order_by(Upload.id))
    result = []
    for upload in uploads:
        spec = definition.field_by_id(upload.field_id)
        result.append(Attachment(upload.token, clean_filename(upload.filename), upload.content_type, upload.size,
                                 spec.label.get(LOCALE) if spec else upload.field_id, upload.token in current))
    return result


@dataclass(frozen=True)
class ComparedRow:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class Comparison:
    """One correction: the answers before it beside the answers it brought."""

    resubmitted: SubmissionEvent
    before_version: int | None
    after_version: int | None
    rows: list[ComparedRow]

    @property
    def changed_count(self) -> int:
        return sum(row.changed for row in self.rows)


def _row_key(row: AnswerRow) -> tuple:
    return row.page.id, row.parent_index, row.item_index, row.spec.id


def _row_label(row: AnswerRow) -> str:
    label = row.spec.label.get(LOCALE)
    if row.item_title is not None:  # a nested item, named with its parent: 世帯員 2（山田花子）の収入 1
        return f"{label}（{row.item_title}）"
    if row.page.repeat is not None and row.item_index is not None:
        label = f"{label}（{row.page.repeat.item_label.get(LOCALE)} {row.item_index + 1}）"
    return label


def compare(before: list[AnswerRow], after: list[AnswerRow]) -> list[ComparedRow]:
    """Rows of both versions in the newer one's order; answers only in the older one at the end."""
    earlier = {_row_key(row): row for row in before}
    compared = []
    seen = set()
    for row in after:
        key = _row_key(row)
        seen.add(key)
        old = earlier.get(key)
        compared.append(ComparedRow(_row_label(row), old.text if old else "", row.text))
    compared.extend(ComparedRow(_row_label(row), row.text, "") for row in before if _row_key(row) not in seen)
    return compared


def comparisons(session: Session, submission: Submission) -> list[Comparison]:
    """Each correction's before and after, newest first (from the "resubmitted" events)."""
    events = [event for event in submission.events if event.kind == "resubmitted"
              and isinstance(event.data.get("previous"), dict)]
    result = []
    for index, event in enumerate(events):
        previous = event.data["previous"]
        if index + 1 < len(events):
            following = events[index + 1].data["previous"]
            after_answers, after_version_id = following.get("answers") or {}, following.get("version_id")
        else:
            after_answers, after_version_id = submission.answers, submission.version_id
        before_version_id = previous.get("version_id") or submission.version_id
        before_compiled = version_by_id(session, before_version_id, submission.channel)
        after_compiled = version_by_id(session, after_version_id or submission.version_id, submission.channel)
        if before_compiled is None or after_compiled is None:
            continue
        rows = compare(answer_rows(before_compiled.definition, previous.get("answers") or {}, submission.created_at),
                       answer_rows(after_compiled.definition, after_answers, submission.created_at))
        result.append(Comparison(event, before_compiled.version_number, after_compiled.version_number, rows))
    return list(reversed(result))


def is_resubmitted(submission: Submission) -> bool:
    """Whether the application waiting now came back corrected (再提出): its latest 差し戻し was
    answered by a resubmission (the queue reads the same from its rows' events: queries.resubmitted)."""
    if submission.status not in (status.RECEIVED, status.IN_REVIEW):
        return False
    for event in reversed(submission.events):
        if event.kind == "resubmitted":
            return True
        if event.kind == "correction_requested":
            return False
    return False


@dataclass
class CorrectionForm:
    """What the 差し戻し form offers: the answered questions by page, the procedure's standard
    phrases, and what was sent before when the page is shown again (``fields``, ``due``)."""

    groups: list[QuestionGroup]
    phrases: list[str]
    typed: dict = field(default_factory=dict)

    @property
    def chosen(self) -> list[str]:
        return list(self.typed.get("fields") or [])

    @property
    def suggested_due(self) -> date:
        """The deadline the form gives as its example: 10開庁日後 (Japan time)."""
        return suggested_due(clock.today())


def correction_note(event: SubmissionEvent) -> str:
    """What a 差し戻し asked besides its message, for the history:
    「（修正を依頼した項目 2件、期限 2026年12月20日）」."""
    data = event.data or {}
    facts = []
    if data.get("fields"):
        facts.append(f"修正を依頼した項目 {len(data['fields'])}件")
    if isinstance(data.get("due"), str):
        with contextlib.suppress(ValueError):
            facts.append(f"期限 {japanese_date(date.fromisoformat(data['due']))}")
    return f"（{'、'.join(facts)}）" if facts else ""


# How the sign-in's assurance reads to staff: the card, not the OpenID Connect acr value.
ASSURANCE_WORDS = {
    "aal3": "マイナンバーカード（公的個人認証）",
    "aal2": "多要素認証",
    "aal1": "パスワードなど（単要素認証）",
}


def identity_text(identity: dict | None) -> str | None:
    """本人確認 of an online application: how the resident signed in, in words (None: not signed in)."""
    if not identity:
        return None
    acr = str(identity.get("acr") or "").lower()
    if acr in ("aal3", ""):
        return "マイナンバーカード（公的個人認証）でログインして申請"
    return f"ログインして申請（{ASSURANCE_WORDS.get(acr, acr)}）"


def actor_label(event: SubmissionEvent, names: dict[str, str] | None = None) -> str:
    if event.actor == "resident":
        return "申請者"
    if event.actor == "system":
        return "システム"
    if event.actor.startswith("staff:"):
        name = (event.data or {}).get("staff_name") or event.actor.removeprefix("staff:")
        return f"職員 {name}"
    return event.actor
