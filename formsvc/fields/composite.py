"""WTForms plumbing for answers typed into several inputs (年/月/日, 氏/名, address parts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wtforms import Field
from wtforms.utils import unset_value


class CompositeInputField(Field):
    """Reads ``<name>-<part>`` inputs and combines them into one answer.

    Subclasses set ``parts`` and implement ``combine`` (raw texts -> answer, raising
    ValueError with a resident-facing message) and ``split`` (answer -> texts for
    re-display). ``error_part`` names the input an error is about, so the error summary
    can link straight to it.
    """

    parts: tuple[str, ...] = ()

    def __init__(self, *args, combine=None, split=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._combine = combine
        self._split = split
        self.raw_parts: dict[str, str] = {}
        self.error_part: str | None = None

    def part_id(self, part: str) -> str:
        return f"{self.id}-{part}"

    def part_name(self, part: str) -> str:
        return f"{self.name}-{part}"

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = data
        self.raw_data = None
        if formdata is None:
            return
        names = [self.part_name(part) for part in self.parts]
        if not any(name in formdata for name in names):
            return
        self.raw_parts = {part: (formdata.get(self.part_name(part)) or "") for part in self.parts}
        self.raw_data = list(self.raw_parts.values())
        try:
            self.data = self._combine(self.raw_parts)
        except PartError as error:
            self.data = None
            self.error_part = error.part
            self.process_errors.append(error.message)

    def part_value(self, part: str) -> str:
        """What to show in one input: what was typed, else the stored answer."""
        if self.raw_parts:
            return self.raw_parts.get(part, "")
        if self.data is None:
            return ""
        return self._split(self.data).get(part, "")


def part_inputs(field_id: str, parts: dict[str, str]) -> dict[str, list[str]]:
    return {f"{field_id}-{part}": [text] for part, text in parts.items()}


class PartError(ValueError):
    def __init__(self, message: str, part: str | None = None):
        super().__init__(message)
        self.message = message
        self.part = part


def stripped(raw: Mapping[str, Any]) -> dict[str, str]:
    return {key: (value or "").strip().strip("\u3000") for key, value in raw.items()}
