"""The structured editor: the procedure's settings and its pages, changed through forms
instead of YAML (the questions of a page: formsvc.admin.views.question_editor).

Each change is made on the editable source's text (comments kept, formsvc.admin.editing) and
saved to the working copy only when the result is valid; a refused one shows its errors, and
where they are in the text, on the page it was made from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import Form as WTForm

from formsvc.admin import describe, editing, working_copies, yaml_edit
from formsvc.admin import forms as admin_forms
from formsvc.admin.diff import block_title, blocks_of
from formsvc.admin.plain_errors import PlainError, control_for, describe_errors
from formsvc.admin.views.common import ADMIN, RevisionForm, actor, blueprint, procedure_or_404
from formsvc.admin.working_copies import NotAllowed, revision
from formsvc.db import session as db_session
from formsvc.definitions.checks import MISSING_ENGLISH
from formsvc.definitions.errors import DefinitionError, DefinitionInvalid, format_path
from formsvc.definitions.loader import load_text
from formsvc.definitions.schema import FormDefinition, Page
from formsvc.fields.base import FieldSpec
from formsvc.forms.models import Form
from formsvc.staff.auth import require_role

# The move buttons of pages and questions: (step, words for the history).
MOVES = {"up": (-1, "上へ移動"), "down": (1, "下へ移動")}
# 移動先: the form of a page's or question's move to a chosen position (「3番目へ」 + 移動).
MOVE_TO = "move"
# The flash category of 「3番目に移動しました」, announced (aria-live) where the item now is.
MOVED = "admin-moved"
POSITION = re.compile(r"[0-9０-９]{1,4}")


def move_position(formdata: Any) -> int | None:
    """The position (1 is the first) chosen in a move form; None when it is not a position."""
    text = str(formdata.get("position") or "").strip()
    if POSITION.fullmatch(text) is None:
        return None
    return int(unicodedata.normalize("NFKC", text))


def moved(position: int) -> None:
    """After a move is saved: what the page announces where the moved item now is."""
    flash(f"{position}番目に移動しました", MOVED)


NO_POSITION = "移動先を一覧から選んでください"


# --- making a change ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    """A structured change that was not saved: the form-level errors or the located ones."""

    summary: list[tuple[str, str]]
    located: list[DefinitionError]
    text: str
    # The located errors in words (formsvc.admin.plain_errors), and those shown beside an input.
    plain: tuple[PlainError, ...] = ()
    placed: frozenset[int] = frozenset()
    # A refused move's message beside the item's 移動先 select: (select id, text).
    move: tuple[str, str] | None = None


def move_refused(refusal: Refusal | None, select_id: str) -> Refusal | None:
    """A move that was not saved: its message (position not offered, the definition changed
    meanwhile …) beside the item's 移動先 select, and the summary linking there. Errors of the
    definition the move would make stay in the list of problems."""
    if refusal is None or refusal.located:
        return refusal
    text = "。".join(message for message, _ in refusal.summary)
    return replace(refusal, summary=[(message, select_id) for message, _ in refusal.summary],
                   move=(select_id, text))


def position_refused(select_id: str) -> Refusal:
    """A move to a position that is not one of the select's."""
    return Refusal([(NO_POSITION, select_id)], [], "", move=(select_id, NO_POSITION))


def apply_change(form: Form, submitted_revision: str | None, change: Callable[[str], str],
                 words: str) -> Refusal | None:
    """Apply ``change`` to the editable source and save it; a Refusal when it cannot be saved."""
    session = db_session()
    source = working_copies.editable_source(session, form)
    if submitted_revision != revision(source):
        return Refusal([("この定義は、この画面を開いた後に別の画面で変更されました。"
                         "最新の内容を確かめて、もう一度操作してください", "main")], [], source)
    try:
        new_source = change(source)
    except editing.EditError as refused:
        return Refusal([(refused.message, "main")], [], source)
    try:
        working_copies.save(session, form, new_source, actor(), change=words)
    except NotAllowed as refused:
        session.rollback()
        return Refusal([(refused.message, "main")], [], source)
    except DefinitionInvalid as invalid:
        session.rollback()
        before = _definition_or_none(source, working_copies.file_name(form.id))
        plain = tuple(describe_errors(invalid.errors, new_source, before, MISSING_ENGLISH))
        return Refusal([(error.text, f"problem-{index}") for index, error in enumerate(plain)],
                       invalid.errors, new_source, plain)
    session.commit()
    flash(f"{words}。下書きに保存しました（まだ公開していません）", "admin")
    return None


# A choice's English label has no input of its own (the choices box is `value: ラベル` lines).
CHOICE_ENGLISH = ("英語の訳がありません: 選択肢{labels}の英語がありません（手続き名に英語があるため、"
                  "選択肢にも英語が必要です）。選択肢の英語はYAMLで label: {{ja: {first}, en: …}} と書いてください")

Path = tuple[str | int, ...]


def _definition_or_none(source: str, name: str) -> FormDefinition | None:
    """The definition of a source that was valid (to name what a refused change refers to)."""
    try:
        return load_text(source, name).definition
    except DefinitionInvalid:
        return None


def beside_controls(refusal: Refusal | None, form: WTForm | None, controls: Mapping[Path, str],
                    choices: tuple[Path, str] | None = None, at: Path | None = None) -> Refusal | None:
    """A refused change's missing translations (「英語の訳がありません」) of texts ``form`` edits,
    shown beside the input for that text's English, and linked there from the summary: the
    administrator fixes them where they type, not only in the YAML listing below.

    Any other error inside ``at`` (the path of what ``form`` edits: () for the procedure) is
    shown, in words, beside the input that edits the part it names (formsvc.admin.plain_errors).

    ``controls`` maps a text's path in the definition to its English input; ``choices`` is the
    path of a question's choices and the name of the box they are typed in."""
    if refusal is None or form is None:
        return refusal
    wanted = {format_path(path): name for path, name in controls.items()}
    summary = list(refusal.summary)
    placed = set(refusal.placed)
    choice_labels: list[str] = []
    content_key = admin_forms.content_key(form["field_type"].data) if "field_type" in form else None
    for index, error in enumerate(refusal.located):
        if error.message != MISSING_ENGLISH:
            plain = refusal.plain[index] if index < len(refusal.plain) else None
            target = None if plain is None or at is None else \
                control_for(plain.path, at, (field.name for field in form), content_key)
            if plain is not None and target is not None:
                form[target].errors = [*form[target].errors, plain.message]
                summary[index] = (summary[index][0], form[target].id)
                placed.add(index)
            continue
        name = wanted.get(error.path)
        if name is None and choices is not None and error.path.startswith(format_path(choices[0]) + "["):
            name = choices[1]
            choice_labels.append(_choice_label(refusal.text, error.path))
        elif name is not None and name in form:
            form[name].errors = [*form[name].errors, error.message]
        if name is not None and name in form and index < len(summary):
            summary[index] = (summary[index][0], form[name].id)
            placed.add(index)
    if choice_labels and choices is not None and choices[1] in form:
        # One message for all of them: the box shows one error.
        control = form[choices[1]]
        control.errors = [*control.errors, CHOICE_ENGLISH.format(
            labels="".join(f"「{label}」" for label in choice_labels), first=choice_labels[0])]
    return replace(refusal, summary=summary, placed=frozenset(placed))


def _choice_label(source: str, path: str) -> str:
    """The Japanese label of the choice at ``path`` (e.g. pages[0].fields[2].choices[1].label)."""
    value: Any = yaml_edit.load(source)
    for part in path.replace("[", ".").replace("]", "").split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return ""
    return editing.text_parts(value)[0]


def written_index(source: str, page_id: str, field_id: str | None = None) -> Path | None:
    """The path of a page (or of a question of it) in ``source`` as written; None when absent."""
    try:
        data = yaml_edit.load(source)
        if field_id is None:
            return ("pages", editing.page_index(data, page_id))
        p, f = editing.field_index(data, page_id, field_id)
    except (editing.EditError, KeyError, TypeError, ValueError):
        return None
    return ("pages", p, "fields", f)


def shown_errors(refusal: Refusal | None, *forms: WTForm | None) -> dict[str, Any]:
    """A page's errors: the refused change's (in words, those beside no input listed; a refused
    move's beside its 移動先 select: move_errors), else the forms' own."""
    if refusal is None:
        return {"errors": admin_forms.error_summary(*(form for form in forms if form is not None)),
                "problems": [], "move_errors": {}}
    # In words only: no lines, columns, paths or ids (the YAML editor shows those).
    return {"errors": refusal.summary,
            "problems": [(f"problem-{index}", error.text) for index, error in enumerate(refusal.plain)
                         if index not in refusal.placed],
            "move_errors": dict([refusal.move]) if refusal.move else {}}


def current(form: Form) -> tuple[str, dict, FormDefinition]:
    """The editable source, its YAML data and its definition."""
    source = working_copies.editable_source(db_session(), form)
    return source, yaml_edit.load(source), load_text(source, working_copies.file_name(form.id)).definition


def editable_procedure(form_id: str) -> Form | Response:
    """The procedure, or the way back to its page when it is archived (and so not editable)."""
    form = procedure_or_404(form_id)
    if form.state == "archived":
        flash("アーカイブ中の手続きは編集できません。先にアーカイブから戻してください", "admin-error")
        return redirect(url_for("admin.procedure", form_id=form.id))
    return form


def page_or_404(definition: FormDefinition, page_id: str) -> Page:
    page = definition.page_by_id(page_id)
    if page is None:
        abort(404)
    return page


def condition_choices(condition_form: Any, definition: FormDefinition, before_page: str,
                      before_field: str | None = None) -> None:
    """Questions a condition may read: answers on earlier pages, outside repeating pages; for a
    question, also the questions before it on its own page (of the same item, on a repeating
    page), shown with it as a conditional reveal."""
    choices = [("", "選んでください")]
    for page in definition.pages:
        if page.id == before_page:
            ids = [spec.id for spec in page.fields]
            if before_field in ids:
                choices.extend((spec.id, f"{describe.text(spec.label)}（このページ）")
                               for spec in page.fields[:ids.index(before_field)] if spec.has_answer)
            break
        if page.repeat is not None:
            continue
        choices.extend((spec.id, f"{describe.text(spec.label)}（{describe.text(page.title)}）")
                       for spec in page.fields if spec.has_answer)
    condition_form.condition_field.choices = admin_forms.options(choices)
    # The value inputs that fit the chosen question; 「値を選ぶ」 (CONDITION_PICK) chose it anew.
    owner = definition.field_by_id(before_field) if before_field else definition.page_by_id(before_page)
    condition_form.offer_condition(definition, picked=CONDITION_PICK in request.form,
                                   written=admin_forms.written_comparison(getattr(owner, "show_if", None)))


# The button beside the question of a condition: shows the value inputs for that question
# (without JavaScript the page cannot change them as the question is chosen), saving nothing.
CONDITION_PICK = "condition_pick"


# --- the procedure's settings and its list of pages -----------------------------------------------

def _edit_page(form: Form, procedure_form: admin_forms.ProcedureForm | None = None,
               add_page_form: admin_forms.AddPageForm | None = None, refusal: Refusal | None = None,
               code: int = 200):
    source, data, definition = current(form)
    if procedure_form is None:
        title_ja, title_en = editing.text_parts(data.get("title"))
        description_ja, description_en = editing.text_parts(data.get("description"))
        department, department_en = editing.text_parts((data.get("department") or {}).get("name"))
        procedure_form = admin_forms.ProcedureForm(
            data={"revision": revision(source), "title_ja": title_ja, "title_en": title_en,
                  "description_ja": description_ja, "description_en": description_en, "department": department,
                  "department_en": department_en, **admin_forms.period_form_values(data),
                  **admin_forms.fee_form_values(data.get("fee"))})
    procedure_form.revision.data = revision(source)
    _number_field_choices(procedure_form, definition)
    page_rows = [(page, [describe.text(spec.label) if spec.label else spec.id for spec in page.fields])
                 for page in definition.pages]
    return render_template(
        "admin/edit.html", form=form, definition=definition, procedure_form=procedure_form,
        add_page_form=add_page_form or admin_forms.AddPageForm(), page_rows=page_rows, revision=revision(source),
        **shown_errors(refusal, procedure_form, add_page_form),
        has_copy=working_copies.working_copy(db_session(), form.id) is not None,
        fee_words=describe.expression(definition.fee.amount, definition, money=True) if definition.fee else None,
        overview=overview(definition),
    ), code


@dataclass(frozen=True)
class Overview:
    """A part of the definition the structured editor has no form for, described in words."""

    title: str
    key: str  # its top-level key in the YAML
    rows: list[tuple[str, str]]  # (name, what it does)


def overview(definition: FormDefinition) -> list[Overview]:
    """Documents, computed values, outcomes, next steps and rules, each described (describe.py)."""
    parts = [
        Overview("必要な書類", "documents", [
            (describe.text(item.name), describe.HOW_WORDS.get(item.how, item.how)
             + ("" if item.show_if is None else f"（該当する場合: {describe.condition(item.show_if, definition)}）"))
            for item in definition.documents]),
        Overview("計算値", "computed", [
            (describe.text(item.label), describe.computed(item, definition)
             + ("" if item.show_if is None
                else f"（表示条件: {describe.condition(item.show_if, definition)}）"))
            for item in definition.computed]),
        Overview(describe.text(definition.outcomes_title) or "あなたに必要な手続き", "outcomes", [
            (describe.text(item.title), describe.outcome(item, definition))
            for item in definition.outcomes]),
    ]
    steps = definition.next_steps
    if isinstance(steps, list):
        parts.append(Overview("送信後の流れ", "next_steps", [
            (describe.text(step.text), "いつも表示" if step.show_if is None
             else f"{describe.condition(step.show_if, definition)}のとき表示") for step in steps]))
    else:
        parts.append(Overview("送信後の流れ", "next_steps", [(describe.text(steps), "いつも表示")]))
    parts.append(Overview("ルール（回答の確認）", "rules", [
        (describe.text(item.message), describe.rule(item, definition)) for item in definition.rules]))
    return parts


def _number_field_choices(procedure_form: admin_forms.ProcedureForm, definition: FormDefinition) -> None:
    procedure_form.fee_field.choices = admin_forms.options([("", "選んでください")] + [
        (spec.id, f"{describe.text(spec.label)}（{spec.id}）") for page in definition.pages
        if page.repeat is None for spec in page.fields if spec.quantity])


@blueprint.get("/forms/<form_id>/edit")
@require_role(ADMIN)
def edit(form_id: str):
    form = editable_procedure(form_id)
    return form if isinstance(form, Response) else _edit_page(form)


@blueprint.post("/forms/<form_id>/settings")
@require_role(ADMIN)
def settings(form_id: str):
    form = editable_procedure(form_id)
    if isinstance(form, Response):
        return form
    _, _, definition = current(form)
    procedure_form = admin_forms.ProcedureForm(request.form)
    _number_field_choices(procedure_form, definition)
    if not procedure_form.validate():
        return _edit_page(form, procedure_form, code=400)

    def change(source: str) -> str:
        source = editing.update_procedure(source, procedure_form.changes())
        source = editing.update_department(source, procedure_form.department_name())
        description = procedure_form.fee_text()
        if procedure_form.fee_kind.data == "keep":
            if "fee" in yaml_edit.load(source):
                source = editing.update_fee(source, yaml_edit.load(source)["fee"]["amount"], description)
            return source
        return editing.update_fee(source, procedure_form.fee_expression(), description)

    refusal = apply_change(form, procedure_form.revision.data, change, "手続きの基本情報を変更")
    if refusal is not None:
        refusal = beside_controls(refusal, procedure_form, {
            ("title",): "title_en", ("description",): "description_en",
            ("department", "name"): "department_en", ("fee", "description"): "fee_description_en"}, at=())
        return _edit_page(form, procedure_form, refusal=refusal, code=400)
    return redirect(url_for("admin.edit", form_id=form_id))


@blueprint.post("/forms/<form_id>/pages")
@require_role(ADMIN)
def add_page(form_id: str):
    form = editable_procedure(form_id)
    if isinstance(form, Response):
        return form
    page_form = admin_forms.AddPageForm(request.form)
    if not page_form.validate():
        return _edit_page(form, add_page_form=page_form, code=400)
    title_ja = (page_form.page_title_ja.data or "").strip()
    title = editing.text_value(title_ja, page_form.page_title_en.data or "")
    page_id = (page_form.page_id.data or "").strip()
    refusal = apply_change(form, RevisionForm(request.form).revision.data,
                           lambda source: editing.add_page(source, page_id, title, page_form.kind.data),
                           f"ページ「{title_ja}」を追加")
    if refusal is not None:
        added = written_index(refusal.text, page_id)
        refusal = beside_controls(refusal, page_form, {(*added, "title"): "page_title_en"} if added else {},
                                  at=added)
        return _edit_page(form, add_page_form=page_form, refusal=refusal, code=400)
    return redirect(url_for("admin.page", form_id=form_id, page_id=page_id))


@blueprint.post("/forms/<form_id>/pages/<page_id>/<action>")
@require_role(ADMIN)
def page_action(form_id: str, page_id: str, action: str):
    form = editable_procedure(form_id)
    if isinstance(form, Response):
        return form
    _, _, definition = current(form)
    page = page_or_404(definition, page_id)
    if action not in (*MOVES, MOVE_TO, "delete"):
        abort(404)
    name = describe.text(page.title)
    position = move_position(request.form)
    if action == "delete":
        def change(source: str) -> str:
            return editing.remove_page(source, page_id)

        words = f"ページ「{name}」を削除"
    elif action == MOVE_TO:
        if position is None:
            return _edit_page(form, refusal=position_refused(f"move-{page_id}"), code=400)
        to = position

        def change(source: str) -> str:
            return editing.move_page_to(source, page_id, to)

        words = f"ページ「{name}」を{position}番目に移動"
    else:
        step, verb = MOVES[action]

        def change(source: str) -> str:
            return editing.move_page(source, page_id, step)

        words = f"ページ「{name}」を{verb}"
    refusal = apply_change(form, RevisionForm(request.form).revision.data, change, words)
    if refusal is not None:
        if action != "delete":
            refusal = move_refused(refusal, f"move-{page_id}")
        return _edit_page(form, refusal=refusal, code=400)
    if action != "delete":
        moved(page_position(form, page_id))
    return redirect(url_for("admin.edit", form_id=form_id) + f"#page-{page_id}")


def page_position(form: Form, page_id: str) -> int:
    """Where a page is now (1 is the first)."""
    _, data, _ = current(form)
    return editing.page_index(data, page_id) + 1


# --- one page ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageItem:
    """One item of a page's fields as written: a question, or a shared block (``use:``) that
    stands for several questions (edited in the block's file, moved and removed as one)."""

    index: int  # its place in the page's fields as written
    spec: FieldSpec | None = None
    block: str = ""
    block_title: str = ""
    questions: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.spec.id if self.spec is not None else f"use-{self.index}"


def page_items(source: str, data: dict, definition: FormDefinition, page: Page) -> list[PageItem]:
    """The page's fields as the YAML writes them (a block is one item)."""
    raw_page = data["pages"][editing.page_index(data, page.id)]
    written = raw_page.get("fields") or []
    uses = iter([use for use in blocks_of(definition, source) if use.page == page.id])
    items: list[PageItem] = []
    for index, raw in enumerate(written):
        if isinstance(raw, dict) and "use" in raw:
            use = next(uses, None)
            ids = use.field_ids if use is not None else ()
            names = tuple(describe.text(spec.label) if spec.label else spec.id
                          for spec in (definition.field_by_id(field_id) for field_id in ids) if spec is not None)
            items.append(PageItem(index, block=str(raw["use"]), block_title=block_title(str(raw["use"])),
                                  questions=names))
        elif isinstance(raw, dict):
            spec = definition.field_by_id(str(raw.get("id")))
            if spec is not None:
                items.append(PageItem(index, spec=spec))
    return items


def page_editor(form: Form, page_id: str, page_form: admin_forms.PageForm | None = None,
                add_field_form: admin_forms.AddFieldForm | None = None, refusal: Refusal | None = None,
                code: int = 200):
    """The page's editor: its title, description and condition, its questions and a new one."""
    source, data, definition = current(form)
    page = page_or_404(definition, page_id)
    if page_form is None:
        raw = data["pages"][editing.page_index(data, page_id)]
        title_ja, title_en = editing.text_parts(raw.get("title"))
        description_ja, description_en = editing.text_parts(raw.get("description"))
        page_form = admin_forms.PageForm(data={
            "title_ja": title_ja, "title_en": title_en, "description_ja": description_ja,
            "description_en": description_en, **admin_forms.condition_form_values(raw.get("show_if"))})
    page_form.revision.data = revision(source)
    condition_choices(page_form, definition, before_page=page_id)
    return render_template(
        "admin/page.html", form=form, definition=definition, page=page, page_form=page_form,
        items=page_items(source, data, definition, page),
        add_field_form=add_field_form or admin_forms.AddFieldForm(), revision=revision(source),
        condition_words=describe.condition(page.show_if, definition),
        **shown_errors(refusal, page_form, add_field_form),
    ), code


@blueprint.route("/forms/<form_id>/pages/<page_id>", methods=["GET", "POST"])
@require_role(ADMIN)
def page(form_id: str, page_id: str):
    form = editable_procedure(form_id)
    if isinstance(form, Response):
        return form
    if request.method == "GET":
        return page_editor(form, page_id)
    _, _, definition = current(form)
    page_or_404(definition, page_id)
    page_form = admin_forms.PageForm(request.form)
    condition_choices(page_form, definition, before_page=page_id)
    if CONDITION_PICK in request.form:
        return page_editor(form, page_id, page_form)
    if not page_form.validate():
        return page_editor(form, page_id, page_form, code=400)
    try:
        condition = page_form.condition(definition)
    except editing.ConditionInvalid as invalid:
        page_form.condition_error(str(invalid))
        return page_editor(form, page_id, page_form, code=400)
    title_ja = page_form.title_ja.data or ""
    changes = {"title": editing.text_value(title_ja, page_form.title_en.data or ""),
               "description": editing.text_value(page_form.description_ja.data or "",
                                                 page_form.description_en.data or "")}
    if condition != "keep":
        changes["show_if"] = condition
    refusal = apply_change(form, page_form.revision.data,
                           lambda source: editing.update_page(source, page_id, changes),
                           f"ページ「{title_ja.strip()}」を変更")
    if refusal is not None:
        at = written_index(refusal.text, page_id)
        refusal = beside_controls(refusal, page_form, {(*at, "title"): "title_en",
                                                       (*at, "description"): "description_en"} if at else {},
                                  at=at)
        return page_editor(form, page_id, page_form, refusal=refusal, code=400)
    return redirect(url_for("admin.page", form_id=form_id, page_id=page_id))
