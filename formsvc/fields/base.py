"""The field-type plugin contract and its registry.

Each field type is one class (in its own module of this package) that owns:
its YAML schema (it is a pydantic model), its WTForms field, validation, display,
and its representation in exports. ``formsvc.fields`` imports every module of the
package, so adding a field type means adding one module (and its test).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field
from wtforms import Field as WTFField
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation, ValidationError

from formsvc import clock
from formsvc.vocabulary.common import Identifier, StrictModel, Text
from formsvc.vocabulary.conditions import Condition, is_answered

if TYPE_CHECKING:
    from formsvc.definitions.schema import FormDefinition

REGISTRY: dict[str, type[FieldSpec]] = {}

PrefillSource = Literal["name", "address", "birthdate", "gender", "postal_code"]


def register(cls: type[FieldSpec]) -> type[FieldSpec]:
    """Class decorator: make a field type available to definitions by its ``type`` name."""
    name = cls.model_fields["type"].default
    if name in REGISTRY:
        raise RuntimeError(f"field type {name!r} registered twice")
    REGISTRY[name] = cls
    return cls


@dataclass(frozen=True)
class FieldContext:
    """What a field needs to build and check its answer on one request."""

    locale: str = "ja"
    today: date = field(default_factory=clock.today)

    def t(self, ja: str, en: str) -> str:
        return en if self.locale == "en" else ja


@dataclass(frozen=True)
class Problem:
    """A mistake in a definition, at a path relative to the object that found it."""

    path: tuple[str | int, ...]
    message: str


class FieldSpec(StrictModel):
    """Keys every field accepts. Subclasses add ``type: Literal[...]`` and their own keys."""

    type: str
    id: Identifier
    label: Text
    hint: Text | None = None
    required: bool = True
    show_if: Condition | None = None
    prefill: PrefillSource | None = Field(
        None, description="マイナンバーカードの基本4情報から入力する (name, address, birthdate, gender, postal_code)"
    )
    prefill_editable: bool = Field(
        False, description="カードから入力した回答を住民が変更できるか (既定: 変更できない)"
    )

    # Guidance text has no answer; everything else does.
    has_answer: ClassVar[bool] = True
    # Which of the card's 基本4情報 this type can be filled from (see value_from_identity).
    prefill_sources: ClassVar[frozenset[str]] = frozenset()

    # --- WTForms ------------------------------------------------------------------------

    def form_field(self, ctx: FieldContext) -> UnboundField:
        """The unbound WTForms field that asks this question."""
        raise NotImplementedError

    def field_validators(self, ctx: FieldContext) -> list:
        return [AnswerValidator(self, ctx)]

    def label_text(self, ctx: FieldContext) -> str:
        return self.label.get(ctx.locale)

    def automatic_hint(self, ctx: FieldContext) -> str | None:
        """Help every field of this type needs (e.g. the accepted file types), after the hint."""
        return None

    # --- answers ------------------------------------------------------------------------

    def validate_answer(self, value: Any, ctx: FieldContext) -> list[str]:
        """Messages for an answered (non-empty) value; [] when it is acceptable."""
        return []

    def required_message(self, ctx: FieldContext) -> str:
        label = self.label_text(ctx)
        return ctx.t(f"{label}を入力してください", f"Enter {label}")

    def to_json(self, value: Any) -> Any:
        """The answer as stored (JSON types only)."""
        return value

    def from_json(self, data: Any) -> Any:
        return data

    def display(self, value: Any, locale: str = "ja") -> str:
        """The answer as text for check-your-answers, staff pages and PDF records."""
        if not is_answered(value):
            return ""
        return str(value)

    def csv_columns(self) -> list[tuple[str, str]]:
        """(column suffix, header) pairs; one datum per cell (machine-readability rules)."""
        return [("", self.label.ja)]

    def csv_values(self, value: Any) -> list[str]:
        return [self.display(value)]

    def form_inputs(self, value: Any) -> dict[str, list[str]]:
        """The HTML inputs a browser would send for ``value`` (the inverse of parsing).

        Used by counter staff tooling and tests to drive pages as a person would.
        """
        if value is None:
            return {}
        return {self.id: [str(value)]}

    def example_answer(self) -> Any:
        """A valid answer, used by tests and the definition preview."""
        raise NotImplementedError

    # --- static checks ------------------------------------------------------------------

    def references(self) -> set[str]:
        """Other field ids this field refers to (besides its show_if)."""
        return set()

    def problems(self, definition: FormDefinition) -> Iterator[Problem]:
        """Mistakes only visible with the whole definition (e.g. an unknown choice list)."""
        return iter(())

    def prefill_problems(self) -> Iterator[Problem]:
        if self.prefill is not None and self.prefill not in self.prefill_sources:
            allowed = ", ".join(sorted(self.prefill_sources)) or "(なし)"
            yield Problem(("prefill",), f"{self.type} 項目には prefill: {self.prefill} を使えません。"
                                        f"使えるもの: {allowed}")

    # --- the My Number card's 基本4情報 ------------------------------------------------------

    def value_from_identity(self, claims: dict) -> Any:
        """This field's answer taken from the provider's claims (None when they lack it)."""
        return None


class AnswerValidator:
    """Runs a field type's own checks inside WTForms' validation chain."""

    field_flags: ClassVar[dict[str, bool]] = {}

    def __init__(self, spec: FieldSpec, ctx: FieldContext):
        self.spec = spec
        self.ctx = ctx
        if spec.required and spec.has_answer:
            self.field_flags = {"required": True}

    def __call__(self, form, field: WTFField) -> None:
        if field.process_errors:
            # The input could not even be read (e.g. 2月30日); that message is enough.
            raise StopValidation()
        if not is_answered(field.data):
            if self.spec.required:
                raise StopValidation(self.spec.required_message(self.ctx))
            raise StopValidation()
        messages = self.spec.validate_answer(field.data, self.ctx)
        if messages:
            raise ValidationError(messages[0])


def length_messages(
    label: str, value: str, min_length: int | None, max_length: int | None, ctx: FieldContext
) -> list[str]:
    """Shared length rule for text-like fields; counts characters, not bytes."""
    n = len(value)
    if min_length is not None and n < min_length:
        return [ctx.t(f"{label}は{min_length}文字以上で入力してください",
                      f"{label} must be at least {min_length} characters")]
    if max_length is not None and n > max_length:
        return [ctx.t(f"{label}は{max_length}文字以内で入力してください（現在{n}文字）",
                      f"{label} must be {max_length} characters or fewer (now {n})")]
    return []


def first_value(valuelist: Sequence[str]) -> str:
    return valuelist[0].strip() if valuelist else ""
