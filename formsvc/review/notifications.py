"""Messages to residents about their application, written to the outbox with the change itself.

The recipient is the answer to the definition's first e-mail question; a procedure without one
(or a resident who left it blank) gets the message recorded as undeliverable, so staff can see
that the resident was not told and must be contacted another way.
"""

from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from formsvc.applications.answers import Answers
from formsvc.applications.outcomes import Sent, sent
from formsvc.clock import JST
from formsvc.db import utcnow
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.catalog import version_by_id
from formsvc.review.models import OutboxMessage
from formsvc.submissions.models import Submission
from formsvc.submissions.reception import display
from formsvc.templating import local_datetime

# What each kind of message says: (subject, opening). Kinds are the moves that concern residents.
MESSAGES = {
    "received": ("申請を受け付けました", "次の申請を受け付けました。審査の結果は、あらためてお知らせします。"),
    "resubmitted": ("修正した申請を受け付けました", "修正していただいた申請を受け付けました。引き続き審査します。"),
    "correction_requested": ("申請内容の修正をお願いします",
                             "お送りいただいた申請について、修正をお願いしたい点があります。"
                             "内容をご確認のうえ、申請を修正して再度お送りください。"),
    "approved": ("申請を承認しました", "次の申請を承認しました。"),
    "rejected": ("申請の審査結果をお知らせします",
                 "審査の結果、次の申請を却下しました。正式な通知書は別にお送りします。"),
    "completed": ("手続きが完了しました", "次の申請の手続きが完了しました（交付済み）。"),
}
COMMENT_HEADINGS = {
    "correction_requested": "修正をお願いしたい点",
    "approved": "担当からの連絡事項",
    "rejected": "理由",
    "completed": "担当からの連絡事項",
}
UNDELIVERABLE = "undeliverable"


def recipient_of(definition: FormDefinition, answers: Answers) -> str | None:
    """The answer to the first e-mail question, if any."""
    for spec in definition.all_fields():
        if spec.carry_over == "email":  # the type that asks an e-mail address
            value = answers.answer(spec.id)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def _municipality() -> str:
    return current_app.config["MUNICIPALITY_NAME"] if has_app_context() else ""


def compose(kind: str, submission: Submission, definition: FormDefinition,
            comment: str | None = None, municipality: str | None = None) -> tuple[str, str]:
    """(subject, body) of the message, in Japanese."""
    municipality = municipality if municipality is not None else _municipality()
    subject, opening = MESSAGES[kind]
    number = display(submission.reception_number)
    lines = []
    if submission.applicant_name:
        lines += [f"{submission.applicant_name.replace(' ', '　')} 様", ""]
    lines += [f"{municipality}です。{opening}", "",
              f"手続き：{definition.title.ja}",
              f"受付番号：{number}",
              f"申請日時：{local_datetime(submission.created_at)}"]
    if comment and kind in COMMENT_HEADINGS:
        lines += ["", f"【{COMMENT_HEADINGS[kind]}】", comment.strip()]
    after = _sent(submission, definition) if kind in ("received", "resubmitted", "approved") else None
    if after is not None and kind != "approved":
        lines += _sent_lines(after)
    if after is not None:
        lines += ["", "【今後の流れ】", *after.guidance.next_steps]
    if kind == "correction_requested":
        lines += ["", "マイナンバーカードでログインして申請した方は、「申請履歴」から修正できます。",
                  "それ以外の方は、受付番号をお伝えのうえ担当課へお問い合わせください。"]
    lines += ["", "お問い合わせの際は、受付番号をお伝えください。"]
    department = definition.department
    contact = department.name.ja
    if department.contact and department.contact.phone:
        contact += f"（電話 {department.contact.phone}）"
    lines += [f"{municipality} {contact}", "", "このメールは送信専用のアドレスから送っています。返信はできません。"]
    return f"【{municipality}】{subject}（受付番号 {number}）", "\n".join(lines) + "\n"


def _sent(submission: Submission, definition: FormDefinition) -> Sent:
    """What the application leads to: the computed values stored with it, and the outcomes,
    documents and next steps that apply to its answers (as on the day it was sent)."""
    submitted = (submission.created_at or utcnow()).astimezone(JST).date()
    return sent(definition, submission.answers or {}, submission.computed, submitted, "ja")


def _sent_lines(after: Sent) -> list[str]:
    """Computed values (a benefit as 給付額・補助金額, a date as 期限), the procedures that apply with
    their deadlines and the documents that apply, as plain text."""
    lines: list[str] = []
    for _role, heading, entries in after.groups("ja"):
        lines += ["", f"【{heading}】", *(f"{entry.label}：{entry.text}" for entry in entries)]
    guidance = after.guidance
    if guidance.outcomes:
        lines += ["", f"【{guidance.outcomes_title}】"]
        for outcome in guidance.outcomes:
            lines.append(f"・{outcome.title}" + (f"（期限：{outcome.deadline}）" if outcome.deadline else ""))
            if outcome.body:
                lines += [f"　{line}" for line in outcome.body.splitlines() if line.strip()]
    if guidance.documents:
        lines += ["", "【必要な書類】", *(f"・{document.name}（{document.how}）" for document in guidance.documents)]
    return lines


def notify(session: Session, submission: Submission, kind: str, comment: str | None = None,
           definition: FormDefinition | None = None) -> OutboxMessage:
    """Write the message about ``kind`` to the outbox (in the caller's transaction)."""
    if definition is None:
        compiled = version_by_id(session, submission.version_id, submission.channel)
        if compiled is None:  # a submission's version is never deleted (a foreign key keeps it)
            raise LookupError(f"definition version {submission.version_id} of submission {submission.id} is missing")
        definition = compiled.definition
    definition = definition.for_channel(submission.channel)  # the channel's next steps
    subject, body = compose(kind, submission, definition, comment)
    recipient = recipient_of(definition, Answers.from_json(submission.answers))
    message = OutboxMessage(submission_id=submission.id, kind=kind, recipient=recipient, subject=subject,
                            body=body, state="pending" if recipient else UNDELIVERABLE, attempts=0)
    session.add(message)
    return message
