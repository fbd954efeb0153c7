"""Preview: an administrator goes through a procedure exactly as residents will see it.

The same pages as online (formsvc.resident.pages) in the resident layout with a preview
banner, on the procedure's working copy (the unpublished edit) or, without one, its published
version. Nothing here ever becomes a submission: the check page ends the preview instead.

The banner of every preview page has 「ページへ移動」: a list of every page and the channel
(オンライン / 窓口), sent with one button (no JavaScript). It opens that page straight away, with
the answers given so far (none: empty); a page that the answers hide says so, with its condition
in words, instead of failing.
"""

from __future__ import annotations

import secrets
import threading

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.admin import describe
from formsvc.admin.working_copies import newest_version
from formsvc.applications.outcomes import documents as all_documents
from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.definitions.loader import load_text
from formsvc.definitions.schema import FormDefinition, Page
from formsvc.forms.catalog import CompiledForm, published, version_by_id
from formsvc.forms.models import Form, FormWorkingCopy
from formsvc.i18n import current_locale
from formsvc.resident import channels
from formsvc.resident.pages import register_pages
from formsvc.resident.pages.application import draft_flow
from formsvc.resident.pages.navigation import page_url
from formsvc.staff.auth import current_staff, require_role
from formsvc.staff.roles import ADMIN, APPROVER
from formsvc.submissions.drafts import new_draft
from formsvc.submissions.models import Draft

# Approvers preview the working copy they are asked to approve (read-only: nothing is saved).
PREVIEWERS = (ADMIN, APPROVER)
blueprint = Blueprint("preview", __name__, url_prefix="/admin/preview")
SESSION_KEY = "preview_drafts"
# Which channel's definition each procedure is previewed as (formsvc.definitions.channels).
CHANNEL_KEY = "preview_channels"
PREVIEW_CHANNELS = {"online": "オンライン", "counter": "窓口"}

# Per procedure, its working copy's checksum and compiled definition: only the latest is kept
# (every save makes a new checksum; older ones would only pile up in a long-running worker).
_compiled_copies: dict[str, tuple[str, CompiledForm]] = {}
_lock = threading.Lock()


def compiled_working_copy(db: Session, form_id: str) -> CompiledForm | None:
    """The procedure's working copy, compiled (cached by content: a save changes the checksum)."""
    copy = db.get(FormWorkingCopy, form_id)
    if copy is None:
        return None
    cached = _compiled_copies.get(form_id)
    if cached is not None and cached[0] == copy.checksum:
        return cached[1]
    # Working copies are validated when saved; load_text checks again all the same.
    compiled = CompiledForm(None, 0, load_text(copy.source, f"{form_id}.yaml").definition)
    with _lock:
        _compiled_copies[form_id] = (copy.checksum, compiled)
    return compiled


def previewed(db: Session, form_id: str) -> CompiledForm | None:
    """What a preview shows: the working copy if there is one, else the published version,
    else (an archived procedure) its newest version."""
    compiled = compiled_working_copy(db, form_id) or published(db, form_id)
    if compiled is None:
        form = db.get(Form, form_id)
        newest = newest_version(form) if form is not None else None  # never a cancelled schedule
        compiled = version_by_id(db, newest.id, channel=None) if newest is not None else None
    return compiled


def _previewed_or_404(form_id: str) -> CompiledForm:
    compiled = previewed(db_session(), form_id)
    if compiled is None:
        abort(404)
    return compiled


def _preview_token(form_id: str) -> str | None:
    return session.get(SESSION_KEY, {}).get(form_id)


def preview_channel(form_id: str) -> str:
    """The channel the administrator previews ``form_id`` as (online unless they chose 窓口)."""
    chosen = session.get(CHANNEL_KEY, {}).get(form_id)
    return chosen if chosen in PREVIEW_CHANNELS else "online"


def _choose_channel(form_id: str, channel: str) -> None:
    """Preview as ``channel`` from now on: a preview under way was answered on the other
    channel's pages, so it starts again."""
    if channel == preview_channel(form_id):
        return
    chosen = dict(session.get(CHANNEL_KEY, {}))
    chosen[form_id] = channel
    session[CHANNEL_KEY] = chosen
    tokens = dict(session.get(SESSION_KEY, {}))
    tokens.pop(form_id, None)
    session[SESSION_KEY] = tokens


class PreviewChannel(channels.Channel):
    name = "preview"
    layout = "preview/layout.html"
    enforces_application_period = False  # a preview of next 年度's version works before its day
    # The administrator may open any page asked (「ページへ移動」 and the steps), answered or not.
    free_navigation = True

    def find_draft(self, form_id: str) -> Draft | None:
        token = _preview_token(form_id)
        staff = current_staff()
        if not token or staff is None:
            return None
        return db_session().scalar(select(Draft).where(
            Draft.token == token, Draft.form_id == form_id, Draft.channel == "preview",
            Draft.staff_id == staff.id, Draft.expires_at > utcnow()))

    def compiled_of(self, draft: Draft) -> CompiledForm | None:
        channel = preview_channel(draft.form_id)
        if draft.version_id is not None:
            return version_by_id(db_session(), draft.version_id, channel)
        # A preview of the working copy follows its edits; once published, the published one.
        compiled = previewed(db_session(), draft.form_id)
        return compiled.for_channel(channel) if compiled is not None else None

    def no_application(self, form_id: str):
        return redirect(url_for("preview.start", form_id=form_id))

    def start_url(self, form_id: str) -> str:
        return url_for("preview.start", form_id=form_id)

    def leave_label(self) -> tuple[str, str]:
        return ("プレビューを最初からやり直す", "Start the preview again")

    def finish(self, application):
        """The end of a preview: say that nothing was sent, and throw the answers away."""
        draft = application.draft
        title = application.definition.title.get(current_locale())
        db_session().delete(draft)
        db_session().commit()
        return render_template("preview/finished.html", layout=self.layout, form_id=draft.form_id,
                               title=title, edit_url=edit_url(draft.form_id))

    def submit_label(self) -> tuple[str, str]:
        return ("同意して申請する（プレビュー：送信されません）", "Agree and submit (preview: nothing is sent)")


def edit_url(form_id: str) -> str:
    """The administrator's page for the procedure, to go back to from the preview."""
    return url_for("admin.procedure", form_id=form_id)


@blueprint.context_processor
def _preview_facts():
    form_id = (request.view_args or {}).get("form_id")
    if not form_id:
        return {"preview_edit_url": "/admin/"}
    current = preview_channel(form_id)
    switch = [{"label": label, "current": code == current,
               "url": url_for("preview.start", form_id=form_id, channel=code)}
              for code, label in PREVIEW_CHANNELS.items()]
    compiled = previewed(db_session(), form_id)
    pages = _page_choices(compiled.for_channel(current).definition) if compiled is not None else []
    return {"preview_edit_url": edit_url(form_id), "preview_channel_label": PREVIEW_CHANNELS[current],
            "preview_channels": switch, "preview_pages": pages, "preview_channel": current,
            "preview_channel_choices": list(PREVIEW_CHANNELS.items()),
            "preview_jump_url": url_for("preview.jump", form_id=form_id), "preview_jump_start": JUMP_START,
            "preview_current_page": (request.view_args or {}).get("page_id")}


def _page_choices(definition: FormDefinition) -> list[dict]:
    """The pages of 「ページへ移動」: 「3. 委任状（条件つき）」 for each page (value: its id)."""
    shown = []
    for number, page in enumerate(definition.pages, start=1):
        notes = []
        if page.kind == "exit":
            notes.append("終了ページ")
        if page.show_if is not None:
            notes.append("条件つき")
        if page.repeat is not None:
            notes.append("繰り返し")
        suffix = f"（{'・'.join(notes)}）" if notes else ""
        shown.append({"value": page.id, "label": f"{number}. {describe.text(page.title)}{suffix}"})
    return shown


@blueprint.get("/forms/<form_id>/")
@require_role(*PREVIEWERS)
def start(form_id: str):
    wanted = request.args.get("channel")
    if wanted in PREVIEW_CHANNELS:  # anything else (a forged value) keeps the channel as it is
        _choose_channel(form_id, wanted)
    compiled = _previewed_or_404(form_id).for_channel(preview_channel(form_id))
    definition = compiled.definition
    fee = definition.fee
    return render_template("resident/start.html", layout=PreviewChannel.layout, compiled=compiled,
                           definition=definition, draft=None, identity=None, preview=True,
                           login_url=None, documents=all_documents(definition, current_locale()),
                           fee_text=fee.description.get(current_locale()) if fee and fee.description else None)


@blueprint.post("/forms/<form_id>/start")
@require_role(*PREVIEWERS)
def begin(form_id: str):
    compiled = _previewed_or_404(form_id).for_channel(preview_channel(form_id))
    _new_preview_draft(form_id, compiled)
    return redirect(page_url(form_id, compiled.definition.pages[0].id))


channels.register(blueprint.name, PreviewChannel())
register_pages(blueprint, decorate=require_role(*PREVIEWERS))


# --- 「ページへ移動」 ------------------------------------------------------------------------------

# The start page's choice: a hyphen cannot be in a page id ([a-z][a-z0-9_]*), so no page collides.
JUMP_START = "-start"


@blueprint.post("/forms/<form_id>/jump")
@require_role(*PREVIEWERS)
def jump(form_id: str):
    """Open the chosen page of the preview (on the chosen channel) straight away."""
    wanted = request.form.get("channel")
    if wanted in PREVIEW_CHANNELS:  # anything else (a forged value) keeps the channel as it is
        _choose_channel(form_id, wanted)
    channel = preview_channel(form_id)
    compiled = _previewed_or_404(form_id).for_channel(channel)
    definition = compiled.definition
    page_id = request.form.get("page", "")
    if page_id in ("", JUMP_START):
        return redirect(url_for("preview.start", form_id=form_id))
    page = definition.page_by_id(page_id)
    if page is None:
        base = _previewed_or_404(form_id).definition.page_by_id(page_id)
        if base is not None:
            return _jump_notice(form_id, definition, (
                f"ページ「{describe.text(base.title)}」は、{PREVIEW_CHANNELS[channel]}の申請では省略されています"
                "（窓口用の設定）。ほかのページを選ぶか、申請方法を変えてください。"), 200)
        return _jump_notice(form_id, definition, "選んだページはこの手続きにありません。一覧から選んでください。", 400)
    draft = PreviewChannel().find_draft(form_id)
    if draft is None or draft.version_id != compiled.version_id:
        draft = _new_preview_draft(form_id, compiled)
    flow = draft_flow(definition, draft)
    visible = [shown.id for shown in flow.visible_pages()]
    if page_id not in visible:
        return _jump_notice(form_id, definition, _hidden_words(definition, page, visible), 200, hidden=page)
    return redirect(page_url(form_id, page_id))


def _new_preview_draft(form_id: str, compiled: CompiledForm) -> Draft:
    staff = current_staff()
    if staff is None:  # require_role lets only signed-in staff in
        abort(403)
    draft = new_draft(db_session(), compiled, current_locale())
    draft.channel, draft.staff_id = "preview", staff.id
    draft.token = secrets.token_urlsafe(32)
    db_session().commit()
    tokens = dict(session.get(SESSION_KEY, {}))
    tokens[form_id] = draft.token
    session[SESSION_KEY] = tokens
    return draft


def _hidden_words(definition: FormDefinition, page: Page, visible: list[str]) -> str:
    """Why ``page`` is not asked with the answers so far, in words."""
    name = f"ページ「{describe.text(page.title)}」"
    if page.show_if is not None:
        return (f"{name}は、今の回答では表示されません。表示される条件: {describe.condition(page.show_if, definition)}"
                "。条件に合うように前のページで回答すると表示されます。")
    ids = [each.id for each in definition.pages]
    exit_page = definition.page_by_id(visible[-1]) if visible else None
    if exit_page is not None and exit_page.kind == "exit" and ids.index(page.id) > ids.index(exit_page.id):
        return (f"{name}は、今の回答では表示されません。終了ページ「{describe.text(exit_page.title)}」で"
                "申請が終わるためです。前のページの回答を変えると表示されます。")
    per = page.repeat.per if page.repeat is not None else None
    if per is not None:
        parent = definition.page_by_id(per)
        title = describe.text(parent.title) if parent is not None else per
        return f"{name}は、ページ「{title}」が表示されるときだけ表示されます。"
    return f"{name}は、今の回答では表示されません。"


def _condition_page(definition: FormDefinition, page: Page | None) -> Page | None:
    """The page holding the first question the page's condition reads (to go and answer it)."""
    condition = page.show_if if page is not None else None
    while condition is not None:
        if condition.field is not None:
            return definition.page_of(condition.field)
        children = condition.all or condition.any
        condition = children[0] if children else condition.not_
    return None


def _jump_notice(form_id: str, definition: FormDefinition, message: str, status: int, hidden: Page | None = None):
    answer_on = _condition_page(definition, hidden)
    return render_template("preview/jump.html", layout=PreviewChannel.layout, form_id=form_id,
                           definition=definition, message=message,
                           answer_url=page_url(form_id, answer_on.id) if answer_on is not None else None,
                           answer_title=describe.text(answer_on.title) if answer_on is not None else None), status
