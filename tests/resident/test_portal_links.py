"""Ways in to 申請履歴 and to signing in, from the portal and the header; the favicon."""

from __future__ import annotations

import re

from tests.identity import sign_in

LOGIN = "マイナンバーカードでログイン"


def account_nav(page: str) -> str:
    found = re.search(r'<nav aria-label="アカウント" class="account">(.*?)</nav>', page, flags=re.S)
    assert found, "the header has no account links"
    return found.group(1)


def test_the_portal_offers_sign_in_and_my_applications(client, sample_form):
    page = client.get("/")
    assert page.status_code == 200
    main = page.text[page.text.index('<main'):]
    assert f'href="/auth/login?next=/">{LOGIN}</a>' in main
    assert 'href="/my/">申請履歴を見る</a>' in main
    header = account_nav(page.text)
    assert 'href="/my/">申請履歴</a>' in header and LOGIN in header


def test_the_header_sign_in_comes_back_to_the_page(client, sample_form):
    header = account_nav(client.get("/forms/sample-permit/").text)
    assert 'href="/auth/login?next=/forms/sample-permit/"' in header


def test_my_applications_asks_to_sign_in_first(client):
    response = client.get("/my/")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_signed_in_the_header_shows_the_name_applications_and_sign_out(client, app, sample_form):
    sign_in(client, app)
    page = client.get("/")
    header = account_nav(page.text)
    assert '<span class="account__name">山田 太郎 さん</span>' in header
    assert 'href="/my/">申請履歴</a>' in header and "ログアウト" in header
    assert LOGIN not in page.text  # neither in the header nor on the portal
    assert 'href="/my/">申請履歴（' in page.text


def test_staff_pages_do_not_offer_the_residents_sign_in(client):
    page = client.get("/staff/login")
    assert page.status_code == 200
    assert LOGIN not in page.text


def test_procedures_that_need_the_card_say_so_in_the_list(client, app):
    from tests.resident.library_support import publish

    publish(app, "hoiku-riyou")
    page = client.get("/")
    item = page.text[page.text.index("保育施設等の利用申込"):]
    assert "マイナンバーカードでのログインが必要です。" in item[:800]


def test_the_favicon_is_linked_and_served_as_svg(client, sample_form):
    page = client.get("/")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.text
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert icon.data.startswith(b"<svg") and b"<script" not in icon.data
