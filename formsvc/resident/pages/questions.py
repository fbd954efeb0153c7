"""A page of questions: an ordinary page, or one item of a repeating page (「子ども 2」).

Shown, then sent with one of its buttons (formsvc.resident.pages.buttons): 次へ進む validates
the page and stores it, 削除 takes an attached file out, 住所を検索 fills the address in.
These pages check the CSRF token themselves (formsvc.errors.redisplays_on_csrf_failure): a
refused POST shows the page again with what was typed, and does nothing its button asked for.
"""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from formsvc.applications.answers import Answers, item_key
from formsvc.applications.flow import Flow
from formsvc.applications.prefill import first_item_values, is_locked
from formsvc.clock import today
from formsvc.db import session as db_session
from formsvc.definitions.schema import Page
from formsvc.errors import csrf_refused
from formsvc.fields import FieldContext, FieldSpec
from formsvc.i18n import current_locale, t
from formsvc.resident.address_lookup import addresses_from_postal_codes, look_up_address
from formsvc.resident.bank_lookup import look_up_bank, show_matches
from formsvc.resident.channels import current_channel
from formsvc.resident.context import safe_return_target
from formsvc.resident.forms import PageForm, build_form, field_views, join_hints
from formsvc.resident.pages.application import (
    Application,
    ApplicationPage,
    open_application,
    render,
    store,
    with_completed,
)
from formsvc.resident.pages.buttons import QuestionButtons
from formsvc.resident.pages.navigation import back_url, guard, item_url, next_url, page_url, steps, summary_url
from formsvc.resident.pages.repeats import (
    RepeatingPage,
    nested_item_title,
    nested_item_url,
    open_repeating_page,
)
from formsvc.resident.pages.reveal import condition_hint, is_revealed, reveal_script
from formsvc.resident.pages.rule_reads import known_rule_errors
from formsvc.resident.pages.rule_required import rule_requirement
from formsvc.resident.pages.uploads import answers_on_page, remove_upload, store_uploads
from formsvc.submissions.drafts import save_answers


class Questions:
    """One page's questions on this request: those shown, of which the answers from the My
    Number card are shown as they are (``locked``) and the others asked."""

    def __init__(self, application: Application, page: Page, values: dict[str, Any],
                 item_index: int | None, parent_index: int | None = None):
        self.application = application
        self.page = page
        # None on an ordinary page; the item's position on a repeating page.
        self.item_index = item_index
        # A nested repeat (repeat.per): the parent item this item belongs to (「世帯員 2」の収入).
        self.parent_index = parent_index
        self.ctx = FieldContext(locale=current_locale(), today=today())
        # An item's own answers decide its questions' conditions (None on an ordinary page).
        self.item = values if item_index is not None else None
        # Asked, and revealed by an answer on this page (decided again when the page is sent).
        self.visible = application.flow.shown_fields(page, self.item)
        self.locked = [spec for spec in self.visible
                       if item_index is None and is_locked(spec, application.answers)]
        # The answers the inputs start with, as Python values.
        unanswered = [spec for spec in self.asked if not values.get(spec.id)]
        self.values = {**values, **addresses_from_postal_codes(
            unanswered, application.definition.all_fields(), application.flow.value)}

    @property
    def asked(self) -> list[FieldSpec]:
        return [spec for spec in self.visible if spec not in self.locked]

    def form(self, formdata: Any = None) -> PageForm:
        return build_form(self.asked, self.ctx, formdata, self.values)

    def show(self, form: PageForm, rule_errors: dict[str, str] | None = None,
             notice: str | None = None) -> str:
        application, page = self.application, self.page
        verified = set(application.answers.verified) if self.item_index is None else set()
        views = field_views(form, self.visible, self.ctx, rule_errors, locked=self.locked,
                            verified=verified, values=self.values)
        # Conditions inside an item read its own (and its parent item's) answers, as on the server.
        answers = application.flow if self.item is None else application.flow.scope(page, self.item)
        for view in views:
            always, sometimes, when = rule_requirement(view.spec, page, application.flow, self.ctx.locale)
            view.required_by_rule = always
            view.conditionally_required = sometimes or view.spec.required_if is not None
            view.condition_hint = join_hints(
                [text for text in (condition_hint(view.spec, page, application.flow, self.ctx.locale), when)
                 if text], self.ctx.locale) or None
            view.revealed = is_revealed(view.spec, page)
            view.reveal = reveal_script(view.spec, page, answers)
        return render(
            "resident/page.html", application=application, page=page, fields=views,
            field_context=self.ctx, error_summary=[(view.error, view.error_target) for view in views if view.error],
            notice=notice, item_index=self.item_index, steps=steps(application, page.id),
            item_heading=self.item_heading(),
            back_url=(summary_url(application.form_id, page.id) if self.item_index is not None
                      else back_url(application, page.id)),
            return_to=safe_return_target(),
            # The form's encoding and the reveal script, decided here rather than by filters in
            # the template (each filter step calls back into Jinja per question).
            multipart=any(not view.locked and view.template == "fields/file.html" for view in views),
            reveals=any(view.reveal for view in views),
        )

    def item_heading(self) -> str | None:
        """The heading's suffix naming a nested item with its parent (None: the usual one)."""
        if self.parent_index is None or self.item_index is None:
            return None
        return nested_item_title(self.application, self.page, self.parent_index, self.item_index)

    def item_in(self, flow: Flow) -> Any:
        """This page's item as ``flow`` reads it (None on an ordinary page)."""
        if self.item_index is None:
            return None
        items = flow.items(self.page.id) if self.parent_index is None \
            else flow.children(self.page.id, self.parent_index)
        return items[self.item_index] if self.item_index < len(items) else None

    def stored_url(self) -> str:
        """Where to go once the page is stored: the item's list, or the next page."""
        if self.item_index is not None:
            return summary_url(self.application.form_id, self.page.id)
        return next_url(self.application, self.page.id)

    def url(self) -> str:
        if self.item_index is not None and self.parent_index is not None:
            return nested_item_url(self.application.form_id, self.page.id, self.parent_index, self.item_index)
        if self.item_index is not None:
            return item_url(self.application.form_id, self.page.id, self.item_index)
        return page_url(self.application.form_id, self.page.id)


class QuestionsPage(ApplicationPage):
    """The views of a page of questions; a subclass finds the page (``questions``)."""

    redisplays_on_csrf_failure = True

    def questions(self, **args: Any) -> Questions | ResponseReturnValue:
        """The page's questions, or the response when they are not to be shown."""
        raise NotImplementedError

    def get(self, **args: Any) -> ResponseReturnValue:
        questions = self.questions(**args)
        if not isinstance(questions, Questions):
            return questions
        return questions.show(questions.form())

    def post(self, **args: Any) -> ResponseReturnValue:
        refused = csrf_refused()  # before anything: a refused POST only shows the page again
        questions = self.questions(**args)
        if not isinstance(questions, Questions):
            return questions
        if refused:
            return questions.show(questions.form(_sent(request.form)), notice=t(
                "安全のため、送信を受け付けられませんでした。入力した内容は下に残っています。"
                "確認して、もう一度送信してください。",
                "For your security the page could not be sent. What you typed is shown "
                "below: check it and send it again.")), 400
        buttons = QuestionButtons(request.form)
        removed = buttons.removed_file()
        if removed is not None:
            return _remove_file(questions, *removed)
        postal_id = buttons.looked_up_postal_code()
        if postal_id is not None:
            filled, notice = look_up_address(questions.asked, postal_id, request.form, questions.ctx)
            return questions.show(questions.form(_sent(filled)), notice=notice)
        bank_request = buttons.bank_lookup()
        if bank_request is not None:
            filled, notice, found = look_up_bank(questions.asked, bank_request, request.form, questions.ctx)
            form = questions.form(_sent(filled))
            show_matches(form, bank_request.field_id, found)
            return questions.show(form, notice=notice)
        return _store(questions, questions.form(_sent(request.form)))


class QuestionPage(QuestionsPage):
    """An ordinary page (a repeating page's address leads to its list; an exit page ends the
    application)."""

    def questions(self, **args: Any) -> Questions | ResponseReturnValue:
        form_id, page_id = args["form_id"], args["page_id"]
        application = open_application(form_id)
        if application is None:
            return current_channel().no_application(form_id)
        page = application.definition.page_by_id(page_id)
        if page is None:
            abort(404)
        redirect_to = guard(application, page_id)
        if redirect_to is not None:
            return redirect_to
        if page.repeat is not None:
            return redirect(summary_url(form_id, page_id))
        if page.kind == "exit":
            return render("resident/exit.html", application=application, page=page,
                          leave_url=current_channel().leave_url(form_id),
                          back_url=back_url(application, page_id))
        values = {spec.id: application.flow.value(spec.id) for spec in page.answer_fields()}
        return Questions(application, page, values, item_index=None)


class RepeatItemPage(QuestionsPage):
    """One item of a repeating page; one past the last adds an item."""

    def questions(self, **args: Any) -> Questions | ResponseReturnValue:
        form_id, page_id, index = args["form_id"], args["page_id"], args["index"]
        opened = open_repeating_page(form_id, page_id)
        if not isinstance(opened, RepeatingPage):
            return opened
        application, page, repeat = opened.application, opened.page, opened.repeat
        items = application.flow.items(page_id)
        if index > len(items) or index >= repeat.max or repeat.per is not None:
            # A nested page's items are addressed per parent item (formsvc.resident.pages.nested).
            return redirect(summary_url(form_id, page_id))
        values = items[index] if index < len(items) else {}
        if index == 0 and not items:
            # The first item starts with earlier answers (first_item_from) and the card's.
            values = {field_id: spec.from_json(stored)
                      for field_id, (stored, _) in first_item_values(application.definition,
                                                                     application.answers, page).items()
                      if (spec := application.definition.field_by_id(field_id)) is not None}
        return Questions(application, page, values, item_index=index)


def _sent(inputs: MultiDict[str, str]) -> CombinedMultiDict[str, Any]:
    """What the page sent: its files, and ``inputs`` (as typed, or with an address filled in)."""
    return CombinedMultiDict[str, Any]([request.files, inputs])


def _store(questions: Questions, form: PageForm) -> ResponseReturnValue:
    """次へ進む: store the page if its answers and the rules on it are satisfied."""
    application, page, item_index = questions.application, questions.page, questions.item_index
    form.validate()
    answers = application.answers.copy()
    # The answers as sent; one the page refused counts as unanswered when deciding which of the
    # page's questions apply (a question revealed by an answer on this page).
    page_values = {spec.id: spec.answer_from_input(form[spec.id].data)
                   for spec in questions.asked if spec.has_answer and not form[spec.id].errors}
    _put(answers, page, item_index, page_values, questions)
    flow = Flow(application.definition, answers, questions.ctx.today)
    item = questions.item_in(flow)
    applies = {spec.id for spec in flow.visible_fields(page, item)}
    inputs = [form[spec.id] for spec in questions.asked if spec.id in form._fields]
    for bound in inputs:
        if bound.name not in applies:
            bound.errors = []  # not asked after all: neither checked nor stored
    valid = not any(bound.errors for bound in inputs)
    stored_values = {spec.id: spec.answer_from_input(form[spec.id].data)
                     for spec in questions.asked if spec.has_answer and spec.id in applies}
    if stored_values != page_values:
        # An answer refused, or a question no longer asked: the page is put again without them.
        # (Usually nothing of the kind: the answers and flow above are those to check and store.)
        answers = application.answers.copy()
        _put(answers, page, item_index, stored_values, questions)
        flow = Flow(application.definition, answers, questions.ctx.today)
        item = questions.item_in(flow)
    # required_if: a question required by another answer (its own refusal, if any, comes first).
    rule_errors = {spec.id: spec.required_message(questions.ctx) for spec in flow.missing_required(page, item)
                   if not (spec.id in form._fields and form[spec.id].errors)}
    # The rules too, even when some answers were refused: every message that can be known is
    # shown at once. A rule reading a refused answer waits (there is nothing to compare yet).
    refused = {bound.name for bound in inputs if bound.errors}
    for field_id, message in known_rule_errors(flow, page, questions.ctx.locale, refused, item_index,
                                               questions.parent_index).items():
        rule_errors.setdefault(field_id, message)
    if not valid or rule_errors:
        return questions.show(form, rule_errors)
    store_uploads(application.draft, form, questions.asked,
                  answers_on_page(answers, page.id, item_index, questions.parent_index))
    completed = application.draft.completed_pages
    if item_index is None:
        completed = with_completed(completed, page.id)
    store(application, answers, completed, flow)
    return redirect(questions.stored_url())


def _put(answers: Answers, page: Page, item_index: int | None, values: dict[str, Any],
         questions: Questions) -> None:
    """Put a page's (or item's) answers into ``answers``. The first item keeps the verified mark
    of an answer it started with (first_item_from, the card) while that answer is unchanged."""
    if item_index is None:
        answers.put_page(values, asked=[spec.id for spec in questions.asked])
        return
    if questions.parent_index is not None:
        answers.put_child(page.id, questions.parent_index, item_index, values)
        return
    answers.put_item(page.id, item_index, values)
    # Only the first item, when it is added (the page had no items yet), starts out marked.
    if item_index == 0 and not questions.application.answers.page_items(page.id):
        for field_id, (stored, mark) in first_item_values(questions.application.definition,
                                                          questions.application.answers, page).items():
            key = item_key(page.id, 0, field_id)
            if mark and values.get(field_id) == stored and key not in answers.verified:
                answers.verified[key] = dict(mark)


def _remove_file(questions: Questions, field_id: str, token: str) -> ResponseReturnValue:
    """削除 beside an attached file: take it out of the answers, and show the page again."""
    application = questions.application
    answers = application.answers.copy()
    spec = next((spec for spec in questions.asked if spec.id == field_id), None)
    page_answers = answers_on_page(answers, questions.page.id, questions.item_index, questions.parent_index)
    if spec is not None and remove_upload(page_answers, spec, token):
        save_answers(application.draft, answers, application.draft.completed_pages)
        db_session().commit()
    return redirect(questions.url())
