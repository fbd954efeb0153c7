"""The history of a procedure (form_events): who created, edited, published or archived it, and when."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.forms.models import FormEvent

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
