"""Located errors in definitions: ``file:line:column: path: message``."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, order=True)
class DefinitionError:
    file: str
    line: int  # 1-based, as editors show it
    column: int  # 1-based
    path: str  # e.g. pages[2].fields[0].type
    message: str
    # An error inside a shared block (formsvc.definitions.library) is located in the block's
    # file; these say which definition's `use:` brought the block in, and where.
    used_in: str = ""
    used_line: int = 0
    used_column: int = 0

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        text = f"{self.file}:{self.line}:{self.column}: {where}{self.message}"
        if self.used_in:
            text += f" ({self.used_in} {self.used_line}行目の use: から)"
        return text

    def at_use(self) -> DefinitionError:
        """The error placed at the `use:` line of the definition being read (for a view that
        shows only that definition's text); the block's location goes into the message.
        An error of the definition itself is returned as it is."""
        if not self.used_in:
            return self
        block = f"{self.file}:{self.line}:{self.column}"
        where = f" {self.path}" if self.path else ""
        return replace(self, file=self.used_in, line=self.used_line, column=self.used_column, path="",
                       message=f"共通ブロック ({block}{where}): {self.message}",
                       used_in="", used_line=0, used_column=0)


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
