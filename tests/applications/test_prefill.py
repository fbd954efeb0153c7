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
