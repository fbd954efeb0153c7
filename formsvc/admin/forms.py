"""The administrator's forms (WTForms). CSRF is checked for every POST by the app's CSRFProtect,
so these are plain ``wtforms.Form``s; the templates add the token."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from wtforms import BooleanField, Form, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; its stubs are 3.2
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from formsvc.admin import describe, editing
from formsvc.definitions.schema import FormDefinition
from formsvc.fields import REGISTRY
from formsvc.fields.admin_options import AdminOption, admin_options
from formsvc.fields.choices import ChoiceSpec
from formsvc.fields.date import date_bound_from_text, date_bound_text
from formsvc.fields.number import plain_number

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
    fee_kind = RadioField("手数料", choices=options([*FEE_KINDS, ("keep", "変更しない（YAMLで書いた計算式）")]),
                          default="none", validate_choice=True)
    fee_amount = StringField("金額または単価（円）")
    fee_field = SelectField("数値の項目", validate_choice=False)
    fee_description = StringField("手数料の説明（例: 1通300円）", validators=[Optional(), Length(max=200)])

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
                "description": _text(self.description_ja, self.description_en)}


def fee_form_values(raw_fee: Any) -> dict[str, str]:
    """The fee as the procedure form shows it."""
    if not isinstance(raw_fee, dict):
        return {"fee_kind": "none"}
    amount = raw_fee.get("amount")
    description = editing.text_parts(raw_fee.get("description"))[0]
    if isinstance(amount, int) and not isinstance(amount, bool):
        return {"fee_kind": "fixed", "fee_amount": str(amount), "fee_description": description}
    multiply = amount.get("multiply") if isinstance(amount, dict) else None
    if isinstance(multiply, list) and len(multiply) == 2 and isinstance(multiply[0], dict) \
            and set(multiply[0]) == {"field"} and isinstance(multiply[1], int):
        return {"fee_kind": "per_item", "fee_field": multiply[0]["field"], "fee_amount": str(multiply[1]),
                "fee_description": description}
    return {"fee_kind": "keep", "fee_description": description}


class AddPageForm(Form):
    page_id = StringField("ページID", validators=[required("ページIDを入力してください"),
                                                Regexp(IDENTIFIER, message=IDENTIFIER_MESSAGE)])
    page_title_ja = StringField("ページの見出し", validators=[required("ページの見出しを入力してください")])
    page_title_en = StringField("ページの見出し（英語、任意）", validators=[Optional()])
    kind = RadioField("ページの種類", choices=options([("question", "質問のページ"),
                                                   ("exit", "終了ページ（対象外の方への案内で終わる）")]),
                      default="question")


# --- conditions ---------------------------------------------------------------------------------

OPERATOR_CHOICES = [(name, words) for name, words in describe.OPERATOR_WORDS.items()]
CONDITION_MODES = [("none", "条件なし（いつも表示する）"), ("simple", "次の条件のときだけ表示する")]


class ConditionMixin:
    condition_mode = RadioField("表示する条件", default="none",
                                choices=options([*CONDITION_MODES, ("keep", "変更しない（YAMLで書いた条件）")]))
    condition_field = SelectField("条件に使う項目", validate_choice=False)
    condition_operator = SelectField("比べ方", choices=options(OPERATOR_CHOICES), validate_choice=False)
    condition_value = StringField("値", validators=[Optional()])

    def condition(self, definition: FormDefinition) -> Any:
        """The condition to write, or the string "keep"; raises editing.ConditionInvalid."""
        if self.condition_mode.data == "keep":
            return "keep"
        if self.condition_mode.data != "simple":
            return None
        return editing.build_condition(definition, self.condition_field.data or "",
                                       self.condition_operator.data or "", self.condition_value.data or "")


def condition_form_values(raw: Any) -> dict[str, str]:
    if raw is None:
        return {"condition_mode": "none"}
    simple = editing.simple_condition(raw)
    if simple is None:
        return {"condition_mode": "keep"}
    return {"condition_mode": "simple", "condition_field": simple.field, "condition_operator": simple.operator,
            "condition_value": simple.value}


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
            extra[content_key] = (self.content.data or "").strip().replace("\r\n", "\n")
        label = _text(self.label_ja, self.label_en)
        return editing.new_field(type_, (self.field_id.data or "").strip(), label, extra)


def _label_required(type_: str | None) -> bool:
    return type_ not in REGISTRY or REGISTRY[type_].model_fields["label"].is_required()


def _has_choices(type_: str | None) -> bool:
    return type_ in REGISTRY and issubclass(REGISTRY[type_], ChoiceSpec)


def _content_key(type_: str | None) -> str | None:
    """The type's text option that every question of it must have (guidance's content)."""
    if type_ not in REGISTRY:
        return None
    model = REGISTRY[type_]
    return next((key for key, option in admin_options(model).items()
                 if option.kind in TEXT_KINDS and model.model_fields[key].is_required()), None)


# --- one question's options ---------------------------------------------------------------------

# The inputs of the options' kinds (formsvc.fields.admin_options.OptionKind).
DATE_BOUND_HINT = "2025-04-01 の形の日付、または today+7（今日から7日後）・today-1（昨日）・today（今日）"
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
        elif option.kind in TEXT_KINDS and model.model_fields[key].is_required():
            attributes[name] = TextAreaField(option.label, validators=[required(f"{option.label}を入力してください")])
        elif option.kind == "longtext":
            attributes[name] = TextAreaField(option.label, validators=[Optional()])
        else:
            attributes[name] = StringField(option.label, validators=[Optional()])
    attributes["has_choices"] = issubclass(model, ChoiceSpec) and choice_list is None
    attributes["choice_list"] = choice_list
    attributes["option_specs"] = option_specs
    attributes["option_keys"] = tuple(option_specs)
    attributes["field_type"] = type_
    return type("QuestionForm", (FieldFormBase,), attributes)


def option_rows(field_form: FieldFormBase) -> list[tuple[str, tuple[str, str, str | None], str]]:
    """(key, (label, kind, hint), kind) of each option, as the question's template lists them."""
    return [(key, (option.label, option.kind, option.hint), option.kind)
            for key, option in field_form.option_specs.items()]


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

    def changes(self, raw: dict, formdata) -> dict[str, Any]:
        """The keys to write into the question, None for the ones to remove (the default)."""
        changes: dict[str, Any] = {"label": _text(self.label_ja, self.label_en),
                                   "hint": _text(self.hint_ja, self.hint_en)}
        if REGISTRY[self.field_type].has_answer:
            changes["required"] = None if self.required_answer.data else False
        if self.has_choices:
            lines = editing.parse_choice_lines(self.choices.data or "")
            changes["choices"] = editing.merged_choices(lines, raw.get("choices"))
        for key, option in self.option_specs.items():
            changes[key] = self._option(key, option, raw, formdata)
        return changes

    def _option(self, key: str, option: AdminOption, raw: dict, formdata) -> Any:
        kind = option.kind
        default = _default(self.field_type, key)
        if kind == "bool":
            checked = bool(getattr(self, f"option_{key}").data)
            return None if checked == default else checked
        if kind == "accept":
            chosen = self.accepted(formdata)
            return None if chosen in ([], default) else chosen
        if kind == "pattern":
            regex = (self["option_pattern_regex"].data or "").strip()
            message = (self["option_pattern_message"].data or "").strip()
            if not regex:
                return None
            return {"regex": regex, "message": message or "形式が正しくありません"}
        value = (getattr(self, f"option_{key}").data or "").strip()
        if not value:
            return None
        if kind in TEXT_KINDS:
            # The English (written in the YAML) is kept: the form edits the Japanese.
            english = editing.text_parts(raw[key])[1] if isinstance(raw.get(key), dict) else ""
            return editing.text_value(value.replace("\r\n", "\n"), english)
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
            bound = date_bound_from_text(value)
            if bound is None:
                raise ValidationError(f"{option.label}は{DATE_BOUND_HINT}で入力してください")
            return bound
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
            values["option_pattern_message"] = editing.text_parts(pattern.get("message"))[0]
        elif kind in TEXT_KINDS:
            values[f"option_{key}"] = editing.text_parts(value)[0]
        elif kind == "date_bound":
            values[f"option_{key}"] = date_bound_text(value)
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
