"""Building blocks shared by the definition schema and the field types."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from formsvc.vocabulary.regex_words import regex_problem

# Ids become HTML ids, form names and CSV headers, so keep them to a safe ASCII shape.
Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$"),
    Field(description="英小文字で始まり、英小文字・数字・_ のみ (例: copies, child_name)"),
]
Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,62}$"),
    Field(description="URLに使う英小文字・数字・ハイフン (例: juminhyo-copy)"),
]


class StrictModel(BaseModel):
    """Unknown keys are errors: a misspelt key must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _text_from_plain_string(value: Any) -> Any:
    return {"ja": value} if isinstance(value, str) else value


class LocalizedText(StrictModel):
    """Japanese text (required) with an optional English translation."""

    ja: Annotated[str, StringConstraints(min_length=1)]
    en: str | None = None

    def get(self, locale: str = "ja") -> str:
        if locale == "en" and self.en:
            return self.en
        return self.ja

    def __str__(self) -> str:
        return self.ja


class AlsoAccepts:
    """Adds the short form that a BeforeValidator accepts to the exported JSON Schema,
    so that editors offer both (e.g. ``label: 氏名`` as well as ``label: {ja: 氏名}``)."""

    def __init__(self, short_form: dict):
        self.short_form = short_form

    def __get_pydantic_json_schema__(self, core_schema, handler):
        return {"anyOf": [self.short_form, handler(core_schema)]}


# In YAML a plain string means Japanese text: `label: 氏名` or `label: {ja: 氏名, en: Name}`.
Text = Annotated[
    LocalizedText,
    BeforeValidator(_text_from_plain_string),
    AlsoAccepts({"type": "string", "minLength": 1}),
]

# bool first: True and False are ints to Python, and pydantic serialises a union "laxly" (first
# member that accepts the value) whenever the model holding it is not an exact match for its own
# member of an enclosing union (e.g. a question whose float option still holds an int default).
# With int before bool, `equals: false` was stored as `equals: 0` and the published version no
# longer compiled. Validation is unaffected (smart mode takes the exact type first).
Scalar = bool | str | int | float


def _compiles(value: str) -> str:
    # Refused where it is written, in the administrator's words, rather than failing on a
    # resident's answer later.
    try:
        re.compile(value)
    except (re.error, OverflowError, RecursionError) as error:
        raise ValueError(regex_problem(error)) from error
    return value


# A regular expression an administrator writes, matched against a whole answer (a text question's
# ``pattern`` and the ``matches`` condition share it).
Regex = Annotated[str, AfterValidator(_compiles)]


# C0, DEL and C1: what request_guard refuses in keys and paths (not imported from it: definitions
# are read without Flask, e.g. by `formsvc validate`).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def quoted(value: object) -> str:
    """A value from a definition as an error message quotes it: at most 40 characters, control
    characters shown as \ufffd (a message must not carry a NUL or a line break into a page)."""
    shown = _CONTROL.sub("\ufffd", str(value))
    return shown if len(shown) <= 40 else shown[:40] + "…"
