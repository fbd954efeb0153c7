"""The staff menu: each area's entry, once, in the order the app registers the areas."""

from __future__ import annotations

import re

from formsvc import create_app
from formsvc.staff.menu import staff_menu
from tests.staff.support import staff_client


def menu_links(html: str) -> list[str]:
    nav = html.split('<nav class="staff-nav"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="([^"]+)"', nav)


def test_the_menu_lists_the_areas_a_member_of_staff_may_use_in_order(app):
    everything = staff_client(app, "subete", "admin", "reviewer", "counter")
    # お知らせ（N件） comes last, for the roles that open applications (formsvc.review.notices).
    assert menu_links(everything.get("/admin/").text) == ["/counter/", "/admin/", "/staff/queue", "/staff/disposals",
                                                          "/staff/dashboard", "/staff/jobs/", "/staff/notices"]
    clerk = staff_client(app, "madoguchi", "counter")
    assert menu_links(clerk.get("/counter/").text) == ["/counter/", "/staff/queue", "/staff/notices"]
    approver = staff_client(app, "shonin", "approver")  # 決裁: only the requests waiting for them
    assert menu_links(approver.get("/staff/").text) == ["/admin/approvals"]
    manager = staff_client(app, "kacho", "manager")  # 管理職: the 集計 dashboard only
    assert menu_links(manager.get("/staff/").text) == ["/staff/dashboard"]
    operator = staff_client(app, "unei", "operator")  # 広域運営者: the municipalities of the deployment
    assert menu_links(operator.get("/staff/").text) == ["/staff/tenants/"]


def test_another_app_has_its_own_menu(app, tmp_path):
    again = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x",
                        "INSTANCE_DIR": str(tmp_path)})
    assert staff_menu(again).entries == staff_menu(app).entries
    assert [entry.endpoint for entry in staff_menu(app).entries] == ["counter.home", "admin.index", "admin.approvals",
                                                                       "review.queue", "review.disposals",
                                                                       "dashboard.index", "jobs.failed_jobs",
                                                                       "tenants.index"]
