"""The 集計 dashboard in a browser: no axe-core violations with charts drawn, and it fits a phone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from formsvc.staff import roles
from tests.browser.support import assert_accessible
from tests.browser.test_staff_pages import sign_in_staff
from tests.review.support import make_submissions
from tests.staff.support import make_staff

pytestmark = pytest.mark.browser


def test_dashboard_with_charts_is_accessible_and_fits_390px(axe_page, live_server):
    make_staff(live_server.app, "kacho", roles.MANAGER, name="集計 花子")
    make_submissions(live_server.app, "sodai-gomi", 3, created_at=datetime(2026, 10, 1, tzinfo=UTC))
    make_submissions(live_server.app, "sodai-gomi", 1, created_at=datetime(2026, 10, 2, tzinfo=UTC), channel="counter")
    sign_in_staff(axe_page, "kacho")
    axe_page.goto("/staff/dashboard?from=2026-10&to=2026-11")
    assert axe_page.locator("figure.chart svg[role=img]").count() >= 2
    assert axe_page.get_by_role("img", name="手続きごとのオンライン化率（数値は下の表にあります）").is_visible()
    assert_accessible(axe_page, "/staff/dashboard")
    axe_page.get_by_text("グラフの数値を表で見る").first.click()
    assert axe_page.get_by_role("cell", name="75.0%").first.is_visible()

    axe_page.set_viewport_size({"width": 390, "height": 844})
    axe_page.goto("/staff/dashboard?from=2026-10&to=2026-11")
    assert axe_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe_page.goto("/staff/dashboard?from=2026-13")
    assert axe_page.get_by_role("link", name="＊集計の開始月は「2026-04」のように年と月で入力してください").is_visible()
    assert_accessible(axe_page, "/staff/dashboard (errors)")
