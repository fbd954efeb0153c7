"""A repeating page's list of items (「子ども：2件」) and the removal of an item; each item is
a page of questions (formsvc.resident.pages.questions.RepeatItemPage)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, redirect, request, url_for
from flask.typing import ResponseReturnValue

from formsvc.definitions.schema import Page, Repeat
from formsvc.i18n import current_locale, t
from formsvc.resident.channels import current_channel
from formsvc.resident.pages.application import (
    Application,
    ApplicationPage,
    open_application,
    render,
    store,
    with_completed,
)
from formsvc.resident.pages.buttons import RemovalConfirmation, RepeatSummaryButtons
from formsvc.resident.pages.navigation import back_url, guard, item_url, next_url, return_params, steps, summary_url
from formsvc.vocabulary.conditions import Item


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
        if opened.repeat.per is not None:
            return _nested_summary(opened)
        if not opened.application.answers.page_items(page_id) and opened.repeat.min > 0:
            return redirect(item_url(form_id, page_id, 0))
        return _summary(opened)

    def post(self, form_id: str, page_id: str) -> ResponseReturnValue:
        opened = open_repeating_page(form_id, page_id)
        if not isinstance(opened, RepeatingPage):
            return opened
        application, repeat = opened.application, opened.repeat
        if repeat.per is not None:
            return _continue_nested(opened)
        count = len(application.answers.page_items(page_id))
        if RepeatSummaryButtons(request.form).adds_an_item():
            return redirect(item_url(form_id, page_id, count))
        # Rules on the whole list (exactly one 世帯主, at least as many members as children)
        # are checked when the list is continued; rules on each item when it is saved.
        broken = application.flow.rule_errors(opened.page, current_locale()) if count >= repeat.min else {}
        if broken:
            return _summary(opened, error=next(iter(broken.values())))
        if count >= repeat.min:
            store(application, application.answers, with_completed(application.draft.completed_pages, page_id))
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
            # A 世帯員's own 収入 (pages asked per item: repeat.per) go with them.
            nested = [child.id for child in application.definition.nested_pages(page_id)]
            answers.remove_item(page_id, index, nested=nested)
            store(application, answers, [p for p in application.draft.completed_pages if p != page_id])
        return redirect(summary_url(form_id, page_id))


def _existing_item(form_id: str, page_id: str, index: int) -> RepeatingPage | ResponseReturnValue:
    """The repeating page when it has item ``index``, else the response."""
    application = open_application(form_id)
    if application is None:
        return current_channel().no_application(form_id)
    opened = _repeating_page_or_404(application, page_id)
    if opened.repeat.per is not None or index >= len(application.answers.page_items(page_id)):
        return redirect(summary_url(form_id, page_id))  # a nested page's items: NestedRemovePage
    return opened


# --- nested repeat (repeat.per): each parent item's own list ------------------------------------

def nested_item_url(form_id: str, page_id: str, parent_index: int, index: int, **params: Any) -> str:
    return url_for(".nested_item", form_id=form_id, page_id=page_id, parent=parent_index, index=index,
                   **{**return_params(), **params})


def nested_remove_url(form_id: str, page_id: str, parent_index: int, index: int) -> str:
    return url_for(".nested_remove", form_id=form_id, page_id=page_id, parent=parent_index, index=index,
                   **return_params())


def parent_title(application: Application, page: Page, parent_index: int) -> str:
    """The parent item a nested page's items belong to: 「世帯員 2（山田花子）」."""
    assert page.repeat is not None and page.repeat.per is not None
    parent_page = application.definition.page_by_id(page.repeat.per)
    assert parent_page is not None and parent_page.repeat is not None
    parents = application.flow.items(parent_page.id)
    own = RepeatingPage(application, parent_page, parent_page.repeat)
    label = f"{parent_page.repeat.item_label.get(current_locale())} {parent_index + 1}"
    if parent_index >= len(parents):
        return label
    name = own.item_title(parents[parent_index], parent_index)
    return label if name == label else t(f"{label}（{name}）", f"{label} ({name})")


def nested_item_title(application: Application, page: Page, parent_index: int, index: int) -> str:
    """A nested item as its page's heading names it: 「世帯員 2（山田花子）の収入 1」."""
    assert page.repeat is not None
    own = f"{page.repeat.item_label.get(current_locale())} {index + 1}"
    whose = parent_title(application, page, parent_index)
    return t(f"{whose}の{own}", f"{own} of {whose}")


@dataclass(frozen=True)
class NestedItem:
    """A nested page opened at one parent item: the page, and that parent's items of it."""

    opened: RepeatingPage
    parent: Item
    children: list[Item]


def open_nested_item(form_id: str, page_id: str, parent_index: int, index: int,
                     existing: bool) -> NestedItem | ResponseReturnValue:
    """The nested page and the parent's items when item ``index`` of parent item ``parent_index``
    may be opened (``existing``: it must be there; else one past the last adds one); otherwise
    the response: a forged or stale position leads back to the list, never to another item."""
    opened = open_repeating_page(form_id, page_id)
    if not isinstance(opened, RepeatingPage):
        return opened
    if opened.repeat.per is None:
        abort(404)
    parents = opened.application.flow.items(opened.repeat.per)
    if not 0 <= parent_index < len(parents):
        return redirect(summary_url(form_id, page_id))
    children = parents[parent_index].nested.get(page_id, [])
    limit = len(children) if existing else min(len(children) + 1, opened.repeat.max)
    if not 0 <= index < limit:
        return redirect(summary_url(form_id, page_id))
    return NestedItem(opened, parents[parent_index], children)


def _nested_groups(opened: RepeatingPage) -> list[dict[str, Any]]:
    application, page, repeat = opened.application, opened.page, opened.repeat
    assert repeat.per is not None
    groups = []
    label = repeat.item_label.get(current_locale())
    for parent in application.flow.items(repeat.per):
        whose = parent_title(application, page, parent.index)
        children = parent.nested.get(page.id, [])
        groups.append({
            "index": parent.index, "title": whose,
            "heading": t(f"{whose}の{label}", f"{label} of {whose}"),
            "rows": [{"index": child.index, "title": opened.item_title(child, child.index),
                      "label": f"{label} {child.index + 1}",
                      "change_url": nested_item_url(application.form_id, page.id, parent.index, child.index),
                      "remove_url": nested_remove_url(application.form_id, page.id, parent.index, child.index)}
                     for child in children],
            "add_url": nested_item_url(application.form_id, page.id, parent.index, len(children))
            if len(children) < repeat.max else None,
        })
    return groups


def _nested_summary(opened: RepeatingPage, errors: list[tuple[str, str]] | None = None) -> str:
    """Each parent item (世帯員) with its own items (収入), 〜を追加する for each, and 次へ進む."""
    application, page = opened.application, opened.page
    parent_page = application.definition.page_by_id(opened.repeat.per or "")
    return render("resident/repeat_nested.html", application=application, page=page,
                  parent_page=parent_page, groups=_nested_groups(opened), errors=errors or [],
                  return_params=return_params(), steps=steps(application, page.id),
                  back_url=back_url(application, page.id))


def _continue_nested(opened: RepeatingPage) -> ResponseReturnValue:
    """次へ進む: every parent item has at least ``min`` items, and the rules on the list hold."""
    application, page, repeat = opened.application, opened.page, opened.repeat
    assert repeat.per is not None
    errors: list[tuple[str, str]] = []  # (message, the id it links to), as the error summary reads them
    label = repeat.item_label.get(current_locale())
    for parent in application.flow.items(repeat.per):
        if len(parent.nested.get(page.id, [])) < repeat.min:
            whose = parent_title(application, page, parent.index)
            errors.append((t(f"{whose}の{label}を{repeat.min}件以上追加してください",
                             f"Add at least {repeat.min} {label} for {whose}"), f"add-{parent.index}"))
    if not errors:
        errors = [(message, "items") for message in application.flow.rule_errors(page, current_locale()).values()]
    if errors:
        return _nested_summary(opened, errors)
    store(application, application.answers, with_completed(application.draft.completed_pages, page.id))
    return redirect(next_url(application, page.id))


class NestedRemovePage(ApplicationPage):
    """削除しますか for one item of a nested page (「世帯員 1（山田太郎）の収入 2」)."""

    def get(self, form_id: str, page_id: str, parent: int, index: int) -> ResponseReturnValue:
        found = open_nested_item(form_id, page_id, parent, index, existing=True)
        if not isinstance(found, NestedItem):
            return found
        opened, children = found.opened, found.children
        return render("resident/repeat_remove.html", application=opened.application, page=opened.page,
                      title=opened.item_title(children[index], index), index=index,
                      nested_title=nested_item_title(opened.application, opened.page, parent, index),
                      return_params=return_params(),
                      back_url=summary_url(form_id, page_id))

    def post(self, form_id: str, page_id: str, parent: int, index: int) -> ResponseReturnValue:
        found = open_nested_item(form_id, page_id, parent, index, existing=True)
        if not isinstance(found, NestedItem):
            return found
        application = found.opened.application
        if RemovalConfirmation(request.form).confirmed():
            answers = application.answers.copy()
            answers.remove_child(page_id, parent, index)
            store(application, answers, [p for p in application.draft.completed_pages if p != page_id])
        return redirect(summary_url(form_id, page_id))
