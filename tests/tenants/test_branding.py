"""A municipality's pages: its name in the header, its colour (only the design system's colours
that keep contrast) and its お問い合わせ先 in the footer; a single-municipality install as before."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import update

from formsvc.db import database
from formsvc.tenants.branding import COLOURS
from formsvc.tenants.models import Tenant
from formsvc.tenants.resolution import directory
from tests.tenants.support import make_tenant

STYLESHEET = Path(__file__).parents[2] / "static" / "css" / "formsvc.css"


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (luminance(hex_colour) + 0.05)


def test_the_contrast_check_is_right():
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)  # the usual 4.5:1 grey
    assert contrast_with_white("#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize("name", list(COLOURS))
def test_every_colour_and_its_hover_keep_4_5_to_1_against_white(name):
    hex_colour = COLOURS[name][0]
    assert contrast_with_white(hex_colour) >= 4.5, name
    pattern = rf"\.theme-{name} \{{ --color-primary: (#[0-9a-f]{{6}}); --color-primary-hover: (#[0-9a-f]{{6}}); \}}"
    rule = re.search(pattern, STYLESHEET.read_text(encoding="utf-8"))
    assert rule, f"static/css/formsvc.css has no .theme-{name} rule"
    assert rule.group(1) == hex_colour
    assert contrast_with_white(rule.group(2)) >= contrast_with_white(hex_colour)  # darker, never lighter


def test_the_stylesheet_offers_no_colour_beyond_the_list():
    named = set(re.findall(r"\.theme-([a-z]+) \{", STYLESHEET.read_text(encoding="utf-8")))
    assert named == set(COLOURS)


def test_a_single_municipality_install_looks_as_before(app):
    page = app.test_client().get("/")
    assert page.status_code == 200
    assert '<html lang="ja">' in page.text  # the design system's blue: no class
    name = app.config["MUNICIPALITY_NAME"]
    assert re.search(rf'class="site-header__name"[^>]*>{name} オンライン申請</a>', page.text)
    assert "site-footer__contact" not in page.text
    assert f"<p>{name}</p>" in page.text


def test_a_municipalitys_pages_carry_its_name_colour_and_contact(app):
    make_tenant(app, "kamakura", "鎌倉市", colour="green", contact={
        "department": "市民課", "phone": "0467-23-3000", "email": "shimin@city.kamakura.example.lg.jp",
        "hours": "平日 8時30分〜17時15分"})
    page = app.test_client().get("/kamakura/")
    assert page.status_code == 200
    assert '<html lang="ja" class="theme-green">' in page.text
    assert re.search(r'class="site-header__name"[^>]*>鎌倉市 オンライン申請</a>', page.text)
    footer = page.text[page.text.index('<footer class="site-footer">'):]
    assert '<h2 class="site-footer__contact-title" id="site-contact-title">お問い合わせ</h2>' in footer
    assert "市民課" in footer and '<a href="tel:0467-23-3000">0467-23-3000</a>' in footer
    assert '<a href="mailto:shimin@city.kamakura.example.lg.jp">' in footer and "平日 8時30分〜17時15分" in footer
    assert "<p>鎌倉市</p>" in footer
    # The stylesheet allows no inline style: the colour is a class of it.
    assert "style=" not in page.text
    # The default municipality's pages stay blue.
    assert '<html lang="ja">' in app.test_client().get("/").text


def test_a_colour_outside_the_list_is_never_put_on_a_page(app):
    tenant_id = make_tenant(app, "zushi", "逗子市", first_five="14208", colour="orange")
    assert 'class="theme-orange"' in app.test_client().get("/zushi/").text
    with app.app_context():
        with database().transaction() as session:
            session.execute(update(Tenant).where(Tenant.id == tenant_id).values(colour="#ff0"))
        directory().forget()
    page = app.test_client().get("/zushi/")
    assert '<html lang="ja">' in page.text and "theme-" not in page.text.split("<head>")[0]
