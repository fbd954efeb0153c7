"""One WTForms form per page, built per request from the compiled definition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wtforms import Form

from formsvc.fields import FieldContext, FieldSpec
from formsvc.fields.composite import CompositeInputField


class PageForm(Form):
    """CSRF is checked for every POST by Flask-WTF's CSRFProtect, not per form."""


def build_form(specs: list[FieldSpec], ctx: FieldContext, formdata=None,
               values: dict[str, Any] | None = None) -> PageForm:
    attributes = {}
    for spec in specs:
        unbound = spec.form_field(ctx)
        if unbound is not None:
            attributes[spec.id] = unbound
    form_class = type("PageForm", (PageForm,), attributes)
    return form_class(formdata=formdata, data=values or {})


@dataclass
class FieldView:
    """What a field template needs: the definition's field and its bound WTForms field."""

    spec: FieldSpec
    input: Any  # the bound WTForms field; None for guidance and read-only answers
    ctx: FieldContext
    error: str | None = None
    locked: bool = False  # verified by the My Number card and not editable: shown as text
    verified: bool = False
    value_text: str = ""

    @property
    def locale(self) -> str:
        return self.ctx.locale

    @property
    def id(self) -> str:
        return self.input.id if self.input is not None else self.spec.id

    @property
    def template(self) -> str:
        return f"fields/{self.spec.type}.html"

    @property
    def label(self) -> str:
        return self.spec.label.get(self.locale) if self.spec.label else ""

    @property
    def hint(self) -> str | None:
        own = self.spec.hint.get(self.locale) if self.spec.hint else None
        parts = [text for text in (own, self.spec.automatic_hint(self.ctx)) if text]
        return " ".join(parts) or None

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def describedby(self) -> str:
        ids = []
        if self.hint:
            ids.append(self.hint_id)
        if self.error:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def error_target(self) -> str:
        """The input the error summary links to (the first one a resident must fix)."""
        if isinstance(self.input, CompositeInputField):
            return self.input.part_id(self.input.error_part or self.input.parts[0])
        if self.spec.type in ("radio", "checkboxes", "yes_no", "consent"):
            return f"{self.id}-0"
        return self.id


def field_views(form: PageForm, specs: list[FieldSpec], ctx: FieldContext,
                extra_errors: dict[str, str] | None = None, locked: list[FieldSpec] = (),
                verified: set[str] = frozenset(), values: dict | None = None) -> list[FieldView]:
    views = []
    for spec in specs:
        if spec in locked:
            value = (values or {}).get(spec.id)
            views.append(FieldView(spec, None, ctx, locked=True, verified=True,
                                   value_text=spec.display(value, ctx.locale)))
            continue
        bound = form[spec.id] if spec.id in form._fields else None
        error = None
        if bound is not None and bound.errors:
            error = bound.errors[0]
        elif extra_errors and spec.id in extra_errors:
            error = extra_errors[spec.id]
        views.append(FieldView(spec, bound, ctx, error, verified=spec.id in verified))
    return views
