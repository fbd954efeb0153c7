"""What is published is what was validated: the stored document compiles to the same definition.

A published version keeps ``LoadedDefinition.document`` (every value dumped, defaults included)
and the resident pages compile that document again (formsvc.forms.catalog.compile_version).
Anything that reads differently once dumped (a value derived from which keys were written, a
``false`` that comes back as ``0``) makes a procedure that validated impossible to open.
"""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

import pytest

from formsvc.definitions.checks import semantic_problems
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import LoadedDefinition, definition_files, load_file, load_text
from formsvc.definitions.schema import FormDefinition, Page
from formsvc.fields import REGISTRY
from formsvc.fields.number import NumberField
from tests.fields.fieldkit import minimal_keys

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "form_definitions"
TESTS = ROOT / "tests"

HEAD = """\
id: round-trip
title: 往復
description: 保存した版を読み直すテスト
department: {name: 市民課}
declaration: 相違ありません。
next_steps: 審査します。
retention: {years: 5}
"""


def assert_round_trips(loaded: LoadedDefinition) -> None:
    """The stored document reads back to an equal definition that the checker accepts, and
    dumps to the very same JSON (json.dumps tells false from 0, which == does not)."""
    document = loaded.document
    again = FormDefinition.model_validate(document)
    assert again == loaded.definition, loaded.filename
    problems = [(".".join(map(str, p.path)), p.message) for p in semantic_problems(again)]
    assert problems == [], f"{loaded.filename}: the stored version does not compile: {problems}"
    restored = again.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert json.dumps(restored, ensure_ascii=False, sort_keys=True) == \
        json.dumps(document, ensure_ascii=False, sort_keys=True), loaded.filename


# --- the two defects -------------------------------------------------------------------------

def test_a_number_with_places_and_no_integer_is_published_as_decimals():
    loaded = load_text(HEAD + """\
pages:
  - id: system
    title: 設備
    fields:
      - {type: number, id: kw, label: 出力, places: 3, unit: kW}
""")
    stored = loaded.document["pages"][0]["fields"][0]
    assert stored["integer"] is False and stored["places"] == 3
    assert_round_trips(loaded)
    spec = FormDefinition.model_validate(loaded.document).field_by_id("kw")
    assert isinstance(spec, NumberField) and not spec.integer


@pytest.mark.parametrize(("written", "integer"), [
    ("places: 0", True),
    ("places: 2, integer: false", False),
    ("integer: false", False),
    ("integer: true", True),
    ("{}", True),
])
def test_integer_is_what_was_written_or_follows_places(written, integer):
    options = "" if written == "{}" else f", {written}"
    loaded = load_text(HEAD + f"""\
pages:
  - id: p
    title: P
    fields:
      - {{type: number, id: n, label: 数{options}}}
""")
    assert loaded.definition.field_by_id("n").integer is integer
    assert_round_trips(loaded)


def test_integer_true_with_places_written_by_the_author_is_still_refused():
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(HEAD + """\
pages:
  - id: p
    title: P
    fields:
      - {type: number, id: n, label: 数, places: 2, integer: true}
""")
    assert "同時に使えません" in str(raised.value)


def test_a_false_condition_on_a_file_question_is_stored_as_false():
    loaded = load_text(HEAD + """\
pages:
  - id: first
    title: 確認
    fields:
      - {type: yes_no, id: has_certificate, label: 証明書をお持ちですか}
  - id: upload
    title: 添付
    fields:
      - {type: file, id: statement, label: 申立書, show_if: {field: has_certificate, equals: false}}
""")
    assert loaded.document["pages"][1]["fields"][0]["show_if"] == {"field": "has_certificate", "equals": False}
    assert loaded.document["pages"][1]["fields"][0]["show_if"]["equals"] is False
    assert_round_trips(loaded)


@pytest.mark.parametrize("type_name", sorted(REGISTRY))
@pytest.mark.parametrize("value", [False, True, 0, 1, 1.5, "false", "0"])
def test_every_question_type_keeps_the_type_of_a_compared_value(type_name, value):
    # Whatever a type's own options hold by default (a float option holding the int 10 made
    # pydantic serialise the question's union laxly), a literal in its condition keeps its type.
    condition = {"any": [{"field": "other", "equals": value}, {"field": "other", "one_of": [value]}]}
    page = Page.model_validate({"id": "p", "title": "P", "fields": [
        {"type": type_name, "id": "q", **minimal_keys(type_name), "show_if": condition}]})
    dumped = page.model_dump(mode="json", by_alias=True, exclude_none=True)["fields"][0]["show_if"]["any"]
    assert type(dumped[0]["equals"]) is type(value) and dumped[0]["equals"] == value
    assert type(dumped[1]["one_of"][0]) is type(value) and dumped[1]["one_of"][0] == value


# --- every definition there is ---------------------------------------------------------------

def _shipped() -> list[Path]:
    return definition_files([LIBRARY])


def _yaml_files_of_tests() -> list[Path]:
    return sorted(path for path in TESTS.rglob("*.y*ml") if "broken" not in path.parts)


@pytest.mark.parametrize("path", _shipped(), ids=lambda path: path.name)
def test_every_shipped_definition_round_trips(path):
    assert_round_trips(load_file(path))


@pytest.mark.parametrize("path", _yaml_files_of_tests(), ids=lambda path: str(path.relative_to(TESTS)))
def test_every_test_definition_file_that_loads_round_trips(path):
    try:
        loaded = load_file(path)
    except DefinitionInvalid:
        pytest.skip("not a valid definition (it tests an error)")
    assert_round_trips(loaded)


def _definitions_written_in_tests() -> list[tuple[str, str]]:
    """Every string constant in the tests' Python that reads as a whole definition (the YAML the
    tests publish), as (where, text)."""
    found: list[tuple[str, str]] = []
    for path in sorted(TESTS.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and "pages:" in node.value and "retention:" in node.value and "\nid:" in f"\n{node.value}":
                found.append((f"{path.relative_to(TESTS)}:{node.lineno}", textwrap.dedent(node.value)))
    return found


def test_every_definition_written_in_the_tests_that_loads_round_trips():
    written = _definitions_written_in_tests()
    assert len(written) > 20  # the scan finds the tests' definitions
    loaded_count = 0
    for where, text in written:
        try:
            loaded = load_text(text, where)
        except DefinitionInvalid:
            continue  # a definition that tests an error
        loaded_count += 1
        assert_round_trips(loaded)
    assert loaded_count > 10
