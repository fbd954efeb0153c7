"""Approval before publishing (決裁): the approvers' list of requests, one request (what changed,
the YAML diff, approve or send back), a procedure's approval page (read-only for approvers, with
the setting), and the administrator's 「承認を依頼する」 on the procedure page.

The rules are in formsvc.admin.approvals; these views read the form, call it and show the result.
Approvers may read these pages; they cannot edit a procedure (the editor stays admin-only).
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from wtforms import Form as WTForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from formsvc.admin import approvals, editing, working_copies, yaml_edit
from formsvc.admin.diff import describe_changes, source_diff
from formsvc.admin.forms import error_summary
from formsvc.admin.views.common import ADMIN, actor, blueprint, procedure_or_404, refused
from formsvc.admin.views.publishing import procedure_page
from formsvc.admin.views.versions import definition_of
from formsvc.admin.working_copies import NotAllowed
from formsvc.db import session as db_session
from formsvc.definitions.loader import load_text
from formsvc.forms.models import ApprovalRequest, Form
from formsvc.staff import menu, roles
from formsvc.staff.auth import current_staff, require_role, signed_in_staff

APPROVER = roles.APPROVER

menu.add_entry(blueprint, "admin.approvals", ("承認待ちの依頼", "Approval requests"), (APPROVER,))

COMMENT_TOO_LONG = f"コメントは{approvals.COMMENT_MAX}文字以内にしてください"


class RequestForm(WTForm):
    """「承認を依頼する」 on the procedure page."""

    comment = TextAreaField("承認者へのコメント（任意）",
                            validators=[Optional(), Length(max=approvals.COMMENT_MAX, message=COMMENT_TOO_LONG)])
    approval_revision = HiddenField()


class DecisionForm(WTForm):
    """承認する / 差し戻す (the button pressed is ``decision``)."""

    comment = TextAreaField("コメント（差し戻すときは必須）",
                            validators=[Length(max=approvals.COMMENT_MAX, message=COMMENT_TOO_LONG)])
    decision = HiddenField()

    def validate_comment(self, field):
        if self.decision.data == "send_back" and not (field.data or "").strip():
            raise ValidationError("差し戻すときは、直してほしいことをコメントに書いてください")


def _title(form: Form) -> str:
    copy = working_copies.working_copy(db_session(), form.id)
    if copy is not None:
        return editing.text_parts(yaml_edit.load(copy.source).get("title"))[0] or form.id
    version = working_copies.current_version(form)
    return (editing.text_parts(version.document.get("title"))[0] if version else "") or form.id


@blueprint.context_processor
def _approval_facts():
    """What templates/admin/_approval.html (included in the procedure page) reads."""

    def approval_panel(form: Form) -> dict:
        session = db_session()
        copy = working_copies.working_copy(session, form.id)
        found = approvals.state(session, form)
        return {"state": found, "request_form": g.get("approval_request_form") or RequestForm(),
                "revision": approvals.digest(copy.source) if copy is not None else "",
                "user": current_staff()}

    return {"approval_panel": approval_panel, "approval_status_labels": approvals.STATUS_LABELS,
            "approval_closed_labels": approvals.CLOSED_LABELS}


def _request_or_404(request_id: int) -> ApprovalRequest:
    found = approvals.find(db_session(), request_id)
    if found is None:
        abort(404)
    return found


# --- the approvers' list ------------------------------------------------------------------------

@blueprint.get("/approvals", endpoint="approvals")
@require_role(APPROVER)
def approvals_list():
    session = db_session()
    rows = approvals.pending(session)
    forms = {row.form_id: session.get(Form, row.form_id) for row in rows}
    titles = {form_id: _title(form) for form_id, form in forms.items() if form is not None}
    return render_template("admin/approvals.html", rows=rows, titles=titles)


# --- one request, and a procedure's approval page -------------------------------------------------

def _approval_page(form: Form, row: ApprovalRequest | None, decision_form: DecisionForm | None = None,
                   code: int = 200):
    session = db_session()
    user = signed_in_staff()
    copy = working_copies.working_copy(session, form.id)
    fresh = row is not None and approvals.is_open(row) and approvals.is_fresh(session, row)
    changes: list[str] | None = None
    lines = None
    current = working_copies.current_version(form)
    if copy is not None:
        new_definition = load_text(copy.source, working_copies.file_name(form.id)).definition
        old_definition = definition_of(current) if current is not None else None
        if old_definition is not None and current is not None:
            changes = describe_changes(old_definition, new_definition, current.source, copy.source)
        lines = source_diff(current.source if current is not None else "", copy.source,
                            f"第{current.number}版" if current is not None else "（なし）", "下書き")
    history = approvals.requests_of(session, form.id)
    own_edit = (row is not None and fresh and row.status == approvals.PENDING and user.has_role(APPROVER)
                and row.requested_by != user.username and approvals.edited_by(session, form.id, user.username))
    can_decide = (row is not None and fresh and row.status == approvals.PENDING and user.has_role(APPROVER)
                  and row.requested_by != user.username and not own_edit)
    decision_form = decision_form or DecisionForm()
    return render_template(
        "admin/approval.html", form=form, title=_title(form), row=row, fresh=fresh, copy=copy, current=current,
        changes=changes, lines=lines, history=history, can_decide=can_decide,
        own_request=row is not None and row.requested_by == user.username, decision_form=decision_form,
        own_edit=own_edit, own_edit_reason=approvals.OWN_EDIT,
        errors=error_summary(decision_form), user=user, state=approvals.state(session, form),
        is_admin=user.has_role(ADMIN), is_approver=user.has_role(APPROVER),
    ), code


@blueprint.get("/approvals/<id:request_id>")
@require_role(ADMIN, APPROVER)
def approval(request_id: int):
    row = _request_or_404(request_id)
    return _approval_page(procedure_or_404(row.form_id), row)


@blueprint.get("/forms/<form_id>/approval")
@require_role(ADMIN, APPROVER)
def procedure_approval(form_id: str):
    form = procedure_or_404(form_id)
    rows = approvals.requests_of(db_session(), form_id)
    return _approval_page(form, rows[0] if rows else None)


@blueprint.post("/approvals/<id:request_id>/decide")
@require_role(APPROVER)
def decide_approval(request_id: int):
    session = db_session()
    row = _request_or_404(request_id)
    form = procedure_or_404(row.form_id)
    decision_form = DecisionForm(request.form)
    decision = decision_form.decision.data
    if decision not in ("approve", "send_back"):
        flash("「承認する」か「差し戻す」のどちらかのボタンを押してください", "admin-error")
        return redirect(url_for("admin.approval", request_id=request_id))
    if not decision_form.validate():
        return _approval_page(form, row, decision_form, code=400)
    try:
        approvals.decide(session, row, signed_in_staff(), decision == "approve", decision_form.comment.data)
    except NotAllowed as refusal:
        return refused(refusal.message, url_for("admin.approval", request_id=request_id))
    session.commit()
    flash("承認しました。管理者が公開できるようになりました" if decision == "approve"
          else "差し戻しました。依頼した管理者に手続きの画面でコメントが表示されます", "admin")
    return redirect(url_for("admin.approval", request_id=request_id))


# --- asking for approval, and the setting --------------------------------------------------------

@blueprint.post("/forms/<form_id>/approval/request")
@require_role(ADMIN)
def request_approval(form_id: str):
    session = db_session()
    form = procedure_or_404(form_id)
    request_form = RequestForm(request.form)
    if not request_form.validate():
        g.approval_request_form = request_form
        return procedure_page(form, errors=error_summary(request_form), code=400)
    try:
        approvals.request_approval(session, form, actor(), request_form.comment.data,
                                   request_form.approval_revision.data)
    except NotAllowed as refusal:
        return refused(refusal.message, url_for("admin.procedure", form_id=form_id) + "#approval-title")
    session.commit()
    flash("承認を依頼しました。承認されると公開できるようになります", "admin")
    return redirect(url_for("admin.procedure", form_id=form_id) + "#approval-title")


@blueprint.post("/forms/<form_id>/approval/setting")
@require_role(ADMIN, APPROVER)
def approval_setting(form_id: str):
    session = db_session()
    form = procedure_or_404(form_id)
    user = signed_in_staff()
    back = url_for("admin.procedure" if user.has_role(ADMIN) else "admin.procedure_approval", form_id=form_id)
    wanted = request.form.get("required")
    if wanted not in ("on", "off"):
        flash("「必要にする」か「不要にする」のボタンを押してください", "admin-error")
        return redirect(back)
    try:
        approvals.set_required(session, form, wanted == "on", user)
    except NotAllowed as refusal:
        return refused(refusal.message, back)
    session.commit()
    flash("公開前に承認が必要になりました。公開するには承認者の承認が要ります" if wanted == "on"
          else "公開前の承認を不要にしました", "admin")
    return redirect(back)
