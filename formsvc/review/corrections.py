"""Asking a resident to correct an application (差し戻し): which questions, standard phrases, a deadline.

The reviewer ticks the answered questions to fix (grouped by page), may add standard phrases
(定型文) to the message and may set a reply deadline. What is asked goes into the
``correction_requested`` event's data (``fields``, ``due``: read back only through
formsvc.submissions.corrections) and into the resident's e-mail.

The phrases are per procedure, kept by an administrator (/admin/forms/<id>/correction-phrases);
a procedure without its own gets ``DEFAULT_PHRASES``. Everything works without JavaScript: the
chosen phrases are appended to the message here, on the server.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from formsvc.applications.sections import Section
from formsvc.db import Base
from formsvc.forms import audit
from formsvc.japanese.calendar import add_business_days
from formsvc.tenants.scoping import TenantOwned

TEXT_MAX = 500      # one phrase
PHRASES_MAX = 30    # a procedure's phrases: a list to pick from, not a manual
MESSAGE_MAX = 4000  # the message with its phrases (an e-mail, read on a phone)
DUE_MAX_DAYS = 366  # a deadline further off than a year is a typo (2062 for 2026)
# The reply deadline the form suggests: counted in 開庁日 (formsvc.japanese.calendar), so that a
# 差し戻し sent before 年末年始 or Golden Week still leaves the resident ten days the office is open.
DUE_SUGGESTED_BUSINESS_DAYS = 10
EVENT = "correction_phrases_changed"

DEFAULT_PHRASES: tuple[str, ...] = (
    "本人確認書類の画像が不鮮明です。再度添付してください。",
    "添付書類が不足しています。必要な書類を添付してください。",
    "記入内容に誤りがあります。該当する項目を確認し、修正してください。",
    "住所の記載が住民票の記載と異なります。正しい住所を入力してください。",
    "連絡先の電話番号に連絡がつきませんでした。日中につながる番号を入力してください。",
)

# C0/C1 controls other than the line breaks and tab a message may hold (NUL breaks PostgreSQL).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class CorrectionPhrase(TenantOwned, Base):
    """One standard phrase of a procedure, in the order the reviewer's list shows them."""

    __tablename__ = "correction_phrases"
    __table_args__ = (UniqueConstraint("form_id", "position", name="uq_correction_phrases_form_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(TEXT_MAX))


# --- the phrases -------------------------------------------------------------------------------------

def own_phrases(session: Session, form_id: str) -> list[str]:
    """The procedure's own phrases (empty: it uses the built-in ones)."""
    return list(session.scalars(select(CorrectionPhrase.text).where(CorrectionPhrase.form_id == form_id)
                                .order_by(CorrectionPhrase.position)))


def phrases_for(session: Session, form_id: str) -> list[str]:
    """The phrases a reviewer picks from for this procedure."""
    return own_phrases(session, form_id) or list(DEFAULT_PHRASES)


def clean_text(text: str) -> str:
    """Line breaks as \\n, no control characters, no trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def read_phrases(raw: str) -> tuple[list[str], list[str]]:
    """(phrases, problems) from the administrator's box: one phrase a line, blank lines skipped."""
    phrases = [line.strip() for line in clean_text(raw).split("\n") if line.strip()]
    problems = []
    for number, phrase in enumerate(phrases, start=1):
        if len(phrase) > TEXT_MAX:
            problems.append(f"{number}行目の定型文は{TEXT_MAX}文字以内にしてください（今は{len(phrase):,}文字です）")
    if len(phrases) > PHRASES_MAX:
        problems.append(f"定型文は{PHRASES_MAX}件までにしてください（今は{len(phrases)}件です）")
    return phrases, problems


def save(session: Session, form_id: str, phrases: list[str], actor: str) -> bool:
    """Replace the procedure's phrases (none: back to the built-in ones); False when nothing changed."""
    if phrases == own_phrases(session, form_id):
        return False
    session.execute(delete(CorrectionPhrase).where(CorrectionPhrase.form_id == form_id))
    session.add_all(CorrectionPhrase(form_id=form_id, position=position, text=text)
                    for position, text in enumerate(phrases))
    audit.record_event(session, form_id, EVENT, actor,
                       change=f"{len(phrases)}件" if phrases else "既定の定型文に戻す")
    return True


# --- the questions to fix ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Question:
    key: str    # the field id; "page_id.field_id" for a question on a repeating page
    label: str


@dataclass
class QuestionGroup:
    page_id: str
    title: str
    questions: list[Question] = field(default_factory=list)


def question_groups(sections: list[Section], locale: str = "ja") -> list[QuestionGroup]:
    """The application's answered questions by page (a repeating page's question listed once,
    for every item: the resident corrects the page)."""
    groups: dict[str, QuestionGroup] = {}
    for section in sections:
        page = section.page
        group = groups.setdefault(page.id, QuestionGroup(page.id, page.title.get(locale)))
        for row in section.rows:
            key = f"{page.id}.{row.spec.id}" if page.repeat is not None else row.spec.id
            if all(question.key != key for question in group.questions):
                group.questions.append(Question(key, row.spec.label.get(locale)))
    return [group for group in groups.values() if group.questions]


# --- what the reviewer sent --------------------------------------------------------------------------

@dataclass
class Request:
    """The 差し戻し form as sent: the message (with the chosen phrases), questions and deadline."""

    message: str
    fields: list[str]
    due: date | None
    due_typed: str
    errors: list[tuple[str, str]]  # (message, id of the control) as the error summary links them

    def event_data(self) -> dict:
        data: dict = {}
        if self.fields:
            data["fields"] = self.fields
        if self.due is not None:
            data["due"] = self.due.isoformat()
        return data


def suggested_due(today: date) -> date:
    """The deadline the 差し戻し form offers as its example: 10開庁日後."""
    return add_business_days(today, DUE_SUGGESTED_BUSINESS_DAYS)


def _due(typed: str, today: date) -> tuple[date | None, str | None]:
    text = unicodedata.normalize("NFKC", typed).strip()
    if not text:
        return None, None
    found = re.fullmatch(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?", text)
    try:
        day = date(int(found.group(1)), int(found.group(2)), int(found.group(3))) if found else None
    except ValueError:
        day = None
    if day is None:
        return None, "回答の期限は、2026年12月1日のように正しい日付で入力してください"
    if day < today:
        return None, "回答の期限は、今日以降の日付にしてください"
    if day > today + timedelta(days=DUE_MAX_DAYS):
        return None, "回答の期限は、1年以内の日付にしてください"
    return day, None


def read_request(form, groups: list[QuestionGroup], phrases: list[str], today: date,
                 control: str = "move-request_correction") -> Request:
    """The 差し戻し as sent (``form``: the request's form data, a MultiDict). Question keys and
    phrases not offered are dropped (a forged or stale choice asks nothing)."""
    offered = {question.key for group in groups for question in group.questions}
    fields = [key for key in dict.fromkeys(str(value) for value in form.getlist("fields")) if key in offered]
    # A phrase is sent as its text (not its position), so a list changed meanwhile by an
    # administrator never swaps one phrase for another; text not in the list is dropped.
    offered_phrases = set(phrases)
    chosen = [value for value in dict.fromkeys(clean_text(str(value)) for value in form.getlist("phrase"))
              if value in offered_phrases]
    message = clean_text(str(form.get("comment") or ""))
    added = [phrase for phrase in chosen if phrase not in message]  # sent twice (shown again): once
    message = "\n".join(part for part in (message, *added) if part)
    errors = []
    if len(message) > MESSAGE_MAX:
        errors.append((f"修正してほしい点は{MESSAGE_MAX:,}文字以内にしてください（今は{len(message):,}文字です）",
                       control))
    due_typed = clean_text(str(form.get("due") or ""))[:40]
    due, problem = _due(due_typed, today)
    if problem:
        errors.append((problem, f"{control}-due"))
    return Request(message, fields, due, due_typed, errors)


def japanese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def mail_lines(labels: list[str], due: date | None) -> list[str]:
    """What the resident's e-mail adds after the message: the questions to fix and the deadline."""
    lines: list[str] = []
    if labels:
        lines += ["", "【修正をお願いしたい項目】", *(f"・{label}" for label in labels)]
    if due is not None:
        lines += ["", "【修正の期限】", f"{japanese_date(due)}までに修正して再度お送りください。"]
    return lines


def labels_of(groups: list[QuestionGroup], keys: list[str]) -> list[str]:
    """The chosen questions' labels, with their page when it is a repeating one's."""
    found = {question.key: (group, question) for group in groups for question in group.questions}
    labels = []
    for key in keys:
        if key in found:
            group, question = found[key]
            labels.append(f"{question.label}（{group.title}）" if "." in key else question.label)
    return labels
