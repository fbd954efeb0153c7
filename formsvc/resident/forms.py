"""One WTForms form per page: its class built from the compiled definition once per language and
day (kept per worker), bound to each request's inputs."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, ClassVar

from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import Form

from formsvc.fields import FieldContext, FieldSpec
from formsvc.fields.composite import CompositeInputField
from formsvc.request_guard import has_refused_characters, replace_refused_characters


class PageForm(Form):
    """CSRF is checked for every POST by Flask-WTF's CSRFProtect, not per form."""

    # Inputs that held control characters (formsvc.request_guard lets them through to these
    # pages so that they are explained here), and each such field's message. Underscored: a
    # field id never starts with one.
    _refused_inputs: ClassVar[frozenset[str]] = frozenset()
    _refused_messages: ClassVar[dict[str, str]] = {}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, message in self._refused_messages.items():
            field = self[name]
            field.errors = [message]  # the other checks saw the characters as � and are moot
            if isinstance(field, CompositeInputField):
                field.error_part = next(part for part in field.parts
                                        if field.part_name(part) in self._refused_inputs)
            valid = False
        return valid


def build_form(specs: list[FieldSpec], ctx: FieldContext, formdata=None,
               values: dict[str, Any] | None = None) -> PageForm:
    formdata, refused = _with_refused_characters_shown(formdata)
    if not refused:
        return _form_class(specs, ctx)(formdata=formdata, data=values or {})
    attributes = _unbound_fields(specs, ctx)
    fields = set(attributes)
    attributes["_refused_inputs"] = frozenset(refused)
    attributes["_refused_messages"] = {
        spec.id: _refused_message(spec, ctx) for spec in specs if spec.id in fields
        and any(name == spec.id or name.startswith(f"{spec.id}-") for name in refused)}
    return type("PageForm", (PageForm,), attributes)(formdata=formdata, data=values or {})


def _unbound_fields(specs: Sequence[FieldSpec], ctx: FieldContext) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    for spec in specs:
        unbound = spec.form_field(ctx)
        if unbound is not None:
            attributes[spec.id] = unbound
    return attributes


# The form classes of the pages shown lately, by their questions (the compiled definition's own
# objects, kept alive by the entry so that their ids name them) and the request's language and
# day: building a class (a WTForms field and validators per question, then the class) cost more
# than binding it to a request. Per worker; bounded, least recently used first out.
FORM_CLASSES_KEPT = 256
_form_classes: OrderedDict[tuple, tuple[tuple[FieldSpec, ...], type[PageForm]]] = OrderedDict()
_form_classes_lock = threading.Lock()


def _form_class(specs: Sequence[FieldSpec], ctx: FieldContext) -> type[PageForm]:
    key = (tuple(map(id, specs)), ctx)
    with _form_classes_lock:
        found = _form_classes.get(key)
        if found is not None and all(a is b for a, b in zip(found[0], specs, strict=True)):
            _form_classes.move_to_end(key)
            return found[1]
    form_class = type("PageForm", (PageForm,), _unbound_fields(specs, ctx))
    with _form_classes_lock:
        _form_classes[key] = (tuple(specs), form_class)
        _form_classes.move_to_end(key)
        while len(_form_classes) > FORM_CLASSES_KEPT:
            _form_classes.popitem(last=False)
    return form_class


def _with_refused_characters_shown(formdata) -> tuple[Any, set[str]]:
    """The form data with each control character replaced by �, and the inputs that had one:
    the page shows what was typed with the characters to remove where they were."""
    if formdata is None or not any(isinstance(value, str) and has_refused_characters(value)
                                   for _, value in formdata.items(multi=True)):
        return formdata, set()
    shown: MultiDict = MultiDict()
    refused: set[str] = set()
    for name, value in formdata.items(multi=True):
        if isinstance(value, str) and has_refused_characters(value):
            refused.add(name)
            value = replace_refused_characters(value)
        shown.add(name, value)
    return shown, refused


def _refused_message(spec: FieldSpec, ctx: FieldContext) -> str:
    label = spec.label_text(ctx)
    return ctx.t(f"{label}に使用できない文字（制御文字）が含まれています。「\ufffd」の文字を消してください",
                 f"{label} contains characters that cannot be used (control characters). "
                 "Remove the \ufffd characters")


@dataclass
class FieldView:
    """What a field template or its type's drawing (FieldSpec.draw) needs: the definition's field and
    its bound WTForms field."""

    spec: FieldSpec
    input: Any  # the bound WTForms field; None for guidance and read-only answers
    ctx: FieldContext
    error: str | None = None
    locked: bool = False  # verified by the My Number card and not editable: shown as text
    verified: bool = False
    value_text: str = ""
    # A conditional reveal (formsvc.resident.pages.reveal): when to answer, in words (part of the
    # hint, so aria-describedby reads it), and the condition for the script (JSON) or None.
    condition_hint: str | None = None
    reveal: str | None = None
    revealed: bool = False
    # Optional in itself but required in some cases (its required_if, or a rule that checks it is
    # answered: formsvc.resident.pages.rule_required): labelled 「※条件により必須」, not ※任意;
    # required in every case by a rule without ``when``: labelled ※必須.
    conditionally_required: bool = False
    required_by_rule: bool = False
    # The hint as last worked out, with the condition_hint it was worked out with: a page's
    # templates read it several times (the hint, aria-describedby of the question and its parts).
    _hint: tuple[str | None, str | None] | None = dataclass_field(default=None, init=False, repr=False, compare=False)

    @property
    def locale(self) -> str:
        return self.ctx.locale

    @property
    def id(self) -> str:
        return self.input.id if self.input is not None else self.spec.id

    @property
    def template(self) -> str:
        return self.spec.template_name()

    @property
    def html(self) -> Markup | None:
        """The question drawn in Python by its type (FieldSpec.draw), or None: its template draws it."""
        return self.spec.draw(self)

    @property
    def label(self) -> str:
        return self.spec.label.get(self.locale) if self.spec.label else ""

    @property
    def question_label(self) -> Markup:
        """The label as the question shows it: with 「※条件により必須」 after it when the question is
        optional in itself but required in some cases (``required`` is then None: no ※必須/※任意
        tag), in the question's language. Markup, so the components keep the tag as HTML. What
        fields/_macros.html's question_label() draws, without a macro call per question (issue 17)."""
        label = escape(self.label)
        if self.required is None:
            return label + Markup('<span class="tag tag--conditional">%s</span>') % self.ctx.t(
                "※条件により必須", "Required in some cases")
        return label

    @property
    def required(self) -> bool | None:
        """The label's tag: True ※必須, False ※任意, None neither (the template adds
        「※条件により必須」 for a conditionally required question)."""
        if self.spec.required or self.required_by_rule:
            return True
        return None if self.conditionally_required else False

    @property
    def hint(self) -> str | None:
        # Only condition_hint is set after the view is made; the rest (spec, ctx) never changes.
        if self._hint is not None and self._hint[0] == self.condition_hint:
            return self._hint[1]
        own = self.spec.hint.get(self.locale) if self.spec.hint else None
        parts = [text for text in (self.condition_hint, own, self.spec.automatic_hint(self.ctx)) if text]
        hint = join_hints(parts, self.locale) or None
        self._hint = (self.condition_hint, hint)
        return hint

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
        return self.spec.error_target(self.input) if self.input is not None else self.id


# Where a Japanese sentence already ends: no 「。」 is added after these.
_SENTENCE_ENDS_JA = ("。", "！", "？", "!", "?")


def join_hints(parts: Sequence[str], locale: str) -> str:
    """Hints from several sources (the condition, the definition's hint, the type's own help) as
    one text: each part ends as a sentence, so that two are never glued into one
    (「…入力してください。7桁の数字（例：123-4567）」, not 「…ください7桁の…」)."""
    parts = [part.strip() for part in parts if part and part.strip()]
    ends, stop, gap = (_SENTENCE_ENDS_JA, "。", "") if locale == "ja" else ((".", "!", "?"), ".", " ")
    # The last part keeps its own ending: hints are written without a final 「。」 as often as with.
    last = len(parts) - 1
    return gap.join(part if index == last or part.endswith(ends) else part + stop
                    for index, part in enumerate(parts))


def field_views(form: PageForm, specs: list[FieldSpec], ctx: FieldContext,
                extra_errors: dict[str, str] | None = None, locked: Sequence[FieldSpec] = (),
                verified: AbstractSet[str] = frozenset(), values: dict | None = None) -> list[FieldView]:
    views = []
    for spec in specs:
        if spec in locked:
            # A rule's message may belong to an answer the card filled in: with no input to put
            # it beside, it goes beside the answer shown, and in the summary like any other, or
            # the page would refuse to go on without saying why.
            value = (values or {}).get(spec.id)
            views.append(FieldView(spec, None, ctx, (extra_errors or {}).get(spec.id), locked=True,
                                   verified=True, value_text=spec.display(value, ctx.locale)))
            continue
        bound = form[spec.id] if spec.id in form._fields else None
        error = None
        if bound is not None and bound.errors:
            error = bound.errors[0]
        elif extra_errors and spec.id in extra_errors:
            error = extra_errors[spec.id]
        views.append(FieldView(spec, bound, ctx, error, verified=spec.id in verified))
    return views
