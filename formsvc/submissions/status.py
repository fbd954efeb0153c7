"""Statuses residents and staff know (汎用電子申請 services), with their Japanese names."""

from __future__ import annotations

RECEIVED = "received"
IN_REVIEW = "in_review"
CORRECTION_REQUESTED = "correction_requested"
APPROVED = "approved"
REJECTED = "rejected"
COMPLETED = "completed"
WITHDRAWN = "withdrawn"

LABELS = {
    RECEIVED: ("受付", "Received"),
    IN_REVIEW: ("審査中", "In review"),
    CORRECTION_REQUESTED: ("差し戻し（修正をお願いしています）", "Correction requested"),
    APPROVED: ("承認", "Approved"),
    REJECTED: ("却下", "Rejected"),
    COMPLETED: ("完了（交付済）", "Completed"),
    WITHDRAWN: ("取下げ", "Withdrawn"),
}

# A resident may withdraw until a decision is made.
WITHDRAWABLE = {RECEIVED, IN_REVIEW, CORRECTION_REQUESTED}


def label(status: str, locale: str = "ja") -> str:
    ja, en = LABELS.get(status, (status, status))
    return en if locale == "en" else ja

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
}
