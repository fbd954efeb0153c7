"""Questions drawn in Python: the HTML of templates/components/form.html's text_input and
date_input and of fields/_macros.html's question in parts, byte for byte
(tests/fields/test_field_views_drawn.py, test_field_macros.py), without a template include and its
macro calls per question: a page's template cost more than the HTML it made (issue 17).

One function per shape of the design system (a text box with its label; a fieldset of inputs in
parts); each field type says which it is and with what options in its own ``draw``
(formsvc.fields.base.FieldSpec). Every value from a definition or a resident goes through
``escape`` once; the HTML around them is constant. Interface words (※必須, 年) are in the
visitor's language (formsvc.i18n, as the templates' t()); a question's own labels in its
context's (``view.ctx``, as the templates' field_context).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from formsvc.fields.base import FieldContext

Words = Callable[[str, str], str]


class QuestionView(Protocol):
    """What a drawing reads of a question (formsvc.resident.forms.FieldView)."""

    @property
    def input(self) -> Any: ...  # the bound WTForms field

    @property
    def ctx(self) -> FieldContext: ...

    @property
    def locale(self) -> str: ...  # the question's language (its context's)

    @property
    def error(self) -> str | None: ...

    @property
    def label(self) -> str: ...

    @property
    def question_label(self) -> Markup: ...

    @property
    def required(self) -> bool | None: ...

    @property
    def hint(self) -> str | None: ...


# One input of a question in parts: (part, label, width, inputmode, autocomplete).
PartInput = tuple[str, str, str, str | None, str | None]
# One choice of a question answered by choosing: (value, label, hint, chosen).
Choice = tuple[str, str, str | None, bool]


def interface_words() -> tuple[str, Words]:
    """The visitor's language and t() in it: what the templates' ``locale`` and t() were."""
    # Imported here: formsvc.i18n reads the request (Flask), which `formsvc validate` never loads
    # although it imports every field type.
    from formsvc.i18n import current_locale, text_in

    locale = current_locale()
    return locale, text_in(locale)


_INVALID = ' aria-invalid="true"'
_REQUIRED = ' aria-required="true"'


def _attribute(name: str, value: str | None) -> str:
    """An attribute with its leading space when it has a value, else nothing. value: a constant
    of the drawing code (inputmode="numeric"), or escaped already."""
    return f' {name}="{value}"' if value else ""


def _required_tag(required: bool | None, t: Words) -> str:
    if required is True:
        return f'<span class="tag tag--required">{t("※必須", "Required")}</span>'
    if required is False:
        return f'<span class="tag tag--optional">{t("※任意", "Optional")}</span>'
    return ""


def _hint_and_error(id_: str, hint: str | None, error: str | None, t: Words) -> str:
    """The hint's and the error's lines under a label or legend (an empty line each without)."""
    hint_line = f'  <p class="hint" id="{id_}-hint">{escape(hint)}</p>\n' if hint else "  \n"
    if not error:
        return hint_line + "  \n"
    return (f'{hint_line}  <p class="error-message" id="{id_}-error"><span class="visually-hidden">'
            f'{t("エラー：", "Error: ")}</span>＊{escape(error)}</p>\n')


def _described(id_: str, hint: str | None, error: str | None) -> str:
    """aria-describedby's attribute (with its leading space): the hint, then the error."""
    if hint and error:
        return f' aria-describedby="{id_}-hint {id_}-error"'
    if hint:
        return f' aria-describedby="{id_}-hint"'
    return f' aria-describedby="{id_}-error"' if error else ""


def button(text: str, *, variant: str, name: str, value: str, attributes: Mapping[str, str]) -> str:
    """components/form.html's button() for a submit button: its text and attributes escaped."""
    classes = "button" + "".join(f" button--{kind}" for kind in variant.split())
    extra = "".join(f' {key}="{escape(given)}"' for key, given in attributes.items())
    return (f'<button type="submit" class="{classes}" name="{escape(name)}" value="{escape(value)}"'
            f'{extra}>{escape(text)}</button>')


def _labelled(view: QuestionView, id_: str, hint: str | None, error: str | None, control: str, t: Words) -> Markup:
    """A control with its label, hint and error in a form group (ui.text_input, ui.select,
    ui.textarea given the question's label and tag). control: the control's lines."""
    return Markup(
        f'<div class="form-group{" form-group--error" if error else ""}">\n'
        f'  <label class="label" for="{id_}">{view.question_label}{_required_tag(view.required, t)}</label>\n'
        f'{_hint_and_error(id_, hint, error, t)}{control}\n\n</div>')


def _shown_error(view: QuestionView) -> str:
    """The error the components show: the view's, else the bound field's first (as ui.text_input)."""
    bound = view.input
    return view.error if view.error is not None else (bound.errors[0] if bound.errors else "")


def _typed(bound: Any) -> Any:
    """What a control shows again: what was typed, else the field's data."""
    return bound.raw_data[0] if bound.raw_data else ("" if bound.data is None else bound.data)


def text_question(view: QuestionView, *, type: str = "text", width: str = "full", inputmode: str | None = None,
                  autocomplete: str | None = None, spellcheck: str | None = None, unit: str | None = None,
                  value: Any = None, beside: str | None = None) -> Markup:
    """A text box with its label, hint and error (DADS インプットテキスト). unit: shown after the
    box; beside: HTML beside it (a button); value: shown instead of what was typed or stored;
    the other options are the input's attributes."""
    _, t = interface_words()
    bound = view.input
    id_, error, hint = escape(bound.id), _shown_error(view), view.hint
    box = (f'<input class="input input--{width}" type="{type}" id="{id_}" name="{escape(bound.name)}"'
           f' value="{escape(_typed(bound) if value is None else value)}"'
           f'{_attribute("inputmode", inputmode)}{_attribute("autocomplete", autocomplete and escape(autocomplete))}'
           f'{_attribute("spellcheck", spellcheck)}{_described(id_, hint, error)}'
           f'{_INVALID if error else ""}{_REQUIRED if view.required is True else ""}>')
    if beside is not None:
        control = f'    <div class="inline-action">\n    {box}\n    {beside}\n  </div>\n'
    elif unit:
        control = f'    <div class="with-unit">{box}<span class="unit">{escape(unit)}</span></div>\n'
    else:
        control = f"    {box}\n"
    return _labelled(view, id_, hint, error, control, t)


def textarea_question(view: QuestionView, rows: int) -> Markup:
    """A multi-line text box with its label, hint and error (ui.textarea)."""
    _, t = interface_words()
    bound = view.input
    id_, error, hint = escape(bound.id), _shown_error(view), view.hint
    return _labelled(view, id_, hint, error,
                     f'    <textarea class="textarea" id="{id_}" name="{escape(bound.name)}" rows="{rows}"'
                     f'{_described(id_, hint, error)}{_INVALID if error else ""}'
                     f'{_REQUIRED if view.required is True else ""}>{escape(_typed(bound))}</textarea>\n', t)


def select_question(view: QuestionView, choices: Iterable[Choice]) -> Markup:
    """A drop-down list with its label, hint and error (ui.select), after an empty first option
    (選択してください)."""
    _, t = interface_words()
    bound = view.input
    id_, error, hint = escape(bound.id), _shown_error(view), view.hint
    options = "".join(f'    <option value="{escape(value)}"{" selected" if chosen else ""}>{escape(label)}</option>\n'
                      for value, label, _, chosen in choices)
    return _labelled(view, id_, hint, error,
                     f'    <select class="select" id="{id_}" name="{escape(bound.name)}"{_described(id_, hint, error)}'
                     f'{_INVALID if error else ""}{_REQUIRED if view.required is True else ""}>\n'
                     f'    <option value="">{t("選択してください", "Select")}</option>\n{options}  </select>\n', t)


def choices_question(view: QuestionView, kind: str, choices: Iterable[Choice], inline: bool = False) -> Markup:
    """Radio buttons or checkboxes (kind: "radio" or "checkbox") in a fieldset whose legend is the
    question (ui.radios, ui.checkboxes; DADS ラジオボタン, チェックボックス): the inputs are
    numbered <id>-0, <id>-1 …, each with its label and its own hint; inline: side by side."""
    _, t = interface_words()
    bound = view.input
    id_, name = escape(bound.id), escape(bound.name)
    drawn = "".join("    " + _choice(kind, f"{id_}-{index}", name, value, label, hint, chosen)
                    for index, (value, label, hint, chosen) in enumerate(choices))
    start = _fieldset_start(view, id_, view.question_label, _described(id_, view.hint, view.error), t)
    return Markup(f'{start}    <div class="choices{" choices--inline" if inline else ""}">\n{drawn}'
                  "  </div>\n\n</fieldset>\n</div>\n")


def agreement_question(view: QuestionView, statement: str) -> Markup:
    """One checkbox, ticked to agree to ``statement``, in a fieldset whose legend is the question
    (ui.fieldset around a ui.choice): its value is "y", its id <id>-0."""
    _, t = interface_words()
    bound = view.input
    id_ = escape(bound.id)
    start = _fieldset_start(view, id_, view.question_label, _described(id_, view.hint, view.error), t)
    agreed = _choice("checkbox", f"{id_}-0", escape(bound.name), "y", statement, None, bool(bound.data))
    return Markup(f"{start}    {agreed}\n</fieldset>\n</div>\n")


def guidance(title: str | None, paragraphs: Iterable[str]) -> Markup:
    """Text between the questions: a heading (none without a title) and its paragraphs."""
    heading = f'<h2 class="guidance__title">{escape(title)}</h2>' if title else ""
    text = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return Markup(f'<div class="guidance">\n{heading}{text}</div>')


def _choice(kind: str, own: str, name: str, value: str, label: str, hint: str | None, chosen: bool) -> str:
    """One radio button or checkbox with its label and its own hint (ui.choice). own: its id;
    name: its input's name, escaped already."""
    described, hint_line = "", ""
    if hint:
        described = f' aria-describedby="{own}-hint"'
        hint_line = f'  <p class="hint choice__hint" id="{own}-hint">{escape(hint)}</p>\n'
    return (f'<div class="choice">\n  <input class="choice__input" type="{kind}" id="{own}" name="{name}"'
            f' value="{escape(value)}"{" checked" if chosen else ""}{described}>\n'
            f'  <label class="choice__label" for="{own}">{escape(label)}</label>\n{hint_line}</div>\n')


def _fieldset_start(view: QuestionView, id_: str, legend: str, described: str, t: Words) -> str:
    """A question's fieldset up to its inputs: the legend, the hint and the error."""
    return (f'<div class="form-group{" form-group--error" if view.error else ""}">\n'
            f'<fieldset class="fieldset" id="{id_}"{described}>\n'
            f'  <legend class="label">{legend}{_required_tag(view.required, t)}</legend>\n'
            f'{_hint_and_error(id_, view.hint, view.error, t)}')


def _part_inputs(view: QuestionView, id_: str, parts: Iterable[PartInput], described: str) -> list[str]:
    """Each input of a question in parts with its own small label (ui.part_input): it shows what
    was typed in it, else the stored answer's part, and is marked invalid when the error is about
    it or about the whole answer. Its id and name are the question's with -<part>
    (CompositeInputField.part_id, part_name)."""
    bound, error = view.input, view.error
    name = escape(bound.name)
    drawn = []
    for part, label, width, inputmode, autocomplete in parts:
        value = bound.part_value(part)
        invalid = _INVALID if error and bound.error_part in (None, part) else ""
        drawn.append(f'<div class="part">\n  <label class="part__label" for="{id_}-{part}">{escape(label)}</label>\n'
                     f'  <input class="input input--{width}" type="text" id="{id_}-{part}" name="{name}-{part}"'
                     f' value="{escape(value) if value else ""}"{_attribute("inputmode", inputmode)}'
                     f'{_attribute("autocomplete", autocomplete)}{described}{invalid}>\n</div>\n')
    return drawn


def parts_question(view: QuestionView, parts: Sequence[PartInput], class_: str = "parts") -> Markup:
    """A question typed in several inputs (氏/名, address lines) in a fieldset (fields/_macros.html's
    parts_question with a part() per input). parts: (part, label, width, inputmode, autocomplete)
    of each input; class_: the classes of their container."""
    _, t = interface_words()
    conditional = view.required is None
    legend = (f'{escape(view.label)}<span class="tag tag--conditional">{t("※条件により必須", "Required in some cases")}'
              "</span>" if conditional else escape(view.label))
    id_ = escape(view.input.id)
    described = _described(id_, view.hint, view.error)
    inputs = "  ".join(_part_inputs(view, id_, parts, described))
    return Markup(f'{_fieldset_start(view, id_, legend, described, t)}    <div class="{class_}">\n      {inputs}\n'
                  "  </div>\n\n</fieldset>\n</div>\n")


def date_question(view: QuestionView) -> Markup:
    """A date typed as 年・月・日 in a fieldset (ui.date_input); only the part the error is about
    is marked invalid (all three when it is about the date)."""
    _, t = interface_words()
    id_ = escape(view.input.id)
    described = _described(id_, view.hint, view.error)
    inputs = "".join("    " + drawn for drawn in _part_inputs(view, id_, (
        ("year", t("年", "Year"), "s", None, None), ("month", t("月", "Month"), "xs", "numeric", None),
        ("day", t("日", "Day"), "xs", "numeric", None)), described))
    start = _fieldset_start(view, id_, view.question_label, described, t)
    return Markup(f'{start}    <div class="parts parts--date">\n{inputs}  </div>\n\n</fieldset>\n</div>\n')
