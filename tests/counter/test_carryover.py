"""Which question each of the resident's details goes to, checked on the shipped procedures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from formsvc.counter.carryover import collected, prefilled, targets
from formsvc.counter.resident import shared_from_card, with_typed
from formsvc.definitions.loader import load_file, load_text
from tests.counter.support import card_details

LIBRARY = Path(__file__).resolve().parents[2] / "form_definitions"
TODAY = date(2026, 11, 27)


def definition(form_id: str):
    return load_file(LIBRARY / f"{form_id}.yaml").definition


def ids(found: dict) -> dict[str, list[str]]:
    return {meaning: [spec.id for spec in specs] for meaning, specs in found.items()}


# Typed at the counter (本人確認書類): nothing is marked as read from the card.
TYPED = with_typed({}, {
    "name": {"family": "鈴木", "given": "美咲"},
    "name_kana": {"family": "スズキ", "given": "ミサキ"},
    "birthdate": "1992-08-03",
    "gender": "female",
    "postal_code": "1600023",
    "address": {"prefecture": "東京都", "city": "新宿区", "town": "西新宿", "block": "2-8-1",
                "building": "デモレジデンス502"},
    "phone": "08098765432",
    "email": "misaki@example.jp",
})


def test_the_applicants_questions_of_the_three_procedures_of_a_family_visit():
    assert ids(targets(definition("jidoteate-nintei"))) == {
        "name": ["claimant_name"], "name_kana": ["claimant_kana"], "birthdate": ["claimant_birth_date"],
        "gender": ["claimant_gender"], "postal_code": ["claimant_postal_code"], "address": ["claimant_address"],
        "phone": ["claimant_phone"]}
    # 保育: the child's name and フリガナ come first, but the applicant's name is the one read from
    # the card (prefill), and the フリガナ on the applicant's page goes with it.
    assert ids(targets(definition("hoiku-riyou"))) == {
        "name": ["applicant_name"], "name_kana": ["applicant_kana"], "postal_code": ["home_postal_code"],
        "address": ["home_address"], "phone": ["applicant_phone"], "email": ["applicant_email"]}
    # 犬の登録 marks nothing for the card: the owner's questions are the only ones of their type.
    # The dog's 生年月日 and 性別 are never taken for the resident's.
    assert ids(targets(definition("inu-touroku"))) == {
        "name": ["owner_name"], "name_kana": ["owner_kana"], "postal_code": ["owner_postal_code"],
        "address": ["owner_home_address"], "phone": ["owner_phone"], "email": ["owner_email"]}


@pytest.mark.parametrize("form_id", ["juminhyo-copy", "risai-shomei", "sodai-gomi"])
def test_every_shipped_procedure_gets_the_applicants_name_and_contact(form_id):
    found = targets(definition(form_id))
    assert {"name", "name_kana", "postal_code", "address", "phone"} <= set(found)
    assert all(len(specs) == 1 for specs in found.values())


def test_card_details_fill_the_prefill_questions_as_verified_and_the_rest_plainly():
    shared = with_typed(shared_from_card(card_details("sato-hanako", TODAY), TODAY),
                        {"name_kana": {"family": "サトウ", "given": "ハナコ"}, "phone": "09011112222"})

    answers = prefilled(definition("jidoteate-nintei"), shared, TODAY)

    assert answers.fields == {
        "claimant_name": {"family": "佐藤", "given": "花子"},
        "claimant_kana": {"family": "サトウ", "given": "ハナコ"},
        "claimant_birth_date": "2000-10-13",
        "claimant_gender": "female",
        "claimant_postal_code": "1050011",
        "claimant_address": {"prefecture": "東京都", "city": "港区", "town": "芝公園", "block": "4-2-8",
                             "building": "タワーマンション1205号"},
        "claimant_phone": "09011112222",
    }
    assert answers.verified == {field_id: {"source": "counter_card"} for field_id in (
        "claimant_name", "claimant_birth_date", "claimant_gender", "claimant_postal_code", "claimant_address")}
    assert answers.identity is None  # not an online sign-in


def test_typed_details_are_filled_but_never_marked_verified():
    answers = prefilled(definition("hoiku-riyou"), TYPED, TODAY)

    assert answers.fields == {
        "applicant_name": {"family": "鈴木", "given": "美咲"},
        "applicant_kana": {"family": "スズキ", "given": "ミサキ"},
        "applicant_phone": "08098765432",
        "applicant_email": "misaki@example.jp",
        "home_postal_code": "1600023",
        "home_address": TYPED["address"],
    }
    assert not answers.verified
    assert "child_name" not in answers.fields and "child_kana" not in answers.fields


def test_the_dogs_questions_stay_empty():
    answers = prefilled(definition("inu-touroku"), TYPED, TODAY)
    assert set(answers.fields) == {"owner_name", "owner_kana", "owner_postal_code", "owner_home_address",
                                      "owner_phone", "owner_email"}


def test_a_detail_the_question_would_refuse_is_left_for_staff_to_type():
    short = load_text("""\
id: short-names
title: 短い氏名の手続き
description: テスト用
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 審査します。
retention: {years: 1}
pages:
  - id: applicant
    title: 申請者
    fields:
      - {type: name, id: name, label: 氏名, max_length: 4, prefill: name}
      - {type: date, id: birth_date, label: 生年月日, min: 2000-01-01, prefill: birthdate}
      - {type: phone, id: phone, label: 電話番号}
""", "short.yaml").definition
    shared = with_typed(shared_from_card(card_details("kadenokoji", TODAY), TODAY), {"phone": "0312345678"})
    shared["birthdate"] = "1950-01-01"

    answers = prefilled(short, shared, TODAY)

    assert answers.fields == {"phone": "0312345678"}  # 左衛門三郎之丞龍之介 is too long, 1950 too early
    assert not answers.verified


def test_answers_of_a_finished_procedure_update_the_shared_details():
    shared = with_typed(shared_from_card(card_details("yamada-taro", TODAY), TODAY), {})
    answers = prefilled(definition("jidoteate-nintei"), shared, TODAY)
    answers.fields["claimant_kana"] = {"family": "ヤマダ", "given": "タロウ"}
    answers.fields["claimant_phone"] = "0487654321"
    answers.fields["claimant_postal_code"] = "3300064"  # moved round the corner since the card was made

    updated = collected(definition("jidoteate-nintei"), answers, shared, TODAY)

    assert updated["name_kana"] == {"family": "ヤマダ", "given": "タロウ"}
    assert updated["phone"] == "0487654321"
    assert updated["postal_code"] == "3300064"
    assert updated["gender"] == "male"
    assert sorted(updated["verified"]) == ["address", "birthdate", "gender", "name"]  # not the changed code
    # The next procedure gets the phone number typed in the first one.
    assert prefilled(definition("inu-touroku"), updated, TODAY).fields["owner_phone"] == "0487654321"


def test_an_empty_optional_answer_does_not_replace_a_detail():
    answers = prefilled(definition("hoiku-riyou"), TYPED, TODAY)
    answers.fields["applicant_email"] = ""
    assert collected(definition("hoiku-riyou"), answers, TYPED, TODAY)["email"] == "misaki@example.jp"
