"""Staff roles. One person may hold several."""

from __future__ import annotations

REVIEWER = "reviewer"
COUNTER = "counter"
ADMIN = "admin"
# 決裁: approves an administrator's working copy before it is published (formsvc.admin.approvals).
APPROVER = "approver"
# 管理職: reads the 集計 dashboard (formsvc.dashboard); sees no applications.
MANAGER = "manager"
# 広域運営者: the prefecture-level operator of a deployment serving several municipalities
# (formsvc.tenants.views). Honoured only on an account of the default tenant.
OPERATOR = "operator"

LABELS = {
    REVIEWER: ("審査担当", "Reviewer"),
    COUNTER: ("窓口担当", "Counter staff"),
    ADMIN: ("管理者", "Administrator"),
    APPROVER: ("承認者", "Approver"),
    MANAGER: ("管理職", "Manager"),
    OPERATOR: ("広域運営者", "Operator"),
}
ALL = tuple(LABELS)
