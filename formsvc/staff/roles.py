"""Staff roles. One person may hold several."""

from __future__ import annotations

REVIEWER = "reviewer"
COUNTER = "counter"
ADMIN = "admin"

LABELS = {
    REVIEWER: ("審査担当", "Reviewer"),
    COUNTER: ("窓口担当", "Counter staff"),
    ADMIN: ("管理者", "Administrator"),
}
ALL = tuple(LABELS)
