"""Drive a field type the way a submitted HTML form does: build a WTForms form with the
field, bind it to request-like form data, validate, and look at what a resident sees."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import wtforms
from cryptography.fernet import Fernet
from flask import Flask
from werkzeug.datastructures import FileStorage, MultiDict

from formsvc.fields import REGISTRY, FieldContext, FieldSpec

# The field types a definition may use (formsvc.fields.REGISTRY).
EXPECTED_TYPES = {
    "address", "checkboxes", "consent", "corporate_number", "date", "email", "file", "guidance",
    "kana", "my_number", "name", "number", "phone", "postal_code", "radio", "select", "text",
    "textarea", "yes_no",
}

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



PARTS = {
    "address": ("prefecture", "city", "town", "block", "building"),
    "date": ("year", "month", "day"),
    "kana": ("family", "given"),
    "name": ("family", "given"),
}
# Unticked boxes and unselected radio buttons are not sent at all.
NOT_SENT_WHEN_EMPTY = {"checkboxes", "consent", "radio", "yes_no"}


def untouched(spec: FieldSpec) -> list[tuple[str, object]]:
    """What a browser sends for a question the resident left alone."""
    if spec.type in PARTS:
        return [(f"{spec.id}-{part}", "") for part in PARTS[spec.type]]
    if spec.type in NOT_SENT_WHEN_EMPTY:
        return []
    if spec.type == "file":
        return [(spec.id, FileStorage(io.BytesIO(b""), filename="", content_type="application/octet-stream"))]
    return [(spec.id, "")]


@contextmanager
def storage_keys() -> Iterator[None]:
    """An app context with encryption keys: my_number answers are stored encrypted (formsvc.crypto)."""
    app = Flask(__name__)
    app.config["ENCRYPTION_KEYS"] = [Fernet.generate_key().decode()]
    with app.app_context():
        yield
