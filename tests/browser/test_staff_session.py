"""The staff time-out warning in a real browser: it appears before the idle limit, 延長する keeps
the session, and after the limit the button leads to the sign-in page that says why."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.support import assert_accessible
from tests.staff.support import PASSWORD, make_staff

pytestmark = pytest.mark.browser


def test_the_warning_extends_the_session_and_then_says_it_ended(new_page, axe_script, live_server, monkeypatch):
    # Two minutes: the page is loaded within the last two minutes, so the warning shows at once.
    monkeypatch.setitem(live_server.app.config, "STAFF_IDLE_MINUTES", 2)
    make_staff(live_server.app, "timeout-shinsa", "reviewer", name="時間 切子")
    page = new_page(javascript=True, bypass_csp=True)
    page.goto("/staff/login")
    page.get_by_label("ユーザー名").fill("timeout-shinsa")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/staff/?$"))

    warning = page.get_by_role("alertdialog", name="まもなくログインの有効期限が切れます")
    warning.wait_for(state="visible")
    button = page.get_by_role("button", name="ログインを延長する")
    assert button.evaluate("element => element === document.activeElement")
    assert_accessible(page, "the staff time-out warning")
    with page.expect_response("**/staff/keep-alive") as extended:
        button.click()
    assert extended.value.status == 200 and extended.value.json()["signed_in"] is True

    # The limit passes without activity: the button now finds the session over.
    monkeypatch.setitem(live_server.app.config, "STAFF_IDLE_MINUTES", 0)
    time.sleep(1.1)
    warning.wait_for(state="visible")
    button.click()
    page.wait_for_url(re.compile(r"/staff/login\?.*timed_out=1"))
    assert "操作がなかったため、安全のためにログアウトしました" in page.content()
