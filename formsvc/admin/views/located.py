"""Errors located in a definition's text (line:column and message), and the text's lines
around them, for the pages that show a refused definition."""

from __future__ import annotations

from dataclasses import dataclass

from formsvc.definitions.errors import DefinitionError


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    errors: tuple[str, ...]


def listing(text: str, errors: list[DefinitionError], context: int | None = None) -> list[list[Line]]:
    """The text's numbered lines in sections (all of them, or ``context`` lines around each error)."""
    lines = text.splitlines() or [""]
    by_line: dict[int, list[str]] = {}
    for error in errors:
        line = min(max(error.line, 1), len(lines))
        by_line.setdefault(line, []).append(f"{error.column}列: {error.message}")
    if context is None:
        wanted = list(range(1, len(lines) + 1))
    else:
        wanted = sorted({n for line in by_line for n in range(line - context, line + context + 1)
                         if 1 <= n <= len(lines)})
    sections: list[list[Line]] = []
    for number in wanted:
        if not sections or sections[-1][-1].number != number - 1:
            sections.append([])
        sections[-1].append(Line(number, lines[number - 1], tuple(by_line.get(number, ()))))
    return sections


def located_summary(errors: list[DefinitionError]) -> list[tuple[str, str]]:
    """The error summary's lines, each linking to its line of the listing."""
    return [(f"{error.line}行{error.column}列: {error.path + ': ' if error.path else ''}{error.message}",
             f"line-{error.line}") for error in errors]


def first_errors(errors: list[DefinitionError], count: int = 3) -> str:
    """The first few errors on one line, for a message that cannot show the text."""
    return "; ".join(f"{e.line}行{e.column}列: {e.message}" for e in errors[:count])
