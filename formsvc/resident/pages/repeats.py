"""A repeating page's list of items (「子ども：2件」) and the removal of an item; each item is
a page of questions (formsvc.resident.pages.questions.RepeatItemPage)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, redirect, request
from flask.typing import ResponseReturnValue

from formsvc.db import session as db_session
from formsvc.definitions.schema import Page, Repeat
from formsvc.i18n import current_locale, t
from formsvc.resident.channels import current_channel
from formsvc.resident.pages.application import (
    Application,
    ApplicationPage,
    open_application,
    render,
    save,
    with_completed,
)
from formsvc.resident.pages.buttons import RemovalConfirmation, RepeatSummaryButtons
from formsvc.resident.pages.navigation import back_url, guard, item_url, next_url, return_params, steps, summary_url


@dataclass(frozen=True)
class RepeatingPage:
    application: Application
    page: Page
    repeat: Repeat  # the page's

    def item_title(self, item: dict[str, Any], index: int) -> str:
        """How an item is named in lists: its summary field's answer, else 「子ども 2」."""
        field_id = self.repeat.summary_field
        spec = next((spec for spec in self.page.answer_fields() if spec.id == field_id), None) if field_id else None
        if spec is not None and item.get(spec.id) is not None:
            return spec.display(item.get(spec.id), current_locale())
        return f"{self.repeat.item_label.get(current_locale())} {index + 1}"


def open_repeating_page(form_id: str, page_id: str) -> RepeatingPage | ResponseReturnValue:
    """The repeating page if it may be seen now, else the response."""
    application = open_application(form_id)
    if application is None:
        return current_channel().no_application(form_id)
    opened = _repeating_page_or_404(application, page_id)
    redirect_to = guard(application, page_id)
    return redirect_to if redirect_to is not None else opened


def _repeating_page_or_404(application: Application, page_id: str) -> RepeatingPage:
    page = application.definition.page_by_id(page_id)
    if page is None or page.repeat is None:
        abort(404)
    return RepeatingPage(application, page, page.repeat)


class RepeatSummaryPage(ApplicationPage):
    """The items so far, 〜を追加する and 次へ進む (once there are enough)."""

    def get(self, form_id: str, page_id: str) -> ResponseReturnValue:
        opened = open_repeating_page(form_id, page_id)
        if not isinstance(opened, RepeatingPage):
            return opened
        if not opened.application.answers.page_items(page_id) and opened.repeat.min > 0:
            return redirect(item_url(form_id, page_id, 0))
        return _summary(opened)

    def post(self, form_id: str, page_id: str) -> ResponseReturnValue:
        opened = open_repeating_page(form_id, page_id)
        if not isinstance(opened, RepeatingPage):
            return opened
        application, repeat = opened.application, opened.repeat
        count = len(application.answers.page_items(page_id))
        if RepeatSummaryButtons(request.form).adds_an_item():
            return redirect(item_url(form_id, page_id, count))
        if count >= repeat.min:
            save(application, application.answers, with_completed(application.draft.completed_pages, page_id))
            db_session().commit()
            return redirect(next_url(application, page_id))
        label = repeat.item_label.get(current_locale())
        return _summary(opened, error=t(f"{label}を{repeat.min}件以上追加してください",
                                        f"Add at least {repeat.min} {label}"))


def _summary(opened: RepeatingPage, error: str | None = None) -> str:
    application, page = opened.application, opened.page
    items = application.flow.items(page.id)
    rows = [{"index": i, "title": opened.item_title(item, i)} for i, item in enumerate(items)]
    return render("resident/repeat_summary.html", application=application, page=page,
                  rows=rows, error=error, can_add=len(items) < opened.repeat.max,
                  return_params=return_params(), steps=steps(application, page.id),
                  back_url=back_url(application, page.id))


class RepeatRemovePage(ApplicationPage):
    """削除しますか for one item; はい removes it (the page counts as unanswered again)."""

    def get(self, form_id: str, page_id: str, index: int) -> ResponseReturnValue:
        opened = _existing_item(form_id, page_id, index)
        if not isinstance(opened, RepeatingPage):
            return opened
        title = opened.item_title(opened.application.flow.items(page_id)[index], index)
        return render("resident/repeat_remove.html", application=opened.application, page=opened.page,
                      title=title, index=index, return_params=return_params(),
                      back_url=summary_url(form_id, page_id))

    def post(self, form_id: str, page_id: str, index: int) -> ResponseReturnValue:
        opened = _existing_item(form_id, page_id, index)
        if not isinstance(opened, RepeatingPage):
            return opened
        application = opened.application
        if RemovalConfirmation(request.form).confirmed():
            answers = application.answers.copy()
            answers.remove_item(page_id, index)
            save(application, answers, [p for p in application.draft.completed_pages if p != page_id])
            db_session().commit()
        return redirect(summary_url(form_id, page_id))


def _existing_item(form_id: str, page_id: str, index: int) -> RepeatingPage | ResponseReturnValue:
    """The repeating page when it has item ``index``, else the response."""
    application = open_application(form_id)
    if application is None:
        return current_channel().no_application(form_id)
    opened = _repeating_page_or_404(application, page_id)
    if index >= len(application.answers.page_items(page_id)):
        return redirect(summary_url(form_id, page_id))
    return opened
