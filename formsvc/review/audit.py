"""The access log: every look at a submission's personal data leaves a row (never the data)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import has_request_context, request
from sqlalchemy.orm import Session

from formsvc.review.models import AccessLog, ApiToken
from formsvc.staff.models import StaffUser

ACTIONS = {
    "queue": "申請一覧の表示",
    "detail": "申請内容の表示",
    "attachment": "添付ファイルのダウンロード",
    "pdf": "申請書PDFの出力",
    "pdf_batch": "申請書PDFの一括印刷",
    "pdf_archive": "保存用PDF（PDF/A-3）の出力",
    "csv": "CSV出力",
    "api_list": "API：一覧の取得",
    "api_read": "API：申請内容の取得",
}


def record_access(session: Session, action: str, submission_ids: Iterable[int], *,
                  staff: StaffUser | None = None, api_client: ApiToken | None = None,
                  detail: str | None = None) -> AccessLog:
    """Add the row to ``session`` (the caller commits, before the data is sent)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    if staff is None and api_client is None:
        raise ValueError("an access is always someone's: staff or an API client")
    row = AccessLog(
        action=action, submission_ids=sorted(set(submission_ids)), detail=(detail or None) and detail[:255],
        staff_id=staff.id if staff else None, staff_username=staff.username if staff else None,
        api_client=api_client.name if api_client else None,
        remote_addr=(request.remote_addr or None) if has_request_context() else None,
    )
    session.add(row)
    return row
