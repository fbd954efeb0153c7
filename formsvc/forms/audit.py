"""The history of a procedure (form_events): who created, edited, published or archived it, and when."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.forms.models import FormEvent
from formsvc.staff.models import StaffUser

# kind: (Japanese, English) as the history list shows it.
KINDS: dict[str, tuple[str, str]] = {
    "created": ("新しく作成", "Created"),
    "copied": ("ほかの手続きから複製して作成", "Created as a copy"),
    "edited": ("下書きを保存", "Working copy saved"),
    "discarded": ("下書きを破棄", "Working copy discarded"),
    "published": ("公開", "Published"),
    "rolled_back": ("以前の版に戻して公開", "Rolled back"),
    "archived": ("アーカイブ（受付停止）", "Archived"),
    "restored": ("アーカイブから戻す", "Restored"),
    "imported": ("ファイルから読み込み（load-definitions）", "Imported from a file"),
    "exported": ("ファイルに書き出し（export-definitions）", "Exported to a file"),
    "scheduled": ("公開を予約", "Publishing scheduled"),
    "schedule_cancelled": ("公開の予約を取り消し", "Scheduled publishing cancelled"),
    "intake_changed": ("受付期間（日時）を変更", "Application period changed"),
    "approval_required": ("公開前の承認を必要にする", "Approval before publishing turned on"),
    "approval_not_required": ("公開前の承認を不要にする", "Approval before publishing turned off"),
    "approval_requested": ("承認を依頼", "Approval requested"),
    "approved": ("承認", "Approved"),
    "sent_back": ("差し戻し", "Sent back"),
    "notifications_changed": ("通知の設定を変更", "Notification settings changed"),
    "correction_phrases_changed": ("差し戻しの定型文を変更", "Correction phrases changed"),
}


def record_event(session: Session, form_id: str, kind: str, actor: str, version_number: int | None = None,
                 **detail) -> FormEvent:
    """Add one history row to ``session`` (the caller commits with the change it describes)."""
    if kind not in KINDS:
        raise ValueError(f"unknown form event {kind!r}")
    event = FormEvent(form_id=form_id, kind=kind, actor=actor, version_number=version_number,
                      detail={key: value for key, value in detail.items() if value not in (None, "")})
    session.add(event)
    return event


def history(session: Session, form_id: str) -> list[FormEvent]:
    """The procedure's events, newest first."""
    return list(session.scalars(select(FormEvent).where(FormEvent.form_id == form_id)
                                .order_by(FormEvent.created_at.desc(), FormEvent.id.desc())))


# Who acted, as stored (a staff username, or one of these for the command line), shown as a person
# reads it: the command line as what it did, staff by the name on their account.
SYSTEM_ACTORS: dict[str, str] = {"cli": "システム（定義ファイルの読み込み）"}
SYSTEM_BY_KIND: dict[tuple[str, str], str] = {("cli", "exported"): "システム（定義ファイルの書き出し）"}


def person(session: Session, actor: str | None, kind: str | None = None,
           known: dict[str, str] | None = None) -> str:
    """The words for ``actor`` (a stored username stays as it is; it is resolved when shown):
    the staff member's display name, the system for the command line, else the name as stored.
    ``known`` caches the names looked up (one page shows the same people many times)."""
    if not actor:
        return ""
    if kind is not None and (actor, kind) in SYSTEM_BY_KIND:
        return SYSTEM_BY_KIND[(actor, kind)]
    if actor in SYSTEM_ACTORS:
        return SYSTEM_ACTORS[actor]
    known = {} if known is None else known
    if actor not in known:
        name = session.scalar(select(StaffUser.display_name).where(StaffUser.username == actor))
        known[actor] = name or actor
    return known[actor]
