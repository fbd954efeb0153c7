"""Statuses residents and staff know (汎用電子申請 services), with their Japanese names."""

from __future__ import annotations

from dataclasses import dataclass

RECEIVED = "received"
IN_REVIEW = "in_review"
CORRECTION_REQUESTED = "correction_requested"
APPROVED = "approved"
REJECTED = "rejected"
COMPLETED = "completed"
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Status:
    """Everything the service knows of one status; a new status is one more entry below (and
    the moves into it in formsvc.review.workflow)."""

    code: str
    label: tuple[str, str]  # what residents and the record say (ja, en)
    short: str              # the staff's lists and the CSV (one word)
    open: bool              # still being worked: the queue's 対応中
    withdrawable: bool      # the resident may still withdraw it


# In the order of the queue's tabs.
STATUSES = (
    Status(RECEIVED, ("受付", "Received"), "受付", open=True, withdrawable=True),
    Status(IN_REVIEW, ("審査中", "In review"), "審査中", open=True, withdrawable=True),
    Status(CORRECTION_REQUESTED, ("差し戻し（修正をお願いしています）", "Correction requested"), "差し戻し",
           open=True, withdrawable=True),
    Status(APPROVED, ("承認", "Approved"), "承認", open=False, withdrawable=False),
    Status(REJECTED, ("却下", "Rejected"), "却下", open=False, withdrawable=False),
    Status(COMPLETED, ("完了（交付済）", "Completed"), "完了（交付済）", open=False, withdrawable=False),
    Status(WITHDRAWN, ("取下げ", "Withdrawn"), "取下げ", open=False, withdrawable=False),
)
LABELS = {status.code: status.label for status in STATUSES}
SHORT_LABELS = {status.code: status.short for status in STATUSES}
OPEN = tuple(status.code for status in STATUSES if status.open)
# A resident may withdraw until a decision is made.
WITHDRAWABLE = frozenset(status.code for status in STATUSES if status.withdrawable)


def label(status: str, locale: str = "ja", definition=None) -> str:
    """What residents, the record and the mails call ``status``: the procedure's own name for it
    when its definition gives one (``status_labels``: 粗大ごみ's 収集日決定), else the default."""
    custom = _custom(status, definition)
    if custom is not None:
        return custom.get(locale)
    ja, en = LABELS.get(status, (status, status))
    return en if locale == "en" else ja


def short_label(status: str, definition=None) -> str:
    """The staff's lists' one word: the procedure's own name when it has one, else ``short``."""
    custom = _custom(status, definition)
    return custom.ja if custom is not None else SHORT_LABELS.get(status, status)


def _custom(status: str, definition):
    """The definition's Text for ``status`` (None: it keeps the default). ``definition`` is a
    FormDefinition (not imported: the definitions import this module)."""
    labels = getattr(definition, "status_labels", None) if definition is not None else None
    return getattr(labels, status, None) if labels is not None and status in LABELS else None


# What residents see in their application's history, per audit event kind.
EVENT_LABELS = {
    "submitted": ("申請を受け付けました", "Application received"),
    "claimed": ("審査を始めました", "Review started"),
    "correction_requested": ("修正のお願いをお送りしました", "Correction requested"),
    "resubmitted": ("修正した申請を受け付けました", "Corrected application received"),
    "approved": ("承認しました", "Approved"),
    "rejected": ("却下しました", "Rejected"),
    "completed": ("完了しました（交付済）", "Completed"),
    "withdrawn": ("申請を取り下げました", "Withdrawn"),
    # Fees (formsvc.payments.service).
    "payment_received": ("手数料の支払いを確認しました", "Fee payment confirmed"),
    "payment_awaiting": ("手数料の払込番号をお知らせしました（お支払い待ち）",
                         "Payment number issued (awaiting payment)"),
    "refund_due": ("手数料を返金します", "The fee will be refunded"),
    "payment_refunded": ("手数料を返金しました", "Fee refunded"),
    "payment_refund_failed": ("手数料の返金手続きができませんでした（再度手続きします）",
                              "Refund could not be made yet"),
}
