"""The shipped library of procedures: valid, and together using the whole language."""

from __future__ import annotations

from pathlib import Path

import pytest

from formsvc.definitions.loader import definition_files, load_all, load_file
from formsvc.fields import REGISTRY

LIBRARY = Path(__file__).resolve().parents[2] / "form_definitions"
REQUIRED_PROCEDURES = {"juminhyo-copy", "jidoteate-nintei", "hoiku-riyou", "sodai-gomi", "inu-touroku",
                       "shugaku-enjo", "kodomo-iryohi", "taiyoko-hojo", "okuyami-annai"}


@pytest.fixture(scope="module")
def library():
    loaded, errors = load_all([LIBRARY])
    assert errors == []
    return [item.definition for item in loaded]


def test_every_definition_in_the_library_is_valid():
    files = definition_files([LIBRARY])
    assert len(files) >= 9
    for file in files:
        load_file(file)  # raises with located errors


def test_the_library_models_the_required_procedures(library):
    assert {d.id for d in library} >= REQUIRED_PROCEDURES
    assert len(library) >= 9


def test_the_library_uses_the_field_types_of_the_procedures_residents_meet(library):
    # A new type comes with its own page test (tests/fields); the library shows it once a
    # shipped procedure needs it.
    used = {spec.type for d in library for spec in d.all_fields()}
    assert used <= set(REGISTRY)
    assert used >= {"text", "textarea", "number", "radio", "select", "checkboxes", "yes_no", "date", "name",
                    "kana", "email", "phone", "postal_code", "address", "my_number", "corporate_number", "file",
                    "consent", "guidance"}


def test_the_library_uses_every_construct_of_the_language(library):
    pages = [page for d in library for page in d.pages]
    fields = [spec for d in library for spec in d.all_fields()]
    assert any(page.show_if for page in pages), "a page condition"
    assert any(spec.show_if for spec in fields), "a field condition"
    assert any(page.kind == "exit" for page in pages), "an exit page"
    assert any(page.repeat for page in pages), "a repeating group"
    assert any(d.choice_lists for d in library), "a reusable choice list"
    assert any(d.fee for d in library), "a computed fee"
    assert any(d.rules for d in library), "a cross-field rule"
    assert any(d.computed for d in library), "a computed value"
    assert any(doc.how in ("attach", "either") for d in library for doc in d.documents)
    assert any(doc.how == "bring" for d in library for doc in d.documents)
    assert {d.authentication for d in library} == {"none", "optional", "required"}


def _walk(node):
    """Every mapping inside a loaded model's data (conditions and expressions nest)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_the_library_uses_the_constructs_of_language_v2(library):
    data = [d.model_dump(mode="json", by_alias=True, exclude_none=True) for d in library]
    nodes = [node for d in data for node in _walk(d)]
    fields = [spec for d in library for spec in d.all_fields()]
    computed = [c for d in library for c in d.computed]
    # Shared blocks are expanded when loaded: the sources say where they are used.
    sources = [file.read_text(encoding="utf-8") for file in definition_files([LIBRARY])]
    assert any("{use: applicant" in text for text in sources), "the shared applicant block"
    assert any("{use: bank_account}" in text for text in sources), "the shared bank account block"
    # Shared lists are copied into the loaded definition's choice_lists: the sources say which.
    assert any("choice_list: relationship" in text and "\n  relationship:" not in text for text in sources), \
        "the shared list of 続柄"
    assert any("choice_list: school_grade" in text for text in sources), "the shared list of 学年"
    assert any(spec.type == "bank_account" for spec in fields), "a bank account"
    assert any(c.role == "benefit" for c in computed), "a computed benefit"
    assert any(c.role == "deadline" for c in computed), "a computed deadline"
    assert any(c.show_if for c in computed), "a computed value shown only when it applies"
    assert any(d.outcomes and any(o.deadline for o in d.outcomes) for d in library), "outcomes with a deadline"
    assert any(o.show_if for d in library for o in d.outcomes), "an outcome listed only when it applies"
    assert any(d.outcomes_title for d in library), "outcomes_title"
    assert any(doc.show_if for d in library for doc in d.documents), "a document listed only when it applies"
    assert any(isinstance(d.next_steps, list) for d in library), "conditional next steps"
    assert any(d.valid_from and d.valid_until for d in library), "a 受付期間"
    assert any(page.repeat and page.repeat.first_item_from for d in library for page in d.pages), \
        "a repeat whose first item starts from earlier answers"
    assert any(rule.for_each for d in library for rule in d.rules), "a rule checked in each item"
    assert any("count" in node and "where" in node for node in nodes), "count … where"
    assert any("computed" in node and any(op in node for op in ("gt", "gte", "lt", "lte")) for node in nodes), \
        "a condition on a computed value"
    assert any("matches" in node for node in nodes), "matches"
    for operator in ("floor", "age", "reaches_age", "fiscal_year_end", "school_grade", "add_months", "sum"):
        assert any(operator in node for node in nodes), operator
    assert any(getattr(spec, "check_digit", None) == "insurer_number" for spec in fields), "check_digit"
    assert any(choice.exclusive for spec in fields if spec.type == "checkboxes"
               for choice in spec.all_choices()), "an exclusive choice"
    assert any(getattr(spec, "places", None) for spec in fields if spec.type == "number"), "decimals"
    accepted = {kind for spec in fields if spec.type == "file" for kind in spec.accept}
    assert {"heic", "xlsx", "docx"} <= accepted, accepted
    assert any(page.repeat and page.repeat.per for d in library for page in d.pages), "a nested repeat (per)"
    assert any(spec.required_if for spec in fields), "required_if"
    assert any("count" in node and any(isinstance(node.get(op), dict) and "count" in node[op]
                                       for op in ("gt", "gte", "lt", "lte", "equals"))
               for node in nodes), "a count compared with another count"
    assert any("divide" in node for node in nodes), "divide"
    assert any(getattr(spec, "min_files", None) for spec in fields), "min_files"
    # A field shown by an earlier answer of the same item (就労 → 勤務先).
    assert any(spec.show_if and spec.show_if.field in {f.id for f in page.fields}
               for d in library for page in d.pages if page.repeat for spec in page.fields), \
        "a condition inside a repeated item"


def test_every_file_points_editors_at_the_schema():
    for file in definition_files([LIBRARY]):
        first_line = file.read_text(encoding="utf-8").splitlines()[0]
        assert first_line == "# yaml-language-server: $schema=./schema.json", file.name
