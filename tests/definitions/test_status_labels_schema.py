"""``status_labels`` in a definition: only the service's status codes, each a Text; a mistake is
reported at the line and column where it was written, saying what to write instead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.definitions.schema import StatusLabels
from formsvc.submissions import status
from tests.authentication.support import definition_yaml

BASE = definition_yaml("labelled-pickup", "none", "名前つき状況の手続き", prefill=False)
LINE = BASE.count("\n") + 2  # the line after "status_labels:"


def errors_of(labels: str) -> list:
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(BASE + "status_labels:\n" + labels, "labelled.yaml")
    return raised.value.errors


def test_every_status_the_service_knows_may_be_named_and_nothing_else():
    assert set(StatusLabels.model_fields) == {entry.code for entry in status.STATUSES}


def test_a_label_may_be_japanese_only_or_with_english():
    text = BASE + ("status_labels:\n  approved: {ja: 内定, en: Provisionally accepted}\n"
                   "  completed: {ja: 入所決定, en: Placed}\n")
    labels = load_text(text, "labelled.yaml").definition.status_labels
    assert labels.approved.ja == "内定" and labels.completed.get("en") == "Placed" and labels.received is None


def test_a_status_the_service_does_not_have_is_an_error_at_its_key_naming_the_right_ones():
    [error] = errors_of("  approved: {ja: 内定, en: Accepted}\n  complete: {ja: 入所決定, en: Placed}\n")
    assert (error.file, error.line, error.column) == ("labelled.yaml", LINE + 1, 3)
    assert error.path == "status_labels.complete"
    assert "'complete' というキーは使えません" in error.message
    assert "'completed' の書き間違いではありませんか" in error.message
    assert "received, in_review, correction_requested, approved, rejected, completed, withdrawn" in error.message
    assert str(error).startswith(f"labelled.yaml:{LINE + 1}:3: ")


@pytest.mark.parametrize(("value", "words"), [
    ("123", "文字列 (または {ja: 日本語, en: English}) を書いてください"),
    ("{ja: ''}", "空にはできません"),
    ("{ja: 内定, fr: Admis}", "'fr' というキーは使えません"),
])
def test_a_label_that_is_not_text_is_an_error_at_its_value(value, words):
    [error] = errors_of(f"  approved: {value}\n")
    assert error.line in (LINE, LINE + 1) and error.column >= 3 and words in error.message


def test_hostile_keys_and_values_are_refused_not_crashed():
    for labels in ("  \"approved\\0\": x\n", "  APPROVED: 内定\n", "  - approved\n",
                   f"  approved: {'長' * 10}\n  {'x' * 5000}: y\n"):
        assert errors_of(labels)


def test_the_editor_schema_offers_the_status_codes():
    schema = json.loads((Path(__file__).resolve().parents[2] / "form_definitions" / "schema.json").read_text("utf-8"))
    labels = schema["$defs"]["StatusLabels"]
    assert set(labels["properties"]) == set(status.LABELS) and labels["additionalProperties"] is False
