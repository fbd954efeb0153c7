"""Located errors in definitions: ``file:line:column: path: message``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class DefinitionError:
    file: str
    line: int  # 1-based, as editors show it
    column: int  # 1-based
    path: str  # e.g. pages[2].fields[0].type
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"


class DefinitionInvalid(Exception):
    """A definition that must not be loaded, with every error found in it."""

    def __init__(self, errors: list[DefinitionError]):
        self.errors = sorted(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


def format_path(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
