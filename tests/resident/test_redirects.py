"""`next=` never leads off this site: the language switch and the My Number card sign-in.

(The staff sign-in is tested with the same table in tests/staff/test_staff_login_redirects.py.)
"""

from __future__ import annotations

import re

import pytest

from formsvc.navigation import safe_local_path
from tests.authentication.support import sign_in_with_card
from tests.resident.redirects import BYPASSES, LOCAL, stays_on_this_site


@pytest.mark.parametrize("target", BYPASSES)
def test_safe_local_path_refuses_every_way_off_this_site(target):
    assert safe_local_path(target) is None


@pytest.mark.parametrize("target", LOCAL)
def test_safe_local_path_keeps_paths_on_this_site(target):
    assert safe_local_path(target) == target


def test_switching_the_language_never_redirects_off_this_site(client):
    for target in BYPASSES:
        response = client.get("/language/en", query_string={"next": target})
        # 400: refused before any view for its control characters (formsvc.request_guard).
        assert response.status_code in (302, 400), (target, response.status_code)
        if response.status_code == 302:
            assert response.location == "/", (target, response.location)
    for target in LOCAL:
        response = client.get("/language/ja", query_string={"next": target})
        assert response.location == target and stays_on_this_site(response.location)


def test_the_tab_trick_from_the_report_goes_to_the_portal(client):
    # The exact request of the report: a browser read the old answer as //evil.example/x.
    response = client.get("/language/en?next=/%09/evil.example/x")
    assert response.status_code == 302 and response.location == "/"
    newline = client.get("/language/en?next=/%0D%0ALocation:%20//evil.example")
    assert newline.status_code == 302 and newline.location == "/"


def test_signing_in_with_the_card_never_returns_off_this_site(demo_app):
    for target in BYPASSES:
        client = demo_app.test_client()
        start = client.get("/auth/login", query_string={"next": target})
        assert start.status_code in (302, 400), (target, start.status_code)
        if start.status_code == 400:
            continue  # refused before any view for its control characters (formsvc.request_guard)
        response = sign_in_with_card(client, next_path=target)
        assert response.status_code == 302, (target, response.status_code)
        assert response.location == "/my/", (target, response.location)
    for target in LOCAL:
        response = sign_in_with_card(demo_app.test_client(), next_path=target)
        assert response.location == target and stays_on_this_site(response.location)


def test_the_timed_out_notice_links_only_to_a_local_next(demo_app):
    page = demo_app.test_client().get("/auth/login", query_string={"next": "//evil.example/x",
                                                                   "timed_out": "1"})
    assert page.status_code == 200 and "ログインの有効期限が切れました" in page.text
    [login_link] = re.findall(r'<a class="button" href="([^"]*)"', page.text)
    assert login_link == "/auth/login"
