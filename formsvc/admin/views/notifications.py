"""A procedure's notification settings (/admin/forms/<id>/notifications): which status changes
e-mail the resident, the staff mailbox told of new applications, and the texts of the resident's
mails, with a preview and 「既定の文面に戻す」.

One form, three buttons: 保存する (saves and notes it in the history), プレビュー (shows the typed,
unsaved text of one mail as a resident would get it, with sample values) and 既定の文面に戻す (puts
the built-in text back in the boxes, to be saved). No JavaScript is needed. The settings take
effect at once (they are not part of the definition, so nothing is published).
"""

from __future__ import annotations

import unicodedata

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from wtforms import Form as WTForm
from wtforms import HiddenField, SelectMultipleField, StringField, TextAreaField

from formsvc.admin import working_copies
from formsvc.admin.forms import options
from formsvc.admin.views.common import ADMIN, actor, blueprint, procedure_or_404
from formsvc.admin.views.versions import definition_of
from formsvc.db import session as db_session
from formsvc.definitions.loader import load_text
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.models import Form
from formsvc.review import notification_settings as settings_module
from formsvc.review import notifications
from formsvc.review.notification_settings import (
    BODY_MAX,
    DEFAULT_TEXTS,
    KIND_LABELS,
    KINDS,
    MAILBOX,
    MAILBOX_MAX,
    PLACEHOLDER_LIST,
    SUBJECT_MAX,
    MailText,
    Settings,
)
from formsvc.staff.auth import require_role
from formsvc.tenants.resolution import current_tenant


class NotificationsForm(WTForm):
    revision = HiddenField()
    kinds = SelectMultipleField("住民の方にメールを送る場面",
                                choices=options((kind, KIND_LABELS[kind][0]) for kind in KINDS), validate_choice=False)
    staff_mailbox = StringField("職員の通知先メールアドレス（任意）")


for _kind in KINDS:
    setattr(NotificationsForm, f"subject_{_kind}", StringField("件名"))
    setattr(NotificationsForm, f"body_{_kind}", TextAreaField("本文"))


def _subject(form: NotificationsForm, kind: str):
    return getattr(form, f"subject_{kind}")


def _body(form: NotificationsForm, kind: str):
    return getattr(form, f"body_{kind}")


def _filled(form: NotificationsForm, settings: Settings) -> NotificationsForm:
    form.revision.data = settings.revision
    form.kinds.data = [kind for kind in KINDS if settings.sends(kind)]
    form.staff_mailbox.data = settings.staff_mailbox or ""
    for kind in KINDS:
        _subject(form, kind).data = settings.text(kind).subject
        _body(form, kind).data = settings.text(kind).body
    return form


def _put(field, value: str) -> None:
    """Show ``value`` in the box (what was typed is shown again otherwise)."""
    field.data = value
    field.raw_data = [value]


# --- reading what was typed ----------------------------------------------------------------------

def _subject_text(raw: str | None) -> str:
    return settings_module.normalise_braces((raw or "").strip())


def _body_text(raw: str | None) -> str:
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    return settings_module.normalise_braces(text.strip("\n").rstrip())


def _check_text(form: NotificationsForm, kind: str) -> MailText | None:
    """The kind's subject and body, or None with the errors beside the boxes."""
    name = KIND_LABELS[kind][0]
    subject_field, body_field = _subject(form, kind), _body(form, kind)
    subject, body = _subject_text(subject_field.data), _body_text(body_field.data)
    subject_error = body_error = None
    if not subject:
        subject_error = f"「{name}」のメールの件名を入力してください"
    elif len(subject) > SUBJECT_MAX:
        subject_error = f"「{name}」のメールの件名は{SUBJECT_MAX}文字以内にしてください（今は{len(subject)}文字です）"
    elif any(char in subject for char in "\n\t"):
        subject_error = f"「{name}」のメールの件名に改行やタブは使えません。1行で入力してください"
    else:
        problem = settings_module.template_problem(subject)
        if problem:
            subject_error = f"「{name}」のメールの件名：{problem}"
    if not body:
        body_error = f"「{name}」のメールの本文を入力してください"
    elif len(body) > BODY_MAX:
        body_error = f"「{name}」のメールの本文は{BODY_MAX}文字以内にしてください（今は{len(body)}文字です）"
    else:
        problem = settings_module.template_problem(body)
        if problem:
            body_error = f"「{name}」のメールの本文：{problem}"
    subject_field.errors = [subject_error] if subject_error else []
    body_field.errors = [body_error] if body_error else []
    if subject_error or body_error:
        return None
    return MailText(subject, body)


def _check_mailbox(form: NotificationsForm) -> tuple[bool, str | None]:
    raw = (form.staff_mailbox.data or "").strip()
    if not raw:
        return True, None
    # Typed with an IME: full-width letters and ＠ are the ASCII ones.
    address = unicodedata.normalize("NFKC", raw)
    example = "（例：shiminka@city.example.lg.jp）"
    if len(address) > MAILBOX_MAX:
        form.staff_mailbox.errors = [f"職員の通知先メールアドレスは{MAILBOX_MAX}文字以内にしてください"]
    elif any(char in address for char in ",;、， \t\n"):
        form.staff_mailbox.errors = ["職員の通知先メールアドレスは1つだけ入力してください。"
                                     "複数の人に届けるときは、課の共有アドレスを指定してください" + example]
    elif not MAILBOX.match(address):
        form.staff_mailbox.errors = ["職員の通知先メールアドレスを正しい形式で入力してください" + example]
    else:
        return True, address.lower() if address.isascii() else address
    return False, None


def _read(form: NotificationsForm) -> Settings | None:
    """The settings typed in, or None with the errors beside the fields."""
    chosen = [kind for kind in form.kinds.data or []]
    valid = True
    if any(kind not in KINDS for kind in chosen):
        form.kinds.errors = ["選べない場面が送られました。画面を読み込み直して、もう一度選んでください"]
        valid = False
    mailbox_ok, mailbox = _check_mailbox(form)
    texts = {kind: _check_text(form, kind) for kind in KINDS}
    if not valid or not mailbox_ok or any(text is None for text in texts.values()):
        return None
    return Settings(frozenset(kind for kind in chosen if kind in KINDS), mailbox,
                    {kind: text for kind, text in texts.items() if text is not None})


def _error_summary(form: NotificationsForm) -> list[tuple[str, str]]:
    summary = []
    for field in form:
        if field.errors:
            target = "kinds" if field.name == "kinds" else field.id
            summary.append((field.errors[0], target))
    return summary


# --- the page ------------------------------------------------------------------------------------

def _definition(form: Form) -> FormDefinition | None:
    """The definition residents get (else the working copy's): the mails' title and contact."""
    version = working_copies.current_version(form)
    if version is not None:
        definition = definition_of(version)
        if definition is not None:
            return definition
    copy = working_copies.working_copy(db_session(), form.id)
    if copy is not None:
        return load_text(copy.source, working_copies.file_name(form.id)).definition
    return None


def _page(procedure: Form, form: NotificationsForm, *, errors: list[tuple[str, str]] | None = None,
          preview_kind: str | None = None, preview: tuple[str, str] | None = None, reset_kind: str | None = None,
          stale: bool = False, code: int = 200):
    definition = _definition(procedure)
    title = definition.title.ja if definition is not None else procedure.id
    opened = {kind for kind in KINDS if _subject(form, kind).errors or _body(form, kind).errors}
    opened |= {kind for kind in (preview_kind, reset_kind) if kind}
    customised = {kind for kind in KINDS
                  if (_subject_text(_subject(form, kind).data), _body_text(_body(form, kind).data))
                  != (DEFAULT_TEXTS[kind].subject, DEFAULT_TEXTS[kind].body)}
    return render_template(
        "admin/notifications.html", form=procedure, title=title, settings_form=form, errors=errors or [],
        kinds=KINDS, kind_labels=KIND_LABELS, subject_of=lambda kind: _subject(form, kind),
        body_of=lambda kind: _body(form, kind), opened=opened, customised=customised,
        preview_kind=preview_kind, preview=preview, reset_kind=reset_kind, stale=stale,
        placeholders=PLACEHOLDER_LIST, municipality=current_tenant().name,
    ), code


@blueprint.get("/forms/<form_id>/notifications")
@require_role(ADMIN)
def notifications_page(form_id: str):
    procedure = procedure_or_404(form_id)
    current = settings_module.settings_for(db_session(), form_id)
    return _page(procedure, _filled(NotificationsForm(), current))


@blueprint.post("/forms/<form_id>/notifications")
@require_role(ADMIN)
def save_notifications(form_id: str):
    session = db_session()
    procedure = procedure_or_404(form_id)
    form = NotificationsForm(request.form)
    reset_kind, preview_kind = request.form.get("reset"), request.form.get("preview")
    for wanted in (reset_kind, preview_kind):
        if wanted is not None and wanted not in KINDS:
            form.kinds.errors = ["その操作はできません。画面を読み込み直して、もう一度操作してください"]
            return _page(procedure, form, errors=_error_summary(form), code=400)
    if reset_kind is not None:
        _put(_subject(form, reset_kind), DEFAULT_TEXTS[reset_kind].subject)
        _put(_body(form, reset_kind), DEFAULT_TEXTS[reset_kind].body)
        return _page(procedure, form, reset_kind=reset_kind)
    if preview_kind is not None:
        text = _check_text(form, preview_kind)
        if text is None:
            return _page(procedure, form, errors=_error_summary(form), preview_kind=preview_kind, code=400)
        definition = _definition(procedure)
        title = definition.title.ja if definition is not None else procedure.id
        contact = notifications.contact_of(definition) if definition is not None else "担当課"
        return _page(procedure, form, preview_kind=preview_kind,
                     preview=notifications.preview(preview_kind, text, title, contact))
    current = settings_module.settings_for(session, form_id)
    if form.revision.data != current.revision:
        # Shown again with what was typed; saving again (knowingly) replaces the other change.
        _put(form.revision, current.revision)
        return _page(procedure, form, errors=[(
            "通知の設定が別の画面で変更されました。入力した内容はまだ保存していません。"
            "内容を確かめて、もう一度「保存する」を押してください", "save")], stale=True, code=409)
    new = _read(form)
    if new is None:
        return _page(procedure, form, errors=_error_summary(form), code=400)
    try:
        changes = settings_module.save(session, form_id, new, actor())
        session.commit()
    except IntegrityError:  # saved for the first time on two pages at once: the other one won
        session.rollback()
        flash("通知の設定が別の画面で同時に保存されました。内容を確かめて、もう一度保存してください", "admin-error")
        return redirect(url_for("admin.notifications_page", form_id=form_id))
    flash("通知の設定を保存しました：" + "、".join(changes) if changes else "変更はありませんでした", "admin")
    return redirect(url_for("admin.notifications_page", form_id=form_id))

