"""Approval before publishing (決裁): a second person, holding the role ``approver``, approves a
working copy before it is published.

Off by default, per procedure (``Form.approval_required``). An administrator turns it on; only
an approver can turn it off, so one administrator alone cannot get around it. With it on:

- an administrator asks for approval of the working copy as it is (``request_approval``): the
  request holds the digest of that exact text;
- an approver who is not the requester approves it or sends it back with a comment (``decide``);
- publishing (formsvc.admin.working_copies.publish, scheduled publishing included) calls
  ``check_before_publishing``, which refuses unless the working copy is the approved text: any
  later save makes the approval stale, and asks for a new one;
- publishing or discarding the working copy closes its requests.

Every step leaves a FormEvent. The caller commits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from formsvc import clock
from formsvc.admin.working_copies import NotAllowed
from formsvc.forms import audit
from formsvc.forms.models import ApprovalRequest, Form, FormEvent, FormWorkingCopy
from formsvc.staff import roles
from formsvc.staff.models import StaffUser

PENDING, APPROVED, SENT_BACK = "pending", "approved", "sent_back"
STATUS_LABELS = {PENDING: ("承認待ち", "Waiting for approval"), APPROVED: ("承認済み", "Approved"),
                 SENT_BACK: ("差し戻し", "Sent back")}
CLOSED_LABELS = {"published": ("公開済み", "Published"), "discarded": ("下書きの破棄により終了", "Closed: discarded"),
                 "replaced": ("新しい依頼に置き換え", "Replaced by a newer request"),
                 "not_required": ("承認が不要になったため終了", "Closed: approval no longer required")}
COMMENT_MAX = 2000

STALE = "承認後に変更されたため、もう一度承認が必要です"
SENT_BACK_UNCHANGED = "差し戻された内容のままです。修正してから依頼してください"
OWN_EDIT = ("この下書きを編集した方は承認できません（前回の公開の後にご自身が下書きを保存しています）。"
            "編集していない別の承認者が判断します")
# What ends a working copy's edits (a new one starts after it), and what writes its text.
_BOUNDARY_KINDS = ("published", "scheduled", "rolled_back", "imported", "discarded")
_EDIT_KINDS = ("edited", "created", "copied")
STALE_PENDING = "承認を依頼した後に下書きが変更されたため、この依頼は承認できません。もう一度承認を依頼してください"


def digest(text: str) -> str:
    """The fingerprint of exactly the text that is approved."""
    return hashlib.sha256(text.encode()).hexdigest()


def _now() -> datetime:
    return clock.now().astimezone(UTC)


def _copy(session: Session, form_id: str) -> FormWorkingCopy | None:
    return session.get(FormWorkingCopy, form_id)


def is_open(row: ApprovalRequest) -> bool:
    return row.closed_at is None and row.status in (PENDING, APPROVED)


def is_fresh(session: Session, row: ApprovalRequest) -> bool:
    """Whether the request is for the working copy as it is now."""
    copy = _copy(session, row.form_id)
    return copy is not None and digest(copy.source) == row.source_digest


def requests_of(session: Session, form_id: str) -> list[ApprovalRequest]:
    """The procedure's requests, newest first."""
    return list(session.scalars(select(ApprovalRequest).where(ApprovalRequest.form_id == form_id)
                                .order_by(ApprovalRequest.id.desc())))


def find(session: Session, request_id: int) -> ApprovalRequest | None:
    return session.get(ApprovalRequest, request_id)


def pending(session: Session) -> list[ApprovalRequest]:
    """Requests waiting for an approver, oldest first (those whose working copy changed since
    are left out: nobody can approve them)."""
    rows = session.scalars(select(ApprovalRequest).where(ApprovalRequest.status == PENDING,
                                                         ApprovalRequest.closed_at.is_(None))
                           .order_by(ApprovalRequest.id))
    return [row for row in rows if is_fresh(session, row)]


@dataclass(frozen=True)
class ApprovalState:
    """Where a procedure's working copy stands, for its pages."""

    required: bool
    latest: ApprovalRequest | None  # the newest request, closed or not
    fresh: bool  # the latest request is for the working copy as it is now
    can_request: bool  # an administrator may ask for approval now
    publishable: bool  # publishing is not held back by approval
    message: str | None  # what the administrator reads, in Japanese


def state(session: Session, form: Form) -> ApprovalState:
    copy = _copy(session, form.id)
    rows = requests_of(session, form.id)
    latest = rows[0] if rows else None
    fresh = latest is not None and copy is not None and digest(copy.source) == latest.source_digest
    open_now = latest is not None and is_open(latest)
    message = None
    publishable = True
    if form.approval_required and copy is not None:
        publishable = open_now and fresh and latest is not None and latest.status == APPROVED
        message = _refusal(latest, fresh) if not publishable else "この下書きは承認されています。公開できます"
    can_request = (form.approval_required and copy is not None and form.state != "archived"
                   and not (open_now and fresh))
    return ApprovalState(form.approval_required, latest, fresh, can_request, publishable, message)


def _refusal(latest: ApprovalRequest | None, fresh: bool) -> str:
    if latest is None or latest.closed_at is not None:
        return "この手続きは公開前に承認が必要です。「承認を依頼する」で承認者に依頼してください"
    if latest.status == SENT_BACK and fresh:
        return "承認者が差し戻しました。コメントを確かめて下書きを直し、もう一度承認を依頼してください"
    if not fresh and latest.status == APPROVED:
        return STALE + "。「承認を依頼する」で承認者に依頼してください"
    if not fresh and latest.status == PENDING:
        return STALE_PENDING
    if latest.status == SENT_BACK:
        return "承認者が差し戻しました。下書きを直したら、もう一度承認を依頼してください"
    return "承認者の承認を待っています。承認されるまで公開できません"


def _close_open(session: Session, form_id: str, reason: str) -> None:
    now = _now()
    for row in requests_of(session, form_id):
        if row.closed_at is None:
            row.closed_at, row.closed_reason = now, reason


# --- the setting --------------------------------------------------------------------------------

def set_required(session: Session, form: Form, required: bool, user: StaffUser) -> None:
    """Turn approval before publishing on (an administrator) or off (an approver only)."""
    if required == form.approval_required:
        raise NotAllowed("公開前の承認はすでに" + ("必要になっています" if required else "不要になっています"))
    if required and not user.has_role(roles.ADMIN, roles.APPROVER):
        raise NotAllowed("公開前の承認を必要にできるのは管理者か承認者です")
    if not required and not user.has_role(roles.APPROVER):
        raise NotAllowed("公開前の承認を不要にできるのは承認者だけです。承認者に依頼してください")
    form.approval_required = required
    if not required:
        _close_open(session, form.id, "not_required")
    audit.record_event(session, form.id, "approval_required" if required else "approval_not_required",
                       user.username)
    session.flush()


# --- asking and deciding ------------------------------------------------------------------------

def request_approval(session: Session, form: Form, actor: str, comment: str | None,
                     shown_digest: str | None) -> ApprovalRequest:
    """Ask for approval of the working copy the page showed (``shown_digest``)."""
    if form.state == "archived":
        raise NotAllowed("アーカイブ中の手続きは公開できないため、承認も依頼できません")
    if not form.approval_required:
        raise NotAllowed("この手続きは承認なしで公開できます（公開前の承認が必要になっていません）")
    copy = _copy(session, form.id)
    if copy is None:
        raise NotAllowed("承認を依頼する下書きがありません。先に編集してください")
    current = digest(copy.source)
    if shown_digest != current:
        raise NotAllowed("下書きが別の画面で変更されました。最新の内容を確認してから承認を依頼してください")
    for row in requests_of(session, form.id):
        if is_open(row) and row.source_digest == current:
            raise NotAllowed("この下書きはすでに承認済みです" if row.status == APPROVED
                             else "この下書きはすでに承認を依頼しています。承認者の判断を待ってください")
        if row.status == SENT_BACK and row.source_digest == current:
            raise NotAllowed(SENT_BACK_UNCHANGED)
    _close_open(session, form.id, "replaced")
    row = ApprovalRequest(form_id=form.id, source_digest=current, checksum=copy.checksum, based_on=copy.based_on,
                          status=PENDING, requested_by=actor, request_comment=(comment or "").strip() or None,
                          requested_at=_now())
    session.add(row)
    session.flush()
    audit.record_event(session, form.id, "approval_requested", actor, request=row.id, note=row.request_comment)
    session.flush()
    return row


def edited_by(session: Session, form_id: str, username: str) -> bool:
    """Whether ``username`` wrote any of the working copy: saved it since the last publish (or
    discard), or is the one who saved it last. Such a person is not a second person."""
    copy = _copy(session, form_id)
    if copy is not None and copy.updated_by == username:
        return True
    boundary = session.scalar(select(func.max(FormEvent.id)).where(FormEvent.form_id == form_id,
                                                                   FormEvent.kind.in_(_BOUNDARY_KINDS)))
    query = select(FormEvent.id).where(FormEvent.form_id == form_id, FormEvent.kind.in_(_EDIT_KINDS),
                                       FormEvent.actor == username)
    if boundary is not None:
        query = query.where(FormEvent.id > boundary)
    return session.scalar(query.limit(1)) is not None


def decide(session: Session, row: ApprovalRequest, user: StaffUser, approve: bool, comment: str | None) -> None:
    """An approver approves the request or sends it back (a comment is then required)."""
    comment = (comment or "").strip() or None
    if not user.has_role(roles.APPROVER):
        raise NotAllowed("承認・差し戻しができるのは承認者だけです")
    if row.requested_by == user.username:
        raise NotAllowed("ご自身が依頼した承認はできません。別の承認者に依頼してください")
    if edited_by(session, row.form_id, user.username):
        raise NotAllowed(OWN_EDIT)
    if not is_open(row) or row.status != PENDING:
        raise NotAllowed("この依頼はすでに" + _outcome_words(row) + "です")
    if not is_fresh(session, row):
        raise NotAllowed(STALE_PENDING)
    if not approve and comment is None:
        raise NotAllowed("差し戻すときは、直してほしいことをコメントに書いてください")
    row.status = APPROVED if approve else SENT_BACK
    row.decided_by, row.decision_comment, row.decided_at = user.username, comment, _now()
    audit.record_event(session, row.form_id, "approved" if approve else "sent_back", user.username,
                       request=row.id, note=comment)
    session.flush()


def _outcome_words(row: ApprovalRequest) -> str:
    if row.closed_reason is not None:
        return CLOSED_LABELS.get(row.closed_reason, (row.closed_reason,))[0]
    return STATUS_LABELS.get(row.status, (row.status,))[0]


# --- publishing and discarding ------------------------------------------------------------------

def check_before_publishing(session: Session, form: Form) -> None:
    """Refuse (NotAllowed) to publish a working copy that needs an approval it does not have;
    otherwise close its requests (they are used). Called by working_copies.publish."""
    copy = _copy(session, form.id)
    if copy is None:
        return  # publish says there is nothing to publish
    if form.approval_required:
        found = state(session, form)
        if not found.publishable:
            raise NotAllowed(found.message or "公開前に承認が必要です")
    _close_open(session, form.id, "published")


def close_on_discard(session: Session, form: Form) -> None:
    """Discarding the working copy closes its requests."""
    _close_open(session, form.id, "discarded")
