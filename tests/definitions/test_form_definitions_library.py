"""The shipped library of procedures: valid, and together using the whole language."""

from __future__ import annotations

from pathlib import Path

import pytest

from formsvc.definitions.loader import definition_files, load_all, load_file
from formsvc.fields import REGISTRY

LIBRARY = Path(__file__).resolve().parents[2] / "form_definitions"
REQUIRED_PROCEDURES = {"juminhyo-copy", "jidoteate-nintei", "hoiku-riyou", "sodai-gomi", "inu-touroku"}


@pytest.fixture(scope="module")
def library():
    loaded, errors = load_all([LIBRARY])
    assert errors == []
    return [item.definition for item in loaded]


def test_every_definition_in_the_library_is_valid():
    files = definition_files([LIBRARY])
    assert len(files) >= 6
    for file in files:
        load_file(file)  # raises with located errors


def test_the_library_models_the_required_procedures(library):
    assert {d.id for d in library} >= REQUIRED_PROCEDURES
    assert len(library) >= 6


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


def test_every_file_points_editors_at_the_schema():
    for file in definition_files([LIBRARY]):
        first_line = file.read_text(encoding="utf-8").splitlines()[0]
        assert first_line == "# yaml-language-server: $schema=./schema.json", file.name
