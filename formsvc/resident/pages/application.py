"""The application a page works on: the channel's draft, its definition and the flow of its
answers; and storing the answers a page changed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from flask import abort, render_template
from flask.views import MethodView

from formsvc.applications.answers import Answers
from formsvc.applications.flow import Flow
from formsvc.clock import today
from formsvc.definitions.schema import FormDefinition, Page
from formsvc.forms.catalog import CompiledForm
from formsvc.resident import draft_notes
from formsvc.resident.channels import current_channel
from formsvc.submissions.drafts import commit_answers
from formsvc.submissions.models import Draft


@dataclass
class Application:
    compiled: CompiledForm
    draft: Draft
    # The draft's answers (flow.answers) walked through its definition.
    flow: Flow

    @cached_property
    def visible_pages(self) -> list[Page]:
        """flow.visible_pages(), worked out once a request: a page's guard, its steps and its
        back link each walked every page's condition again (the flow's answers do not change
        while a request uses them: a page stores its answers through a copy)."""
        return self.flow.visible_pages()

    @property
    def definition(self) -> FormDefinition:
        return self.compiled.definition

    @property
    def form_id(self) -> str:
        return self.compiled.id

    @property
    def answers(self) -> Answers:
        return self.flow.answers


def open_application(form_id: str) -> Application | None:
    """The current channel's application of ``form_id``, if it has one in progress."""
    channel = current_channel()
    draft = channel.find_draft(form_id)
    if draft is None:
        return None
    compiled = channel.compiled_of(draft)
    if compiled is None:
        abort(404)
    channel.prepare(draft, compiled)
    return Application(compiled, draft, draft_flow(compiled.definition, draft))


def resume_target(compiled: CompiledForm, draft: Draft) -> str:
    """The page to continue a draft on: the first one not answered yet (or the check page)."""
    return draft_flow(compiled.definition, draft).first_unfinished_page_id(draft.completed_pages)


def draft_flow(definition: FormDefinition, draft: Draft) -> Flow:
    """The draft's answers as stored now, walked through ``definition``."""
    return Flow(definition, Answers.from_json(draft.answers), today())


def store(application: Application, answers: Answers, completed: list[str], flow: Flow | None = None) -> None:
    """Store answers as they stand now, and commit: what is no longer asked is dropped, and a
    page that was skipped counts as unanswered again if a later change brings it back. The card's
    answers are held with the draft, and fill their questions again whenever they are asked.
    ``flow``: these answers' flow when the caller has it already."""
    if flow is None or flow.answers is not answers:
        flow = Flow(application.definition, answers, today())
    visible = {page.id for page in flow.visible_pages()}
    commit_answers(application.draft, flow.pruned(hold_card=True), [p for p in completed if p in visible])


def with_completed(completed: list[str], page_id: str) -> list[str]:
    return completed if page_id in completed else [*completed, page_id]


def render(template: str, **context: Any) -> str:
    """A page of the application in the current channel's layout."""
    channel = current_channel()
    application = context.get("application")
    # Saved until when, and the correction it answers (formsvc.resident.draft_notes).
    notes = draft_notes.for_pages(channel, application.draft) if application is not None else {}
    return render_template(template, layout=channel.layout, channel=channel, **notes, **context)


class ApplicationPage(MethodView):
    """A page of the application, registered on every channel (formsvc.resident.pages)."""

    # Whether the page checks the CSRF token itself, to show what was typed again when it is
    # refused (formsvc.errors.redisplays_on_csrf_failure); else a refused POST gets the error page.
    redisplays_on_csrf_failure: ClassVar[bool] = False
