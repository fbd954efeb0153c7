"""The form definition language: one YAML document per procedure.

The pydantic models here are the single source of truth: the loader validates with them,
``form_definitions/schema.json`` is generated from them, and the app runs on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, PrivateAttr, Tag, model_validator
from pydantic_core import PydanticCustomError

from formsvc.fields import REGISTRY, FieldSpec
from formsvc.fields.choices import ChoiceItem, ChoiceSpec
from formsvc.vocabulary.common import Identifier, Slug, StrictModel, Text
from formsvc.vocabulary.conditions import Condition
from formsvc.vocabulary.expressions import ExpressionValue, round_to
from formsvc.vocabulary.values import Value, format_date, format_number, plain_decimal, value_from_json, with_unit

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
    online_payment: bool = Field(
        True, description="オンライン申請では送信前に支払う (false: 納付書など後払い。窓口では常に収納する)")


class Computed(StrictModel):
    """A value computed from answers (a total, a subsidy amount, a deadline), shown on the check
    page and kept with the submission (formsvc.vocabulary.expressions: Decimal, date or None)."""

    id: Identifier
    label: Text
    expression: ExpressionValue
    unit: Text | None = Field(None, description="数値の後ろに表示する単位 (例: 円, kW, {ja: 点, en: items})")
    places: int | None = Field(
        None, ge=0, le=6,
        description="小数点以下の表示桁数 (四捨五入)。省略時は計算結果のまま (末尾の0は表示しない)")
    role: Literal["value", "benefit", "deadline"] = Field(
        "value", description="value: 計算結果 / benefit: 補助金額・給付額 / deadline: 期限 (日付)")
    show_if: Condition | None = Field(None, description="表示・保存する条件 (省略時は常に)")

    def shown(self, value: Value) -> Value:
        """The value as shown and stored: rounded (四捨五入) to ``places`` when it is set."""
        if isinstance(value, Decimal) and self.places is not None:
            return round_to(value, Decimal(1).scaleb(-self.places), "round")
        return value

    def display(self, value: Value, locale: str = "ja") -> str:
        """The value as a resident reads it: 「4.91 kW」, 「12,000円」, 「2027年3月31日(令和9年3月31日)」
        ("31 March 2027" in English); "" when it cannot be computed yet."""
        value = self.shown(value)
        if value is None:
            return ""
        if isinstance(value, date):
            return format_date(value, locale)
        return with_unit(format_number(value, self.places), self.unit.get(locale) if self.unit else None, locale)

    def to_json(self, value: Value) -> str | None:
        """As stored with a submission: "4.91", "12000", "2027-03-31" (None: not computable)."""
        value = self.shown(value)
        if value is None:
            return None
        return value.isoformat() if isinstance(value, date) else plain_decimal(value)

    def from_json(self, text: object) -> Value:
        """A stored value read back; what cannot be read (a forged or damaged record) is None."""
        return value_from_json(text)




class Document(StrictModel):
    name: Text
    how: Literal["bring", "attach", "either"] = Field(
        "bring", description="bring: 窓口に持参 / attach: 添付 / either: どちらでも"
    )
    note: Text | None = None
    show_if: Condition | None = None


class NextStep(StrictModel):
    """One paragraph of 「このあとの流れ」, shown only when its condition holds."""

    text: Text
    show_if: Condition | None = Field(None, description="この案内を表示する条件 (省略時は常に)")


def _next_steps_shape(value: object) -> str:
    """Which form of next_steps the data is: only that form is validated, so a mistake inside
    the list is reported once, not also as "this is not text"."""
    return "list[...]" if isinstance(value, list) else "Text"


NextSteps = Annotated[
    # Tags are not key-like (capital, brackets): error paths then name only the data's keys.
    Annotated[Text, Tag("Text")] | Annotated[list[NextStep], Field(min_length=1), Tag("list[...]")],
    Discriminator(_next_steps_shape),
]


class Outcome(StrictModel):
    """A procedure the answers lead to (おくやみ: 年金の届出, 国保の資格喪失…), shown after the
    answers on the check page, the done page, the e-mail and the record, with its deadline."""

    id: Identifier
    title: Text = Field(description="手続きの名前 (例: 国民健康保険の資格喪失届)")
    body: Text | None = Field(None, description="窓口・持ち物などの説明")
    show_if: Condition | None = Field(None, description="この手続きが必要になる条件 (省略時は全員)")
    deadline: Identifier | None = Field(None, description="期限: 日付になる computed のID")


class Retention(StrictModel):
    years: int = Field(ge=1, le=150, description="申請データの保存年限")
    basis: Text | None = Field(None, description="根拠 (例: 文書管理規程)")


class Repeat(StrictModel):
    """This page is asked once per item (child, household member, item to collect)."""

    min: int = Field(1, ge=0)
    max: int = Field(ge=1, le=100)
    item_label: Text = Field(description="1件の呼び方 (例: 子ども)")
    summary_field: Identifier | None = Field(None, description="一覧に表示する項目のID")
    # The first item starts with earlier answers: {item field id: earlier field id}, e.g. the
    # first 世帯員 is the applicant (helper C, issue 13).
    first_item_from: dict[Identifier, Identifier] = Field(
        default_factory=dict, description="1件目に前のページの回答を入れる {このページの項目ID: 前の項目ID}")
    # Nested repeat (one level): asked for each item of an earlier repeating page, e.g. each
    # 世帯員's 収入 (formsvc.applications.answers stores them per parent item).
    per: Identifier | None = Field(
        None, description="親の繰り返しページのID (その各件ごとにこのページを繰り返す。例: 世帯員ごとの収入)")

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
    # Checked once per item of this repeating page, inside the item (helper C, issue 13).
    for_each: Identifier | None = Field(None, description="各件ごとに確かめる繰り返しページのID")


class PageOverride(StrictModel):
    """A page as one channel asks it (channels.<channel>.pages.<page id>)."""

    omit: bool = Field(False, description="true: このチャネルではこのページを尋ねない")
    title: Text | None = None
    description: Text | None = None


class FieldOverride(BaseModel):
    """A question as one channel asks it: ``omit``, or any key of that question's type (label,
    hint, min, max, required, ...). The keys are checked against the question's type by
    formsvc.definitions.channels (the whole question is validated again with them)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    omit: bool = Field(False, description="true: このチャネルではこの項目を尋ねない")


class RuleOverride(StrictModel):
    omit: bool = Field(False, description="true: このチャネルではこのルールを確かめない (省略した項目を読むルールなど)")


class ChannelOverride(StrictModel):
    """What differs on one channel (formsvc.definitions.channels builds the channel's definition)."""

    same_day_issue: bool | None = Field(None, description="このチャネルでは即日交付する (審査なし)")
    pages: dict[Identifier, PageOverride] = Field(default_factory=dict, description="ページIDごとの変更")
    fields: dict[Identifier, FieldOverride] = Field(
        default_factory=dict, description="項目IDごとの変更 (共通ブロックの項目は prefix 付きのID)")
    rules: dict[Identifier, RuleOverride] = Field(default_factory=dict, description="ルールIDごとの省略")
    next_steps: NextSteps | None = Field(None, description="このチャネルでの送信後の流れ (置き換え)")
    declaration: Text | None = Field(None, description="このチャネルでの宣誓 (置き換え)")
    documents: list[Document] | None = Field(None, description="このチャネルでの必要書類 (置き換え)")


class Channels(StrictModel):
    """Per channel (online: 行かない窓口, counter: 書かない窓口), what differs from the definition."""

    online: ChannelOverride | None = None
    counter: ChannelOverride | None = None


class StatusLabels(StrictModel):
    """The procedure's own names for statuses (粗大ごみ: approved → 収集日決定), shown to residents and
    staff instead of the defaults; keys are formsvc.submissions.status codes (another key is an error)."""

    received: Text | None = Field(None, description="受付 の代わりの表示名")
    in_review: Text | None = Field(None, description="審査中 の代わりの表示名")
    correction_requested: Text | None = Field(None, description="差し戻し の代わりの表示名")
    approved: Text | None = Field(None, description="承認 の代わりの表示名 (例: 収集日決定, 内定)")
    rejected: Text | None = Field(None, description="却下 の代わりの表示名")
    completed: Text | None = Field(None, description="完了（交付済） の代わりの表示名 (例: 収集済み, 交付済み)")
    withdrawn: Text | None = Field(None, description="取下げ の代わりの表示名")


def _date_not_number(value: object) -> object:
    """受付期間 dates as written (2027-04-01): pydantic would read a number as seconds since 1970."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError("date_type", "日付を YYYY-MM-DD の形で書いてください")
    return value


CalendarDate = Annotated[date, BeforeValidator(_date_not_number)]


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
    # 受付期間 (construct: effective dates): copied to the published version, which residents
    # get only on these days; next 年度's version can be published ahead with a later valid_from.
    valid_from: CalendarDate | None = Field(None, description="受付開始日 (この日から受け付ける。例: 2027-04-01)")
    valid_until: CalendarDate | None = Field(None, description="受付終了日 (この日まで受け付ける。例: 2028-03-31)")
    fee: Fee | None = None
    computed: list[Computed] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    declaration: Text = Field(description="送信前の宣誓 (例: 上記の内容に相違ありません)")
    next_steps: NextSteps = Field(
        description="送信後の流れ: 文章、または条件つきの段落の並び [{text, show_if}]")
    outcomes_title: Text | None = Field(None, description="outcomes の見出し (省略時は「あなたに必要な手続き」)")
    outcomes: list[Outcome] = Field(default_factory=list, description="回答から分かる、必要な手続きの一覧")
    retention: Retention
    choice_lists: dict[Identifier, list[ChoiceItem]] = Field(default_factory=dict)
    pages: list[Page] = Field(min_length=1)
    rules: list[Rule] = Field(default_factory=list)
    same_day_issue: bool = Field(
        False, description="即日交付 (審査なしでその場で交付する)。ふつうは channels.counter に書く")
    status_labels: StatusLabels | None = Field(
        None, description="状況の表示名: 状況コードごとの名前 (例: {approved: 収集日決定, completed: 収集済み})")
    channels: Channels | None = Field(
        None, description="チャネル (online / counter) ごとの変更: ページ・項目の省略、文言、next_steps など")
    # A channel's definition (for_channel) keeps the definition it was derived from: the
    # variant has no ``channels:`` left, so another channel is derived from the base, and
    # whoever reads every channel's answers (個人番号 protection, CSV) gets every question.
    # Private: never dumped, not in the schema.
    _base: FormDefinition | None = PrivateAttr(None)

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

    def nested_pages(self, page_id: str) -> list[Page]:
        """The repeating pages asked per item of ``page_id`` (``repeat.per``), in order."""
        return [page for page in self.pages if page.repeat is not None and page.repeat.per == page_id]

    @cached_property
    def _channel_variants(self) -> dict[str, FormDefinition]:
        return {}

    def for_channel(self, channel: str) -> FormDefinition:
        """The definition as ``channel`` asks it ("preview" is online): its pages and questions,
        wording and next steps (formsvc.definitions.channels). Itself when nothing differs. On a
        channel's definition, the other channel is derived from the base, never from this one."""
        from formsvc.definitions.channels import derive  # the logic lives beside the checks

        channel = "online" if channel == "preview" else channel
        base = self.base
        variants = base._channel_variants
        if channel not in variants:
            variant = derive(base, channel)
            if variant is not base:
                variant._base = base
            variants[channel] = variant
        return variants[channel]

    @property
    def base(self) -> FormDefinition:
        """The definition as written, with every channel's pages and questions (itself unless
        this is a channel's definition): for what reads answers whichever channel gave them."""
        return self._base if self._base is not None else self
