"""The pages of an application in progress: questions, repeating questions, check.

Registered on every channel's blueprint (formsvc.resident.channels): the same pages serve a
resident online, counter staff and an administrator's preview. Links use relative endpoints
(".question") so that they stay in the channel the page was opened in.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, g, make_response, redirect, render_template, request, url_for
from werkzeug.datastructures import CombinedMultiDict, FileStorage, MultiDict

from formsvc.applications.flow import CHECK, Flow, StoredAnswers
from formsvc.clock import today
from formsvc.db import session as db_session
from formsvc.definitions.schema import Page
from formsvc.fields import FieldContext, FieldSpec
from formsvc.fields.file import MEDIA_TYPES, clean_filename, sniff
from formsvc.forms.catalog import CompiledForm
from formsvc.i18n import current_locale, t
from formsvc.japanese.postal import lookup as postal_lookup
from formsvc.resident.channels import current_channel
from formsvc.resident.context import safe_return_target
from formsvc.resident.forms import build_form, field_views
from formsvc.resident.prefill import is_locked
from formsvc.submissions.drafts import save_answers, submission_of
from formsvc.submissions.models import Draft, Upload

PAGES = (
    # (rule under the channel's prefix, endpoint, view name)
    ("/forms/<form_id>/pages/<page_id>", "question"),
    ("/forms/<form_id>/pages/<page_id>/items", "repeat_summary"),
    ("/forms/<form_id>/pages/<page_id>/items/<int:index>", "repeat_item"),
    ("/forms/<form_id>/pages/<page_id>/items/<int:index>/remove", "repeat_remove"),
    ("/forms/<form_id>/check", "check"),
)
# Pages that show what was typed again after a refused (CSRF) POST (formsvc.errors).
REDISPLAY_ON_CSRF_FAILURE = ("question", "repeat_item", "check")


def register_pages(blueprint: Blueprint, decorate: Callable = lambda view: view) -> None:
    """Add the application pages to a channel's blueprint (``decorate``: e.g. a role check)."""
    for rule, endpoint in PAGES:
        view = decorate(globals()[endpoint])
        view.redisplays_on_csrf_failure = endpoint in REDISPLAY_ON_CSRF_FAILURE
        blueprint.add_url_rule(rule, endpoint, view, methods=["GET", "POST"])


# --- the application in progress -------------------------------------------------------------

@dataclass
class Application:
    compiled: CompiledForm
    draft: Draft
    answers: StoredAnswers
    flow: Flow

    @property
    def definition(self):
        return self.compiled.definition

    @property
    def form_id(self) -> str:
        return self.compiled.id


def _application(form_id: str) -> Application | None:
    channel = current_channel()
    draft = channel.find_draft(form_id)
    if draft is None:
        return None
    compiled = channel.compiled_of(draft)
    if compiled is None:
        abort(404)
    channel.prepare(draft, compiled)
    answers = StoredAnswers(compiled.definition, draft.answers, today())
    return Application(compiled, draft, answers, Flow(compiled.definition, answers))


def _render(template: str, **context):
    channel = current_channel()
    return render_template(template, layout=channel.layout, channel=channel, **context)


def _page_url(form_id: str, page_id: str, **params) -> str:
    if page_id == CHECK:
        return url_for(".check", form_id=form_id, **params)
    return url_for(".question", form_id=form_id, page_id=page_id, **params)


def page_url(form_id: str, page_id: str, **params) -> str:
    """A page of the application in the current channel (the check page for CHECK)."""
    return _page_url(form_id, page_id, **params)


def resume_target(compiled: CompiledForm, draft: Draft) -> str:
    answers = StoredAnswers(compiled.definition, draft.answers, today())
    return Flow(compiled.definition, answers).first_unfinished_page_id(draft.completed_pages)


def _guard(application: Application, page_id: str):
    """Redirect when a page is not asked, or when earlier pages are still unanswered."""
    flow = application.flow
    if submission_of(db_session(), application.draft) is not None:
        return redirect(url_for(".check", form_id=application.form_id))
    visible = [page.id for page in flow.visible_pages()]
    target = flow.first_unfinished_page_id(application.draft.completed_pages)
    if page_id not in visible and page_id != CHECK:
        return redirect(_page_url(application.form_id, target))
    if current_channel().free_navigation and page_id != CHECK:
        return None
    position = visible.index(page_id) if page_id in visible else len(visible)
    target_position = visible.index(target) if target in visible else len(visible)
    if position > target_position:
        return redirect(_page_url(application.form_id, target))
    return None


def _steps(application: Application, current: str) -> list[dict]:
    locale = current_locale()
    pages = [p for p in application.flow.visible_pages() if p.kind != "exit"]
    steps = []
    completed = application.draft.completed_pages
    reachable = current_channel().free_navigation
    for page in pages:
        state = "current" if page.id == current else ("done" if page.id in completed else "todo")
        steps.append({"title": page.title.get(locale), "state": state,
                      "url": _page_url(application.form_id, page.id)
                      if reachable or page.id in completed else None})
    steps.append({"title": t("確認", "Check"), "state": "current" if current == CHECK else "todo",
                  "url": _page_url(application.form_id, CHECK) if reachable else None})
    return steps


def _back_url(application: Application, page_id: str) -> str:
    previous = application.flow.previous_page_id(page_id)
    if previous is None:
        return current_channel().start_url(application.form_id)
    return _page_url(application.form_id, previous)


def question(form_id: str, page_id: str):
    application = _application(form_id)
    if application is None:
        return current_channel().no_application(form_id)
    page = application.definition.page_by_id(page_id)
    if page is None:
        abort(404)
    redirect_to = _guard(application, page_id)
    if redirect_to is not None:
        return redirect_to
    if page.repeat is not None:
        return redirect(_summary_url(form_id, page_id))
    if page.kind == "exit":
        return _render("resident/exit.html", application=application, page=page,
                       leave_url=current_channel().leave_url(form_id),
                       back_url=_back_url(application, page_id))
    values = {spec.id: application.answers.value(spec.id) for spec in page.fields}
    return _page_form(application, page, values, item_index=None)


# --- repeating pages ------------------------------------------------------------------------

def repeat_summary(form_id: str, page_id: str):
    opened = _open_repeating_page(form_id, page_id)
    if not isinstance(opened, tuple):
        return opened
    application, page = opened
    items = application.answers.items(page_id)
    error = None
    if request.method == "POST":
        if request.form.get("action") == "add":
            return redirect(_item_url(form_id, page_id, len(items)))
        if len(items) >= page.repeat.min:
            completed = _with_completed(application.draft.completed_pages, page_id)
            _save(application, application.draft.answers, completed)
            db_session().commit()
            return redirect(_next_url(application, page_id))
        label = page.repeat.item_label.get(current_locale())
        error = t(f"{label}を{page.repeat.min}件以上追加してください",
                  f"Add at least {page.repeat.min} {label}")
    elif not items and page.repeat.min > 0:
        return redirect(_item_url(form_id, page_id, 0))
    rows = [{"index": i, "title": _item_title(page, item, i)} for i, item in enumerate(items)]
    return _render("resident/repeat_summary.html", application=application, page=page,
                   rows=rows, error=error, can_add=len(items) < page.repeat.max,
                   return_params=_return_params(),
                   steps=_steps(application, page_id),
                   back_url=_back_url(application, page_id))


def repeat_item(form_id: str, page_id: str, index: int):
    opened = _open_repeating_page(form_id, page_id)
    if not isinstance(opened, tuple):
        return opened
    application, page = opened
    items = application.answers.items(page_id)
    if index > len(items) or index >= page.repeat.max:
        return redirect(_summary_url(form_id, page_id))
    values = items[index] if index < len(items) else {}
    return _page_form(application, page, values, item_index=index)


def repeat_remove(form_id: str, page_id: str, index: int):
    application = _application(form_id)
    if application is None:
        # A response object, never the (body, status) tuple a channel may return: the callers
        # tell the two outcomes apart by the tuple.
        return current_channel().no_application(form_id)
    page = _repeat_page_or_404(application, page_id)
    items = application.answers.raw_items(page_id)
    if index >= len(items):
        return redirect(_summary_url(form_id, page_id))
    if request.method == "POST":
        if request.form.get("confirm") == "yes":
            answers = _copy_answers(application.draft.answers)
            del answers["items"][page_id][index]
            _save(application, answers, [p for p in application.draft.completed_pages if p != page_id])
            db_session().commit()
        return redirect(_summary_url(form_id, page_id))
    title = _item_title(page, application.answers.items(page_id)[index], index)
    return _render("resident/repeat_remove.html", application=application, page=page,
                   title=title, index=index, return_params=_return_params(),
                   back_url=_summary_url(form_id, page_id))


def _repeat_page_or_404(application: Application, page_id: str) -> Page:
    page = application.definition.page_by_id(page_id)
    if page is None or page.repeat is None:
        abort(404)
    return page


def _return_params() -> dict[str, str]:
    """Keep "return to the check page" across the pages of a repeating question."""
    target = safe_return_target()
    return {"return": target} if target else {}


def _summary_url(form_id: str, page_id: str) -> str:
    return url_for(".repeat_summary", form_id=form_id, page_id=page_id, **_return_params())


def _item_url(form_id: str, page_id: str, index: int) -> str:
    return url_for(".repeat_item", form_id=form_id, page_id=page_id, index=index,
                   **_return_params())


def _open_repeating_page(form_id: str, page_id: str):
    """(application, page) for a repeating page the resident may see now, else the response."""
    application = _application(form_id)
    if application is None:
        # A response object, never the (body, status) tuple a channel may return: the callers
        # tell the two outcomes apart by the tuple.
        return make_response(current_channel().no_application(form_id))
    page = _repeat_page_or_404(application, page_id)
    redirect_to = _guard(application, page_id)
    return redirect_to if redirect_to is not None else (application, page)


def _item_title(page: Page, item: dict, index: int) -> str:
    """How an item is named in lists: its summary field's answer, else 「子ども 2」."""
    field_id = page.repeat.summary_field
    spec = next((spec for spec in page.fields if spec.id == field_id), None) if field_id else None
    if spec is not None and item.get(spec.id) is not None:
        return spec.display(item.get(spec.id), current_locale())
    return f"{page.repeat.item_label.get(current_locale())} {index + 1}"


# --- one page's form: show, look up an address, validate, store -----------------------------

def _page_form(application: Application, page: Page, values: dict[str, Any],
               item_index: int | None):
    locale = current_locale()
    ctx = FieldContext(locale=locale, today=today())
    visible = application.flow.visible_fields(page)
    answers = application.draft.answers
    # Answers verified by the My Number card are shown, not asked (unless editable).
    locked = [spec for spec in visible if item_index is None and is_locked(spec, answers)]
    specs = [spec for spec in visible if spec not in locked]
    _prefill_address_from_postal_code(application, specs, values)
    notice = None
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.form.get("action", "continue")
        formdata = CombinedMultiDict([request.files, request.form])
        if g.get("csrf_failed"):
            # A refused POST (formsvc.errors) only shows what was typed again: whatever its
            # button asked for (continue, remove a file, look up an address) is not done.
            notice = t("安全のため、送信を受け付けられませんでした。入力した内容は下に残っています。"
                       "確認して、もう一度送信してください。",
                       "For your security the page could not be sent. What you typed is shown "
                       "below: check it and send it again.")
            form = build_form(specs, ctx, formdata, values)
        elif action.startswith("remove-file:"):
            return _remove_file(application, page, item_index, action)
        elif action.startswith("lookup:"):
            formdata, notice = _lookup_address(page, specs, action.removeprefix("lookup:"), ctx)
            form = build_form(specs, ctx, formdata, values)
        else:
            form = build_form(specs, ctx, formdata, values)
            valid = form.validate()
            new_answers = _answers_with(application, page, form, specs, item_index)
            flow = Flow(application.definition,
                        StoredAnswers(application.definition, new_answers, ctx.today))
            errors = flow.rule_errors(page, locale) if valid else {}
            if valid and not errors:
                _store_uploads(application, form, specs, new_answers, page, item_index)
                completed = application.draft.completed_pages
                if item_index is None:
                    completed = _with_completed(completed, page.id)
                _save(application, new_answers, completed)
                db_session().commit()
                if item_index is not None:
                    return redirect(_summary_url(application.form_id, page.id))
                return redirect(_next_url(application, page.id))
    else:
        form = build_form(specs, ctx, None, values)
    views = field_views(form, visible, ctx, errors, locked=locked,
                        verified=set(answers.get("verified", {})) if item_index is None else set(),
                        values=values)
    summary = [(view.error, view.error_target) for view in views if view.error]
    return _render(
        "resident/page.html", application=application, page=page, fields=views, field_context=ctx,
        error_summary=summary, notice=notice, item_index=item_index,
        steps=_steps(application, page.id),
        back_url=(_summary_url(application.form_id, page.id)
                  if item_index is not None else _back_url(application, page.id)),
        return_to=safe_return_target(),
    )


def _save(application: Application, answers: dict, completed: list[str]) -> None:
    """Store answers as they stand now: what is no longer asked is dropped, and a page that
    was skipped counts as unanswered again if a later change brings it back."""
    flow = Flow(application.definition, StoredAnswers(application.definition, answers, today()))
    visible = {page.id for page in flow.visible_pages()}
    save_answers(application.draft, flow.pruned(), [p for p in completed if p in visible])


def _with_completed(completed: list[str], page_id: str) -> list[str]:
    return completed if page_id in completed else [*completed, page_id]


def _next_url(application: Application, page_id: str) -> str:
    """Where to go after a page is stored (decided on the answers just saved)."""
    draft = application.draft
    flow = Flow(application.definition, StoredAnswers(application.definition, draft.answers, today()))
    if safe_return_target() == CHECK:
        return _page_url(application.form_id, flow.first_unfinished_page_id(draft.completed_pages))
    return _page_url(application.form_id, flow.next_page_id(page_id))


def _copy_answers(answers: dict) -> dict:
    copied = copy.deepcopy(answers)
    copied.setdefault("fields", {})
    copied.setdefault("items", {})
    return copied


def _answers_with(application: Application, page: Page, form, specs: list[FieldSpec],
                  item_index: int | None) -> dict:
    """The draft's answers with this page's (not yet stored) answers in place."""
    answers = _copy_answers(application.draft.answers)
    page_values = {}
    for spec in specs:
        if not spec.has_answer:
            continue
        value = form[spec.id].data
        if spec.type == "file":
            value = [v for v in value or [] if isinstance(v, dict)] + \
                    [_pending_upload(v) for v in value or [] if isinstance(v, FileStorage)]
            value = value or None
        page_values[spec.id] = spec.to_json(value) if value is not None else None
    page_values = {key: value for key, value in page_values.items() if value is not None}
    if item_index is None:
        verified = answers.setdefault("verified", {})
        for spec in specs:
            previous = answers["fields"].pop(spec.id, None)
            if spec.id in verified and page_values.get(spec.id) != previous:
                del verified[spec.id]  # edited: no longer what the card said
        answers["fields"].update(page_values)
    else:
        items = answers["items"].setdefault(page.id, [])
        if item_index < len(items):
            items[item_index] = page_values
        else:
            items.append(page_values)
    return answers


def _pending_upload(upload: FileStorage) -> dict:
    return {"pending": id(upload), "filename": clean_filename(upload.filename)}


def _store_uploads(application: Application, form, specs, answers: dict, page: Page,
                   item_index: int | None) -> None:
    """Save new files as Upload rows and put their tokens in the answers."""
    target = answers["fields"] if item_index is None else answers["items"][page.id][item_index]
    for spec in specs:
        if spec.type != "file" or spec.id not in target:
            continue
        new_files = {id(v): v for v in form[spec.id].data or [] if isinstance(v, FileStorage)}
        stored = []
        for entry in target[spec.id]:
            if "pending" not in entry:
                stored.append(entry)
                continue
            upload = new_files[entry["pending"]]
            upload.stream.seek(0)
            content = upload.stream.read()
            kind = sniff(content[:16])
            row = Upload(token=secrets.token_urlsafe(24), draft_id=application.draft.id,
                         field_id=spec.id, filename=clean_filename(upload.filename),
                         content_type=MEDIA_TYPES[kind], size=len(content),
                         sha256=hashlib.sha256(content).hexdigest(), content=content)
            db_session().add(row)
            stored.append({"upload": row.token, "filename": row.filename,
                           "content_type": row.content_type, "size": row.size})
        target[spec.id] = stored


def _remove_file(application: Application, page: Page, item_index: int | None, action: str):
    """The 削除 button next to an attached file: take it out of the answers."""
    parts = action.split(":", 2)
    field_id, token = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
    answers = _copy_answers(application.draft.answers)
    items = answers["items"].get(page.id, [])
    in_items = item_index is not None and item_index < len(items)
    target = items[item_index] if in_items else answers["fields"] if item_index is None else {}
    if field_id in target:
        remaining = [entry for entry in target[field_id] if entry.get("upload") != token]
        if remaining:
            target[field_id] = remaining
        else:
            del target[field_id]
        save_answers(application.draft, answers, application.draft.completed_pages)
        db_session().commit()
    if item_index is not None:
        return redirect(_item_url(application.form_id, page.id, item_index))
    return redirect(_page_url(application.form_id, page.id))


def _lookup_address(page: Page, specs: list[FieldSpec], postal_id: str, ctx: FieldContext):
    """Fill the address inputs from the postal code (the no-JavaScript 住所を検索 button)."""
    postal = next((s for s in specs if s.id == postal_id and s.type == "postal_code"), None)
    formdata = MultiDict(request.form)
    if postal is None or not postal.fills:
        return CombinedMultiDict([request.files, formdata]), None
    found = postal_lookup(request.form.get(postal_id, ""))
    if found is None:
        return CombinedMultiDict([request.files, formdata]), ctx.t(
            "郵便番号から住所が見つかりませんでした。番号を確かめるか、住所を直接入力してください。",
            "No address was found for this postcode. Check it or type the address.")
    for part, value in (("prefecture", found.prefecture), ("city", found.city),
                        ("town", found.town)):
        formdata[f"{postal.fills}-{part}"] = value
    return CombinedMultiDict([request.files, formdata]), ctx.t(
        f"住所を入力しました（{found.prefecture}{found.city}{found.town}）。続けて番地を入力してください。",
        f"The address was filled in ({found.prefecture}{found.city}{found.town}). "
        "Now enter the block and house number.")


def _prefill_address_from_postal_code(application: Application, specs, values) -> None:
    """An address asked after its postal code starts with what the code tells us."""
    for spec in specs:
        if spec.type != "address" or values.get(spec.id):
            continue
        postal = next((s for s in application.definition.all_fields()
                       if s.type == "postal_code" and s.fills == spec.id), None)
        code = application.answers.value(postal.id) if postal else None
        found = postal_lookup(code) if code else None
        if found is not None:
            values[spec.id] = {"prefecture": found.prefecture, "city": found.city,
                               "town": found.town, "block": "", "building": ""}


# --- check your answers, submit, confirmation -----------------------------------------------

def check(form_id: str):
    application = _application(form_id)
    channel = current_channel()
    if application is None:
        return channel.no_application(form_id)
    if submission_of(db_session(), application.draft) is not None:
        return channel.finish(application)  # sent already: the channel shows where it went
    redirect_to = _guard(application, CHECK)
    if redirect_to is not None:
        return redirect_to
    if application.flow.exit_page() is not None:
        return redirect(_page_url(form_id, application.flow.exit_page().id))
    flow = application.flow
    broken = [(message, _page_url(form_id, page.id, **{"return": "check"}) + f"#{field_id}")
              for page, field_id, message in flow.failing_rules(current_locale())]
    if request.method == "POST" and not g.get("csrf_failed") and not broken:
        return channel.finish(application)
    return _render("resident/check.html", application=application,
                   sections=_sections(application), fee=flow.fee(),
                   computed=flow.computed_values(), steps=_steps(application, CHECK),
                   back_url=_back_url(application, CHECK), submit_label=t(*channel.submit_label()),
                   csrf_failed=g.get("csrf_failed", False), broken_rules=broken)


def _sections(application: Application) -> list[dict]:
    locale = current_locale()
    sections: list[dict] = []
    for row in application.flow.rows(locale):
        key = (row.page.id, row.item_index)
        if not sections or sections[-1]["key"] != key:
            title = row.page.title.get(locale)
            if row.item_index is not None:
                title = f"{row.page.repeat.item_label.get(locale)} {row.item_index + 1}"
                url = url_for(".repeat_item", form_id=application.form_id, page_id=row.page.id,
                              index=row.item_index, **{"return": "check"})
            else:
                url = _page_url(application.form_id, row.page.id, **{"return": "check"})
            sections.append({"key": key, "title": title, "rows": [], "change_url": url})
        sections[-1]["rows"].append(row)
    return sections
