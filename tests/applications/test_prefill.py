"""Answers filled from the card's 基本4情報: only what the question would accept, marked verified."""

from __future__ import annotations

import pytest

from formsvc.applications.answers import Answers
from formsvc.applications.prefill import SOURCE, apply_identity, is_locked
from formsvc.authentication.claims import usable_basic_four
from formsvc.authentication.residents import Identity
from tests.applications.support import DEFINITION
from tests.identity import CARD_HOLDER, ISSUER


def card(claims: dict, acr: str | None = "aal3") -> Identity:
    return Identity(ISSUER, "resident-1", claims, acr)


def test_the_card_fills_the_questions_marked_prefill_as_verified():
    answers = apply_identity(DEFINITION, Answers(), card(CARD_HOLDER))
    assert answers.answer("name") == {"family": "山田", "given": "太郎"}
    assert answers.answer("birth") == "1985-04-01"
    assert answers.answer("home")["prefecture"] == "東京都"
    assert answers.verified == {field_id: {"source": SOURCE, "acr": "aal3"} for field_id in ("name", "birth", "home")}
    assert answers.identity == {"issuer": ISSUER, "acr": "aal3"}


def test_an_answer_given_already_is_kept():
    typed = Answers(fields={"name": {"family": "佐藤", "given": "花子"}})
    answers = apply_identity(DEFINITION, typed, card(CARD_HOLDER))
    assert answers.answer("name") == {"family": "佐藤", "given": "花子"} and not answers.is_verified("name")
    assert typed.verified == {} and typed.identity is None  # the answers given are not changed


def test_a_card_value_the_question_would_refuse_is_asked_instead():
    """A name without a space between 氏 and 名: a locked answer the resident could not correct."""
    answers = apply_identity(DEFINITION, Answers(), card({**CARD_HOLDER, "name": "ジョンスミス"}))
    assert answers.answer("name") is None and not answers.is_verified("name")
    assert answers.is_verified("birth")


@pytest.mark.parametrize("claims", [["山田 太郎"], "山田 太郎", 42, None], ids=["list", "text", "number", "null"])
def test_claims_that_are_not_an_object_fill_nothing(claims):
    """Reading a sign-in keeps only well-formed 基本4情報 (authentication.residents.current_identity)."""
    answers = apply_identity(DEFINITION, Answers(), card(usable_basic_four(claims)))
    assert answers.fields == {} and answers.verified == {}


def test_a_verified_answer_is_locked_unless_editable():
    answers = Answers(verified={"name": {"source": SOURCE, "acr": "aal3"}})
    name = DEFINITION.field_by_id("name")
    assert name is not None and is_locked(name, answers)
    assert not is_locked(name.model_copy(update={"prefill_editable": True}), answers)
    assert not is_locked(DEFINITION.field_by_id("birth"), answers)


# --- the card's answers survive pages that are hidden for a while (issue 13) ---------------------

HIDDEN_FIRST = """\
id: hidden-first
title: 見本
description: 見本です
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、連絡します。
retention: {years: 5}
pages:
  - id: kind
    title: 申請する方
    fields:
      - {type: radio, id: applicant_type, label: 申請する方, choices: [individual, corporation]}
  - id: individual
    title: 個人
    show_if: {field: applicant_type, equals: individual}
    fields:
      - {type: name, id: applicant_name, label: 氏名, prefill: name}
"""


def test_a_card_answer_of_a_page_not_asked_yet_comes_back_verified_once_it_is_asked():
    from datetime import date

    from formsvc.applications.flow import Flow
    from formsvc.definitions.loader import load_text

    definition = load_text(HIDDEN_FIRST, "x.yaml").definition
    started = apply_identity(definition, Answers(), card(CARD_HOLDER))
    # The first page is stored before 個人 is chosen: the answer goes, the card's is held.
    stored = Flow(definition, started, date(2026, 5, 1)).pruned(hold_card=True)
    assert "applicant_name" not in stored.fields and not stored.verified
    assert stored.held("applicant_name")["answer"] == {"family": "山田", "given": "太郎"}
    stored.fields["applicant_type"] = "individual"
    again = Flow(definition, stored, date(2026, 5, 1)).pruned(hold_card=True)
    assert again.answer("applicant_name") == {"family": "山田", "given": "太郎"}
    assert again.verified["applicant_name"] == {"source": SOURCE, "acr": "aal3"}
    # What is submitted never holds the card's answers.
    assert "prefill" not in Flow(definition, again, date(2026, 5, 1)).pruned().to_json()


def test_held_answers_that_are_not_a_mapping_fill_nothing():
    from datetime import date

    from formsvc.applications.flow import Flow
    from formsvc.definitions.loader import load_text

    definition = load_text(HIDDEN_FIRST, "x.yaml").definition
    forged = Answers.from_json({"fields": {"applicant_type": "individual"},
                                "prefill": {"applicant_name": "山田 太郎", "other": None}})
    pruned = Flow(definition, forged, date(2026, 5, 1)).pruned()
    assert pruned.answer("applicant_name") is None and not pruned.verified


def test_removing_an_item_moves_the_marks_of_the_items_after_it():
    answers = Answers(items={"members": [{"n": 1}, {"n": 2}, {"n": 3}]},
                      verified={"members.0.n": {"source": SOURCE}, "members.2.n": {"source": SOURCE}, "x": {}})
    answers.remove_item("members", 0)
    assert set(answers.verified) == {"members.1.n", "x"}
