"""The administrator's forms (WTForms). CSRF is checked for every POST by the app's CSRFProtect,
so these are plain ``wtforms.Form``s; the templates add the token."""

from __future__ import annotations

import re
from typing import Any

from wtforms import BooleanField, Form, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from formsvc.admin import describe, editing
from formsvc.definitions.schema import FormDefinition
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

    def validate_label_ja(self, field):
        if self.field_type.data != "guidance" and not (field.data or "").strip():
            raise ValidationError("質問（ラベル）を入力してください")

    def validate_choices(self, field):
        choice_type = self.field_type.data in ("radio", "select", "checkboxes")
        if choice_type and not editing.parse_choice_lines(field.data or ""):
            raise ValidationError("選択肢を1行に1つ入力してください（例: self: 本人）")

    def validate_content(self, field):
        if self.field_type.data in ("guidance", "consent") and not (field.data or "").strip():
            raise ValidationError("本文（説明文）または同意する内容を入力してください")

    def spec(self) -> dict[str, Any]:
        type_ = self.field_type.data
        extra: dict[str, Any] = {}
        if type_ in ("radio", "select", "checkboxes"):
            extra["choices"] = editing.merged_choices(editing.parse_choice_lines(self.choices.data or ""), [])
        if type_ == "guidance":
            extra["content"] = (self.content.data or "").strip().replace("\r\n", "\n")
        if type_ == "consent":
            extra["statement"] = (self.content.data or "").strip()
        label = _text(self.label_ja, self.label_en)
        return editing.new_field(type_, self.field_id.data.strip(), label, extra)


# --- one question's options ---------------------------------------------------------------------

# key: (label, kind, hint). Kinds: int, number, bool, str, text, longtext, date_bound, accept, pattern.
OPTIONS: dict[str, tuple[str, str, str | None]] = {
    "content": ("本文", "longtext", "空行で段落を分けます"),
    "statement": ("同意する内容", "text", "チェックボックスの横に表示します"),
    "min_length": ("最小文字数", "int", None),
    "max_length": ("最大文字数", "int", None),
    "pattern": ("入力形式（正規表現）", "pattern", "回答全体に一致する必要があります。例: ^[0-9]{7}$"),
    "autocomplete": ("autocomplete 属性", "str", "例: organization, off"),
    "rows": ("入力欄の行数", "int", "2〜30"),
    "min": ("最小値", "number", None),
    "max": ("最大値", "number", None),
    "min_message": ("最小値より前のときのメッセージ", "text", None),
    "max_message": ("最大値より後のときのメッセージ", "text", None),
    "integer": ("整数だけを受け付ける", "bool", None),
    "unit": ("単位", "str", "数の後ろに表示します（例: 通、人）"),
    "min_selected": ("最少の選択数", "int", None),
    "max_selected": ("最多の選択数", "int", None),
    "yes_label": ("「はい」の表示", "text", None),
    "no_label": ("「いいえ」の表示", "text", None),
    "fills": ("自動入力する住所の項目ID", "str", "同じ定義の住所（address）項目のID"),
    "accept": ("受け付けるファイルの種類", "accept", None),
    "max_size_mb": ("1ファイルの大きさの上限（MB）", "number", "50まで"),
    "max_files": ("ファイルの数の上限", "int", "20まで"),
}
DATE_BOUND_HINT = "2025-04-01 の形の日付、または today+7（今日から7日後）・today-1（昨日）・today（今日）"
FILE_KINDS = [("pdf", "PDF"), ("jpeg", "JPEG"), ("png", "PNG")]


def option_kind(type_: str, key: str) -> str | None:
    if key not in OPTIONS:
        return None
    kind = OPTIONS[key][1]
    if key in ("min", "max") and type_ == "date":
        return "date_bound"
    return kind


def field_form(type_: str, choice_list: str | None):
    """The form class for one question of ``type_``: the common keys and the type's own options."""
    from formsvc.fields import REGISTRY
    from formsvc.fields.choices import ChoiceSpec

    attributes: dict[str, Any] = {}
    # Named "keys", not "options": that would hide the function that builds choices (a 500 on file questions).
    keys = [key for key in editing.option_fields(type_) if option_kind(type_, key)]
    for key in keys:
        label, kind, _hint = OPTIONS[key]
        name = f"option_{key}"
        if kind == "bool":
            attributes[name] = BooleanField(label)
        elif kind == "accept":
            attributes[name] = SelectField(label, choices=options(FILE_KINDS))  # checkboxes in the template
        elif kind == "pattern":
            attributes["option_pattern_regex"] = StringField("入力形式（正規表現）", validators=[Optional()])
            attributes["option_pattern_message"] = StringField("形式が違うときのメッセージ", validators=[Optional()])
        elif kind in ("text", "longtext") and key in ("content", "statement"):
            attributes[name] = TextAreaField(label, validators=[required(f"{label}を入力してください")])
        elif kind == "longtext":
            attributes[name] = TextAreaField(label, validators=[Optional()])
        else:
            attributes[name] = StringField(label, validators=[Optional()])
    model = REGISTRY[type_]
    attributes["has_choices"] = issubclass(model, ChoiceSpec) and choice_list is None
    attributes["choice_list"] = choice_list
    attributes["option_keys"] = tuple(keys)
    attributes["field_type"] = type_
    return type("QuestionForm", (FieldFormBase,), attributes)


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
    option_keys: tuple[str, ...] = ()

    def validate_label_ja(self, field):
        if self.field_type != "guidance" and not (field.data or "").strip():
            raise ValidationError("質問（ラベル）を入力してください")

    def validate_choices(self, field):
        if self.has_choices and not editing.parse_choice_lines(field.data or ""):
            raise ValidationError("選択肢を1行に1つ入力してください（例: self: 本人）")

    def accepted(self, formdata) -> list[str]:
        return [value for value, _ in FILE_KINDS if value in formdata.getlist("option_accept")]

    def changes(self, raw: dict, formdata) -> dict[str, Any]:
        """The keys to write into the question, None for the ones to remove (the default)."""
        changes: dict[str, Any] = {"label": _text(self.label_ja, self.label_en),
                                   "hint": _text(self.hint_ja, self.hint_en)}
        if self.field_type != "guidance":
            changes["required"] = None if self.required_answer.data else False
        if self.has_choices:
            lines = editing.parse_choice_lines(self.choices.data or "")
            changes["choices"] = editing.merged_choices(lines, raw.get("choices"))
        for key in self.option_keys:
            kind = option_kind(self.field_type, key)
            changes[key] = self._option(key, kind, raw, formdata)
        return changes

    def _option(self, key: str, kind: str, raw: dict, formdata) -> Any:
        if kind == "bool":
            checked = bool(getattr(self, f"option_{key}").data)
            return None if checked else False  # the only bool option (integer) is true by default
        if kind == "accept":
            chosen = self.accepted(formdata)
            return None if chosen in ([], ["pdf", "jpeg", "png"]) else chosen
        if kind == "pattern":
            regex = (self.option_pattern_regex.data or "").strip()
            message = (self.option_pattern_message.data or "").strip()
            if not regex:
                return None
            return {"regex": regex, "message": message or "形式が正しくありません"}
        value = (getattr(self, f"option_{key}").data or "").strip()
        if not value:
            return None
        if kind in ("text", "longtext"):
            if key in ("content", "statement") and isinstance(raw.get(key), dict):
                return editing.text_value(value.replace("\r\n", "\n"), editing.text_parts(raw[key])[1])
            return value.replace("\r\n", "\n")
        if kind == "int":
            number = plain_number(value)
            if not isinstance(number, int):
                raise ValidationError(f"{OPTIONS[key][0]}は整数で入力してください")
            return number
        if kind == "number":
            number = plain_number(value)
            if number is None:
                raise ValidationError(f"{OPTIONS[key][0]}は数で入力してください")
            return number
        if kind == "date_bound":
            bound = editing.date_bound_value(value)
            if bound is None:
                raise ValidationError(f"{OPTIONS[key][0]}は{DATE_BOUND_HINT}で入力してください")
            return bound
        return value


def field_form_values(raw: dict, type_: str) -> dict[str, Any]:
    """A question's current values for its form."""
    label_ja, label_en = editing.text_parts(raw.get("label"))
    hint_ja, hint_en = editing.text_parts(raw.get("hint"))
    default_required = type_ != "guidance"
    values: dict[str, Any] = {"label_ja": label_ja, "label_en": label_en, "hint_ja": hint_ja, "hint_en": hint_en,
                              "required_answer": bool(raw.get("required", default_required)),
                              "choices": editing.choices_text(raw.get("choices"))}
    for key in editing.option_fields(type_):
        kind = option_kind(type_, key)
        if kind is None:
            continue
        value = raw.get(key)
        if kind == "bool":
            values[f"option_{key}"] = value is not False
        elif kind == "pattern":
            pattern = value if isinstance(value, dict) else {}
            values["option_pattern_regex"] = pattern.get("regex", "")
            values["option_pattern_message"] = editing.text_parts(pattern.get("message"))[0]
        elif kind in ("text", "longtext"):
            values[f"option_{key}"] = editing.text_parts(value)[0]
        elif kind == "date_bound":
            values[f"option_{key}"] = editing.date_bound_text(value)
        elif kind == "accept":
            values["accepted"] = list(value) if isinstance(value, list) else ["pdf", "jpeg", "png"]
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
