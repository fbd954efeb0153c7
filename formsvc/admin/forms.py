"""The administrator's forms (WTForms). CSRF is checked for every POST by the app's CSRFProtect,
so these are plain ``wtforms.Form``s; the templates add the token."""

from __future__ import annotations

import re
import types
import typing
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, Union

from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; its stubs are 3.2
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from formsvc.admin import describe, editing
from formsvc.admin.moments import MomentError, read_moment
from formsvc.definitions.schema import FormDefinition
from formsvc.fields import REGISTRY
from formsvc.fields.admin_options import AdminOption, admin_options
from formsvc.fields.choices import ChoiceSpec
from formsvc.fields.number import plain_number
from formsvc.fields.yes_no import YesNoField

SLUG = r"^[a-z][a-z0-9-]{1,62}$"
IDENTIFIER = r"^[a-z][a-z0-9_]{0,62}$"
SLUG_MESSAGE = "手続きIDは英小文字で始め、英小文字・数字・ハイフン（-）で2〜63文字にしてください（例: inkan-shomei）"
IDENTIFIER_MESSAGE = "IDは英小文字で始め、英小文字・数字・アンダースコア（_）だけにしてください（例: child_name）"


def options(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def values_of(field) -> set[str]:
    return {choice.value for choice in field.choices}


def required(message: str):
    return DataRequired(message=message)


class CreateForm(Form):
    form_id = StringField("手続きID（URLに使われ、後から変更できません）",
                          validators=[required("手続きIDを入力してください"), Regexp(SLUG, message=SLUG_MESSAGE)])
    title_ja = StringField("手続き名", validators=[required("手続き名を入力してください"), Length(max=200)])
    title_en = StringField("手続き名（英語、任意）", validators=[Optional(), Length(max=200)])
    department = StringField("担当課", validators=[required("担当課を入力してください"), Length(max=100)])
    department_en = StringField("担当課（英語。手続き名に英語があるときは必須）",
                                validators=[Length(max=100)])  # no Optional(): it would skip the check below

    def validate_department_en(self, field):
        # An English title offers the procedure in English: its department is shown too.
        if (self.title_en.data or "").strip() and not (field.data or "").strip():
            raise ValidationError("英語の訳がありません: 手続き名に英語があるため、担当課の英語も入力してください"
                                  "（例: Citizens Division）")


class CopyForm(Form):
    source = SelectField("複製する手続き", validate_choice=False)
    form_id = StringField("新しい手続きID（URLに使われ、後から変更できません）",
                          validators=[required("新しい手続きIDを入力してください"), Regexp(SLUG, message=SLUG_MESSAGE)])
    title_ja = StringField("新しい手続き名", validators=[required("新しい手続き名を入力してください"), Length(max=200)])
    title_en = StringField("新しい手続き名（英語、任意）", validators=[Optional(), Length(max=200)])

    def validate_source(self, field):
        if field.data not in values_of(field):
            raise ValidationError("複製する手続きを選んでください")


class YamlForm(Form):
    source = TextAreaField("定義（YAML）")
    revision = HiddenField()


class PublishForm(Form):
    note = TextAreaField("変更内容（任意。版の一覧と履歴に表示されます）", validators=[Optional(), Length(max=2000)])
    # Scheduled publishing (公開予約): the version takes effect at this moment (Japan time).
    scheduled = BooleanField("公開日時を指定する")
    publish_day = StringField("公開する日")
    publish_time = StringField("公開する時刻")

    def validate_publish_day(self, field):
        if self.scheduled.data:
            self._moment(field)

    def validate_publish_time(self, field):
        if not self.scheduled.data:
            return
        try:
            read_moment(self.publish_day.data, field.data, "公開")
        except MomentError as wrong:
            if "時刻" in wrong.message:
                raise ValidationError(wrong.message) from None

    def _moment(self, field) -> None:
        from formsvc import clock

        try:
            moment = read_moment(self.publish_day.data, self.publish_time.data, "公開")
        except MomentError as wrong:
            if "時刻" not in wrong.message:
                raise ValidationError(wrong.message) from None
            return
        if moment is None:
            raise ValidationError("公開する日付と時刻を入力してください（例: 2027-04-01 と 09:00）")
        if moment <= clock.now():
            raise ValidationError("公開日時は今より後の日時にしてください。すぐに公開するときは"
                                  "「公開日時を指定する」のチェックを外してください")

    def effective_at(self):
        """The scheduled moment, or None to publish now (call after validate())."""
        if not self.scheduled.data:
            return None
        return read_moment(self.publish_day.data, self.publish_time.data, "公開")


def _text(ja_field, en_field) -> Any:
    return editing.text_value(ja_field.data or "", en_field.data or "")


FEE_KINDS = [("none", "無料"), ("fixed", "定額"), ("per_item", "数値の項目 × 単価（例: 通数 × 300円）")]


class ProcedureForm(Form):
    revision = HiddenField()
    title_ja = StringField("手続き名", validators=[required("手続き名を入力してください"), Length(max=200)])
    title_en = StringField("手続き名（英語、任意）", validators=[Optional(), Length(max=200)])
    description_ja = TextAreaField("説明", validators=[required("説明を入力してください")])
    description_en = TextAreaField("説明（英語、任意）", validators=[Optional()])
    department = StringField("担当課", validators=[required("担当課を入力してください"), Length(max=100)])
    department_en = StringField("担当課（英語、任意）", validators=[Optional(), Length(max=200)])
    # 受付期間: the published version takes applications only on these days (both optional).
    valid_from = StringField("受付開始日（任意）", validators=[Optional()])
    valid_until = StringField("受付終了日（任意）", validators=[Optional()])
    fee_kind = RadioField("手数料", choices=options([*FEE_KINDS, ("keep", "変更しない（YAMLで書いた計算式）")]),
                          default="none", validate_choice=True)
    fee_amount = StringField("金額または単価（円）")
    fee_field = SelectField("数値の項目", validate_choice=False)
    fee_description = StringField("手数料の説明（例: 1通300円）", validators=[Optional(), Length(max=200)])
    fee_description_en = StringField("手数料の説明（英語、任意）", validators=[Optional(), Length(max=400)])

    def validate_valid_from(self, field):
        _period_date(field)

    def validate_valid_until(self, field):
        until = _period_date(field)
        start = _read_date(self.valid_from.data)
        if until is not None and start is not None and until < start:
            raise ValidationError("受付終了日は受付開始日と同じ日か、それより後の日にしてください")

    def validate_fee_amount(self, field):
        amount = (field.data or "").replace(",", "").strip()
        if self.fee_kind.data in ("fixed", "per_item") and not re.fullmatch(r"\d{1,9}", amount):
            raise ValidationError("金額は0以上の整数（円）で入力してください（例: 300）")

    def validate_fee_field(self, field):
        if self.fee_kind.data == "per_item" and field.data not in values_of(field) - {""}:
            raise ValidationError("掛け合わせる数値の項目を選んでください")

    def fee_expression(self) -> Any:
        amount = int((self.fee_amount.data or "0").replace(",", "").strip() or 0)
        if self.fee_kind.data == "fixed":
            return amount
        if self.fee_kind.data == "per_item":
            return {"multiply": [{"field": self.fee_field.data}, amount]}
        return None

    def changes(self) -> dict[str, Any]:
        return {"title": _text(self.title_ja, self.title_en),
                "description": _text(self.description_ja, self.description_en),
                "valid_from": _read_date(self.valid_from.data),
                "valid_until": _read_date(self.valid_until.data)}

    def department_name(self) -> Any:
        return _text(self.department, self.department_en)

    def fee_text(self) -> Any:
        return _text(self.fee_description, self.fee_description_en)


DATE_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _read_date(text: str | None) -> date | None:
    """A date typed as 2027-04-01 (full-width digits too); None for empty or unreadable text."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    match = DATE_TEXT.fullmatch(text)
    if match is None:
        return None
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2200 else None


def _period_date(field) -> date | None:
    text = (field.data or "").strip()
    if not text:
        return None
    day = _read_date(text)
    if day is None:
        raise ValidationError(f"{field.label.text.removesuffix('（任意）')}は 2027-04-01 の形の、"
                              "2000年から2200年までの日付で入力してください")
    return day


def period_form_values(data: dict) -> dict[str, str]:
    """受付期間 as the form shows it (a date written in the YAML, as 2027-04-01)."""
    values = {}
    for key in ("valid_from", "valid_until"):
        value = data.get(key)
        values[key] = value.isoformat() if isinstance(value, date) else ("" if value is None else str(value))
    return values


def fee_form_values(raw_fee: Any) -> dict[str, str]:
    """The fee as the procedure form shows it."""
    if not isinstance(raw_fee, dict):
        return {"fee_kind": "none"}
    amount = raw_fee.get("amount")
    description, description_en = editing.text_parts(raw_fee.get("description"))
    texts = {"fee_description": description, "fee_description_en": description_en}
    if isinstance(amount, int) and not isinstance(amount, bool):
        return {"fee_kind": "fixed", "fee_amount": str(amount), **texts}
    multiply = amount.get("multiply") if isinstance(amount, dict) else None
    if isinstance(multiply, list) and len(multiply) == 2 and isinstance(multiply[0], dict) \
            and set(multiply[0]) == {"field"} and isinstance(multiply[1], int):
        return {"fee_kind": "per_item", "fee_field": multiply[0]["field"], "fee_amount": str(multiply[1]), **texts}
    return {"fee_kind": "keep", **texts}


class BlockForm(Form):
    """Which shared block a move or remove button is about (checked against the page)."""

    block = HiddenField()


class AddPageForm(Form):
    page_id = StringField("ページID", validators=[required("ページIDを入力してください"),
                                                Regexp(IDENTIFIER, message=IDENTIFIER_MESSAGE)])
    page_title_ja = StringField("ページの見出し", validators=[required("ページの見出しを入力してください")])
    page_title_en = StringField("ページの見出し（英語、任意）", validators=[Optional()])
    kind = RadioField("ページの種類", choices=options([("question", "質問のページ"),
                                                   ("exit", "終了ページ（対象外の方への案内で終わる）")]),
                      default="question")


# --- conditions ---------------------------------------------------------------------------------

# The comparison in words, after the question's name (「申請する方」が次と同じ). 「回答がない」 is
# written ``answered: false``: two choices here, so that neither needs a value.
OPERATOR_WORDS = {
    "equals": "が次と同じ", "not_equals": "が次と違う", "one_of": "が次のどれか",
    "contains": "で次を選んでいる", "answered": "に回答がある", "unanswered": "に回答がない",
    "gt": "が次より大きい", "gte": "が次以上", "lt": "が次より小さい", "lte": "が次以下",
}
DATE_OPERATOR_WORDS = {"equals": "が次の日", "not_equals": "が次の日ではない", "gt": "が次の日より後",
                       "gte": "が次の日か、それより後", "lt": "が次の日より前", "lte": "が次の日か、それより前"}
# The comparisons that fit each kind of question (formsvc.definitions.checks refuses the others).
KIND_OPERATORS = {
    "choice": ("equals", "not_equals", "one_of", "answered", "unanswered"),
    "choices": ("contains", "answered", "unanswered"),
    "bool": ("equals", "answered", "unanswered"),
    "date": ("equals", "not_equals", "gt", "gte", "lt", "lte", "answered", "unanswered"),
    "number": ("equals", "not_equals", "gt", "gte", "lt", "lte", "answered", "unanswered"),
    "text": ("equals", "not_equals", "one_of", "answered", "unanswered"),
}
NO_VALUE = ("answered", "unanswered")
OPERATOR_CHOICES = [(name, words) for name, words in OPERATOR_WORDS.items()]
CONDITION_MODES = [("none", "条件なし（いつも表示する）"), ("simple", "次の条件のときだけ表示する")]
UNKNOWN_CHOICE = "（選択肢にありません）"
DAYS = re.compile(r"[+-]?[0-9]{1,5}")
NO_OPERATOR = "比べ方を一覧から選んでください"
QUESTION_CHANGED = ("条件に使う項目を変えたため、値を選び直してください"
                    "（「値を選ぶ」を押すと、その項目に合った値の欄が出ます）")


def value_kind(spec: Any) -> str:
    """How the condition form asks a value compared with ``spec``'s answer."""
    if isinstance(spec, ChoiceSpec):
        return "choices" if spec.several_choices else "choice"
    if spec.type in ("yes_no", "consent"):
        return "bool"
    if spec.type == "date":
        return "date"
    return "number" if spec.comparable else "text"


@dataclass(frozen=True)
class ValueControl:
    """The value input(s) the condition form shows for the chosen question."""

    kind: str  # "" (no question chosen yet), choice, choices, bool, date, number, text
    question: str  # the question's words
    options: list[tuple[str, str]]  # (value, words): a choice question's choices, a yes/no's answers

    @property
    def items(self) -> list[dict[str, str]]:
        """The options as the form components take them."""
        return [{"value": value, "label": words} for value, words in self.options]

    @property
    def choice_items(self) -> list[dict[str, str]]:
        """The options without a value that is not one of them (shown again, marked, in a select)."""
        return [item for item in self.items if not item["label"].endswith(UNKNOWN_CHOICE)]


class ConditionMixin:
    condition_mode = RadioField("表示する条件", default="none",
                                choices=options([*CONDITION_MODES, ("keep", "変更しない（YAMLで書いた条件）")]))
    condition_field = SelectField("条件に使う項目", validate_choice=False)
    condition_operator = SelectField("比べ方", choices=options(OPERATOR_CHOICES), validate_choice=False)
    condition_value = StringField("値", validators=[Optional()])
    condition_values = SelectMultipleField("値（「が次のどれか」のとき。いくつでも選べます）", choices=[],
                                           validate_choice=False)
    condition_days = StringField("または、今日から数えた日数（例: 7 は7日後、-7 は7日前）", validators=[Optional()])
    # The question the value inputs were shown for: a value is never read for another question.
    condition_value_for = HiddenField()
    value_control: ValueControl = ValueControl("", "", [])
    posted_for: str

    def offer_condition(self, definition: FormDefinition, formdata: Any = None, picked: bool = False,
                        written: tuple[str, str] | None = None) -> None:
        """Show the value inputs that fit the chosen question (its choices, a date, はい/いいえ …)
        and the comparisons that fit it. ``picked``: 「値を選ぶ」 was pressed; values that do not fit
        the newly chosen question are cleared. ``written``: (question, comparison) of the condition
        as the YAML writes it (written_comparison): that comparison is offered even when it is not
        one of the type's, so that saving unchanged keeps it; no other is accepted."""
        field_id = self.condition_field.data or ""
        if "posted_for" not in self.__dict__:
            # The question the value inputs were sent for (this method then shows the ones for
            # the chosen question): a value sent for another question is not read for this one.
            self.posted_for = self.condition_value_for.data or ""
        spec = definition.field_by_id(field_id) if field_id in values_of(self.condition_field) - {""} else None
        if spec is None:
            self.value_control = ValueControl("", "", [])
            self.condition_value_for.data = ""
            return
        kind = value_kind(spec)
        choice_items: list[tuple[str, str]] = []
        if isinstance(spec, ChoiceSpec):
            try:
                choice_items = [(choice.value, describe.text(choice.label)) for choice in spec.all_choices()]
            except LookupError:
                choice_items = []
        elif kind == "bool":
            yes, no = spec.labels("ja") if isinstance(spec, YesNoField) else ("同意している", "")
            choice_items = [("true", yes)] + ([("false", no)] if no else [])
        known = {value for value, _ in choice_items}
        stale = self.posted_for != field_id and (picked or bool(self.posted_for))
        if stale or (picked and kind in ("choice", "choices", "bool") and self.condition_value.data not in known):
            self.condition_value.data = ""
            self.condition_value.raw_data = []
            self.condition_days.data = ""
            self.condition_days.raw_data = []
            self.condition_values.data = [value for value in self.condition_values.data or [] if value in known]
        value = self.condition_value.data or ""
        if kind == "choice" and self.condition_operator.data == "one_of" and value not in known:
            self.condition_value.data = ""  # the values are the ticked choices
            self.condition_value.raw_data = []
        elif kind in ("choice", "choices") and value and value not in known:
            # What was sent (or written in the YAML) shown again, marked: never silently replaced.
            choice_items.append((value, f"{value}{UNKNOWN_CHOICE}"))
        self.value_control = ValueControl(kind, describe.text(spec.label) if spec.label else spec.id, choice_items)
        self.condition_value_for.data = field_id
        words = {**OPERATOR_WORDS, **(DATE_OPERATOR_WORDS if kind == "date" else {})}
        offered = list(KIND_OPERATORS[kind])
        current = self.condition_operator.data or ""
        if current in OPERATOR_WORDS and current not in offered and not stale and written == (field_id, current):
            offered.append(current)  # as written in the YAML: kept
        self.condition_operator.choices = options((name, words[name]) for name in offered)

    def condition(self, definition: FormDefinition) -> Any:
        """The condition to write, or the string "keep"; raises editing.ConditionInvalid."""
        if self.condition_mode.data == "keep":
            return "keep"
        if self.condition_mode.data != "simple":
            return None
        field_id = self.condition_field.data or ""
        operator = self.condition_operator.data or ""
        shown_for = self.__dict__.get("posted_for", self.condition_value_for.data or "")
        if field_id not in values_of(self.condition_field) - {""}:
            raise editing.ConditionInvalid("条件に使う項目を一覧から選んでください")
        if shown_for and shown_for != field_id:
            raise editing.ConditionInvalid(QUESTION_CHANGED)
        if operator not in (*NO_VALUE, *editing.SIMPLE_OPERATORS) or operator not in values_of(self.condition_operator):
            # Only the comparisons offered for the question's type (a forged one is refused here,
            # beside the comparison, rather than by the checker in its words).
            raise editing.ConditionInvalid(NO_OPERATOR)
        if operator in NO_VALUE:
            return editing.build_condition(definition, field_id, "answered",
                                           "true" if operator == "answered" else "false")
        if operator == "one_of" and self.value_control.kind == "choice":
            chosen = [str(value) for value in self.condition_values.data or []]
            if not chosen:
                raise editing.ConditionInvalid("「が次のどれか」の値を1つ以上選んでください")
            return {"field": field_id, "one_of": [editing.build_condition(definition, field_id, "equals", value)
                                                  ["equals"] for value in chosen]}
        value = (self.condition_value.data or "").strip()
        if self.value_control.kind == "bool" and value in ("true", "false"):
            return {"field": field_id, operator: value == "true"}  # a consent is compared with true
        if self.value_control.kind == "date":
            days = unicodedata.normalize("NFKC", self.condition_days.data or "").strip().replace("−", "-")
            if days and value:
                raise editing.ConditionInvalid("日付と「今日から数えた日数」は、どちらか一方だけにしてください")
            if days:
                if DAYS.fullmatch(days) is None:
                    raise editing.ConditionInvalid("今日から数えた日数は、整数で入力してください（例: 7、-7）")
                if operator not in editing.SIMPLE_OPERATORS or operator in ("one_of", "contains"):
                    raise editing.ConditionInvalid(NO_OPERATOR)
                return {"field": field_id, operator: {"days_from_today": int(days)}}
        if not value and self.value_control.kind in ("choice", "choices", "bool", "date"):
            raise editing.ConditionInvalid("比べる値を選んでください" if self.value_control.kind != "date"
                                           else "比べる日付を入力してください")
        return editing.build_condition(definition, field_id, operator, value)

    def condition_error(self, message: str) -> None:
        """A condition that cannot be written: the message beside the input it is about."""
        if message == QUESTION_CHANGED or not (self.condition_field.data or ""):
            self.condition_field.errors = [message]
        elif message == NO_OPERATOR:
            self.condition_operator.errors = [message]
        elif self.condition_operator.data == "one_of" and self.value_control.kind == "choice":
            self.condition_values.errors = [message]
        elif self.value_control.kind == "date" and (self.condition_days.data or "").strip() \
                and not (self.condition_value.data or "").strip():
            self.condition_days.errors = [message]
        else:
            self.condition_value.errors = [message]


def written_comparison(condition: Any) -> tuple[str, str] | None:
    """(question, comparison as the form names it) of a one-comparison condition of the definition
    (formsvc.vocabulary.conditions.Condition); None for another condition or none."""
    question = getattr(condition, "field", None)
    if not question:
        return None
    operators = [name for name in editing.SIMPLE_OPERATORS if getattr(condition, name, None) is not None]
    if len(operators) != 1:
        return None
    operator = operators[0]
    if operator == "answered" and condition.answered is False:
        operator = "unanswered"
    return str(question), operator


def condition_form_values(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {"condition_mode": "none"}
    simple = editing.simple_condition(raw)
    if simple is None:
        return {"condition_mode": "keep"}
    values: dict[str, Any] = {"condition_mode": "simple", "condition_field": simple.field,
                              "condition_operator": simple.operator, "condition_value": simple.value,
                              "condition_value_for": simple.field}
    if simple.operator == "answered":
        values["condition_operator"] = "answered" if raw["answered"] is not False else "unanswered"
        values["condition_value"] = ""
    elif simple.operator == "one_of" and isinstance(raw["one_of"], list):
        values["condition_values"] = [str(value) for value in raw["one_of"]]
    value = raw.get(simple.operator)
    if isinstance(value, dict) and "days_from_today" in value:
        values["condition_value"] = ""
        values["condition_days"] = str(int(value["days_from_today"]))
    return values


class PageForm(ConditionMixin, Form):
    revision = HiddenField()
    title_ja = StringField("ページの見出し", validators=[required("ページの見出しを入力してください")])
    title_en = StringField("ページの見出し（英語、任意）", validators=[Optional()])
    description_ja = TextAreaField("見出しの下の説明（任意）", validators=[Optional()])
    description_en = TextAreaField("見出しの下の説明（英語、任意）", validators=[Optional()])


class AddFieldForm(Form):
    field_type = SelectField("項目の種類", choices=options((name, words[0]) for name, words in describe.field_types()),
                             validate_choice=True)
    field_id = StringField("項目ID（回答の保存やCSVの列名に使われます）",
                           validators=[required("項目IDを入力してください"),
                                       Regexp(IDENTIFIER, message=IDENTIFIER_MESSAGE)])
    label_ja = StringField("質問（ラベル）")
    label_en = StringField("質問（英語、任意）", validators=[Optional()])
    choices = TextAreaField("選択肢（1つ選ぶ・複数選ぶの項目のとき。1行に1つ「値: ラベル」）")
    content = TextAreaField("本文（説明文の項目）または同意する内容（同意の項目）")
    content_en = TextAreaField("本文または同意する内容（英語、任意）", validators=[Optional()])

    # The form knows a type's needs from its model: a question of a choice type needs choices,
    # one with a required text option (説明文の本文, 同意する内容) needs the "content" box.

    def validate_label_ja(self, field):
        if _label_required(self.field_type.data) and not (field.data or "").strip():
            raise ValidationError("質問（ラベル）を入力してください")

    def validate_choices(self, field):
        if _has_choices(self.field_type.data) and not editing.parse_choice_lines(field.data or ""):
            raise ValidationError("選択肢を1行に1つ入力してください（例: self: 本人）")

    def validate_content(self, field):
        if _content_key(self.field_type.data) and not (field.data or "").strip():
            raise ValidationError("本文（説明文）または同意する内容を入力してください")

    def spec(self) -> dict[str, Any]:
        type_ = self.field_type.data
        extra: dict[str, Any] = {}
        if _has_choices(type_):
            extra["choices"] = editing.merged_choices(editing.parse_choice_lines(self.choices.data or ""), [])
        content_key = _content_key(type_)
        if content_key:
            extra[content_key] = editing.text_value((self.content.data or "").replace("\r\n", "\n"),
                                                    (self.content_en.data or "").replace("\r\n", "\n"))
        label = _text(self.label_ja, self.label_en)
        return editing.new_field(type_, (self.field_id.data or "").strip(), label, extra)


def _label_required(type_: str | None) -> bool:
    return type_ not in REGISTRY or REGISTRY[type_].model_fields["label"].is_required()


def _has_choices(type_: str | None) -> bool:
    return type_ in REGISTRY and issubclass(REGISTRY[type_], ChoiceSpec)


def content_key(type_: str | None) -> str | None:
    """The text option every question of ``type_`` must have, typed in the add form's box."""
    return _content_key(type_)


def _content_key(type_: str | None) -> str | None:
    """The type's text option that every question of it must have (guidance's content)."""
    if type_ not in REGISTRY:
        return None
    model = REGISTRY[type_]
    return next((key for key, option in admin_options(model).items()
                 if option.kind in TEXT_KINDS and model.model_fields[key].is_required()), None)


# --- one question's options ---------------------------------------------------------------------

# The inputs of the options' kinds (formsvc.fields.admin_options.OptionKind).
DATE_BOUND_HINT = ("2025-04-01 の形の日付、または today+7（今日から7日後）・today-1（昨日）・today（今日）・"
                   "today-3m（今日の3か月前）・today+3開庁日（今日から3開庁日後。最小値のみ）")
TEXT_KINDS = ("text", "longtext")


def field_form(type_: str, choice_list: str | None):
    """The form class for one question of ``type_``: the common keys and the type's own options."""
    model = REGISTRY[type_]
    attributes: dict[str, Any] = {}
    # Named "option_specs", not "options": that would hide the function that builds choices.
    option_specs = admin_options(model)
    for key, option in option_specs.items():
        name = f"option_{key}"
        if option.kind == "bool":
            attributes[name] = BooleanField(option.label)
        elif option.kind == "accept":
            # Checkboxes in the template.
            attributes[name] = SelectField(option.label, choices=options(option.choices))
        elif option.kind == "pattern":
            attributes["option_pattern_regex"] = StringField("入力形式（正規表現）", validators=[Optional()])
            attributes["option_pattern_message"] = StringField("形式が違うときのメッセージ", validators=[Optional()])
            attributes["option_pattern_message_en"] = StringField("形式が違うときのメッセージ（英語、任意）",
                                                                  validators=[Optional()])
        elif option.kind in TEXT_KINDS:
            if model.model_fields[key].is_required():
                attributes[name] = TextAreaField(option.label,
                                                 validators=[required(f"{option.label}を入力してください")])
            else:
                attributes[name] = TextAreaField(option.label, validators=[Optional()])
            attributes[f"{name}_en"] = TextAreaField(f"{option.label}（英語、任意）", validators=[Optional()])
        elif literal_values(model, key):
            # A closed list of values (check_digit: insurer_number): a select, not a text box.
            choices = [("", "使わない"), *((value, LITERAL_WORDS.get(value, value))
                                          for value in literal_values(model, key))]
            attributes[name] = SelectField(option.label, choices=options(choices), validate_choice=False)
        else:
            attributes[name] = StringField(option.label, validators=[Optional()])
    attributes["has_choices"] = issubclass(model, ChoiceSpec) and choice_list is None
    attributes["choice_list"] = choice_list
    attributes["option_specs"] = option_specs
    attributes["option_keys"] = tuple(option_specs)
    attributes["field_type"] = type_
    return type("QuestionForm", (FieldFormBase,), attributes)


LITERAL_WORDS = describe.LITERAL_WORDS


def literal_values(model: Any, key: str) -> tuple[str, ...]:
    """The values of an option typed as a Literal (or Literal | None); () for any other type."""
    found: list[str] = []

    def walk(annotation: Any) -> None:
        if typing.get_origin(annotation) is Literal:
            found.extend(str(value) for value in typing.get_args(annotation))
        elif typing.get_origin(annotation) in (Union, types.UnionType):
            for arg in typing.get_args(annotation):
                walk(arg)
        elif typing.get_origin(annotation) is Annotated:
            walk(typing.get_args(annotation)[0])

    walk(model.model_fields[key].annotation)
    return tuple(found)


def option_rows(field_form: FieldFormBase) -> list[tuple[str, tuple[str, str, str | None], str]]:
    """(key, (label, kind, hint), kind) of each option, as the question's template lists them."""
    return [(key, (option.label, option.kind, option.hint), option.kind)
            for key, option in field_form.option_specs.items()]


def advanced_keys(field_form: FieldFormBase) -> tuple[str, ...]:
    """The options shown under 詳細設定 (AdminOption.advanced: regular expressions, HTML attributes …)."""
    return tuple(key for key, option in field_form.option_specs.items() if option.advanced)


def advanced_open(field_form: FieldFormBase) -> bool:
    """Whether 詳細設定 starts open: one of its inputs has an error to show."""
    for key in advanced_keys(field_form):
        kind = field_form.option_specs[key].kind
        names = (("option_pattern_regex", "option_pattern_message", "option_pattern_message_en") if kind == "pattern"
                 else (f"option_{key}", f"option_{key}_en"))
        if any(name in field_form and field_form[name].errors for name in names):
            return True
    return False


def option_choices(field_form: FieldFormBase) -> tuple[tuple[str, str], ...]:
    """The (value, words) of the question's ``accept`` option, if it has one."""
    return next((option.choices for option in field_form.option_specs.values() if option.kind == "accept"), ())


class FieldFormBase(ConditionMixin, Form):
    revision = HiddenField()
    label_ja = StringField("質問（ラベル）")
    label_en = StringField("質問（英語、任意）", validators=[Optional()])
    hint_ja = TextAreaField("ヒント（質問の下の補足、任意）", validators=[Optional()])
    hint_en = TextAreaField("ヒント（英語、任意）", validators=[Optional()])
    required_answer = BooleanField("必須にする（回答しないと次へ進めない）")
    choices = TextAreaField("選択肢（1行に1つ「値: ラベル」）")

    field_type: str = ""
    has_choices: bool = False
    choice_list: str | None = None
    option_specs: ClassVar[dict[str, AdminOption]] = {}
    option_keys: tuple[str, ...] = ()

    def validate_label_ja(self, field):
        if _label_required(self.field_type) and not (field.data or "").strip():
            raise ValidationError("質問（ラベル）を入力してください")

    def validate_choices(self, field):
        if self.has_choices and not editing.parse_choice_lines(field.data or ""):
            raise ValidationError("選択肢を1行に1つ入力してください（例: self: 本人）")

    def accepted(self, formdata) -> list[str]:
        return [value for value, _ in option_choices(self) if value in formdata.getlist("option_accept")]

    @property
    def several_choices(self) -> bool:
        return self.has_choices and REGISTRY[self.field_type].several_choices

    def changes(self, raw: dict, formdata) -> dict[str, Any]:
        """The keys to write into the question, None for the ones to remove (the default).

        A key written in the YAML with its default value (``required: true``, an ``accept``
        listing the default kinds) stays written: a save changes only what the form changed."""
        changes: dict[str, Any] = {"label": _text(self.label_ja, self.label_en),
                                   "hint": _text(self.hint_ja, self.hint_en)}
        # With required_if, the question is required only when its condition holds (the
        # condition is edited in the YAML; the form shows it and leaves `required` alone).
        if REGISTRY[self.field_type].has_answer and raw.get("required_if") is None:
            changes["required"] = None if self.required_answer.data else False
        if self.has_choices:
            lines = editing.parse_choice_lines(self.choices.data or "")
            exclusive = formdata.getlist("exclusive_choices") if self.several_choices else None
            changes["choices"] = editing.merged_choices(lines, raw.get("choices"), exclusive)
        for key, option in self.option_specs.items():
            changes[key] = self._option(key, option, raw, formdata)
        for key, value in list(changes.items()):
            if value is None and key in raw and key in REGISTRY[self.field_type].model_fields \
                    and raw[key] == _default(self.field_type, key):
                del changes[key]
        return changes

    def _option(self, key: str, option: AdminOption, raw: dict, formdata) -> Any:
        kind = option.kind
        default = _default(self.field_type, key)
        if kind == "bool":
            checked = bool(getattr(self, f"option_{key}").data)
            return None if checked == default else checked
        if kind == "accept":
            chosen = self.accepted(formdata)
            written = raw.get(key)
            if isinstance(written, list) and chosen and set(chosen) == set(written):
                return written  # the same kinds, in the order the YAML lists them
            return None if chosen in ([], default) else chosen
        if kind == "pattern":
            regex = (self["option_pattern_regex"].data or "").strip()
            message = (self["option_pattern_message"].data or "").strip()
            english = (self["option_pattern_message_en"].data or "").strip()
            if not regex:
                return None
            return {"regex": regex, "message": editing.text_value(message or "形式が正しくありません", english)}
        value = (getattr(self, f"option_{key}").data or "").strip()
        if not value:
            return None
        if kind in TEXT_KINDS:
            english = (getattr(self, f"option_{key}_en").data or "").strip().replace("\r\n", "\n")
            written_ja, written_en = editing.text_parts(raw.get(key))
            # Spaces written around a text are kept while the words are the same (a unit's
            # English " copies" is shown right after the number).
            if english == written_en.strip():
                english = written_en
            text = value.replace("\r\n", "\n")
            if text == written_ja.strip():
                text = written_ja
            return editing.text_value(text, english, strip=False)
        if kind == "int":
            number = plain_number(value)
            if not isinstance(number, int):
                raise ValidationError(f"{option.label}は整数で入力してください")
            return number
        if kind == "number":
            number = plain_number(value)
            if number is None:
                raise ValidationError(f"{option.label}は数で入力してください")
            return number
        if kind == "date_bound":
            bound = editing.bound_from_text(value)
            if bound is None:
                raise ValidationError(f"{option.label}は{DATE_BOUND_HINT}で入力してください")
            written = raw.get(key)
            return written if editing.same_bound(written, bound) else bound
        allowed = literal_values(REGISTRY[self.field_type], key)
        if allowed and value not in allowed:
            raise ValidationError(f"{option.label}は一覧から選んでください")
        return value


def _default(type_: str, key: str) -> Any:
    return REGISTRY[type_].model_fields[key].get_default(call_default_factory=True)


def field_form_values(raw: dict, type_: str) -> dict[str, Any]:
    """A question's current values for its form."""
    label_ja, label_en = editing.text_parts(raw.get("label"))
    hint_ja, hint_en = editing.text_parts(raw.get("hint"))
    default_required = REGISTRY[type_].model_fields["required"].get_default()
    values: dict[str, Any] = {"label_ja": label_ja, "label_en": label_en, "hint_ja": hint_ja, "hint_en": hint_en,
                              "required_answer": bool(raw.get("required", default_required)),
                              "choices": editing.choices_text(raw.get("choices"))}
    for key, option in admin_options(REGISTRY[type_]).items():
        kind = option.kind
        value = raw.get(key)
        if kind == "bool":
            values[f"option_{key}"] = _default(type_, key) if value is None else value is not False
        elif kind == "pattern":
            pattern = value if isinstance(value, dict) else {}
            values["option_pattern_regex"] = pattern.get("regex", "")
            message_ja, message_en = editing.text_parts(pattern.get("message"))
            values["option_pattern_message"] = message_ja
            values["option_pattern_message_en"] = message_en
        elif kind in TEXT_KINDS:
            values[f"option_{key}"], values[f"option_{key}_en"] = editing.text_parts(value)
        elif kind == "date_bound":
            values[f"option_{key}"] = editing.bound_text(value)
        elif kind == "accept":
            values["accepted"] = list(value) if isinstance(value, list) else _default(type_, key)
        else:
            values[f"option_{key}"] = "" if value is None else str(value)
    values.update(condition_form_values(raw.get("show_if")))
    return values


def error_summary(*forms: Form) -> list[tuple[str, str]]:
    """(message, element id) of every error, in the order of the fields."""
    summary = []
    for form in forms:
        for field in form:
            for message in field.errors:
                summary.append((message, field.id))
                break
    return summary
