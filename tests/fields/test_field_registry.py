"""What every field type promises (the FieldSpec contract), checked for each registered type."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from wtforms.fields.core import UnboundField

from formsvc import clock
from formsvc.fields import REGISTRY, FieldContext
from formsvc.vocabulary.conditions import is_answered
from tests.fields.fieldkit import make, minimal_keys, storage_keys, submit, untouched

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "form-definitions.md"

# Definitions with rules, whose example answer must respect them too.
CONSTRAINED: list[tuple[str, dict]] = [
    ("text", {"label": "記号", "min_length": 6, "max_length": 8}),
    ("textarea", {"label": "理由", "max_length": 2}),
    ("number", {"label": "通数", "min": 3, "max": 10}),
    ("number", {"label": "持分の割合", "integer": False, "min": 0.01, "max": 0.5}),
    ("date", {"label": "生年月日", "max": {"days_from_today": 0}}),
    ("date", {"label": "受取希望日", "min": {"days_from_today": 3}, "max": {"days_from_today": 30}}),
    ("date", {"label": "開始日", "min": "2020-04-01", "max": "2020-04-30"}),
    ("checkboxes", {"label": "事項", "choices": ["a", "b", "c"], "min_selected": 1, "max_selected": 2}),
    ("file", {"label": "委任状", "accept": ["pdf"], "max_files": 2}),
]

ALL_SPECS = [pytest.param(name, minimal_keys(name), id=name) for name in sorted(REGISTRY)] + [
    pytest.param(name, keys, id=f"{name}-{'-'.join(k for k in keys if k != 'label')}")
    for name, keys in CONSTRAINED
]
ANSWERING = [p for p in ALL_SPECS if p.values[0] != "guidance"]


def test_the_registry_has_exactly_the_documented_field_types():
    # The table right under "### Field types", up to the next heading (its #### subsections
    # have tables of their own, e.g. the kinds of file a file question accepts).
    section = REFERENCE.read_text(encoding="utf-8").split("### Field types", 1)[1]
    table = re.split(r"\n#{3,4} ", section, maxsplit=1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE))
    assert set(REGISTRY) == documented


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_each_type_is_registered_under_its_own_type_name(name):
    assert REGISTRY[name].model_fields["type"].default == name
    assert make(name, **minimal_keys(name)).type == name


@pytest.mark.parametrize(("name", "keys"), ALL_SPECS)
def test_the_example_answer_passes_the_types_own_validation(name, keys):
    spec = make(name, **keys)
    example = spec.example_answer()
    # Example answers are relative to the real today (the definition preview uses them).
    assert spec.validate_answer(example, FieldContext()) == []
    assert is_answered(example) == spec.has_answer


@pytest.mark.parametrize(("name", "keys"), ANSWERING)
def test_the_example_answer_survives_storage_as_json(name, keys):
    spec = make(name, **keys)
    example = spec.example_answer()
    with storage_keys():
        stored = json.loads(json.dumps(spec.to_json(example), ensure_ascii=False))
        assert spec.from_json(stored) == example


@pytest.mark.parametrize(("name", "keys"), ANSWERING)
def test_csv_has_one_plain_datum_per_column(name, keys):
    spec = make(name, **keys)
    columns = spec.csv_columns()
    values = spec.csv_values(spec.example_answer())
    assert len(columns) == len(values) >= 1
    assert all(header.startswith(spec.label.ja) for _, header in columns)
    assert len({suffix for suffix, _ in columns}) == len(columns), "column names must be unique"
    assert all(isinstance(v, str) and "\n" not in v for v in values)
    assert any(values), "the example answer should appear in the export"


@pytest.mark.parametrize(("name", "keys"), ANSWERING)
def test_the_example_answer_is_displayed_and_unanswered_is_blank(name, keys):
    spec = make(name, **keys)
    shown = spec.display(spec.example_answer())
    assert isinstance(shown, str)
    assert shown.strip()
    assert spec.display(None) == ""


@pytest.mark.parametrize(
    ("name", "keys"), [p for p in ANSWERING if p.values[0] != "file"]  # files are multipart uploads
)
def test_typing_the_example_answer_into_the_form_gives_it_back(name, keys):
    spec = make(name, **keys)
    example = spec.example_answer()
    result = submit(spec, spec.form_inputs(example), FieldContext())
    assert result.errors == []
    assert result.data == example


@pytest.mark.parametrize(("name", "keys"), ANSWERING)
def test_a_required_question_left_empty_shows_its_required_message(name, keys):
    spec = make(name, **keys)
    assert isinstance(spec.form_field(FieldContext()), UnboundField)
    result = submit(spec, untouched(spec))
    assert result.field.flags.required is True
    assert not result.valid
    assert result.errors == [spec.required_message(FieldContext())]
    assert result.errors[0].startswith(spec.label.ja)


@pytest.mark.parametrize(("name", "keys"), ANSWERING)
def test_an_optional_question_left_empty_is_no_answer_and_no_error(name, keys):
    spec = make(name, **keys, required=False)
    result = submit(spec, untouched(spec))
    assert result.valid
    assert result.errors == []
    assert not result.field.flags.required
    assert not is_answered(result.data)
    assert spec.display(result.data) == ""
    assert set(spec.csv_values(result.data)) <= {"", "0"}


def test_guidance_asks_nothing():
    spec = make("guidance", content="第1段落です。\n\n第2段落です。\n")
    assert spec.has_answer is False
    assert spec.form_field(FieldContext()) is None
    assert spec.csv_columns() == [] and spec.csv_values(None) == []
    assert spec.paragraphs() == ["第1段落です。", "第2段落です。"]


def test_a_birth_date_example_works_on_29_february(monkeypatch):
    """The example for a past-only date goes back 30 years, which has no 29 February."""
    monkeypatch.setattr(clock, "_read_system_clock", lambda: datetime(2028, 2, 29, 10, 0, tzinfo=clock.JST))
    spec = make("date", label="生年月日", max={"days_from_today": 0})
    example = spec.example_answer()
    assert example == date(1998, 2, 28)
    assert spec.validate_answer(example, FieldContext(today=date(2028, 2, 29))) == []
