"""Answers typed into several boxes: 氏/名, セイ/メイ and the parts of an address."""

from __future__ import annotations

import pytest

from tests.fields.fieldkit import make, submit

ADDRESS_PARTS = ("prefecture", "city", "town", "block", "building")


def name_inputs(family: str, given: str) -> dict[str, str]:
    return {"answer-family": family, "answer-given": given}


def address_inputs(*values: str) -> dict[str, str]:
    return {f"answer-{part}": value for part, value in zip(ADDRESS_PARTS, values, strict=True)}


# --- name --------------------------------------------------------------------------------

def test_a_name_is_stored_as_family_and_given_without_surrounding_spaces():
    spec = make("name", label="氏名")
    result = submit(spec, name_inputs(" 山田\u3000", "\u3000太郎 "))
    assert result.errors == []
    assert result.data == {"family": "山田", "given": "太郎"}
    assert spec.display(result.data) == "山田\u3000太郎"
    assert spec.csv_columns() == [("_family", "氏名（氏）"), ("_given", "氏名（名）")]
    assert spec.csv_values(result.data) == ["山田", "太郎"]


@pytest.mark.parametrize(
    ("family", "given", "message", "part"),
    [
        ("山田", "", "名を入力してください", "given"),
        ("", "太郎", "氏を入力してください", "family"),
        ("", "", "氏名を入力してください", None),
    ],
)
def test_each_name_box_is_required(family, given, message, part):
    result = submit(make("name", label="氏名"), name_inputs(family, given))
    assert result.errors == [message]
    assert result.field.error_part == part


def test_a_name_part_has_a_length_limit():
    spec = make("name", label="氏名", max_length=4)
    assert submit(spec, name_inputs("寿限無寿限無", "太郎")).errors == ["氏は4文字以内で入力してください"]
    assert submit(spec, name_inputs("山田", "五劫の擦り切れ")).errors == ["名は4文字以内で入力してください"]


# --- kana --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("family", "given", "stored"),
    [
        ("ヤマダ", "タロウ", {"family": "ヤマダ", "given": "タロウ"}),
        ("やまだ", "たろう", {"family": "ヤマダ", "given": "タロウ"}),
        ("ﾔﾏﾀﾞ", "ﾀﾛｳ", {"family": "ヤマダ", "given": "タロウ"}),  # half-width from a bank system
        ("ｼﾞｮﾝ", "ﾎﾟｰﾙ", {"family": "ジョン", "given": "ポール"}),
        ("スミス", "ジョン・ポール", {"family": "スミス", "given": "ジョン・ポール"}),
    ],
)
def test_kana_is_stored_as_full_width_katakana(family, given, stored):
    spec = make("kana", label="フリガナ")
    result = submit(spec, name_inputs(family, given))
    assert result.errors == []
    assert result.data == stored


@pytest.mark.parametrize(
    ("family", "given", "message", "part"),
    [
        ("山田", "タロウ", "セイはカタカナで入力してください", "family"),
        ("ヤマダ", "Taro", "メイはカタカナで入力してください", "given"),
        ("ヤマダ", "", "メイを入力してください", "given"),
    ],
)
def test_kana_that_is_not_katakana_is_refused(family, given, message, part):
    result = submit(make("kana", label="フリガナ"), name_inputs(family, given))
    assert result.errors == [message]
    assert result.field.error_part == part


def test_kana_csv_headers_name_the_kana_parts():
    spec = make("kana", label="フリガナ")
    assert spec.csv_columns() == [("_family", "フリガナ（セイ）"), ("_given", "フリガナ（メイ）")]


# --- address -----------------------------------------------------------------------------

def test_an_address_keeps_its_parts_with_the_block_number_normalised():
    spec = make("address", label="住所")
    result = submit(spec, address_inputs("東京都", "港区", "芝公園", "４－２ー８", "デモタワー１０１号室"))
    assert result.errors == []
    assert result.data == {"prefecture": "東京都", "city": "港区", "town": "芝公園",
                           "block": "4-2-8", "building": "デモタワー１０１号室"}


def test_an_address_is_shown_joined_and_exported_one_part_per_cell():
    spec = make("address", label="住所")
    value = {"prefecture": "東京都", "city": "港区", "town": "芝公園", "block": "4-2-8",
             "building": "デモタワー101号室"}
    assert spec.display(value) == "東京都港区芝公園4-2-8\u3000デモタワー101号室"
    assert spec.display({**value, "building": ""}) == "東京都港区芝公園4-2-8"
    assert [header for _, header in spec.csv_columns()] == [
        "住所（都道府県）", "住所（市区町村）", "住所（町域）", "住所（番地）", "住所（建物名・部屋番号）"
    ]
    assert spec.csv_values(value) == ["東京都", "港区", "芝公園", "4-2-8", "デモタワー101号室"]


def test_town_and_building_may_be_empty():
    result = submit(make("address", label="住所"), address_inputs("北海道", "余市郡仁木町", "", "1", ""))
    assert result.errors == []
    assert result.data["town"] == "" and result.data["building"] == ""


@pytest.mark.parametrize(
    ("values", "message", "part"),
    [
        (("", "港区", "芝公園", "1", ""), "住所の都道府県を入力してください", "prefecture"),
        (("東京都", "", "芝公園", "1", ""), "住所の市区町村を入力してください", "city"),
        (("東京都", "港区", "芝公園", "", ""), "住所の番地を入力してください", "block"),
        (("", "", "", "", ""), "住所を入力してください", None),
    ],
)
def test_a_missing_address_part_is_named(values, message, part):
    result = submit(make("address", label="住所"), address_inputs(*values))
    assert result.errors == [message]
    assert result.field.error_part == part


def test_an_address_part_has_a_length_limit():
    spec = make("address", label="住所", max_length=10)
    result = submit(spec, address_inputs("東京都", "港区", "芝公園", "1", "とても長い建物の名前です"))
    assert result.errors == ["住所の建物名・部屋番号は10文字以内で入力してください"]
    assert result.field.error_part == "building"
