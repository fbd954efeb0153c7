"""Messages to residents about their application, written to the outbox with the change itself.

The recipient is the answer to the definition's first e-mail question; a procedure without one
(or a resident who left it blank) gets the message recorded as undeliverable, so staff can see
that the resident was not told and must be contacted another way.

Per procedure (formsvc.review.notification_settings): a mail the administrator turned off is not
written at all; the subject and main text may be the administrator's, with placeholders; a staff
mailbox, when set, is told of each new application (number, procedure and a link: no personal data).
"""

from __future__ import annotations

from flask import has_app_context
from sqlalchemy.orm import Session

from formsvc import clock
from formsvc.applications.answers import Answers
from formsvc.applications.outcomes import Sent, sent
from formsvc.clock import JST
from formsvc.db import utcnow
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.catalog import version_by_id
from formsvc.review import mail_jobs, notices
from formsvc.review.models import OutboxMessage
from formsvc.review.notification_settings import MailText, Settings, render, settings_for, status_label
from formsvc.submissions.channels import LABELS as CHANNEL_LABELS
from formsvc.submissions.models import Submission
from formsvc.submissions.reception import display
from formsvc.templating import local_datetime
from formsvc.tenants.links import public_base
from formsvc.tenants.resolution import current_tenant

# The kinds of message to residents are formsvc.review.notification_settings.KINDS, their built-in
# texts its DEFAULT_TEXTS. What the staff's comment is headed by, in the kinds that carry one:
COMMENT_HEADINGS = {
    "correction_requested": "修正をお願いしたい点",
    "approved": "担当からの連絡事項",
    "rejected": "理由",
    "completed": "担当からの連絡事項",
}
UNDELIVERABLE = "undeliverable"
# The staff mailbox's messages (outbox kinds).
STAFF_KINDS = {False: "staff_received", True: "staff_resubmitted"}


def recipient_of(definition: FormDefinition, answers: Answers) -> str | None:
    """The answer to the first e-mail question, if any."""
    for spec in definition.all_fields():
        if spec.carry_over == "email":  # the type that asks an e-mail address
            value = answers.answer(spec.id)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def _municipality() -> str:
    """The name of the municipality the mail is from: the one the request or job works for."""
    return current_tenant().name if has_app_context() else ""


def placeholder_values(kind: str, number: str, title: str, created_at,
                       definition: FormDefinition | None = None) -> dict[str, str]:
    """What {受付番号} {手続き名} {状況} {申請日} stand for in a mail about ``kind`` ({状況}: as the
    procedure names it when ``definition`` gives its status_labels)."""
    return {"受付番号": number, "手続き名": title, "状況": status_label(kind, definition),
            "申請日": local_datetime(created_at)}


def compose(kind: str, submission: Submission, definition: FormDefinition,
            comment: str | None = None, municipality: str | None = None,
            text: MailText | None = None) -> tuple[str, str]:
    """(subject, body) of the message, in Japanese; ``text``: the procedure's subject and main
    text (default: the built-in ones)."""
    municipality = municipality if municipality is not None else _municipality()
    text = text or Settings().text(kind)
    values = placeholder_values(kind, display(submission.reception_number), definition.title.ja,
                                submission.created_at or utcnow(), definition)
    after = _sent(submission, definition) if kind in ("received", "resubmitted", "approved") else None
    after_lines: list[str] = []
    if after is not None and kind != "approved":
        after_lines += _sent_lines(after)
    if after is not None:
        after_lines += ["", "【今後の流れ】", *after.guidance.next_steps]
    return assemble(kind, text, values, contact_of(definition), municipality, submission.applicant_name, comment,
                    after_lines)


def contact_of(definition: FormDefinition) -> str:
    """The department, with its telephone number when the definition gives one."""
    department = definition.department
    contact = department.name.ja
    if department.contact and department.contact.phone:
        contact += f"（電話 {department.contact.phone}）"
    return contact


def assemble(kind: str, text: MailText, values: dict[str, str], contact: str, municipality: str,
             applicant_name: str | None, comment: str | None, after_lines: list[str]) -> tuple[str, str]:
    """The mail around the procedure's text: the addressee, 「自治体名です。」 and the text, the staff's
    comment, what the application leads to, how to correct it, the contact and the footer."""
    lines = []
    if applicant_name:
        lines += [f"{applicant_name.replace(' ', '　')} 様", ""]
    lines += [f"{municipality}です。{render(text.body, values)}"]
    if comment and kind in COMMENT_HEADINGS:
        lines += ["", f"【{COMMENT_HEADINGS[kind]}】", comment.strip()]
    lines += after_lines
    if kind == "correction_requested":
        lines += ["", "マイナンバーカードでログインして申請した方は、「申請履歴」から修正できます。",
                  "それ以外の方は、受付番号をお伝えのうえ担当課へお問い合わせください。"]
    lines += ["", "お問い合わせの際は、受付番号をお伝えください。"]
    lines += [f"{municipality} {contact}", "", "このメールは送信専用のアドレスから送っています。返信はできません。"]
    subject = " ".join(f"【{municipality}】{render(text.subject, values)}".split())  # one line, always
    return subject[:255], "\n".join(lines) + "\n"


SAMPLE_NUMBER = "ABCD-2345"
SAMPLE_NAME = "山田 太郎"


def preview(kind: str, text: MailText, title: str, contact: str, municipality: str | None = None) -> tuple[str, str]:
    """(subject, body) of the mail about ``kind`` with ``text``, as a resident would get it, with
    sample values; the parts that depend on the application say what goes there."""
    municipality = municipality if municipality is not None else _municipality()
    values = placeholder_values(kind, SAMPLE_NUMBER, title, clock.now())
    comment = "（審査の担当者が入力した内容がここに入ります）" if kind in COMMENT_HEADINGS else None
    after: list[str] = []
    if kind in ("received", "resubmitted"):
        after += ["", "（申請の内容に応じて、手数料・必要な書類などがここに入ります）"]
    if kind in ("received", "resubmitted", "approved"):
        after += ["", "【今後の流れ】", "（手続きの「送信後の流れ」に書いた内容がここに入ります）"]
    return assemble(kind, text, values, contact, municipality, SAMPLE_NAME, comment, after)


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


def _definition_of(session: Session, submission: Submission) -> FormDefinition:
    compiled = version_by_id(session, submission.version_id, submission.channel)
    if compiled is None:  # a submission's version is never deleted (a foreign key keeps it)
        raise LookupError(f"definition version {submission.version_id} of submission {submission.id} is missing")
    return compiled.definition


def notify(session: Session, submission: Submission, kind: str, comment: str | None = None,
           definition: FormDefinition | None = None) -> OutboxMessage | None:
    """Write the message about ``kind`` to the outbox (in the caller's transaction); None when
    the procedure's settings say this mail is not sent."""
    settings = settings_for(session, submission.form_id)
    if not settings.sends(kind):
        return None
    if definition is None:
        definition = _definition_of(session, submission)
    definition = definition.for_channel(submission.channel)  # the channel's next steps
    subject, body = compose(kind, submission, definition, comment, text=settings.text(kind))
    recipient = recipient_of(definition, Answers.from_json(submission.answers))
    message = OutboxMessage(submission_id=submission.id, kind=kind, recipient=recipient, subject=subject,
                            body=body, state="pending" if recipient else UNDELIVERABLE, attempts=0)
    return mail_jobs.queue_message(session, message)


def staff_link(number: str) -> str | None:
    """The staff detail page's full address, built from FORMSVC_PUBLIC_URL (never from the
    request's Host header, which the sender of the request chooses) with the municipality's host
    name or path prefix; None when it is not set."""
    base = public_base()
    return f"{base}/staff/submissions/{number}" if base else None


def _where_to_look(reception_number: str, shown: str) -> list[str]:
    link = staff_link(reception_number)
    if link is not None:
        return ["内容は職員用の画面で確認してください（ログインが必要です）。", link]
    return [f"内容は職員画面の申請一覧で受付番号 {shown} を開いて確認してください（ログインが必要です）。"]


def compose_for_staff(submission: Submission, title: str, resubmitted: bool,
                      municipality: str | None = None) -> tuple[str, str]:
    """The staff mailbox's message: which procedure, which number, when, and where to look.
    Never the applicant's name or answers: a mailbox is read by more people, on more devices."""
    municipality = municipality if municipality is not None else _municipality()
    number = display(submission.reception_number)
    what = "修正された申請が届きました" if resubmitted else "新しい申請が届きました"
    channel = CHANNEL_LABELS.get(submission.channel, submission.channel)
    lines = [f"{municipality} 職員の方へ", "", f"{what}。", "",
             f"手続き：{title}",
             f"受付番号：{number}",
             f"受付日時：{local_datetime(submission.created_at or utcnow())}",
             f"受付の経路：{channel}",
             "",
             *_where_to_look(submission.reception_number, number),
             "",
             "このメールには申請者の個人情報を含めていません。",
             "このメールは手続きの「通知」の設定で指定された宛先に送っています。返信はできません。"]
    subject = " ".join(f"【{municipality}】{what}（{title}・受付番号 {number}）".split())
    return subject[:255], "\n".join(lines) + "\n"


def notify_staff(session: Session, submission: Submission, resubmitted: bool = False) -> OutboxMessage | None:
    """Tell the procedure's staff mailbox, if it has one, of the application just received; a
    resubmission also goes to its reviewer's お知らせ (in the app: staff accounts have no address)."""
    if resubmitted:
        notices.tell_assignee(session, submission)
    mailbox = settings_for(session, submission.form_id).staff_mailbox
    if not mailbox:
        return None
    title = _definition_of(session, submission).title.ja
    subject, body = compose_for_staff(submission, title, resubmitted)
    message = OutboxMessage(submission_id=submission.id, kind=STAFF_KINDS[resubmitted], recipient=mailbox,
                            subject=subject, body=body, state="pending", attempts=0)
    return mail_jobs.queue_message(session, message)
