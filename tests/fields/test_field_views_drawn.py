"""What a question's templates get worked out in Python (formsvc.resident.forms.FieldView, issue
17) draws what the template macros drew: the label with its 「※条件により必須」 tag, a date's three
inputs, the inputs of a question in parts."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template, render_template_string
from werkzeug.datastructures import MultiDict

from formsvc.fields import REGISTRY, FieldContext
from formsvc.resident.forms import build_form, field_views
from tests.fields.fieldkit import make, minimal_keys
from tests.fields.test_field_macros import app_for

TODAY = date(2026, 11, 26)

QUESTION_LABEL = '{% from "fields/_macros.html" import question_label %}{{ question_label(field) }}'

# date.html as it was: the label and each part's value asked for from the template.
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
            with app.test_request_context():
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
        with app.test_request_context():
            written = render_template("fields/date.html", field=view, field_context=ctx, locale=locale)
            assert written == render_template_string(DATE_COMPOSED, field=view)


def test_the_inputs_of_a_question_in_parts_are_worked_out_as_the_template_did():
    ctx = FieldContext(today=TODAY)
    spec = make("address", label="住所", required=True)
    inputs = {f"{spec.id}-{part}": "" for part in ("prefecture", "city", "town", "block", "building")}
    form = build_form([spec], ctx, MultiDict({**inputs, f"{spec.id}-city": "港区"}))
    form.validate()
    view = field_views(form, [spec], ctx)[0]
    given = [("prefecture", "都道府県", "m", None, "address-level1"), ("city", "市区町村", "m", None, "address-level2")]
    drawn = view.input_parts(given)
    bound = view.input
    assert [(p.id, p.name, p.value) for p in drawn] == [
        (bound.part_id(part), bound.part_name(part), bound.part_value(part)) for part, *_ in given]
    assert [p.label for p in drawn] == ["都道府県", "市区町村"]
    # The error is about the whole answer or one part: marked where the template marked it.
    assert [p.invalid for p in drawn] == [bool(view.error) and bound.error_part in (None, part) for part, *_ in given]
    assert view.part_values == {part: bound.part_value(part) for part in bound.parts}
