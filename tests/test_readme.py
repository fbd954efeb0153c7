"""README.md promises what a newcomer relies on: the two commands and a valid example."""

from __future__ import annotations

import re
from pathlib import Path

from formsvc.definitions.loader import load_text

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_two_commands():
    assert "make run" in README and "make test" in README


def test_the_readme_example_definition_is_valid():
    blocks = re.findall(r"```yaml\n(.*?)```", README, flags=re.S)
    assert blocks, "README.md has no YAML example"
    loaded = load_text(blocks[0], "README.md")
    assert loaded.definition.id == "inkan-shomei"
    assert {spec.type for spec in loaded.definition.all_fields()} >= {"name", "number", "radio"}
