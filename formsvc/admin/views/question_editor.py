"""The structured editor's questions: adding one to a page, its own page (label, help, the
type's options, condition), moving and deleting it. Changes are made and refused as the
structured editor's other changes are (formsvc.admin.views.structured_editor)."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms.validators import ValidationError

from formsvc.admin import describe, editing, yaml_edit
from formsvc.admin import forms as admin_forms
from formsvc.admin.diff import block_title
from formsvc.admin.views.common import ADMIN, RevisionForm, blueprint
from formsvc.admin.views.structured_editor import (
    CONDITION_PICK,
    MOVE_TO,
    MOVES,
    Refusal,
    apply_change,
    beside_controls,
    condition_choices,
    current,
    editable_procedure,
    move_position,
    move_refused,
    moved,
    page_editor,
    page_or_404,
    position_refused,
    shown_errors,
    written_index,
)
from formsvc.admin.working_copies import revision
from formsvc.definitions.schema import FormDefinition
from formsvc.fields.base import FieldSpec
from formsvc.forms.models import Form
from formsvc.staff.auth import require_role


def _raw_field(data: dict, page_id: str, field_id: str) -> dict:
    try:
        p, f = editing.field_index(data, page_id, field_id)
    except editing.EditError:
        abort(404)
    return data["pages"][p]["fields"][f]


def _spec_or_404(definition: FormDefinition, field_id: str) -> FieldSpec:
    spec = definition.field_by_id(field_id)
    if spec is None:
        abort(404)
    return spec


def _form_class(spec: FieldSpec) -> Any:
    return admin_forms.field_form(spec.type, getattr(spec, "choice_list", None))


@blueprint.post("/forms/<form_id>/pages/<page_id>/fields")
@require_role(ADMIN)
def add_field(form_id: str, page_id: str):
    form = editable_procedure(form_id)
    if isinstance(form, Response):
        return form
    _, _, definition = current(form)
    page_or_404(definition, page_id)
    field_form = admin_forms.AddFieldForm(request.form)
    if not field_form.validate():
        return page_editor(form, page_id, add_field_form=field_form, code=400)
    spec = field_form.spec()
    name = (field_form.label_ja.data or "").strip() or spec["id"]
    refusal = apply_change(form, RevisionForm(request.form).revision.data,
                           lambda source: editing.add_field(source, page_id, spec), f"項目「{name}」を追加")
    if refusal is not None:
        at = _added_at(refusal.text, page_id)
        content_key = admin_forms.content_key(spec["type"])
        controls = {(*at, "label"): "label_en"} if at else {}
        if at and content_key:
            controls[(*at, content_key)] = "content_en"
        refusal = beside_controls(refusal, field_form, controls, choices=((*at, "choices"), "choices") if at else None,
                                  at=at)
        return page_editor(form, page_id, add_field_form=field_form, refusal=refusal, code=400)
    return redirect(url_for("admin.field", form_id=form_id, page_id=page_id, field_id=spec["id"]))


def _added_at(source: str, page_id: str) -> tuple[str | int, ...] | None:
    """The path of the question just added to a page: the page's last item as written (its id may
    also be another question's, on this page or another: then only this one is the added one)."""
    page_at = written_index(source, page_id)
    if page_at is None:
        return None
    fields = yaml_edit.load(source)["pages"][page_at[1]].get("fields")
    return (*page_at, "fields", len(fields) - 1) if isinstance(fields, list) and fields else None


def _field_page(form: Form, page_id: str, field_id: str, field_form: Any = None, refusal: Refusal | None = None,
                code: int = 200):
    source, data, definition = current(form)
    raw = _raw_field(data, page_id, field_id)
    spec = _spec_or_404(definition, field_id)
    values = admin_forms.field_form_values(raw, spec.type)
    if field_form is None:
        field_form = _form_class(spec)(data=values)
        accepted = values.get("accepted", [])
        exclusive = editing.exclusive_values(raw.get("choices"))
    else:
        accepted = field_form.accepted(request.form)
        exclusive = request.form.getlist("exclusive_choices")
    field_form.revision.data = revision(source)
    condition_choices(field_form, definition, before_page=page_id, before_field=field_id)
    choice_items = [admin_forms.SelectChoice(value, words) for value, words in _choice_words(raw)]
    return render_template(
        "admin/field.html", form=form, definition=definition, page=definition.page_by_id(page_id), spec=spec,
        field_form=field_form, options=admin_forms.option_rows(field_form),
        advanced_keys=admin_forms.advanced_keys(field_form), advanced_open=admin_forms.advanced_open(field_form),
        accepted=accepted, file_kinds=admin_forms.options(admin_forms.option_choices(field_form)),
        date_bound_hint=admin_forms.DATE_BOUND_HINT, exclusive=exclusive, choice_items=choice_items,
        condition_words=describe.condition(spec.show_if, definition), revision=revision(source),
        required_if_words=describe.condition(spec.required_if, definition)
        if spec.required_if is not None else None,
        **shown_errors(refusal, field_form),
    ), code


def _choice_words(raw: dict) -> list[tuple[str, str]]:
    """(value, label) of the question's choices as written (for the 「該当なし」 checkboxes)."""
    items = []
    for choice in raw.get("choices") or []:
        if isinstance(choice, dict):
            items.append((str(choice.get("value")), editing.text_parts(choice.get("label"))[0]))
        else:
            items.append((str(choice), str(choice)))
    return items


@blueprint.route("/forms/<form_id>/pages/<page_id>/fields/<field_id>", methods=["GET", "POST"])
@require_role(ADMIN)
def field(form_id: str, page_id: str, field_id: str):
    form = editable_procedure(form_id)
    if isinstance(form, Response):
        return form
    if request.method == "GET":
        return _field_page(form, page_id, field_id)
    _, data, definition = current(form)
    raw = _raw_field(data, page_id, field_id)
    field_form = _form_class(_spec_or_404(definition, field_id))(request.form)
    condition_choices(field_form, definition, before_page=page_id, before_field=field_id)
    if CONDITION_PICK in request.form:
        return _field_page(form, page_id, field_id, field_form)
    valid = field_form.validate()
    changes: dict[str, Any] = {}
    if valid:
        try:
            changes = field_form.changes(raw, request.form)
            condition = field_form.condition(definition)
        except ValidationError as invalid:
            valid = False
            _attach_option_error(field_form, str(invalid))
        except editing.ConditionInvalid as invalid:
            valid = False
            field_form.condition_error(str(invalid))
        else:
            if condition != "keep":
                changes["show_if"] = condition
    if not valid:
        return _field_page(form, page_id, field_id, field_form, code=400)
    name = (field_form.label_ja.data or "").strip() or field_id
    refusal = apply_change(form, field_form.revision.data,
                           lambda source: editing.update_field(source, page_id, field_id, changes),
                           f"項目「{name}」を変更")
    if refusal is not None:
        refusal = beside_controls(refusal, field_form, *_english_controls(field_form, refusal.text, page_id, field_id),
                                  at=written_index(refusal.text, page_id, field_id))
        return _field_page(form, page_id, field_id, field_form, refusal=refusal, code=400)
    return redirect(url_for("admin.field", form_id=form_id, page_id=page_id, field_id=field_id))


def _english_controls(field_form: Any, source: str, page_id: str, field_id: str) -> tuple[dict, Any]:
    """The question's texts (as paths in ``source``) and the inputs for their English."""
    at = written_index(source, page_id, field_id)
    if at is None:
        return {}, None
    controls = {(*at, "label"): "label_en", (*at, "hint"): "hint_en",
                (*at, "pattern", "message"): "option_pattern_message_en"}
    for key, option in field_form.option_specs.items():
        if option.kind in admin_forms.TEXT_KINDS:
            controls[(*at, key)] = f"option_{key}_en"
    return controls, ((*at, "choices"), "choices")


def _attach_option_error(field_form: Any, message: str) -> None:
    """An option whose value could not be read: the message names it; show it at that input."""
    for key in field_form.option_keys:
        label = field_form.option_specs[key].label
        if message.startswith(label):
            target = getattr(field_form, f"option_{key}", None)
            if target is not None:
                target.errors = [message]
                return
    field_form.label_ja.errors = [message]


@blueprint.post("/forms/<form_id>/pages/<page_id>/fields/<field_id>/<action>")
@require_role(ADMIN)
def field_action(form_id: str, page_id: str, field_id: str, action: str):
    form = editable_procedure(form_id)
    if isinstance(form, Response):
        return form
    _, data, definition = current(form)
    _raw_field(data, page_id, field_id)
    if action not in (*MOVES, MOVE_TO, "delete"):
        abort(404)
    spec = _spec_or_404(definition, field_id)
    name = describe.text(spec.label) if spec.label else field_id
    position = move_position(request.form)
    if action == "delete":
        def change(source: str) -> str:
            return editing.remove_field(source, page_id, field_id)

        words = f"項目「{name}」を削除"
    elif action == MOVE_TO:
        if position is None:
            return page_editor(form, page_id, refusal=position_refused(f"move-{field_id}"), code=400)
        to = position

        def change(source: str) -> str:
            return editing.move_field_to(source, page_id, field_id, to)

        words = f"項目「{name}」を{position}番目に移動"
    else:
        step, verb = MOVES[action]

        def change(source: str) -> str:
            return editing.move_field(source, page_id, field_id, step)

        words = f"項目「{name}」を{verb}"
    refusal = apply_change(form, RevisionForm(request.form).revision.data, change, words)
    if refusal is not None:
        if action != "delete":
            refusal = move_refused(refusal, f"move-{field_id}")
        return page_editor(form, page_id, refusal=refusal, code=400)
    if action != "delete":
        _, data, _ = current(form)
        moved(editing.field_index(data, page_id, field_id)[1] + 1)
    return redirect(url_for("admin.page", form_id=form_id, page_id=page_id) + f"#field-{field_id}")


@blueprint.post("/forms/<form_id>/pages/<page_id>/uses/<int:index>/<action>")
@require_role(ADMIN)
def use_action(form_id: str, page_id: str, index: int, action: str):
    """Move or remove a shared block's ``use:`` on a page (its questions go with it)."""
    form = editable_procedure(form_id)
    if isinstance(form, Response):
        return form
    _, _, definition = current(form)
    page_or_404(definition, page_id)
    if action not in (*MOVES, MOVE_TO, "delete"):
        abort(404)
    block = (admin_forms.BlockForm(request.form).block.data or "").strip()
    name = block_title(block)
    position = move_position(request.form)
    target = index
    if action == "delete":
        def change(source: str) -> str:
            return editing.remove_use(source, page_id, index, block)

        words = f"共通ブロック「{name}」を削除"
    elif action == MOVE_TO:
        if position is None:
            return page_editor(form, page_id, refusal=position_refused(f"move-use-{index}"), code=400)
        to = target = position - 1

        def change(source: str) -> str:
            return editing.move_use_to(source, page_id, index, block, to + 1)

        words = f"共通ブロック「{name}」を{position}番目に移動"
    else:
        step, verb = MOVES[action]

        def change(source: str) -> str:
            return editing.move_use(source, page_id, index, block, step)

        words = f"共通ブロック「{name}」を{verb}"
        target = index + step
    refusal = apply_change(form, RevisionForm(request.form).revision.data, change, words)
    if refusal is not None:
        if action != "delete":
            refusal = move_refused(refusal, f"move-use-{index}")
        return page_editor(form, page_id, refusal=refusal, code=400)
    if action == "delete":
        return redirect(url_for("admin.page", form_id=form_id, page_id=page_id))
    moved(target + 1)
    return redirect(url_for("admin.page", form_id=form_id, page_id=page_id) + f"#use-{target}")
