"""Per procedure: which status changes e-mail the resident, the staff mailbox told of new
applications, and the texts of the resident's mails (with placeholders such as {受付番号}).

A procedure without a row behaves as before these settings existed: every mail is sent, nobody
on the staff side is mailed, and the texts are the built-in ones (``DEFAULT_TEXTS``). Only the
texts an administrator changed are stored, so a procedure that never changed a text follows the
built-in one.

The texts are checked when they are saved (``template_problem``): a placeholder the service does
not know, or a brace without its pair, is refused in Japanese, naming the placeholder, so a mail
never goes out with a stray ``{氏名}`` in it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from formsvc.db import Base, JSONDocument, UTCDateTime, utcnow
from formsvc.forms import audit
from formsvc.submissions import status
from formsvc.tenants.scoping import TenantOwned

# The mails a resident may be sent, in the order of their application's life.
KINDS = ("received", "resubmitted", "correction_requested", "approved", "rejected", "completed")
# kind: (short name, when it is sent), as the settings page shows them.
KIND_LABELS: dict[str, tuple[str, str]] = {
    "received": ("受付", "申請が届いたとき"),
    "resubmitted": ("再提出受付", "差し戻した申請が修正されて届いたとき"),
    "correction_requested": ("差し戻し", "修正をお願いしたとき（修正してほしい点を添えて送ります）"),
    "approved": ("承認", "承認したとき"),
    "rejected": ("却下", "却下したとき（理由を添えて送ります）"),
    "completed": ("完了", "完了にしたとき（交付済み）"),
}
# The status each mail tells about: {状況}.
STATUS_OF_KIND = {
    "received": status.RECEIVED,
    "resubmitted": status.RECEIVED,
    "correction_requested": status.CORRECTION_REQUESTED,
    "approved": status.APPROVED,
    "rejected": status.REJECTED,
    "completed": status.COMPLETED,
}
PLACEHOLDERS = ("受付番号", "手続き名", "状況", "申請日")
PLACEHOLDER_LIST = " ".join(f"{{{name}}}" for name in PLACEHOLDERS)
SUBJECT_MAX = 100
BODY_MAX = 2000
MAILBOX_MAX = 254
# An address on the municipality's own mail system: plain ASCII, one address, nothing else.
MAILBOX = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                     r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
EVENT = "notifications_changed"


@dataclass(frozen=True)
class MailText:
    """A resident mail's subject (after 【自治体名】) and its main text (after 「自治体名です。」)."""

    subject: str
    body: str


def _default(subject: str, opening: str) -> MailText:
    return MailText(f"{subject}（受付番号 {{受付番号}}）",
                    f"{opening}\n\n手続き：{{手続き名}}\n受付番号：{{受付番号}}\n申請日時：{{申請日}}")


# Today's texts, as they were before they could be changed.
DEFAULT_TEXTS: dict[str, MailText] = {
    "received": _default("申請を受け付けました", "次の申請を受け付けました。審査の結果は、あらためてお知らせします。"),
    "resubmitted": _default("修正した申請を受け付けました",
                            "修正していただいた申請を受け付けました。引き続き審査します。"),
    "correction_requested": _default("申請内容の修正をお願いします",
                                     "お送りいただいた申請について、修正をお願いしたい点があります。"
                                     "内容をご確認のうえ、申請を修正して再度お送りください。"),
    "approved": _default("申請を承認しました", "次の申請を承認しました。"),
    "rejected": _default("申請の審査結果をお知らせします",
                         "審査の結果、次の申請を却下しました。正式な通知書は別にお送りします。"),
    "completed": _default("手続きが完了しました", "次の申請の手続きが完了しました（交付済み）。"),
}


class NotificationSetting(TenantOwned, Base):
    """One procedure's notification settings (no row: the defaults)."""

    __tablename__ = "notification_settings"

    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), primary_key=True)
    # The resident mails that are sent (kinds from KINDS).
    resident_kinds: Mapped[list] = mapped_column(JSONDocument, default=list)
    # Told of each new application (number, procedure, link: no personal data). None: nobody.
    staff_mailbox: Mapped[str | None] = mapped_column(String(254), nullable=True)
    # The texts that differ from DEFAULT_TEXTS: {kind: {"subject": …, "body": …}}.
    texts: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


@dataclass(frozen=True)
class Settings:
    """What a procedure's mails do, read from its row or the defaults."""

    resident_kinds: frozenset[str] = frozenset(KINDS)
    staff_mailbox: str | None = None
    texts: dict[str, MailText] = field(default_factory=lambda: dict(DEFAULT_TEXTS))

    def sends(self, kind: str) -> bool:
        return kind in self.resident_kinds

    def text(self, kind: str) -> MailText:
        return self.texts.get(kind) or DEFAULT_TEXTS[kind]

    def customised(self, kind: str) -> bool:
        return self.text(kind) != DEFAULT_TEXTS[kind]

    @property
    def revision(self) -> str:
        """What the settings page showed: a save made on an older page is refused."""
        state = {"kinds": sorted(self.resident_kinds), "mailbox": self.staff_mailbox,
                 "texts": {kind: [self.text(kind).subject, self.text(kind).body] for kind in KINDS}}
        return hashlib.sha256(json.dumps(state, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:32]


DEFAULTS = Settings()


def settings_for(session: Session, form_id: str) -> Settings:
    row = session.get(NotificationSetting, form_id)
    return DEFAULTS if row is None else _from_row(row)


def _from_row(row: NotificationSetting) -> Settings:
    texts = dict(DEFAULT_TEXTS)
    for kind, stored in (row.texts or {}).items():
        if kind in DEFAULT_TEXTS and isinstance(stored, dict):
            text = MailText(str(stored.get("subject", "")), str(stored.get("body", "")))
            # Checked when saved; a text that fails anyway (written by hand in the database) is
            # not sent half-filled: the built-in one is.
            if text.subject and text.body and template_problem(text.subject) is None \
                    and template_problem(text.body) is None:
                texts[kind] = text
    kinds = frozenset(kind for kind in (row.resident_kinds or []) if kind in KINDS)
    return Settings(kinds, row.staff_mailbox or None, texts)


def save(session: Session, form_id: str, new: Settings, actor: str) -> list[str]:
    """Store ``new`` for the procedure and note it in its history; the changes in words (none:
    nothing stored). The caller commits."""
    old = settings_for(session, form_id)
    changes = describe_changes(old, new)
    if not changes:
        return []
    row = session.get(NotificationSetting, form_id)
    if row is None:
        row = NotificationSetting(form_id=form_id)
        session.add(row)
    row.resident_kinds = [kind for kind in KINDS if kind in new.resident_kinds]
    row.staff_mailbox = new.staff_mailbox
    row.texts = {kind: {"subject": new.text(kind).subject, "body": new.text(kind).body}
                 for kind in KINDS if new.customised(kind)}
    row.updated_by = actor
    row.updated_at = utcnow()
    audit.record_event(session, form_id, EVENT, actor, change="、".join(changes))
    return changes


def describe_changes(old: Settings, new: Settings) -> list[str]:
    """What changed, as the history says it (「却下」のメールを送らない…)."""
    changes = []
    for kind in KINDS:
        name = KIND_LABELS[kind][0]
        if old.sends(kind) and not new.sends(kind):
            changes.append(f"「{name}」のメールを送らない")
        elif new.sends(kind) and not old.sends(kind):
            changes.append(f"「{name}」のメールを送る")
    if old.staff_mailbox != new.staff_mailbox:
        if new.staff_mailbox is None:
            changes.append("職員への通知をやめる")
        else:
            changes.append(f"職員への通知先を {new.staff_mailbox} にする")
    for kind in KINDS:
        name = KIND_LABELS[kind][0]
        if old.text(kind) != new.text(kind):
            changes.append(f"「{name}」のメールを既定の文面に戻す" if not new.customised(kind)
                           else f"「{name}」のメールの文面を変更")
    return changes


# --- the texts' placeholders ---------------------------------------------------------------------

def normalise_braces(text: str) -> str:
    """Full-width braces typed with an IME count as braces: ｛受付番号｝ is {受付番号}."""
    return text.replace("｛", "{").replace("｝", "}")


def template_problem(text: str) -> str | None:
    """Why ``text`` cannot be used as a mail text, in Japanese (None: it can)."""
    unknown: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "}":
            return ("「}」に対応する「{」がありません。差し込み項目は {受付番号} のように「{」と「}」で囲んでください。"
                    "「}」だけを書くことはできません")
        if char != "{":
            position += 1
            continue
        end = text.find("}", position + 1)
        opening = text.find("{", position + 1)
        if end == -1 or (opening != -1 and opening < end):
            return ("「{」が閉じられていません（対応する「}」がありません）。差し込み項目は {受付番号} のように"
                    "「{」と「}」で囲んでください")
        name = text[position + 1:end].strip()
        if not name:
            return f"「{{}}」の中に差し込み項目の名前がありません。使えるのは {PLACEHOLDER_LIST} です"
        if name not in PLACEHOLDERS and f"{{{name}}}" not in unknown:
            unknown.append(f"{{{name}}}")
        position = end + 1
    if unknown:
        return (f"差し込み項目 {'、'.join(unknown)} はありません。使えるのは {PLACEHOLDER_LIST} です"
                "（名前は正確に書いてください）")
    return None


def render(text: str, values: dict[str, str]) -> str:
    """``text`` with each placeholder replaced by its value (values are never read again)."""
    return re.sub(r"\{([^{}]*)\}", lambda match: values.get(match.group(1).strip(), match.group(0)), text)


def status_label(kind: str, definition=None) -> str:
    """{状況}: as the procedure names it (``definition``'s status_labels) or the default name."""
    return status.label(STATUS_OF_KIND[kind], "ja", definition)
