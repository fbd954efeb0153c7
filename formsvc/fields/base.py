"""The field-type plugin contract and its registry.

Each field type is one class (in its own module of this package) that owns everything about
the type: its YAML schema (it is a pydantic model) with the administrators' labels of its
options (formsvc.fields.admin_options), its name in their pages, what conditions and
expressions may do with its answer, its WTForms field and its look (``draw`` with
formsvc.fields.drawing, or its template ``fields/<type>.html``), validation, display, its
representation in exports, what it does with uploads and postal-code lookups, and which of the
resident's details it carries at the counter. ``formsvc.fields``
imports every module of the package, so adding a field type means adding one module, its
drawing or template, and its test.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Literal, Protocol, TypeVar

from markupsafe import Markup
from pydantic import Field, model_validator
from wtforms import Field as WTFField
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation, ValidationError

from formsvc import clock
from formsvc.fields.composite import CompositeInputField, part_inputs
from formsvc.fields.drawing import QuestionView
from formsvc.japanese.postal import PostalAddress
from formsvc.vocabulary.common import Identifier, StrictModel, Text
from formsvc.vocabulary.conditions import Condition, is_answered

REGISTRY: dict[str, type[FieldSpec]] = {}
# The template of a question drawn in Python (FieldSpec.draw): it outputs the drawing.
DRAWN_TEMPLATE = "fields/_drawn.html"
SpecT = TypeVar("SpecT", bound="FieldSpec")

PrefillSource = Literal["name", "address", "birthdate", "gender", "postal_code"]
# The resident's details a counter visit keeps once (formsvc.counter.resident.MEANINGS).
CarryOver = Literal["name", "name_kana", "address", "birthdate", "gender", "phone", "email",
                    "postal_code"]


def register(cls: type[SpecT]) -> type[SpecT]:
    """Class decorator: make a field type available to definitions by its ``type`` name."""
    name = cls.model_fields["type"].default
    if name in REGISTRY:
        raise RuntimeError(f"field type {name!r} registered twice")
    if "type_label" not in cls.__dict__:
        raise RuntimeError(f"field type {name!r} has no type_label for the administrators' pages")
    REGISTRY[name] = cls
    return cls


def registered_types() -> list[type[FieldSpec]]:
    """Every field type, in the order the administrators' "add a question" menu offers them."""
    return sorted(REGISTRY.values(), key=lambda cls: cls.menu_position)


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


class WholeDefinition(Protocol):
    """What a field's own checks read from the definition around it (``FieldSpec.problems``);
    formsvc.definitions.schema.FormDefinition is one."""

    @property
    def choice_lists(self) -> Mapping[str, Sequence[object]]: ...

    def field_by_id(self, field_id: str) -> FieldSpec | None: ...


class FieldSpec(StrictModel):
    """Keys every field accepts. Subclasses add ``type: Literal[...]`` and their own keys."""

    type: str
    id: Identifier
    label: Text
    hint: Text | None = None
    required: bool = True
    show_if: Condition | None = None
    required_if: Condition | None = Field(
        None, description="この条件が成り立つときだけ必須 (書くと、それ以外のときは任意。required は書かない)"
    )
    prefill: PrefillSource | None = Field(
        None, description="マイナンバーカードの基本4情報から入力する (name, address, birthdate, gender, postal_code)"
    )
    prefill_editable: bool = Field(
        False, description="カードから入力した回答を住民が変更できるか (既定: 変更できない)"
    )

    @model_validator(mode="before")
    @classmethod
    def _required_if_means_optional_otherwise(cls, data: Any) -> Any:
        """A question with ``required_if`` is required only while its condition holds, so it is
        read as ``required: false`` and the condition is checked when its page is sent."""
        if isinstance(data, dict) and data.get("required_if") is not None:
            if data.get("required") is True:
                raise ValueError("required_if を書いた項目には required: true を書けません。"
                                 "条件が成り立つときだけ必須になります。required を消してください")
            return {**data, "required": False}
        return data

    # The type's name in the administrators' pages (Japanese, English), and where their
    # "add a question" menu offers it (lower first).
    type_label: ClassVar[tuple[str, str]]
    menu_position: ClassVar[int] = 1000
    # Guidance text has no answer; everything else does.
    has_answer: ClassVar[bool] = True
    # Which of the card's 基本4情報 this type can be filled from (see value_from_identity).
    prefill_sources: ClassVar[frozenset[str]] = frozenset()
    # Answers are upload dicts (stored files), not typed values.
    receives_uploads: ClassVar[bool] = False
    # The detail of the resident a counter visit shares across procedures that a question of
    # this type asks, when not marked ``prefill:`` (formsvc.counter.carryover); None: none.
    # Not guessed from ids: a 生年月日 or 性別 may be a dog's, so dates and radio buttons carry
    # the resident's only when marked ``prefill:``.
    carry_over: ClassVar[CarryOver | None] = None
    # Conditions may compare the answer with gt / gte / lt / lte (it is ordered).
    comparable: ClassVar[bool] = False
    # Expressions may compute with the answer ({field: id}).
    computable: ClassVar[bool] = False
    # The answer is a quantity a fee may be multiplied by (the editor's 「数値の項目 × 金額」).
    quantity: ClassVar[bool] = False
    # The answer is a list of choices: conditions may ask whether it ``contains`` one.
    several_choices: ClassVar[bool] = False
    # The answer is text typed by the resident: conditions may test it with ``matches`` (a
    # regular expression, bounded by the question's max_length like its ``pattern``).
    matchable: ClassVar[bool] = False
    # Only ever shown masked, and kept masked in the audit trail (formsvc.submissions.protection).
    protected: ClassVar[bool] = False
    # The inputs are options numbered <id>-0, <id>-1 … (radio buttons, checkboxes); a browser
    # sends nothing for them when none is chosen.
    numbered_inputs: ClassVar[bool] = False

    # --- WTForms ------------------------------------------------------------------------

    def form_field(self, ctx: FieldContext) -> UnboundField:
        """The unbound WTForms field that asks this question."""
        raise NotImplementedError

    def field_validators(self, ctx: FieldContext) -> list:
        return [AnswerValidator(self, ctx)]

    def label_text(self, ctx: FieldContext) -> str:
        return self.label.get(ctx.locale)

    def template_name(self) -> str:
        """The template that shows the question (given a FieldView as ``field``): the type's own,
        or for a type drawn in Python (``draw``) the one that outputs that drawing (for the pages
        that include a question's template, such as the counter's)."""
        return f"fields/{self.type}.html" if type(self).draw is FieldSpec.draw else DRAWN_TEMPLATE

    def draw(self, view: QuestionView) -> Markup | None:
        """The question's HTML drawn in Python (with formsvc.fields.drawing), or None when its
        template draws it. The types on most residents' pages are drawn so: a template include
        and its macros cost a page more than the HTML they make (issue 17)."""
        return None

    def error_target(self, bound: WTFField) -> str:
        """The id of the input an error links to: the first one the resident must fix."""
        if isinstance(bound, CompositeInputField):
            return bound.part_id(bound.error_part or bound.parts[0])
        return f"{bound.id}-0" if self.numbered_inputs else bound.id

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

    def validate_value(self, value: Any, ctx: FieldContext) -> list[str]:
        """Messages for a stored (JSON-form) answer, as if it had been typed in: [] when it is
        acceptable, the required message when it is unanswered and required."""
        answer = None
        if is_answered(value):
            try:
                answer = self.read_stored(value, ctx)
            except ValueError as error:
                return [str(error)]
        if not is_answered(answer):
            return [self.required_message(ctx)] if self.required and self.has_answer else []
        return self.validate_answer(answer, ctx)

    def read_stored(self, data: Any, ctx: FieldContext) -> Any:
        """The answer of a stored value, read as its inputs would be (ValueError with the
        resident-facing message when they would not be). Types that check while reading their
        inputs (氏/名, address parts) check the same here."""
        return self.from_json(data)

    def answer_from_input(self, data: Any) -> Any:
        """The value to store from the bound WTForms field's ``data`` (None: unanswered)."""
        return None if data is None else self.to_json(data)

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

    def problems(self, definition: WholeDefinition) -> Iterator[Problem]:
        """Mistakes only visible with the whole definition (e.g. an unknown choice list)."""
        return iter(())

    def compared_value_problem(self, value: object) -> str | None:
        """Why a condition's literal ``value`` (equals, one_of …) can never be this question's
        answer, or None."""
        return None

    def condition_value(self, text: str) -> Any:
        """The value an administrator typed into the editor's condition form, read as this
        question's answers are (ValueError with a message when it cannot be one)."""
        return text

    def literal_words(self, value: object) -> str | None:
        """A condition's literal as this question shows that answer (a choice's label), or None
        when it has no words of its own."""
        return None

    def amounts(self) -> Mapping[str, Decimal]:
        """Amounts of money that answers carry (a choice's ``amount``), by answer."""
        return {}

    def prefill_problems(self) -> Iterator[Problem]:
        if self.prefill is not None and self.prefill not in self.prefill_sources:
            allowed = ", ".join(sorted(self.prefill_sources)) or "(なし)"
            yield Problem(("prefill",), f"{self.type} 項目には prefill: {self.prefill} を使えません。"
                                        f"使えるもの: {allowed}")

    # --- the My Number card's 基本4情報 and the postal-code lookup --------------------------

    def value_from_identity(self, claims: dict) -> Any:
        """This field's answer taken from the provider's claims (None when they lack it)."""
        return None

    def address_lookup_target(self) -> str | None:
        """The id of the address question a postal-code lookup of this field fills."""
        return None

    def value_from_postal_address(self, found: PostalAddress) -> Any | None:
        """The answer this field starts with when its postal code's lookup found ``found``."""
        return None


class CompositeSpec(FieldSpec):
    """A question answered in several inputs: its stored answer is the dict of its parts, read
    back (``read_stored``) and re-checked through the same ``combine`` that reads the inputs."""

    def combine(self, raw: Mapping[str, str], ctx: FieldContext) -> Any:
        raise NotImplementedError

    def read_stored(self, data: Any, ctx: FieldContext) -> Any:
        return self.combine(data, ctx)

    def form_inputs(self, value: Any) -> dict[str, list[str]]:
        return part_inputs(self.id, value) if value else {}


class AnswerValidator:
    """Runs a field type's own checks inside WTForms' validation chain."""

    def __init__(self, spec: FieldSpec, ctx: FieldContext):
        self.spec = spec
        self.ctx = ctx
        # WTForms sets these flags on the field: templates mark it ※必須.
        self.field_flags = {"required": True} if spec.required and spec.has_answer else {}

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
