"""The pages of an application in progress: questions, repeating questions, check.

Registered on every channel's blueprint (formsvc.resident.channels): the same pages serve a
resident online, counter staff and an administrator's preview. Links use relative endpoints
(".question") so that they stay in the channel the page was opened in.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint
from flask.typing import RouteCallable

from formsvc.errors import redisplays_on_csrf_failure
from formsvc.resident.pages.application import ApplicationPage
from formsvc.resident.pages.check import CheckPage
from formsvc.resident.pages.nested import NestedItemPage
from formsvc.resident.pages.questions import QuestionPage, RepeatItemPage
from formsvc.resident.pages.repeats import NestedRemovePage, RepeatRemovePage, RepeatSummaryPage

PAGES: tuple[tuple[str, str, type[ApplicationPage]], ...] = (
    # (rule under the channel's prefix, endpoint, view)
    ("/forms/<form_id>/pages/<page_id>", "question", QuestionPage),
    ("/forms/<form_id>/pages/<page_id>/items", "repeat_summary", RepeatSummaryPage),
    ("/forms/<form_id>/pages/<page_id>/items/<int:index>", "repeat_item", RepeatItemPage),
    ("/forms/<form_id>/pages/<page_id>/items/<int:index>/remove", "repeat_remove", RepeatRemovePage),
    # A nested repeating page (repeat.per): item <index> of parent item <parent>.
    ("/forms/<form_id>/pages/<page_id>/items/<int:parent>/<int:index>", "nested_item", NestedItemPage),
    ("/forms/<form_id>/pages/<page_id>/items/<int:parent>/<int:index>/remove", "nested_remove", NestedRemovePage),
    ("/forms/<form_id>/check", "check", CheckPage),
)


def register_pages(blueprint: Blueprint,
                   decorate: Callable[[RouteCallable], RouteCallable] = lambda view: view) -> None:
    """Add the application pages to a channel's blueprint (``decorate``: e.g. a role check)."""
    for rule, endpoint, page in PAGES:
        view = decorate(page.as_view(endpoint))
        if page.redisplays_on_csrf_failure:
            view = redisplays_on_csrf_failure(view)
        blueprint.add_url_rule(rule, endpoint, view, methods=["GET", "POST"])
