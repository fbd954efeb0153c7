"""The applicant's name and フリガナ kept with a submission for the staff search."""

from __future__ import annotations

from formsvc.applications.answers import Answers
from formsvc.definitions.loader import load_text
from formsvc.review.names import applicant_names, kana_search_key, name_text, search_key

NURSERY = """\
id: names-sample
title: 名前の見本
description: テスト用
department: {name: 子ども課}
declaration: 上記の内容に相違ありません。
next_steps: 審査します。
retention: {years: 1}
pages:
  - id: child
    title: お子さん
    fields:
      - {type: name, id: child_name, label: お子さんの氏名}
      - {type: kana, id: child_kana, label: お子さんのフリガナ}
  - id: applicant
    title: 申請者
    fields:
      - {type: name, id: applicant_name, label: 氏名, prefill: name}
      - {type: kana, id: applicant_kana, label: フリガナ}
"""


def answers(**fields) -> Answers:
    return Answers(fields=fields)


def test_the_name_read_from_the_card_is_the_applicants_with_the_kana_on_its_page():
    definition = load_text(NURSERY, "names.yaml").definition
    found = applicant_names(definition, answers(
        child_name={"family": "山田", "given": "花"}, child_kana={"family": "ヤマダ", "given": "ハナ"},
        applicant_name={"family": "山田", "given": "太郎"}, applicant_kana={"family": "やまだ", "given": "ﾀﾛｳ"}))
    assert found == ("山田 太郎", "ヤマダ タロウ")


def test_without_a_card_question_the_first_name_and_kana_answered_are_taken():
    definition = load_text(NURSERY.replace(", prefill: name", ""), "names.yaml").definition
    found = applicant_names(definition, answers(child_name={"family": "山田", "given": "花"},
                                                applicant_kana={"family": "ヤマダ", "given": "タロウ"}))
    assert found == ("山田 花", "ヤマダ タロウ")
    assert applicant_names(definition, answers()) == (None, None)


def test_searches_ignore_spaces_width_and_kana_kind():
    assert name_text({"family": "山田", "given": "太郎"}) == "山田 太郎"
    assert search_key("山田　太郎") == search_key("山田太郎")
    assert kana_search_key("やまだ たろう") == kana_search_key("ﾔﾏﾀﾞﾀﾛｳ")
