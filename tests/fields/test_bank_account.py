"""振込口座 (bank_account): one question in parts, checked part by part, stored as a bank needs it."""

from __future__ import annotations

import time

import pytest

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.fields import FieldContext
from formsvc.forms.loading import publish_loaded
from formsvc.japanese import banks
from tests.fields.fieldkit import CTX, EN, make, submit
from tests.resident.library_support import Resident, assert_error, check_answers, moved_to

GOOD = {"bank": "0001", "branch": "001", "kind": "ordinary", "number": "1234567", "holder": "ヤマダ タロウ"}


def inputs(**parts: str) -> dict[str, str]:
    return {f"answer-{part}": text for part, text in {**GOOD, **parts}.items()}


def account(**keys):
    return make("bank_account", label="振込口座", **keys)


# --- what is stored -------------------------------------------------------------------------------


def test_the_parts_are_stored_as_a_bank_transfer_needs_them():
    result = submit(account(), inputs(bank="０００５", branch=" 0 1 2 ", kind="current", number="１２３",
                                      holder="やまだ　　たろう"))
    assert result.errors == []
    assert result.data == {"bank": "0005", "branch": "012", "kind": "current", "number": "0000123",
                           "holder": "ヤマダ\u3000タロウ"}


@pytest.mark.parametrize(("typed", "stored"), [
    ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ\u3000タロウ"),       # half-width, from a cash-card printout
    ("  やまだ   たろう ", "ヤマダ\u3000タロウ"),  # spaces of any width, trimmed and made one
    ("スズキ・ジョン", "スズキ・ジョン"),
])
def test_the_holder_is_stored_in_full_width_katakana(typed, stored):
    assert submit(account(), inputs(holder=typed)).data["holder"] == stored


def test_an_account_number_typed_with_a_hyphen_or_full_width_digits_is_read():
    assert submit(account(), inputs(number="12-34567")).data["number"] == "1234567"
    assert submit(account(), inputs(number="００７")).data["number"] == "0000007"


# --- mistakes, each reported at its part ----------------------------------------------------------


@pytest.mark.parametrize(("typed", "part", "message"), [
    ({"bank": ""}, "bank", "金融機関コードを入力してください"),
    ({"bank": "12"}, "bank", "金融機関コードは4桁の数字で入力してください"),
    ({"bank": "00012"}, "bank", "金融機関コードは4桁の数字で入力してください"),
    ({"bank": "00a1"}, "bank", "金融機関コードは数字で入力してください"),
    ({"bank": "\u0663\u0663\u0663\u0663"}, "bank", "金融機関コードは数字で入力してください"),  # Arabic-Indic ٣
    ({"branch": ""}, "branch", "支店コードを入力してください"),
    ({"branch": "1234"}, "branch", "支店コードは3桁の数字で入力してください"),
    ({"branch": "本店"}, "branch", "支店コードは数字で入力してください"),
    ({"kind": ""}, "kind", "預金種目を選択してください"),
    ({"kind": "loan"}, "kind", "預金種目は表示された選択肢から選んでください"),
    ({"number": ""}, "number", "口座番号を入力してください"),
    ({"number": "12345678"}, "number", "口座番号は7桁以内の数字で入力してください"),
    ({"number": "123O567"}, "number", "口座番号は数字で入力してください"),  # a letter O
    ({"holder": ""}, "holder", "口座名義（カナ）を入力してください"),
    ({"holder": "山田太郎"}, "holder", "口座名義（カナ）はカタカナで入力してください"),
    ({"holder": "Yamada"}, "holder", "口座名義（カナ）はカタカナで入力してください"),
    ({"holder": "ア" * 31}, "holder", "口座名義（カナ）は30文字以内で入力してください"),
    # The first part to fix is named, in the order they are asked.
    ({"bank": "1", "number": ""}, "bank", "金融機関コードは4桁の数字で入力してください"),
    ({"branch": "", "holder": "山田"}, "branch", "支店コードを入力してください"),
])
def test_a_wrong_part_is_named_and_the_error_links_to_it(typed, part, message):
    spec = account()
    result = submit(spec, inputs(**typed))
    assert result.errors == [message]
    assert spec.error_target(result.field) == f"answer-{part}"


def test_left_empty_a_required_account_asks_for_it_and_an_optional_one_is_no_answer():
    empty = {f"answer-{part}": "" for part in GOOD}
    assert submit(account(), empty).errors == ["振込口座を入力してください"]
    optional = submit(account(required=False), empty)
    assert optional.valid and optional.data is None


@pytest.mark.parametrize("part", list(GOOD))
def test_a_huge_text_in_any_part_is_refused_quickly_without_being_echoed_in_the_message(part):
    huge = ("1" if part in ("bank", "branch", "number") else "ア") * 500_000
    started = time.monotonic()
    result = submit(account(), inputs(**{part: huge}))
    assert time.monotonic() - started < 1
    assert not result.valid
    assert len(result.errors[0]) < 100
    assert result.field.error_part == part


@pytest.mark.parametrize(("typed", "message"), [
    ({"bank": ""}, "Enter the bank code"),
    ({"branch": "1"}, "The branch code must be 3 digits"),
    ({"kind": ""}, "Select the account type"),
    ({"number": "x"}, "The account number must contain only digits"),
    ({"holder": "Yamada"}, "The account holder name in katakana must contain only katakana"),
])
def test_messages_are_in_english_on_english_pages(typed, message):
    assert submit(account(), inputs(**typed), EN).errors == [message]


# --- shown, exported and checked again later ------------------------------------------------------


def test_the_answer_is_shown_exported_one_datum_per_cell_and_stored_as_json():
    spec = account()
    value = spec.example_answer()
    # The names beside the codes (zengin-code's data), for staff who read the answer.
    assert spec.display(value) == \
        "金融機関コード 0001（みずほ銀行）・支店コード 001（東京営業部）・普通 1234567・ヤマダ\u3000タロウ"
    assert spec.display(value, "en") == \
        "Bank code 0001 (みずほ銀行), branch code 001 (東京営業部), Ordinary 1234567, ヤマダ\u3000タロウ"
    assert spec.csv_columns() == [("_bank", "振込口座（金融機関コード）"), ("_branch", "振込口座（支店コード）"),
                                  ("_kind", "振込口座（預金種目）"), ("_number", "振込口座（口座番号）"),
                                  ("_holder", "振込口座（口座名義（カナ））")]
    assert spec.csv_values(value) == ["0001", "001", "普通", "1234567", "ヤマダ\u3000タロウ"]
    assert spec.to_json(value) == value and spec.from_json(value) == value  # the API gets the parts


def test_a_stored_answer_is_checked_as_typing_it_would_be():
    spec = account()
    assert spec.validate_value(spec.example_answer(), CTX) == []
    assert spec.validate_value({**GOOD, "bank": "1"}, CTX) == ["金融機関コードは4桁の数字で入力してください"]
    assert spec.validate_value(None, FieldContext()) == ["振込口座を入力してください"]


# --- on a resident's page -------------------------------------------------------------------------

DEFINITION = """\
id: bank-account-sample
title: 口座の届出
description: テスト用の手続きです。
department: {name: 会計課}
declaration: 上記の内容に相違ありません。
next_steps: 届出の内容を確認します。
retention: {years: 1}
pages:
  - id: bank
    title: 振込先の口座
    fields:
      - {type: bank_account, id: payee, label: 振込先の口座}
"""


@pytest.fixture
def resident(app, client):
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(DEFINITION, "bank.yaml"), actor="test")
    resident = Resident(client, app, "bank-account-sample")
    resident.at("bank")
    return resident


def test_a_resident_sees_the_message_beside_the_account_and_the_link_to_the_part(resident):
    page = resident.client.get(resident.page_path("bank")).text
    for name in ("payee-bank", "payee-branch", "payee-number", "payee-holder"):
        assert f'name="{name}"' in page
    assert page.count('name="payee-kind"') == 3

    typed = {"payee-bank": "0001", "payee-branch": "12", "payee-kind": "ordinary", "payee-number": "1234567",
             "payee-holder": "やまだ たろう"}
    response = resident.answer("bank", raw=typed)
    assert_error(response, "payee", "支店コードは3桁の数字で入力してください", target="payee-branch")
    # What was typed stays, for the resident to correct.
    assert 'value="やまだ たろう"' in response.text and 'value="12"' in response.text

    response = resident.answer("bank", raw={**typed, "payee-kind": ""})
    assert_error(response, "payee", "支店コードは3桁の数字で入力してください", target="payee-branch")

    response = resident.answer("bank", raw={**typed, "payee-branch": "004", "payee-kind": ""})
    assert_error(response, "payee", "預金種目を選択してください", target="payee-kind")


def test_the_check_page_shows_the_account_as_stored(resident):
    response = resident.answer("bank", raw={"payee-bank": "０００１", "payee-branch": "004", "payee-kind": "savings",
                                            "payee-number": "98", "payee-holder": "ｽｽﾞｷ ﾊﾅｺ"})
    assert moved_to(response, "/forms/bank-account-sample/check")
    shown = check_answers(resident.check_page().text)
    assert shown["振込先の口座"]["振込先の口座"] == \
        "金融機関コード 0001（みずほ銀行）・支店コード 004（丸の内中央支店）・貯蓄 0000098・スズキ\u3000ハナコ"


# --- the codes must exist (zengin-code's data) ----------------------------------------------------


@pytest.mark.parametrize(("typed", "part", "message"), [
    ({"bank": "0002"}, "bank",
     "金融機関コード 0002 の金融機関はありません。コードを確かめるか、金融機関を検索して選んでください"),
    ({"branch": "999"}, "branch",
     "みずほ銀行に支店コード 999 の支店はありません。コードを確かめるか、支店を検索して選んでください"),
])
def test_a_bank_or_branch_code_that_does_not_exist_is_refused(typed, part, message):
    spec = account()
    result = submit(spec, inputs(**typed))
    assert result.errors == [message]
    assert spec.error_target(result.field) == f"answer-{part}"
    assert spec.validate_value({**GOOD, **typed, "number": "1234567"}, CTX) == [message]


def test_the_code_check_is_in_english_on_english_pages():
    assert submit(account(), inputs(bank="0002"), EN).errors == [
        "There is no bank with the code 0002. Check it, or search for the bank and choose it"]


# --- the search (formsvc.japanese.banks) ---------------------------------------------------------


@pytest.mark.parametrize("query", ["三菱UFJ", "三菱ＵＦＪ銀行", "みつびしゆーえふじぇい", "ミツビシ", "ﾐﾂﾋﾞｼ",
                                   "mitsubishi", "MITSUBISHI", "0005"])
def test_a_bank_is_found_by_kanji_kana_romaji_or_code(query):
    matches = banks.search_banks(query)
    assert matches.items[0].code == "0005" and matches.items[0].display_name == "三菱ＵＦＪ銀行"


def test_the_exact_name_comes_first_and_shinkin_words_are_understood():
    assert banks.search_banks("みずほ").items[0].display_name == "みずほ銀行"
    assert [b.code for b in banks.search_banks("さわやか信用金庫").items] == ["1310"]
    assert banks.search_banks("ゆうちょ").items[0].code == "9900"


def test_a_branch_is_found_among_its_banks_branches():
    assert [b.code for b in banks.search_branches("0009", "新宿支店").items][:1] == ["221"]
    assert banks.search_branches("0001", "tokyo").items[0].display_name == "東京営業部"
    assert banks.search_branches("9900", "018").items[0].display_name == "〇一八店"
    assert banks.search_branches("0002", "東京").total == 0  # no such bank: no branch


def test_a_long_list_is_cut_and_says_there_is_more():
    matches = banks.search_banks("信金")
    assert len(matches.items) == banks.MAX_MATCHES and matches.more


@pytest.mark.parametrize("query", ["み\x00ずほ", "\x1b[31m", "あ" * 10_000, "1" * 10_000])
def test_hostile_queries_are_refused_quickly(query):
    started = time.monotonic()
    with pytest.raises(banks.QueryRefused):
        banks.search_banks(query)
    with pytest.raises(banks.QueryRefused):
        banks.search_branches("0001", query)
    assert time.monotonic() - started < 0.5


def test_queries_that_match_nothing_or_are_only_punctuation_find_nothing():
    assert banks.search_banks("・ー－").total == 0
    assert banks.search_banks("存在しない銀行名").total == 0


# --- searching on a resident's page (without JavaScript) -----------------------------------------


def search(resident, action: str, **typed: str):
    return resident.answer("bank", raw={"action": action, **{f"payee-{k}": v for k, v in typed.items()}})


def test_a_resident_finds_the_bank_and_the_branch_by_name_and_submits(resident):
    page = resident.client.get(resident.page_path("bank")).text
    assert 'name="payee-bank_query"' in page and 'value="bank-search:payee"' in page
    assert '<label class="part__label" for="payee-bank_query">' in page

    response = search(resident, "bank-search:payee", bank="", branch="", number="", holder="", bank_query="みずほ")
    assert response.status_code == 200
    assert "金融機関の候補が3件見つかりました" in response.text
    assert 'value="bank-pick:payee:0001"' in response.text and "みずほ銀行（0001）" in response.text
    assert 'value="みずほ"' in response.text  # what was searched for stays in the box
    assert "入力内容にエラーがあります" not in response.text  # a search is not a submission

    response = search(resident, "bank-pick:payee:0001", bank="", branch="", number="", holder="")
    assert "金融機関コードに 0001（みずほ銀行）を入力しました" in response.text
    assert 'name="payee-bank" value="0001"' in response.text.replace('id="payee-bank" ', "")
    assert '<p class="part__found" id="payee-bank-name">みずほ銀行</p>' in response.text

    response = search(resident, "branch-search:payee", bank="0001", branch="", number="", holder="",
                      branch_query="まるのうち")
    assert 'value="branch-pick:payee:004"' in response.text

    response = search(resident, "branch-pick:payee:004", bank="0001", branch="", number="1234567",
                      holder="やまだ たろう")
    assert "支店コードに 004（みずほ銀行 丸の内中央支店）を入力しました" in response.text
    assert '<p class="part__found" id="payee-branch-name">丸の内中央支店</p>' in response.text
    assert 'value="1234567"' in response.text  # what was typed elsewhere stays

    response = resident.answer("bank", raw={"payee-bank": "0001", "payee-branch": "004", "payee-kind": "ordinary",
                                            "payee-number": "1234567", "payee-holder": "やまだ たろう"})
    assert moved_to(response, "/forms/bank-account-sample/check")
    shown = check_answers(resident.check_page().text)
    assert shown["振込先の口座"]["振込先の口座"].startswith(
        "金融機関コード 0001（みずほ銀行）・支店コード 004（丸の内中央支店）")


def test_a_branch_search_before_the_bank_asks_for_the_bank_first(resident):
    response = search(resident, "branch-search:payee", bank="", branch_query="新宿")
    assert "先に金融機関を選んでください" in response.text


@pytest.mark.parametrize(("action", "typed", "notice"), [
    ("bank-search:payee", {"bank_query": "あ" * 10_000}, "金融機関の名前またはコードを50文字以内で"),
    ("bank-search:payee", {"bank_query": "み\tず"}, "文字だけで入力してください"),
    ("bank-search:payee", {"bank_query": ""}, "検索する金融機関の名前またはコードを入力してください"),
    ("bank-pick:payee:9999", {}, "選んだ金融機関が見つかりません"),
    ("branch-pick:payee:999", {"bank": "0001"}, "選んだ支店が見つかりません"),
    ("bank-search:payee", {"bank_query": "ほ" * 30}, "見つかりませんでした"),
])
def test_hostile_or_forged_searches_get_a_message_and_change_nothing(resident, action, typed, notice):
    response = search(resident, action, **typed)
    assert response.status_code == 200
    assert notice in response.text
    assert "bank-pick:payee:" not in response.text


@pytest.mark.parametrize("action", ["bank-search:nobody", "bank-pick:payee:12", "bank-search:payee:0001",
                                    "bank-pick:payee:00010", "branch-pick:payee:0001"])
def test_a_forged_button_value_is_no_search(resident, action):
    response = search(resident, action, bank="0001", branch="004", kind="ordinary", number="1", holder="ア")
    # Not a search: either the page is stored (a forged action means 次へ進む) or shown again.
    assert response.status_code in (200, 302)
    assert "候補が" not in (response.text if response.status_code == 200 else "")


def test_a_query_with_a_nul_is_shown_again_with_a_message_not_searched(resident):
    response = search(resident, "bank-search:payee", bank_query="み\x00ずほ")
    assert response.status_code in (200, 400)
    assert "bank-pick:payee:0001" not in response.text
