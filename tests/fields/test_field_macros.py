"""A question in parts (氏名, フリガナ, 住所: drawn in Python, formsvc.fields.drawing; 口座: the
written-out macros of templates/fields/_macros.html) draws, byte for byte, what the composition of
the form components drew (ui.fieldset with question_label as its legend, ui.part_input per part),
in every state (issue 17)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from flask import Flask, render_template, render_template_string, session
from werkzeug.datastructures import MultiDict

from formsvc.fields import REGISTRY, FieldContext, FieldSpec
from formsvc.fields.base import DRAWN_TEMPLATE
from formsvc.resident.forms import build_form, field_views
from tests.fields.fieldkit import TEMPLATES, make, minimal_keys

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


@contextmanager
def request_in(app: Flask, ctx: FieldContext) -> Iterator[None]:
    """A request in the question's language: a drawing's words (※必須, 年) are the visitor's
    (formsvc.i18n), as the templates' t() was."""
    with app.test_request_context():
        session["lang"] = ctx.locale
        yield


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
        with request_in(app, ctx):
            written = render_template(view.template, field=view, field_context=ctx, locale=locale)
            composed = render_template_string(COMPOSED, field=view, parts_given=given, **{"class": class_})
        assert written == composed


def test_parts_question_with_its_caller_draws_what_python_draws():
    """口座's fieldset (parts_question with a part() per input) and the Python drawing of a
    question in parts are the same HTML."""
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
    for view in views(spec, ctx):
        with request_in(app, ctx):
            assert render_template_string(with_caller, field=view, parts_given=given, class_=class_) == view.html


def test_a_type_drawn_in_python_has_no_template_of_its_own():
    """One place for a type's look: its ``draw``, or else its template fields/<type>.html."""
    for name, cls in REGISTRY.items():
        spec = make(name, **minimal_keys(name))
        own = TEMPLATES / "fields" / f"{name}.html"
        if cls.draw is FieldSpec.draw:
            assert spec.template_name() == f"fields/{name}.html" and own.exists(), name
        else:
            assert spec.template_name() == DRAWN_TEMPLATE and not own.exists(), name
