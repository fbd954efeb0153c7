"""The administrator's pages (/admin/): procedures, the structured editor, the YAML view,
publishing, versions and their differences, rollback, archive and history.

Every view requires the "admin" role (tests/staff walks the URL map to prove it). Every change
goes through formsvc.admin.working_copies, which validates with the same code as
`formsvc validate` and records the history. Pages work without JavaScript: each button is a
small form, and a refused change shows its errors where it was typed, keeping the typed text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from wtforms import Form as WTForm
from wtforms.validators import ValidationError

from formsvc.admin import describe, editing, working_copies, yaml_edit
from formsvc.admin import forms as admin_forms
from formsvc.admin.diff import describe_changes, source_diff
from formsvc.admin.working_copies import NotAllowed, revision
from formsvc.db import session as db_session
from formsvc.definitions.errors import DefinitionError, DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.definitions.schema import FormDefinition
from formsvc.forms import audit
from formsvc.forms.models import Form
from formsvc.staff import roles
from formsvc.staff.auth import current_staff, require_role
from formsvc.templating import add_to_staff_menu

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

ADMIN = roles.ADMIN
STATES = {"draft": ("下書き（未公開）", "Draft"), "published": ("公開中", "Published"),
          "archived": ("アーカイブ（受付停止）", "Archived")}
ORIGINS = {"file": ("ファイル", "File"), "admin": ("管理画面", "Browser")}

add_to_staff_menu("admin.index", ("手続きの管理", "Procedures"), (ADMIN,))


@blueprint.context_processor
def _facts():
    return {"state_labels": STATES, "origin_labels": ORIGINS, "event_labels": audit.KINDS,
            "type_name": describe.type_name}


def _actor() -> str:
    return current_staff().username


def _form_or_404(form_id: str) -> Form:
    form = db_session().get(Form, form_id)
    if form is None:
        abort(404)
    return form


# --- located errors: line:column and message, the offending lines highlighted ------------------

@dataclass(frozen=True)
class Line:
    number: int
    text: str
    errors: tuple[str, ...]


def listing(text: str, errors: list[DefinitionError], context: int | None = None) -> list[list[Line]]:
    """The text's numbered lines in sections (all of them, or ``context`` lines around each error)."""
    lines = text.splitlines() or [""]
    by_line: dict[int, list[str]] = {}
    for error in errors:
        line = min(max(error.line, 1), len(lines))
        by_line.setdefault(line, []).append(f"{error.column}列: {error.message}")
    if context is None:
        wanted = list(range(1, len(lines) + 1))
    else:
        wanted = sorted({n for line in by_line for n in range(line - context, line + context + 1)
                         if 1 <= n <= len(lines)})
    sections: list[list[Line]] = []
    for number in wanted:
        if not sections or sections[-1][-1].number != number - 1:
            sections.append([])
        sections[-1].append(Line(number, lines[number - 1], tuple(by_line.get(number, ()))))
    return sections


def located_summary(errors: list[DefinitionError]) -> list[tuple[str, str]]:
    return [(f"{error.line}行{error.column}列: {error.path + ': ' if error.path else ''}{error.message}",
             f"line-{error.line}") for error in errors]


# --- the list and new procedures ------------------------------------------------------------------

@blueprint.get("/")
@require_role(ADMIN)
def index():
    return render_template("admin/index.html", rows=working_copies.procedures(db_session()))


@blueprint.route("/new", methods=["GET", "POST"])
@require_role(ADMIN)
def new():
    form = admin_forms.CreateForm(request.form if request.method == "POST" else None)
    problems: list[tuple[str, str]] = []
    if request.method == "POST" and form.validate():
        try:
            created = working_copies.create(
                db_session(), form.form_id.data.strip(), editing.text_value(form.title_ja.data, form.title_en.data),
                form.department.data.strip(), _actor())
        except NotAllowed as refused:
            db_session().rollback()
            form.form_id.errors = [refused.message]
        else:
            db_session().commit()
            flash(f"手続き「{form.title_ja.data.strip()}」を下書きとして作成しました。内容を編集してから公開してください",
                  "admin")
            return redirect(url_for("admin.edit", form_id=created.id))
    problems = admin_forms.error_summary(form)
    return render_template("admin/new.html", form=form, errors=problems), 400 if problems else 200


@blueprint.route("/copy", methods=["GET", "POST"])
@require_role(ADMIN)
def copy():
    session = db_session()
    form = admin_forms.CopyForm(request.form if request.method == "POST" else None,
                                source=request.args.get("source"))
    form.source.choices = admin_forms.options((row.form.id, f"{row.title}（{row.form.id}）")
                                              for row in working_copies.procedures(session))
    if request.method == "POST" and form.validate():
        try:
            created = working_copies.copy_procedure(
                session, _form_or_404(form.source.data), form.form_id.data.strip(),
                editing.text_value(form.title_ja.data, form.title_en.data), _actor())
        except NotAllowed as refused:
            session.rollback()
            form.form_id.errors = [refused.message]
        except DefinitionInvalid as invalid:
            session.rollback()
            form.source.errors = ["複製元の定義が今の形式では正しくありません: "
                                  + "; ".join(f"{e.line}行{e.column}列: {e.message}" for e in invalid.errors[:3])]
        else:
            session.commit()
            flash(f"「{form.source.data}」を複製して、手続き「{form.title_ja.data.strip()}」を下書きとして作成しました",
                  "admin")
            return redirect(url_for("admin.procedure", form_id=created.id))
    problems = admin_forms.error_summary(form)
    return render_template("admin/copy.html", form=form, errors=problems), 400 if problems else 200


# --- one procedure --------------------------------------------------------------------------------

def _procedure_page(form: Form, publish_form=None, errors=None, located=None, code=200):
    session = db_session()
    copy = working_copies.working_copy(session, form.id)
    current = working_copies.current_version(form)
    changes: list[str] = []
    if copy is not None:
        new_definition = load_text(copy.source, working_copies.file_name(form.id)).definition
        if current is not None:
            old_definition = _definition_of(current)
            changes = describe_changes(old_definition, new_definition) if old_definition else []
    versions = list(reversed(form.versions))
    return render_template(
        "admin/procedure.html", form=form, title=_title(form, copy), copy=copy, current=current,
        versions=versions, changes=changes, history=audit.history(session, form.id),
        publish_form=publish_form or admin_forms.PublishForm(),
        revision=revision(copy.source) if copy else "", errors=errors or [], located=located or [],
        never_published=not form.versions,
    ), code


def _title(form: Form, copy) -> str:
    if copy is not None:
        return editing.text_parts(yaml_edit.load(copy.source).get("title"))[0]
    version = working_copies.current_version(form)
    return editing.text_parts(version.document.get("title"))[0] if version else form.id


def _definition_of(version) -> FormDefinition | None:
    try:
        return load_text(version.source, version.source_file or "").definition
    except DefinitionInvalid:
        return None  # written for an older schema: only the text diff can be shown


@blueprint.get("/forms/<form_id>")
@require_role(ADMIN)
def procedure(form_id: str):
    return _procedure_page(_form_or_404(form_id))


@blueprint.post("/forms/<form_id>/publish")
@require_role(ADMIN)
def publish(form_id: str):
    session = db_session()
    form = _form_or_404(form_id)
    publish_form = admin_forms.PublishForm(request.form)
    copy = working_copies.working_copy(session, form_id)
    if copy is None or request.form.get("revision") != revision(copy.source):
        flash("下書きが別の画面で変更されたか、なくなりました。最新の内容を確認してから公開してください", "admin-error")
        return redirect(url_for("admin.procedure", form_id=form_id))
    if not publish_form.validate():
        return _procedure_page(form, publish_form, admin_forms.error_summary(publish_form), code=400)
    try:
        version = working_copies.publish(session, form, _actor(), publish_form.note.data)
    except NotAllowed as refused:
        session.rollback()
        flash(refused.message, "admin-error")
        return redirect(url_for("admin.procedure", form_id=form_id))
    except DefinitionInvalid as invalid:
        session.rollback()
        return _procedure_page(form, publish_form, located_summary(invalid.errors), invalid.errors, code=400)
    session.commit()
    if version is None:
        flash("下書きは公開中の版と同じ内容のため、新しい版は作らずに下書きを閉じました", "admin")
    else:
        flash(f"第{version.number}版を公開しました。これから始まる申請はこの版を使います", "admin")
    return redirect(url_for("admin.procedure", form_id=form_id))


def _simple_action(form_id: str, action: Callable[[Form], None], done: str):
    session = db_session()
    form = _form_or_404(form_id)
    try:
        action(form)
    except NotAllowed as refused:
        session.rollback()
        flash(refused.message, "admin-error")
        return redirect(url_for("admin.procedure", form_id=form_id))
    session.commit()
    flash(done, "admin")
    return redirect(url_for("admin.procedure", form_id=form_id))


@blueprint.post("/forms/<form_id>/discard")
@require_role(ADMIN)
def discard(form_id: str):
    return _simple_action(form_id, lambda form: working_copies.discard(db_session(), form, _actor()),
                          "下書きを破棄しました。公開中の版は変わりません")


@blueprint.post("/forms/<form_id>/archive")
@require_role(ADMIN)
def archive(form_id: str):
    return _simple_action(form_id, lambda form: working_copies.archive(db_session(), form, _actor()),
                          "アーカイブしました。住民の方はこの手続きを新しく始められません")


@blueprint.post("/forms/<form_id>/restore")
@require_role(ADMIN)
def restore(form_id: str):
    return _simple_action(form_id, lambda form: working_copies.restore(db_session(), form, _actor()),
                          "アーカイブから戻しました")


# --- versions, differences, rollback ------------------------------------------------------------------

@blueprint.get("/forms/<form_id>/versions/<int:number>")
@require_role(ADMIN)
def version(form_id: str, number: int):
    form = _form_or_404(form_id)
    found = form.version(number)
    if found is None:
        abort(404)
    return render_template("admin/version.html", form=form, version=found, rollback_form=admin_forms.PublishForm(),
                           lines=listing(found.source, [])[0], errors=[])


@blueprint.post("/forms/<form_id>/versions/<int:number>/rollback")
@require_role(ADMIN)
def rollback(form_id: str, number: int):
    session = db_session()
    form = _form_or_404(form_id)
    if form.version(number) is None:
        abort(404)
    note_form = admin_forms.PublishForm(request.form)
    if not note_form.validate():
        return render_template("admin/version.html", form=form, version=form.version(number),
                               rollback_form=note_form, lines=listing(form.version(number).source, [])[0],
                               errors=admin_forms.error_summary(note_form)), 400
    try:
        created = working_copies.rollback(session, form, number, _actor(), note_form.note.data)
    except NotAllowed as refused:
        session.rollback()
        flash(refused.message, "admin-error")
        return redirect(url_for("admin.version", form_id=form_id, number=number))
    except DefinitionInvalid as invalid:
        session.rollback()
        flash(f"第{number}版は今の定義の形式では正しくないため、戻せません: "
              + "; ".join(f"{e.line}行{e.column}列: {e.message}" for e in invalid.errors[:3]), "admin-error")
        return redirect(url_for("admin.version", form_id=form_id, number=number))
    session.commit()
    flash(f"第{number}版の内容を第{created.number}版として公開しました", "admin")
    return redirect(url_for("admin.procedure", form_id=form_id))


@blueprint.get("/forms/<form_id>/diff")
@require_role(ADMIN)
def diff(form_id: str):
    session = db_session()
    form = _form_or_404(form_id)
    copy = working_copies.working_copy(session, form_id)
    choices = [(str(v.number), f"第{v.number}版") for v in reversed(form.versions)]
    if copy is not None:
        choices.insert(0, ("working", "下書き（未公開）"))
    numbers = {value for value, _ in choices}
    current = working_copies.current_version(form)
    default_to = "working" if copy is not None else (str(form.latest.number) if form.latest else "")
    to = request.args.get("to") or default_to
    default_from = str(current.number) if current and to == "working" else (
        str(int(to) - 1) if to.isdigit() and int(to) > 1 else "")
    start = request.args.get("from") or default_from
    if (start and start not in numbers) or (to and to not in numbers):
        abort(404)

    def side(key: str) -> tuple[str, str, FormDefinition | None]:
        if key == "working":
            return "下書き", copy.source, load_text(copy.source, working_copies.file_name(form_id)).definition
        found = form.version(int(key))
        return f"第{found.number}版", found.source, _definition_of(found)

    comparison = None
    if start and to:
        old_name, old_source, old_definition = side(start)
        new_name, new_source, new_definition = side(to)
        sentences = describe_changes(old_definition, new_definition) \
            if old_definition is not None and new_definition is not None else None
        comparison = {"old": old_name, "new": new_name, "sentences": sentences,
                      "lines": source_diff(old_source, new_source, old_name, new_name)}
    return render_template("admin/diff.html", form=form, choices=choices, start=start, to=to,
                           comparison=comparison)


# --- the YAML view --------------------------------------------------------------------------------

@blueprint.route("/forms/<form_id>/yaml", methods=["GET", "POST"])
@require_role(ADMIN)
def yaml_source(form_id: str):
    session = db_session()
    form = _form_or_404(form_id)
    current_source = working_copies.editable_source(session, form)
    yaml_form = admin_forms.YamlForm(request.form if request.method == "POST" else None)
    located: list[DefinitionError] = []
    problems: list[tuple[str, str]] = []
    if request.method == "GET":
        yaml_form.source.data = current_source
        yaml_form.revision.data = revision(current_source)
    elif g.get("csrf_failed"):
        problems = [("ページの有効期限が切れたため、保存していません。"
                     "入力した内容を確かめて、もう一度「下書きとして保存する」を押してください", "source")]
        yaml_form.revision.data = revision(current_source)
    else:
        typed = (yaml_form.source.data or "").replace("\r\n", "\n")
        yaml_form.source.data = typed
        if yaml_form.revision.data != revision(current_source):
            problems = [("この定義は、この画面を開いた後に別の画面で変更されました。入力した内容は保存していません。"
                         "下の「保存されている内容」と見比べて、入力し直してください", "source")]
        else:
            try:
                working_copies.save(session, form, typed, _actor(), change="YAMLで編集")
            except NotAllowed as refused:
                session.rollback()
                problems = [(refused.message, "source")]
            except DefinitionInvalid as invalid:
                session.rollback()
                located = invalid.errors
                problems = located_summary(located)
            else:
                session.commit()
                flash("下書きを保存しました（まだ公開していません）", "admin")
                return redirect(url_for("admin.yaml_source", form_id=form_id))
    stale = bool(problems) and not located and yaml_form.source.data != current_source
    return render_template(
        "admin/yaml.html", form=form, yaml_form=yaml_form, errors=problems, located=located,
        sections=listing(yaml_form.source.data or "", located, context=3) if located else [],
        stored=current_source if stale else None,
        has_copy=working_copies.working_copy(session, form_id) is not None,
    ), 400 if problems else 200


yaml_source.redisplays_on_csrf_failure = True  # keep what the administrator typed


# --- the structured editor ------------------------------------------------------------------------

@dataclass
class Refusal:
    """A structured change that was not saved: the form-level errors or the located ones."""

    summary: list[tuple[str, str]]
    located: list[DefinitionError]
    text: str


def _apply(form: Form, submitted_revision: str | None, change: Callable[[str], str], words: str) -> Refusal | None:
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
        working_copies.save(session, form, new_source, _actor(), change=words)
    except NotAllowed as refused:
        session.rollback()
        return Refusal([(refused.message, "main")], [], source)
    except DefinitionInvalid as invalid:
        session.rollback()
        return Refusal(located_summary(invalid.errors), invalid.errors, new_source)
    session.commit()
    flash(f"{words}。下書きに保存しました（まだ公開していません）", "admin")
    return None


def _current(form: Form) -> tuple[str, dict, FormDefinition]:
    source = working_copies.editable_source(db_session(), form)
    return source, yaml_edit.load(source), load_text(source, working_copies.file_name(form.id)).definition


def _edit_page(form: Form, procedure_form=None, add_page_form=None, refusal: Refusal | None = None, code=200):
    source, data, definition = _current(form)
    if procedure_form is None:
        title_ja, title_en = editing.text_parts(data.get("title"))
        description_ja, description_en = editing.text_parts(data.get("description"))
        department = editing.text_parts((data.get("department") or {}).get("name"))[0]
        procedure_form = admin_forms.ProcedureForm(
            data={"revision": revision(source), "title_ja": title_ja, "title_en": title_en,
                  "description_ja": description_ja, "description_en": description_en, "department": department,
                  **admin_forms.fee_form_values(data.get("fee"))})
    procedure_form.revision.data = revision(source)
    _number_field_choices(procedure_form, definition)
    page_rows = [(page, [describe.text(spec.label) if spec.label else spec.id for spec in page.fields])
                 for page in definition.pages]
    return render_template(
        "admin/edit.html", form=form, definition=definition, procedure_form=procedure_form,
        add_page_form=add_page_form or admin_forms.AddPageForm(), page_rows=page_rows, revision=revision(source),
        errors=refusal.summary if refusal else admin_forms.error_summary(procedure_form, *(
            [add_page_form] if add_page_form else [])),
        located=refusal.located if refusal else [],
        sections=listing(refusal.text, refusal.located, context=2) if refusal and refusal.located else [],
        has_copy=working_copies.working_copy(db_session(), form.id) is not None,
        fee_words=describe.expression(definition.fee.amount, definition, money=True) if definition.fee else None,
    ), code


def _number_field_choices(procedure_form, definition: FormDefinition) -> None:
    procedure_form.fee_field.choices = admin_forms.options([("", "選んでください")] + [
        (spec.id, f"{describe.text(spec.label)}（{spec.id}）") for page in definition.pages
        if page.repeat is None for spec in page.fields if spec.type == "number"])


def _guard_editable(form: Form):
    if form.state == "archived":
        flash("アーカイブ中の手続きは編集できません。先にアーカイブから戻してください", "admin-error")
        return redirect(url_for("admin.procedure", form_id=form.id))
    return None


@blueprint.get("/forms/<form_id>/edit")
@require_role(ADMIN)
def edit(form_id: str):
    form = _form_or_404(form_id)
    return _guard_editable(form) or _edit_page(form)


@blueprint.post("/forms/<form_id>/settings")
@require_role(ADMIN)
def settings(form_id: str):
    form = _form_or_404(form_id)
    if (refused := _guard_editable(form)) is not None:
        return refused
    _, _, definition = _current(form)
    procedure_form = admin_forms.ProcedureForm(request.form)
    _number_field_choices(procedure_form, definition)
    if not procedure_form.validate():
        return _edit_page(form, procedure_form, code=400)

    def change(source: str) -> str:
        source = editing.update_procedure(source, procedure_form.changes())
        source = yaml_edit.set_value(source, ("department", "name"), procedure_form.department.data.strip())
        if procedure_form.fee_kind.data == "keep":
            description = editing.text_value(procedure_form.fee_description.data or "")
            if "fee" in yaml_edit.load(source):
                source = editing.update_fee(source, yaml_edit.load(source)["fee"]["amount"], description)
            return source
        description = editing.text_value(procedure_form.fee_description.data or "")
        return editing.update_fee(source, procedure_form.fee_expression(), description)

    refusal = _apply(form, procedure_form.revision.data, change, "手続きの基本情報を変更")
    if refusal is not None:
        return _edit_page(form, procedure_form, refusal=refusal, code=400)
    return redirect(url_for("admin.edit", form_id=form_id))


@blueprint.post("/forms/<form_id>/pages")
@require_role(ADMIN)
def add_page(form_id: str):
    form = _form_or_404(form_id)
    if (refused := _guard_editable(form)) is not None:
        return refused
    page_form = admin_forms.AddPageForm(request.form)
    if not page_form.validate():
        return _edit_page(form, add_page_form=page_form, code=400)
    title = editing.text_value(page_form.page_title_ja.data, page_form.page_title_en.data)
    page_id = page_form.page_id.data.strip()
    refusal = _apply(form, request.form.get("revision"),
                     lambda source: editing.add_page(source, page_id, title, page_form.kind.data),
                     f"ページ「{page_form.page_title_ja.data.strip()}」を追加")
    if refusal is not None:
        return _edit_page(form, add_page_form=page_form, refusal=refusal, code=400)
    return redirect(url_for("admin.page", form_id=form_id, page_id=page_id))


MOVES = {"up": (-1, "上へ移動"), "down": (1, "下へ移動")}


@blueprint.post("/forms/<form_id>/pages/<page_id>/<action>")
@require_role(ADMIN)
def page_action(form_id: str, page_id: str, action: str):
    form = _form_or_404(form_id)
    if (refused := _guard_editable(form)) is not None:
        return refused
    _, _, definition = _current(form)
    page = definition.page_by_id(page_id)
    if page is None or action not in (*MOVES, "delete"):
        abort(404)
    name = describe.text(page.title)
    if action == "delete":
        change, words = (lambda source: editing.remove_page(source, page_id)), f"ページ「{name}」を削除"
    else:
        step, verb = MOVES[action]
        change, words = (lambda source: editing.move_page(source, page_id, step)), f"ページ「{name}」を{verb}"
    refusal = _apply(form, request.form.get("revision"), change, words)
    if refusal is not None:
        return _edit_page(form, refusal=refusal, code=400)
    return redirect(url_for("admin.edit", form_id=form_id) + f"#page-{page_id}")


def _page_page(form: Form, page_id: str, page_form=None, add_field_form=None, refusal: Refusal | None = None,
               code=200):
    source, data, definition = _current(form)
    index = editing.page_index(data, page_id) if definition.page_by_id(page_id) else None
    if index is None:
        abort(404)
    raw = data["pages"][index]
    page = definition.page_by_id(page_id)
    if page_form is None:
        title_ja, title_en = editing.text_parts(raw.get("title"))
        description_ja, description_en = editing.text_parts(raw.get("description"))
        page_form = admin_forms.PageForm(data={
            "title_ja": title_ja, "title_en": title_en, "description_ja": description_ja,
            "description_en": description_en, **admin_forms.condition_form_values(raw.get("show_if"))})
    page_form.revision.data = revision(source)
    _condition_choices(page_form, definition, before_page=page_id)
    forms_with_errors = [page_form] + ([add_field_form] if add_field_form else [])
    return render_template(
        "admin/page.html", form=form, definition=definition, page=page, page_form=page_form,
        add_field_form=add_field_form or admin_forms.AddFieldForm(), revision=revision(source),
        condition_words=describe.condition(page.show_if, definition),
        errors=refusal.summary if refusal else admin_forms.error_summary(*forms_with_errors),
        located=refusal.located if refusal else [],
        sections=listing(refusal.text, refusal.located, context=2) if refusal and refusal.located else [],
    ), code


def _condition_choices(condition_form, definition: FormDefinition, before_page: str) -> None:
    """Questions a condition may read: answers on earlier pages, outside repeating pages."""
    choices = [("", "選んでください")]
    for page in definition.pages:
        if page.id == before_page:
            break
        if page.repeat is not None:
            continue
        choices.extend((spec.id, f"{describe.text(spec.label)}（{describe.text(page.title)}）")
                       for spec in page.fields if spec.has_answer)
    condition_form.condition_field.choices = admin_forms.options(choices)


@blueprint.route("/forms/<form_id>/pages/<page_id>", methods=["GET", "POST"])
@require_role(ADMIN)
def page(form_id: str, page_id: str):
    form = _form_or_404(form_id)
    if (refused := _guard_editable(form)) is not None:
        return refused
    if request.method == "GET":
        return _page_page(form, page_id)
    _, _, definition = _current(form)
    if definition.page_by_id(page_id) is None:
        abort(404)
    page_form = admin_forms.PageForm(request.form)
    _condition_choices(page_form, definition, before_page=page_id)
    if not page_form.validate():
        return _page_page(form, page_id, page_form, code=400)
    try:
        condition = page_form.condition(definition)
    except editing.ConditionInvalid as invalid:
        page_form.condition_value.errors = [str(invalid)]
        return _page_page(form, page_id, page_form, code=400)
    changes = {"title": editing.text_value(page_form.title_ja.data, page_form.title_en.data),
               "description": editing.text_value(page_form.description_ja.data or "",
                                                 page_form.description_en.data or "")}
    if condition != "keep":
        changes["show_if"] = condition
    refusal = _apply(form, page_form.revision.data, lambda source: editing.update_page(source, page_id, changes),
                     f"ページ「{page_form.title_ja.data.strip()}」を変更")
    if refusal is not None:
        return _page_page(form, page_id, page_form, refusal=refusal, code=400)
    return redirect(url_for("admin.page", form_id=form_id, page_id=page_id))


@blueprint.post("/forms/<form_id>/pages/<page_id>/fields")
@require_role(ADMIN)
def add_field(form_id: str, page_id: str):
    form = _form_or_404(form_id)
    if (refused := _guard_editable(form)) is not None:
        return refused
    _, _, definition = _current(form)
    if definition.page_by_id(page_id) is None:
        abort(404)
    field_form = admin_forms.AddFieldForm(request.form)
    if not field_form.validate():
        return _page_page(form, page_id, add_field_form=field_form, code=400)
    spec = field_form.spec()
    refusal = _apply(form, request.form.get("revision"), lambda source: editing.add_field(source, page_id, spec),
                     f"項目「{field_form.label_ja.data.strip() or spec['id']}」を追加")
    if refusal is not None:
        return _page_page(form, page_id, add_field_form=field_form, refusal=refusal, code=400)
    return redirect(url_for("admin.field", form_id=form_id, page_id=page_id, field_id=spec["id"]))


def _raw_field(data: dict, page_id: str, field_id: str) -> dict:
    try:
        p, f = editing.field_index(data, page_id, field_id)
    except editing.EditError:
        abort(404)
    return data["pages"][p]["fields"][f]


def _field_page(form: Form, page_id: str, field_id: str, field_form=None, refusal: Refusal | None = None,
                code=200):
    source, data, definition = _current(form)
    raw = _raw_field(data, page_id, field_id)
    spec = definition.field_by_id(field_id)
    form_class = admin_forms.field_form(spec.type, getattr(spec, "choice_list", None))
    values = admin_forms.field_form_values(raw, spec.type)
    if field_form is None:
        field_form = form_class(data=values)
        accepted = values.get("accepted", [])
    else:
        accepted = field_form.accepted(request.form)
    field_form.revision.data = revision(source)
    _condition_choices(field_form, definition, before_page=page_id)
    return render_template(
        "admin/field.html", form=form, definition=definition, page=definition.page_by_id(page_id), spec=spec,
        field_form=field_form, options=[(key, admin_forms.OPTIONS[key], admin_forms.option_kind(spec.type, key))
                                        for key in field_form.option_keys],
        accepted=accepted, file_kinds=admin_forms.FILE_KINDS, date_bound_hint=admin_forms.DATE_BOUND_HINT,
        condition_words=describe.condition(spec.show_if, definition), revision=revision(source),
        errors=refusal.summary if refusal else admin_forms.error_summary(field_form),
        located=refusal.located if refusal else [],
        sections=listing(refusal.text, refusal.located, context=2) if refusal and refusal.located else [],
    ), code


@blueprint.route("/forms/<form_id>/pages/<page_id>/fields/<field_id>", methods=["GET", "POST"])
@require_role(ADMIN)
def field(form_id: str, page_id: str, field_id: str):
    form = _form_or_404(form_id)
    if (refused := _guard_editable(form)) is not None:
        return refused
    if request.method == "GET":
        return _field_page(form, page_id, field_id)
    _, data, definition = _current(form)
    raw = _raw_field(data, page_id, field_id)
    spec = definition.field_by_id(field_id)
    field_form = admin_forms.field_form(spec.type, getattr(spec, "choice_list", None))(request.form)
    _condition_choices(field_form, definition, before_page=page_id)
    valid = field_form.validate()
    changes = {}
    if valid:
        try:
            changes = field_form.changes(raw, request.form)
            condition = field_form.condition(definition)
        except ValidationError as invalid:
            valid = False
            _attach_option_error(field_form, str(invalid))
        except editing.ConditionInvalid as invalid:
            valid = False
            field_form.condition_value.errors = [str(invalid)]
        else:
            if condition != "keep":
                changes["show_if"] = condition
    if not valid:
        return _field_page(form, page_id, field_id, field_form, code=400)
    name = field_form.label_ja.data.strip() or field_id
    refusal = _apply(form, field_form.revision.data,
                     lambda source: editing.update_field(source, page_id, field_id, changes), f"項目「{name}」を変更")
    if refusal is not None:
        return _field_page(form, page_id, field_id, field_form, refusal=refusal, code=400)
    return redirect(url_for("admin.field", form_id=form_id, page_id=page_id, field_id=field_id))


def _attach_option_error(field_form: WTForm, message: str) -> None:
    """An option whose value could not be read: the message names it; show it at that input."""
    for key in field_form.option_keys:
        label = admin_forms.OPTIONS[key][0]
        if message.startswith(label):
            target = getattr(field_form, f"option_{key}", None)
            if target is not None:
                target.errors = [message]
                return
    field_form.label_ja.errors = [message]


@blueprint.post("/forms/<form_id>/pages/<page_id>/fields/<field_id>/<action>")
@require_role(ADMIN)
def field_action(form_id: str, page_id: str, field_id: str, action: str):
    form = _form_or_404(form_id)
    if (refused := _guard_editable(form)) is not None:
        return refused
    _, data, definition = _current(form)
    _raw_field(data, page_id, field_id)
    if action not in (*MOVES, "delete"):
        abort(404)
    spec = definition.field_by_id(field_id)
    name = describe.text(spec.label) if spec.label else field_id
    if action == "delete":
        change, words = (lambda source: editing.remove_field(source, page_id, field_id)), f"項目「{name}」を削除"
    else:
        step, verb = MOVES[action]
        def change(source: str) -> str:
            return editing.move_field(source, page_id, field_id, step)

        words = f"項目「{name}」を{verb}"
    refusal = _apply(form, request.form.get("revision"), change, words)
    if refusal is not None:
        return _page_page(form, page_id, refusal=refusal, code=400)
    return redirect(url_for("admin.page", form_id=form_id, page_id=page_id) + f"#field-{field_id}")
