"""The question macros of templates/fields/_macros.html written out (issue 17): a question in parts
(氏名, フリガナ, 住所, 口座) draws, byte for byte, what the composition of the form components drew
(ui.fieldset with question_label as its legend, ui.part_input per part), in every state; and the
name and address templates make no macro call per part."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask, render_template, render_template_string
from jinja2 import nodes
from werkzeug.datastructures import MultiDict

from formsvc.fields import FieldContext
from formsvc.resident.forms import build_form, field_views
from tests.fields.fieldkit import TEMPLATES, make

TODAY = date(2026, 11, 26)

# What the written-out macros replaced (the earlier parts_question and part).
COMPOSED = """{% import "components/form.html" as ui %}
{% from "fields/_macros.html" import question_label %}
{% macro part(field, part, label, width="m", inputmode=none, autocomplete=none) -%}
{{ ui.part_input(field.input.part_id(part), field.input.part_name(part), label, field.input.part_value(part),
                   width=width, inputmode=inputmode, autocomplete=autocomplete, describedby=field.describedby,
                   invalid=field.error and field.input.error_part in (none, part)) }}
{%- endmacro %}
{% set parts %}
{% for name, label, width, inputmode, autocomplete in parts_given %}
  {{ part(field, name, label, width=width, inputmode=inputmode, autocomplete=autocomplete) }}
{% endfor %}
{% endset %}
{% call ui.fieldset(field.id, question_label(field), field.hint, field.error, field.required) %}
  <div class="{{ class }}">
    {{ parts }}
  </div>
{% endcall %}
"""


def app_for(ctx: FieldContext) -> Flask:
    app = Flask(__name__, template_folder=str(TEMPLATES))
    app.secret_key = "macros"
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True  # as formsvc.templating sets them
    app.jinja_env.globals["t"] = ctx.t
    return app


def views(spec, ctx: FieldContext):
    """The question as a page shows it: empty, after an empty POST, with one part typed (the error
    about another part), with hostile text typed, conditionally required with a condition hint."""
    inputs = [f"{spec.id}-{part}" for part in spec.form_field(ctx).field_class.parts]
    shown = []
    for formdata in (None, MultiDict([(name, "") for name in inputs]),
                     MultiDict([(inputs[0], "東京都")]), MultiDict([(name, '<b>&"\'') for name in inputs])):
        form = build_form([spec], ctx, formdata)
        if formdata is not None:
            form.validate()
        shown.append(field_views(form, [spec], ctx)[0])
    conditional = field_views(build_form([spec], ctx), [spec], ctx)[0]
    conditional.conditionally_required, conditional.condition_hint = True, "「<代理人>」の場合"
    return [*shown, conditional]


SPECS = [
    make("name", label="氏名", required=True),
    make("kana", label="フリガナ", hint="カタカナ & 全角"),
    make("address", label="住所 <現住所>", required=True, hint="番地まで"),
]
ADDRESS_PARTS = [("prefecture", "m", "address-level1"), ("city", "m", "address-level2"),
                 ("town", "l", "address-level3"), ("block", "m", "address-line1"), ("building", "l", "address-line2")]


def parts_given(spec, ctx: FieldContext) -> tuple[list, str]:
    labels = spec.part_labels(ctx)
    if spec.type == "address":
        extra = {"town": ctx.t("（ない場合は空欄）", " (if any)"), "block": ctx.t("（例：1-2-3）", " (e.g. 1-2-3)"),
                 "building": ctx.t("（任意）", " (optional)")}
        return ([(part, labels[part] + extra.get(part, ""), width, None, autocomplete)
                 for part, width, autocomplete in ADDRESS_PARTS], "parts parts--stacked")
    # Kana is asked like a name, without the name's autocomplete.
    own = spec.type == "name" and spec.carry_over == "name"
    return ([("family", labels["family"], "m", None, "family-name" if own else "off"),
             ("given", labels["given"], "m", None, "given-name" if own else "off")], "parts")


@pytest.mark.parametrize("locale", ["ja", "en"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.type)
def test_a_question_in_parts_is_the_fieldset_of_its_parts_byte_for_byte(spec, locale):
    ctx = FieldContext(locale=locale, today=TODAY)
    app = app_for(ctx)
    given, class_ = parts_given(spec, ctx)
    for view in views(spec, ctx):
        with app.test_request_context():
            written = render_template(view.template, field=view, field_context=ctx, locale=locale)
            composed = render_template_string(COMPOSED, field=view, parts_given=given, **{"class": class_})
        assert written == composed


def test_parts_question_with_its_caller_draws_the_same_as_parts_fieldset():
    ctx = FieldContext(today=TODAY)
    app = app_for(ctx)
    spec = SPECS[2]
    given, class_ = parts_given(spec, ctx)
    with_caller = """{% from "fields/_macros.html" import parts_question, part %}
{% call parts_question(field, class=class_) %}
{% for name, label, width, inputmode, autocomplete in parts_given %}
  {{ part(field, name, label, width=width, inputmode=inputmode, autocomplete=autocomplete) }}
{% endfor %}
{% endcall %}"""
    in_one = """{% from "fields/_macros.html" import parts_fieldset %}
{{ parts_fieldset(field, parts_given, class=class_) }}"""
    for view in views(spec, ctx):
        with app.test_request_context():
            assert (render_template_string(with_caller, field=view, parts_given=given, class_=class_)
                    == render_template_string(in_one, field=view, parts_given=given, class_=class_))


def test_a_name_or_an_address_makes_one_macro_call():
    app = app_for(FieldContext(today=TODAY))
    macros = app.jinja_env.parse((TEMPLATES / "fields" / "_macros.html").read_text(encoding="utf-8"))
    written = {macro.name: macro for macro in macros.find_all(nodes.Macro)}
    # parts_fieldset draws its parts and its fieldset's start itself: it calls no other macro.
    called = {call.node.name for call in written["parts_fieldset"].find_all(nodes.Call)
              if isinstance(call.node, nodes.Name)}
    assert not called & set(written), called
    for name in ("name", "address"):
        tree = app.jinja_env.parse((TEMPLATES / "fields" / f"{name}.html").read_text(encoding="utf-8"))
        calls = [call.node.name for call in tree.find_all(nodes.Call) if isinstance(call.node, nodes.Name)]
        assert calls.count("parts_fieldset") == 1 and "part" not in calls, (name, calls)
