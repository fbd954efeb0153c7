"""How the structured editor asks a field type's own options (the keys beyond those every
question has): declared on the option itself, as pydantic field metadata::

    max_files: Annotated[int, AdminOption("ファイルの数の上限", "int", hint="20まで")] = Field(1, ge=1)

The editor (formsvc.admin) offers each option with an input of its ``kind``; a key without an
AdminOption is left to the YAML (e.g. a radio question's ``choices``, which have their own box).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from formsvc.fields.base import FieldSpec

# int / number: typed numbers; bool: a checkbox; str: one line; text: a Text (Japanese; the
# English is kept); longtext: a Text of paragraphs; date_bound: a date or days from today;
# accept: checkboxes of ``choices``; pattern: a regular expression and its message.
OptionKind = Literal["int", "number", "bool", "str", "text", "longtext", "date_bound", "accept", "pattern"]


@dataclass(frozen=True)
class AdminOption:
    label: str
    kind: OptionKind
    hint: str | None = None
    # What the change history calls the option, when a sentence needs other words than the label
    # (「整数のみ」を変更, not 「整数だけを受け付ける」を変更).
    noun: str | None = None
    # (value, words) offered by an ``accept`` option.
    choices: tuple[tuple[str, str], ...] = ()
    # A developer's setting (a regular expression, an HTML attribute, an id to fill): the editor
    # shows it under 詳細設定, apart from the everyday ones.
    advanced: bool = False

    @property
    def name(self) -> str:
        return self.noun or self.label


def admin_options(model: type[FieldSpec]) -> dict[str, AdminOption]:
    """The type's own options, in the order a definition writes them."""
    found = {}
    for key, info in model.model_fields.items():
        option = next((item for item in info.metadata if isinstance(item, AdminOption)), None)
        if option is not None:
            found[key] = option
    return found
