"""Drive a field type the way a submitted HTML form does: build a WTForms form with the
field, bind it to request-like form data, validate, and look at what a resident sees."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import wtforms
from bs4 import BeautifulSoup
from cryptography.fernet import Fernet
from flask import Flask, render_template, session
from werkzeug.datastructures import FileStorage, MultiDict

from formsvc.fields import REGISTRY, FieldContext, FieldSpec
from formsvc.fields.admin_options import admin_options
from formsvc.fields.choices import ChoiceSpec
from formsvc.fields.composite import CompositeInputField
from formsvc.resident.forms import build_form, field_views

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TODAY = date(2026, 11, 26)  # a Thursday, in 令和8年
CTX = FieldContext(today=TODAY)
EN = FieldContext(locale="en", today=TODAY)


@dataclass
class Submitted:
    valid: bool
    data: object
    errors: list[str]
    field: wtforms.Field


def submit(spec: FieldSpec, formdata=(), ctx: FieldContext | None = None) -> Submitted:
    """Post ``formdata`` (a dict, or a list of (name, value) pairs for repeated names)."""
    ctx = ctx or CTX
    form_class = type("SubmittedForm", (wtforms.Form,), {spec.id: spec.form_field(ctx)})
    form = form_class(MultiDict(formdata))
    valid = form.validate()
    bound = form[spec.id]
    return Submitted(valid, bound.data, list(bound.errors), bound)


def make(type_name: str, **keys) -> FieldSpec:
    """A field spec as a definition would declare it (validated by its pydantic model)."""
    keys.setdefault("id", "answer")
    return REGISTRY[type_name].model_validate({"type": type_name, **keys})


def minimal_keys(type_name: str) -> dict[str, object]:
    """The smallest definition of a type, as an administrator would write it: a label, the
    text options it cannot do without (guidance's content, consent's statement) and, for a
    choice type, two choices."""
    model = REGISTRY[type_name]
    keys: dict[str, object] = {"label": model.type_label[0]}
    for key, option in admin_options(model).items():
        if model.model_fields[key].is_required():
            keys[key] = f"{option.label}の例"
    if issubclass(model, ChoiceSpec):
        keys["choices"] = [{"value": "counter", "label": "窓口"}, {"value": "mail", "label": "郵送"}]
    return keys


def untouched(spec: FieldSpec) -> list[tuple[str, object]]:
    """What a browser sends for a question the resident left alone."""
    input_class = spec.form_field(CTX).field_class
    if issubclass(input_class, CompositeInputField):
        return [(f"{spec.id}-{part}", "") for part in input_class.parts]
    if spec.numbered_inputs:
        return []  # unticked boxes and unselected radio buttons are not sent at all
    if spec.receives_uploads:
        return [(spec.id, FileStorage(io.BytesIO(b""), filename="", content_type="application/octet-stream"))]
    return [(spec.id, "")]


def shown_value(spec: FieldSpec, formdata=(), ctx: FieldContext | None = None) -> str | None:
    """The value the page's input shows after posting ``formdata``, rendered by the field's
    own template as an application page renders it (None: no value attribute)."""
    ctx = ctx or CTX
    form = build_form([spec], ctx, MultiDict(formdata))
    form.validate()
    view = field_views(form, [spec], ctx)[0]
    box = BeautifulSoup(question_html(view, ctx), "html.parser").find("input", id=view.id)
    return None if box is None else box.get("value")


def question_html(view, ctx: FieldContext | None = None) -> str:
    """A question (a FieldView) drawn by its own template as an application page draws it: the
    app's template settings, and t() as a global (the field macros are imported without context)."""
    ctx = ctx or CTX
    app = Flask(__name__, template_folder=str(TEMPLATES))
    app.secret_key = "fieldkit"
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True  # as formsvc.templating sets them
    app.jinja_env.globals["t"] = ctx.t
    with app.test_request_context():
        session["lang"] = ctx.locale  # a drawing's words are the visitor's (formsvc.fields.drawing)
        return render_template(view.template, field=view, field_context=ctx, locale=ctx.locale)


@contextmanager
def storage_keys() -> Iterator[None]:
    """An app context with encryption keys: my_number answers are stored encrypted (formsvc.crypto)."""
    app = Flask(__name__)
    app.config["ENCRYPTION_KEYS"] = [Fernet.generate_key().decode()]
    with app.app_context():
        yield
