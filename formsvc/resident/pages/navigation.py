"""Where the application pages lead: links within the channel, the steps, who may open which
page, and where to go after a page is stored."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import redirect, url_for
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from formsvc.applications.flow import CHECK
from formsvc.db import session as db_session
from formsvc.i18n import current_locale, t, text_in
from formsvc.resident.channels import current_channel
from formsvc.resident.context import safe_return_target
from formsvc.resident.pages.application import Application, draft_flow
from formsvc.submissions.drafts import submission_of


def page_url(form_id: str, page_id: str, **params: Any) -> str:
    """A page of the application in the current channel (the check page for CHECK)."""
    if page_id == CHECK:
        return url_for(".check", form_id=form_id, **params)
    return url_for(".question", form_id=form_id, page_id=page_id, **params)


def return_params() -> dict[str, Any]:
    """Keep "return to the check page" across the pages of a repeating question."""
    target = safe_return_target()
    return {"return": target} if target else {}


def summary_url(form_id: str, page_id: str) -> str:
    return url_for(".repeat_summary", form_id=form_id, page_id=page_id, **return_params())


def item_url(form_id: str, page_id: str, index: int) -> str:
    return url_for(".repeat_item", form_id=form_id, page_id=page_id, index=index, **return_params())


def back_url(application: Application, page_id: str) -> str:
    # Flow.previous_page_id() on the pages the request worked out already.
    ids = [page.id for page in application.visible_pages]
    if page_id == CHECK:
        previous = ids[-1] if ids else None
    else:
        previous = ids[ids.index(page_id) - 1] if page_id in ids and ids.index(page_id) > 0 else None
    if previous is None:
        return current_channel().start_url(application.form_id)
    return page_url(application.form_id, previous)


class Step(NamedTuple):
    """A step above a page: its title, "done", "current" or "todo", and its link (None: none)."""

    title: str
    state: str
    url: str | None


class Steps(list[Step]):
    """The steps above a page (a list of Step: the counter draws them beside the page), and their
    HTML as partials/steps.html drew it (``html``): the steps already passed (links back) and
    the current one, then how many pages are left, as an estimate. The pages to come are not
    listed: answers may bring pages in or leave them out, and a total that jumps as you answer
    misleads (a preview, where every page can be opened, still lists them all). Drawn in Python,
    with no include and no template loop per step (issue 17)."""

    def __init__(self, shown: list[Step], in_aside: bool):
        super().__init__(shown)
        self.in_aside = in_aside  # the channel shows them beside the page instead (the counter)

    @property
    def html(self) -> Markup:
        if not self or self.in_aside:
            return Markup("")
        t = text_in(current_locale())
        items = []
        for step in self:
            if step.state == "todo" and not step.url:
                continue
            current = step.state == "current"
            title = escape(step.title)
            shown = f'<a href="{escape(step.url)}">{title}</a>' if step.url and not current else f"<span>{title}</span>"
            done = f'<span class="visually-hidden">{t("（完了）", " (done)")}</span>' if step.state == "done" else ""
            marked = ' aria-current="step"' if current else ""
            items.append(f'    <li class="steps__item steps__item--{step.state}"{marked}>\n'
                         f"{shown}{done}    </li>\n")
        states = [step.state for step in self]
        remaining = ""
        if "current" in states:
            left = len(states) - states.index("current") - 1
            words = (t("最後のページです", "This is the last page") if left == 0
                     else t("次は申請内容の確認です", "Next: check your answers") if left == 1
                     else t(f"残り約{left}ページ", f"About {left} pages to go"))
            remaining = f'  <p class="steps__remaining">{escape(words)}</p>\n'
        return Markup(f'<nav class="steps" aria-label="{t("ステップ", "Steps")}">\n  <ol class="steps__list">\n'
                      f'{"".join(items)}  </ol>\n{remaining}</nav>\n')


def steps(application: Application, current: str) -> Steps:
    """The steps above a page (or the page list beside it at the counter). Attributes rather than
    a dict's keys: a template reading step.state from a dict first tries the attribute, and pays
    for the AttributeError on each of some forty reads a page (issue 17)."""
    locale = current_locale()
    pages = [p for p in application.visible_pages if p.kind != "exit"]
    completed = application.draft.completed_pages
    channel = current_channel()
    reachable = channel.free_navigation
    shown = []
    for page in pages:
        state = "current" if page.id == current else ("done" if page.id in completed else "todo")
        shown.append(Step(page.title.get(locale), state,
                          page_url(application.form_id, page.id) if reachable or page.id in completed else None))
    shown.append(Step(t("確認", "Check"), "current" if current == CHECK else "todo",
                      page_url(application.form_id, CHECK) if reachable else None))
    return Steps(shown, channel.steps_in_aside)


def guard(application: Application, page_id: str) -> Response | None:
    """Redirect when a page is not asked, or when earlier pages are still unanswered."""
    # Sending a draft marks it used (submitted_at) in the transaction that stores its submission:
    # an unsent draft has none to look up (no query on every page of an application).
    draft = application.draft
    if draft.submitted_at is not None and submission_of(db_session(), draft) is not None:
        return redirect(url_for(".check", form_id=application.form_id))
    pages = application.visible_pages
    visible = [page.id for page in pages]
    # Flow.first_unfinished_page_id() on those pages: the first page asked not completed yet.
    completed = application.draft.completed_pages
    target = next((page.id for page in pages if page.id not in completed or page.kind == "exit"), CHECK)
    if page_id not in visible and page_id != CHECK:
        return redirect(page_url(application.form_id, target))
    if current_channel().free_navigation and page_id != CHECK:
        return None
    position = visible.index(page_id) if page_id in visible else len(visible)
    target_position = visible.index(target) if target in visible else len(visible)
    if position > target_position:
        return redirect(page_url(application.form_id, target))
    return None


def next_url(application: Application, page_id: str) -> str:
    """Where to go after a page is stored (decided on the answers just saved)."""
    draft = application.draft
    flow = draft_flow(application.definition, draft)
    if safe_return_target() == CHECK:
        # Changed from the check page: a page the change brought in is asked next, still on the
        # way back (the marker goes with it), and pages already answered are not walked again.
        target = flow.first_unfinished_page_id(draft.completed_pages)
        return page_url(application.form_id, target, **({} if target == CHECK else {"return": CHECK}))
    return page_url(application.form_id, flow.next_page_id(page_id))
