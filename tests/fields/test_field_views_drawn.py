"""What is worked out or drawn in Python (formsvc.resident.forms.FieldView, formsvc.fields.drawing;
issue 17) is, byte for byte, what the template components drew: the label with its
「※条件により必須」 tag, a date's three inputs, a text box with its options; and what a definition or a
resident wrote is escaped once."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from flask import render_template, render_template_string
from werkzeug.datastructures import MultiDict

from formsvc.fields import REGISTRY, FieldContext
from formsvc.resident.forms import build_form, field_views
from tests.fields.fieldkit import make, minimal_keys, untouched
from tests.fields.test_field_macros import app_for, request_in

TODAY = date(2026, 11, 26)

QUESTION_LABEL = '{% from "fields/_macros.html" import question_label %}{{ question_label(field) }}'

# fields/date.html as it was before the date was drawn in Python.
DATE_COMPOSED = """{% import "components/form.html" as ui %}
{% from "fields/_macros.html" import question_label %}
{{ ui.date_input(field.id, field.input.name, question_label(field), field.hint, field.error, field.required,
                   value={"year": field.input.part_value("year"), "month": field.input.part_value("month"),
                          "day": field.input.part_value("day")},
                   error_part=field.input.error_part) }}"""


def labelled_views(spec, ctx: FieldContext):
    """The question plain, conditionally required, and required by a rule."""
    plain = field_views(build_form([spec], ctx), [spec], ctx)
    conditional = field_views(build_form([spec], ctx), [spec], ctx)
    for view in conditional:
        view.conditionally_required = True
    by_rule = field_views(build_form([spec], ctx), [spec], ctx)
    for view in by_rule:
        view.required_by_rule = True
    return [*plain, *conditional, *by_rule]


@pytest.mark.parametrize("locale", ["ja", "en"])
@pytest.mark.parametrize("type_name", sorted(REGISTRY))
def test_the_question_label_is_the_macros(type_name, locale):
    ctx = FieldContext(locale=locale, today=TODAY)
    app = app_for(ctx)
    keys = minimal_keys(type_name)
    for label in (keys["label"], 'A <b>"label"</b> & more'):
        spec = make(type_name, **{**keys, "label": label})
        for view in labelled_views(spec, ctx):
            with request_in(app, ctx):
                assert view.question_label == render_template_string(QUESTION_LABEL, field=view)


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_a_date_draws_what_its_parts_asked_for_one_by_one_drew(locale):
    ctx = FieldContext(locale=locale, today=TODAY)
    app = app_for(ctx)
    spec = make("date", label="生年月日", required=True, hint="和暦でも")
    states = [build_form([spec], ctx),
              build_form([spec], ctx, values={spec.id: date(1985, 4, 12)}),
              build_form([spec], ctx, MultiDict({f"{spec.id}-year": "1985", f"{spec.id}-month": "",
                                                 f"{spec.id}-day": ""})),
              build_form([spec], ctx, MultiDict({f"{spec.id}-year": '<b>"&', f"{spec.id}-month": "13",
                                                 f"{spec.id}-day": "x"}))]
    for form in states:
        if form[spec.id].raw_data is not None:
            form.validate()
        view = field_views(form, [spec], ctx)[0]
        with request_in(app, ctx):
            written = render_template(view.template, field=view, field_context=ctx, locale=locale)
            assert written == view.html == render_template_string(DATE_COMPOSED, field=view)


# The text boxes' templates as they were before they were drawn in Python: ui.text_input with each
# type's options (text.html ended with a line end; postal_code.html put 住所を検索 beside the box).
TEXT_BOX = """{% import "components/form.html" as ui %}
{{ ui.text_input(field.input, label=field.question_label, hint=field.hint, error=field.error, required=field.required,
                 **options) }}"""
POSTAL_CODE = """{% import "components/form.html" as ui %}
{% call ui.text_input(field.input, label=field.question_label, hint=field.hint, error=field.error,
                        required=field.required, inputmode="numeric", autocomplete="postal-code", width="s") %}
{% if field.spec.fills %}
{{ ui.button(t("住所を検索", "Find address"), variant="secondary", name="action", value="lookup:" ~ field.spec.id,
     attributes={"data-postal-lookup": field.id, "data-fills": field.spec.fills,
     "data-found": t("住所を入力しました。続けて番地を入力してください。",
                     "The address was filled in. Now enter the block and house number."),
     "data-not-found": t("郵便番号から住所が見つかりませんでした。番号を確かめるか、住所を直接入力してください。",
                         "No address was found for this postcode.")}) }}
{% endif %}
{% endcall %}"""


def text_box_options(spec, view, locale: str) -> dict:
    if spec.type == "text":
        if spec.check_digit:
            return {"autocomplete": spec.autocomplete or "off", "inputmode": "numeric", "spellcheck": "false",
                    "width": "m"}
        return {"autocomplete": spec.autocomplete}
    if spec.type == "number":
        return {"inputmode": "numeric", "width": "s", "unit": spec.unit_text(locale)}
    if spec.type == "my_number":
        bound = view.input
        return {"inputmode": "numeric", "autocomplete": "off", "width": "m",
                "value": bound.raw_data[0] if bound.errors and bound.raw_data else ""}
    return {"email": {"type": "email", "autocomplete": "email", "spellcheck": "false"},
            "phone": {"type": "tel", "autocomplete": "tel", "width": "m"},
            "corporate_number": {"inputmode": "numeric", "autocomplete": "off", "width": "m"}}[spec.type]


HOSTILE = '<script>"\'&'
TEXT_BOXES = [
    make("text", label="団体名", hint="正式名称"), make("text", label="保険者番号", check_digit="insurer_number"),
    make("text", label=f"L{HOSTILE}", hint=HOSTILE, required=False, autocomplete=f'org{HOSTILE}'),
    make("email", label="メール"), make("phone", label="電話", required=False),
    make("number", label="通数", unit={"ja": "通<&", "en": "copies"}), make("number", label="人数"),
    make("corporate_number", label="法人番号"), make("my_number", label="個人番号"),
    make("postal_code", label="郵便番号"), make("postal_code", label="郵便番号", fills=f"address{HOSTILE}"),
]


def text_box_views(spec, ctx: FieldContext):
    """Empty, with a stored answer, after an empty POST, with hostile text typed, conditionally
    required with a condition hint, required by a rule."""
    forms = [build_form([spec], ctx), build_form([spec], ctx, values={spec.id: spec.example_answer()})]
    for typed in ("", HOSTILE, "１２３"):
        form = build_form([spec], ctx, MultiDict({spec.id: typed}))
        form.validate()
        forms.append(form)
    shown = [field_views(form, [spec], ctx)[0] for form in forms]
    conditional, by_rule = (field_views(build_form([spec], ctx), [spec], ctx)[0] for _ in range(2))
    conditional.conditionally_required, conditional.condition_hint = True, f"「{HOSTILE}」の場合"
    by_rule.required_by_rule = True
    return [*shown, conditional, by_rule]


@pytest.mark.parametrize("locale", ["ja", "en"])
@pytest.mark.parametrize("spec", TEXT_BOXES, ids=lambda spec: spec.type)
def test_a_text_box_is_drawn_as_its_template_drew_it(spec, locale):
    ctx = FieldContext(locale=locale, today=TODAY)
    app = app_for(ctx)
    for view in text_box_views(spec, ctx):
        with request_in(app, ctx):
            if spec.type == "postal_code":
                before = render_template_string(POSTAL_CODE, field=view)
            else:
                before = render_template_string(TEXT_BOX, field=view, options=text_box_options(spec, view, locale))
                before += "\n" if spec.type == "text" else ""
            assert view.html == render_template(view.template, field=view) == before


@pytest.mark.parametrize("type_name", ["text", "name", "address", "date", "postal_code"])
def test_what_a_definition_or_a_resident_wrote_is_escaped_once(type_name):
    ctx = FieldContext(today=TODAY)
    keys = {**minimal_keys(type_name), "label": f"L{HOSTILE}", "hint": f"H{HOSTILE}", "required": False}
    spec = make(type_name, **keys)
    inputs = [name for name, _ in untouched(spec)]
    form = build_form([spec], ctx, MultiDict([(name, f"V{HOSTILE}") for name in inputs]))
    form.validate()
    view = field_views(form, [spec], ctx)[0]
    view.conditionally_required = True
    with request_in(app_for(ctx), ctx):
        page = BeautifulSoup(view.html, "html.parser")
    # Read back as text, each is what was written: escaped neither twice nor not at all.
    assert not page.find("script")
    assert page.find(["label", "legend"]).get_text().startswith(f"L{HOSTILE}")
    assert page.find("p", class_="hint").get_text().startswith(f"H{HOSTILE}")  # then the type's own hint
    assert {box["value"] for box in page.find_all("input")} == {f"V{HOSTILE}"}
    assert page.find(class_="tag--conditional")  # the drawing's own HTML stays HTML


# The templates of the questions answered by choosing, of a textarea, an agreement and guidance text,
# as they were before they were drawn in Python (fields/_macros.html's choice_question, then each
# type's template).
CHOICE_QUESTION = """{% import "components/form.html" as ui %}
{% macro choice_question(field, kind) -%}
{% set items = [] %}
{% for choice in field.spec.all_choices() %}
{% set _ = items.append({"value": choice.value, "label": choice.label.get(field.locale),
                         "hint": choice.hint.get(field.locale) if choice.hint}) %}
{% endfor %}
{% if kind == "select" %}
{{ ui.select(field.input, label=field.question_label, hint=field.hint, error=field.error, required=field.required,
               value=field.input.data, options=items, placeholder=t("選択してください", "Select")) }}
{% elif kind == "radio" %}
{{ ui.radios(field.input, legend=field.question_label, hint=field.hint, error=field.error, required=field.required,
               value=field.input.data, items=items) }}
{% else %}
{{ ui.checkboxes(field.input, legend=field.question_label, hint=field.hint, error=field.error, required=field.required,
                   values=field.input.data or [], items=items) }}
{% endif %}
{%- endmacro %}
"""
BEFORE = {
    "radio": CHOICE_QUESTION + '{{ choice_question(field, "radio") }}',
    "select": CHOICE_QUESTION + '{{ choice_question(field, "select") }}',
    "checkboxes": CHOICE_QUESTION + """{% set exclusive = field.spec.exclusive_choices() | map(attribute="value")
                                                 | list %}
{% if exclusive %}
<div data-exclusive-choices='{{ exclusive | tojson }}'>
{{ choice_question(field, "checkboxes") }}
</div>
{% else %}
{{ choice_question(field, "checkboxes") }}
{% endif %}""",
    "yes_no": """{% import "components/form.html" as ui %}
{% set yes_label, no_label = field.spec.labels(locale) %}
{{ ui.radios(field.input, legend=field.question_label, hint=field.hint, error=field.error, required=field.required,
             inline=true, items=[
                 {"value": "yes", "label": yes_label, "checked": field.input.data is sameas true},
                 {"value": "no", "label": no_label, "checked": field.input.data is sameas false}]) }}""",
    "consent": """{% import "components/form.html" as ui %}
{% call ui.fieldset(field.id, field.question_label, field.hint, field.error, field.required) %}
  {{ ui.choice("checkbox", field.id ~ "-0", field.input.name, "y", field.spec.statement.get(locale),
               checked=field.input.data) }}
{% endcall %}""",
    "guidance": """<div class="guidance">
  {% if field.spec.label %}<h2 class="guidance__title">{{ field.spec.label.get(locale) }}</h2>{% endif %}
  {% for paragraph in field.spec.paragraphs(locale) %}<p>{{ paragraph }}</p>{% endfor %}
</div>""",
    "textarea": """{% import "components/form.html" as ui %}
{{ ui.textarea(field.input, label=field.question_label, hint=field.hint, error=field.error, required=field.required,
               rows=field.spec.rows) }}""",
}
CHOICES = [{"value": "counter", "label": "窓口", "hint": "平日のみ"}, {"value": f"v{HOSTILE}", "label": f"L{HOSTILE}"},
           {"value": "none", "label": "該当なし", "hint": HOSTILE}]
ANSWERED = [
    make("radio", label="受け取り方法", choices=CHOICES[:2]), make("select", label="都道府県", choices=CHOICES[:2]),
    make("checkboxes", label="必要な書類", choices=CHOICES[:2], required=False),
    make("checkboxes", label="必要な書類", choices=[*CHOICES[:2], {**CHOICES[2], "exclusive": True}]),
    make("yes_no", label="同居していますか"), make("yes_no", label=HOSTILE, yes_label="ある<", no_label="ない&"),
    make("textarea", label="備考", hint=HOSTILE, rows=3), make("textarea", label="理由", max_length=200),
    make("consent", label="個人情報の取扱い", statement=f"同意します{HOSTILE}"),
    make("consent", label="確認", statement={"ja": "確認しました", "en": "I have checked"}, required=False,
         hint="任意"),
    make("guidance", label=f"ご注意{HOSTILE}", content=f"一段落目{HOSTILE}\n\n二段落目"),
    make("guidance", content={"ja": "説明だけ", "en": "Text only"}),
]


def answered_views(spec, ctx: FieldContext):
    """Empty, with each example and hostile answer, after an empty POST, conditionally required."""
    if spec.form_field(ctx) is None:
        return field_views(build_form([spec], ctx), [spec], ctx)  # guidance: nothing to answer
    answers: list = [spec.example_answer(), HOSTILE, [f"v{HOSTILE}", "none"], f"v{HOSTILE}", "yes", "no", "x\r\ny"]
    forms = [build_form([spec], ctx), build_form([spec], ctx, values={spec.id: spec.example_answer()})]
    for posted in ([], [(spec.id, "")], *([(spec.id, item) for item in (a if isinstance(a, list) else [a])]
                                          for a in answers)):
        form = build_form([spec], ctx, MultiDict(posted))
        form.validate()
        forms.append(form)
    views = [field_views(form, [spec], ctx)[0] for form in forms]
    conditional = field_views(build_form([spec], ctx), [spec], ctx)[0]
    conditional.conditionally_required, conditional.condition_hint = True, f"「{HOSTILE}」の場合"
    return [*views, conditional]


@pytest.mark.parametrize("locale", ["ja", "en"])
@pytest.mark.parametrize("spec", ANSWERED, ids=lambda spec: spec.type)
def test_a_question_is_drawn_as_its_template_drew_it(spec, locale):
    ctx = FieldContext(locale=locale, today=TODAY)
    app = app_for(ctx)
    for view in answered_views(spec, ctx):
        with request_in(app, ctx):
            before = render_template_string(BEFORE[spec.type], field=view, locale=locale)
            assert view.html == render_template(view.template, field=view) == before
