"""The warning about a card's address outside the municipality compares the address part by part:
the prefecture only when the setting names one, the city with or without its 郡, ヶ as ケ, and the
town with or without 大字/字 — so that a resident of the municipality is never warned about."""

from __future__ import annotations

import pytest

from formsvc.counter.resident import VERIFIED, card_address_outside, municipality_places
from formsvc.submissions.identification import CARD


def card(prefecture: str, city: str, town: str = "", block: str = "1-1") -> dict:
    """The visit's shared details after reading a card with this address."""
    return {"address": {"prefecture": prefecture, "city": city, "town": town, "block": block, "building": ""},
            VERIFIED: ["address"]}


SAITAMA = card("埼玉県", "さいたま市浦和区", "高砂")
MIYOSHI = card("埼玉県", "入間郡三芳町", "大字藤久保")
MIYOSHI_WITHOUT_GUN = card("埼玉県", "三芳町", "藤久保")
KAMAGAYA = card("千葉県", "鎌ヶ谷市", "道野辺中央")
OGORI = card("福岡県", "小郡市", "大保")
MINATO = card("東京都", "港区", "芝公園")


@pytest.mark.parametrize(("setting", "shared"), [
    ("さいたま市", SAITAMA),  # no prefecture in the setting
    ("埼玉県さいたま市", SAITAMA),
    ("埼玉県三芳町", MIYOSHI),  # 郡 left out of the setting
    ("三芳町", MIYOSHI),
    ("埼玉県入間郡三芳町", MIYOSHI_WITHOUT_GUN),  # …or of the card
    ("千葉県鎌ケ谷市", KAMAGAYA),  # ヶ / ケ
    ("鎌ヵ谷市", KAMAGAYA),
    ("東京都港区，さいたま市", SAITAMA),  # full-width separators
    ("東京都港区、埼玉県さいたま市", SAITAMA),
    ("東京都港区, 埼玉県さいたま市", SAITAMA),
    ("埼玉県入間郡三芳町大字藤久保", MIYOSHI_WITHOUT_GUN),  # 大字 on one side only
    ("三芳町藤久保", MIYOSHI),
    ("三芳町字藤久保", MIYOSHI_WITHOUT_GUN),
    ("福岡県小郡市", OGORI),  # a city whose name has 郡 keeps it
    ("　さいたま市　", SAITAMA),  # spaces around it
    ("埼玉県", MIYOSHI),  # the whole prefecture
])
def test_a_resident_of_the_municipality_is_not_warned_about(setting, shared):
    assert card_address_outside(shared, CARD, municipality_places(setting)) is None


@pytest.mark.parametrize(("setting", "shared", "shown"), [
    ("さいたま市", MINATO, "東京都港区芝公園1-1"),
    ("埼玉県三芳町", card("埼玉県", "入間郡毛呂山町", "大字毛呂本郷"), "埼玉県入間郡毛呂山町大字毛呂本郷1-1"),
    ("三芳町藤久保", card("埼玉県", "入間郡三芳町", "大字竹間沢"), "埼玉県入間郡三芳町大字竹間沢1-1"),
    ("東京都府中市", card("広島県", "府中市", "府川町"), "広島県府中市府川町1-1"),  # the prefecture decides
    ("神奈川県大和市", card("奈良県", "大和郡山市", "北郡山町"), "奈良県大和郡山市北郡山町1-1"),
    ("福岡県小郡市", card("福岡県", "三井郡大刀洗町", "大字冨多"), "福岡県三井郡大刀洗町大字冨多1-1"),
    ("東京都港区，千葉県鎌ケ谷市", SAITAMA, "埼玉県さいたま市浦和区高砂1-1"),
])
def test_a_card_address_elsewhere_is_warned_about_as_printed(setting, shared, shown):
    assert card_address_outside(shared, CARD, municipality_places(setting)) == shown


@pytest.mark.parametrize("setting", ["", None, " , 、，"])
def test_no_setting_means_no_check(setting):
    assert municipality_places(setting) == ()
    assert card_address_outside(MINATO, CARD, municipality_places(setting)) is None


def test_only_an_address_read_from_the_card_is_checked():
    typed = dict(MINATO, **{VERIFIED: []})
    assert card_address_outside(typed, CARD, municipality_places("さいたま市")) is None
    assert card_address_outside(MINATO, "documents", municipality_places("さいたま市")) is None
