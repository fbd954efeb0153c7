"""The form definition language: one YAML document per procedure.

The pydantic models here are the single source of truth: the loader validates with them,
``form_definitions/schema.json`` is generated from them, and the app runs on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Literal, Union

from pydantic import Discriminator, Field, model_validator

from formsvc.fields import REGISTRY, FieldSpec
from formsvc.fields.choices import ChoiceItem, ChoiceSpec
from formsvc.vocabulary.common import Identifier, Slug, StrictModel, Text
from formsvc.vocabulary.conditions import Condition
from formsvc.vocabulary.expressions import ExpressionValue

# The registry decides which field types exist; the union is built from it at import time.
# A type checker cannot follow a union built at run time: to it, a question is a FieldSpec.
if TYPE_CHECKING:
    AnyField = FieldSpec
else:
    AnyField = Annotated[Union[tuple(REGISTRY.values())], Discriminator("type")]  # noqa: UP007


class LifeEvent(StrEnum):
    """Life events residents browse by (ライフイベント)."""

    birth = "birth"
    childcare = "childcare"
    moving = "moving"
    marriage = "marriage"
    death = "death"
    health = "health"
    elderly_care = "elderly_care"
    pets = "pets"
    waste = "waste"
    certificates = "certificates"
    disaster = "disaster"
    tax = "tax"
    business = "business"


LIFE_EVENT_LABELS = {
    LifeEvent.birth: ("出生・妊娠", "Pregnancy and birth"),
    LifeEvent.childcare: ("子育て", "Raising children"),
    LifeEvent.moving: ("引越し", "Moving"),
    LifeEvent.marriage: ("結婚・離婚", "Marriage and divorce"),
    LifeEvent.death: ("おくやみ", "Bereavement"),
    LifeEvent.health: ("健康・保険", "Health and insurance"),
    LifeEvent.elderly_care: ("介護・高齢者", "Elderly care"),
    LifeEvent.pets: ("ペット", "Pets"),
    LifeEvent.waste: ("ごみ・リサイクル", "Waste and recycling"),
    LifeEvent.certificates: ("証明書", "Certificates"),
    LifeEvent.disaster: ("防災・災害", "Disasters"),
    LifeEvent.tax: ("税金", "Taxes"),
    LifeEvent.business: ("事業者", "Businesses"),
}


class Contact(StrictModel):
    phone: str | None = None
    email: str | None = None
    address: Text | None = None
    hours: Text | None = Field(None, description="受付時間 (例: 平日 8時30分から17時15分)")


class Department(StrictModel):
    name: Text
    contact: Contact | None = None


class Fee(StrictModel):
    """The fee, computed from the answers and shown to the resident before submitting."""

    amount: ExpressionValue = Field(description="手数料の式 (例: {multiply: [{field: copies}, 300]})")
    description: Text | None = Field(None, description="料金の説明 (例: 1通300円)")
    payment: Text | None = Field(None, description="支払い方法")


class Computed(StrictModel):
    """A value computed from answers (e.g. a total) and shown on the check page."""

    id: Identifier
    label: Text
    expression: ExpressionValue
    unit: str | None = None


class Document(StrictModel):
    name: Text
    how: Literal["bring", "attach", "either"] = Field(
        "bring", description="bring: 窓口に持参 / attach: 添付 / either: どちらでも"
    )
    note: Text | None = None
    show_if: Condition | None = None


class Retention(StrictModel):
    years: int = Field(ge=1, le=150, description="申請データの保存年限")
    basis: Text | None = Field(None, description="根拠 (例: 文書管理規程)")


class Repeat(StrictModel):
    """This page is asked once per item (child, household member, item to collect)."""

    min: int = Field(1, ge=0)
    max: int = Field(ge=1, le=100)
    item_label: Text = Field(description="1件の呼び方 (例: 子ども)")
    summary_field: Identifier | None = Field(None, description="一覧に表示する項目のID")

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Repeat:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) が max ({self.max}) より大きくなっています")
        return self


class Page(StrictModel):
    id: Identifier
    title: Text
    description: Text | None = None
    kind: Literal["question", "exit"] = Field(
        "question", description="exit: 「この手続きの対象ではありません」と案内して終わるページ"
    )
    show_if: Condition | None = Field(None, description="このページを表示する条件")
    repeat: Repeat | None = None
    fields: list[AnyField] = Field(default_factory=list)

    def answer_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields if f.has_answer]


class Rule(StrictModel):
    """A check across answers, e.g. the end date is after the start date."""

    id: Identifier
    when: Condition | None = Field(None, description="このルールを確認する条件 (省略時は常に)")
    check: Condition = Field(description="満たすべき条件")
    field: Identifier = Field(description="メッセージを表示する項目のID")
    message: Text


class FormDefinition(StrictModel):
    schema_: str | None = Field(None, alias="$schema", description="エディタ補完用のスキーマ")
    id: Slug = Field(description="手続きの固定ID (URLに使われ、変更しない)")
    title: Text
    description: Text
    eligibility: Text | None = Field(None, description="申請できる人")
    department: Department
    life_events: list[LifeEvent] = Field(default_factory=list)
    authentication: Literal["none", "optional", "required"] = Field(
        "none", description="マイナンバーカードによる本人確認"
    )
    time_needed_minutes: int | None = Field(None, ge=1, le=240)
    fee: Fee | None = None
    computed: list[Computed] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    declaration: Text = Field(description="送信前の宣誓 (例: 上記の内容に相違ありません)")
    next_steps: Text = Field(description="送信後の流れ")
    retention: Retention
    choice_lists: dict[Identifier, list[ChoiceItem]] = Field(default_factory=dict)
    pages: list[Page] = Field(min_length=1)
    rules: list[Rule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _resolve_choice_lists(self) -> FormDefinition:
        for spec in self.all_fields():
            if isinstance(spec, ChoiceSpec):
                spec.resolve_choices(self.choice_lists)
        return self

    def all_fields(self) -> Iterator[FieldSpec]:
        for page in self.pages:
            yield from page.fields

    @cached_property
    def _fields_by_id(self) -> dict[str, FieldSpec]:
        return {spec.id: spec for spec in self.all_fields()}

    @cached_property
    def _page_of_field(self) -> dict[str, Page]:
        return {spec.id: page for page in self.pages for spec in page.fields}

    def field_by_id(self, field_id: str) -> FieldSpec | None:
        return self._fields_by_id.get(field_id)

    def page_of(self, field_id: str) -> Page | None:
        return self._page_of_field.get(field_id)

    def page_by_id(self, page_id: str) -> Page | None:
        return next((page for page in self.pages if page.id == page_id), None)
