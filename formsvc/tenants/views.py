"""The operator's pages (/staff/tenants): the municipalities of this deployment.

Only an operator (広域運営者, formsvc.staff.roles.OPERATOR) of the default tenant — the
deployment's own, e.g. the prefecture — uses them: the pages do not exist under a
municipality's prefix or host (404), and staff without the role are refused (403). The operator
lists municipalities, creates one together with its first administrator account (who then
signs in at /<slug>/staff/login), changes its name, 団体コード, address, colour and お問い合わせ先,
and suspends or resumes it (a suspended municipality's pages answer 404). The operator also
chooses which of the default tenant's published procedures municipalities may adopt as shared
templates (共有テンプレート, formsvc.forms.templates_shared).
"""

from __future__ import annotations

import functools
import unicodedata

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from formsvc.db import session as db_session
from formsvc.forms import templates_shared
from formsvc.forms.models import Form
from formsvc.staff import accounts, menu, roles
from formsvc.staff.auth import require_role, signed_in_staff
from formsvc.tenants import forms, service
from formsvc.tenants import logo as logos
from formsvc.tenants.branding import COLOURS
from formsvc.tenants.context import working_for
from formsvc.tenants.models import Tenant
from formsvc.tenants.resolution import current_tenant, directory

blueprint = Blueprint("tenants", __name__, url_prefix="/staff/tenants")
OPERATOR = roles.OPERATOR

menu.add_entry(blueprint, "tenants.index", ("団体の管理", "Municipalities"), (OPERATOR,))


def operator_only(view):
    """Signed-in operators (require_role), and only at the deployment's own address: under a
    municipality's prefix or host the pages are not there (404; a staff session of the default
    tenant finds no account there and is sent to sign in, the municipality's staff get 403)."""

    @require_role(OPERATOR)
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_tenant().is_default:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@blueprint.context_processor
def _facts():
    return {"colours": COLOURS}


def _tenant_or_404(tenant_id: int) -> Tenant:
    found = db_session().get(Tenant, tenant_id)
    if found is None:
        abort(404)
    return found


def _display_name(tenant: Tenant) -> str:
    return tenant.name or current_app.config["MUNICIPALITY_NAME"]


def _address_of(tenant: Tenant) -> str:
    """Where its pages are: its host, else its path prefix on this host."""
    if tenant.host:
        return f"https://{tenant.host}/"
    root = request.host_url.rstrip("/") + request.script_root
    return f"{root}/" if tenant.is_default else f"{root}/{tenant.slug}/"


@blueprint.get("/")
@operator_only
def index():
    rows = db_session().scalars(select(Tenant).order_by(Tenant.is_default.desc(), Tenant.code, Tenant.id)).all()
    return render_template("tenants/index.html", rows=[(row, _display_name(row), _address_of(row)) for row in rows])


@blueprint.route("/new", methods=["GET", "POST"])
@operator_only
def new():
    form = forms.NewTenantForm(request.form if request.method == "POST" else None)
    if request.method == "POST":
        form.validate()
        session = db_session()
        found = service.problems(session, service.normalised(form.tenant_input()),
                                 service.reserved_slugs(current_app.url_map))
        for field in form:  # WTForms' own message first (e.g. 入力してください)
            if field.errors:
                found.pop(field.name, None)
        form.show_problems(found)
        if not forms.error_summary(form):
            tenant = service.create(session, form.tenant_input(), service.reserved_slugs(current_app.url_map))
            password = form.admin_password.data or forms.generated_password()
            username = form.admin_username.data or ""
            with working_for(tenant.id):
                accounts.create_or_update(session, username, password, [roles.ADMIN],
                                          form.admin_display_name.data or None)
            session.commit()
            directory().forget()
            current_app.logger.info("tenant created: id=%s slug=%s by staff id=%s", tenant.id, tenant.slug,
                                    signed_in_staff().id)
            # Shown on this response only (never stored, never redirected through the session).
            return render_template("tenants/created.html", tenant=tenant, name=_display_name(tenant),
                                   address=_address_of(tenant), username=username,
                                   password=None if form.admin_password.data else password)
    errors = forms.error_summary(form)
    return render_template("tenants/form.html", form=form, errors=errors, tenant=None), 400 if errors else 200


@blueprint.route("/<id:tenant_id>/edit", methods=["GET", "POST"])
@operator_only
def edit(tenant_id: int):
    session = db_session()
    tenant = _tenant_or_404(tenant_id)
    form_class = forms.DefaultTenantForm if tenant.is_default else forms.TenantForm
    form = form_class(request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.fill_from(tenant)
        if tenant.is_default and not tenant.name:
            form.name.data = _display_name(tenant)
    else:
        if tenant.is_default:
            form.slug.data = tenant.slug  # its pages are at the root: the slug is never a prefix
        form.validate()
        reserved = service.reserved_slugs(current_app.url_map)
        found = service.problems(session, service.normalised(form.tenant_input()), reserved, editing=tenant)
        for field in form:
            if field.errors:
                found.pop(field.name, None)
        form.show_problems(found)
        if not forms.error_summary(form):
            value = form.tenant_input()
            # The default tenant's name unchanged: it keeps following FORMSVC_MUNICIPALITY.
            follows_config = tenant.is_default and not tenant.name and \
                service.normalised(value).name == current_app.config["MUNICIPALITY_NAME"]
            service.update(session, tenant, value, reserved)
            if follows_config:
                tenant.name = None
            session.commit()
            directory().forget()
            flash(f"「{_display_name(tenant)}」の設定を保存しました", "admin")
            return redirect(url_for("tenants.index"))
    return _edit_page(tenant, form)


def _edit_page(tenant: Tenant, form: forms.TenantForm, logo_error: str | None = None):
    errors = forms.error_summary(form) + ([(logo_error, "logo")] if logo_error else [])
    return render_template("tenants/form.html", form=form, errors=errors, tenant=tenant, logo_error=logo_error,
                           name=_display_name(tenant)), 400 if errors else 200


@blueprint.post("/<id:tenant_id>/logo")
@operator_only
def logo(tenant_id: int):
    """Upload (or, with remove=1, take away) the municipality's logo; a file that is not taken
    shows the settings page again with the reason at the field."""
    session = db_session()
    tenant = _tenant_or_404(tenant_id)
    if request.form.get("remove") == "1":
        tenant.logo = tenant.logo_digest = tenant.logo_width = tenant.logo_height = None
        message = f"「{_display_name(tenant)}」のロゴを外しました"
    else:
        upload = request.files.get("logo")
        try:
            prepared = logos.prepared(upload.read(logos.MAX_UPLOAD_BYTES + 1) if upload else b"")
        except logos.LogoProblem as problem:
            form = (forms.DefaultTenantForm if tenant.is_default else forms.TenantForm)()
            form.fill_from(tenant)
            if tenant.is_default and not tenant.name:
                form.name.data = _display_name(tenant)
            return _edit_page(tenant, form, logo_error=str(problem))
        tenant.logo, tenant.logo_digest = prepared.png, prepared.digest
        tenant.logo_width, tenant.logo_height = prepared.width, prepared.height
        message = f"「{_display_name(tenant)}」のロゴを保存しました"
    session.commit()
    directory().forget()
    flash(message, "admin")
    return redirect(url_for("tenants.index"))


# The logo as every page's header shows it (public: residents see it before signing in).
assets = Blueprint("tenant_assets", __name__)


@assets.get("/municipality-logo/<digest>.png")
def logo_image(digest: str):
    """The current municipality's logo; its digest in the address, so it may be kept a year."""
    shown = current_tenant().logo
    if shown is None or shown[0] != digest:
        abort(404)
    content = db_session().scalar(select(Tenant.logo).where(Tenant.id == current_tenant().id))
    if content is None:
        abort(404)
    response = current_app.response_class(content, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@blueprint.post("/<id:tenant_id>/active")
@operator_only
def set_active(tenant_id: int):
    session = db_session()
    tenant = _tenant_or_404(tenant_id)
    if tenant.is_default:
        flash("このサービスの運営団体は停止できません", "admin-error")
        return redirect(url_for("tenants.index"))
    active = request.form.get("active") == "1"
    if tenant.active != active:
        tenant.active = active
        session.commit()
        directory().forget()
        current_app.logger.info("tenant %s: id=%s by staff id=%s", "resumed" if active else "suspended", tenant.id,
                                signed_in_staff().id)
    name = _display_name(tenant)
    flash(f"「{name}」の受付を再開しました" if active else
          f"「{name}」を停止しました。再開するまで、この団体のページは表示されません", "admin")
    return redirect(url_for("tenants.index"))


# --- shared templates (共有テンプレート) ------------------------------------------------------------

SHARE_DESCRIPTION_MAX = 500


def _own_published(session) -> list[tuple[Form, str]]:
    """The default tenant's published procedures (this page is only ever at its address)."""
    forms_found = session.scalars(select(Form).where(Form.state == "published").order_by(Form.id)).all()
    result = []
    for form in forms_found:
        version = form.version(form.published_version) if form.published_version else None
        title = version.document.get("title") if version is not None else None
        result.append((form, str(title.get("ja") if isinstance(title, dict) else title or form.id)))
    return result


def _shared_page(errors: dict[str, str] | None = None, typed: dict[str, str] | None = None, code: int = 200):
    session = db_session()
    shared = {row.form_id: row for row in session.scalars(select(templates_shared.SharedTemplate))}
    summary = [(message, f"description-{form_id}") for form_id, message in (errors or {}).items()]
    return render_template("tenants/shared_templates.html", rows=_own_published(session), shared=shared,
                           errors=errors or {}, error_summary=summary, typed=typed or {},
                           description_max=SHARE_DESCRIPTION_MAX), code


@blueprint.get("/shared-templates")
@operator_only
def shared_templates():
    return _shared_page()


@blueprint.post("/shared-templates/<form_id>")
@operator_only
def share_template(form_id: str):
    session = db_session()
    form = session.get(Form, form_id)  # the default tenant's own: the request is limited to it
    if form is None:
        abort(404)
    if request.form.get("action") == "unshare":
        templates_shared.unshare(session, form_id)
        session.commit()
        flash(f"「{form_id}」の共有をやめました。すでに取り込んだ団体の手続きはそのまま残ります", "admin")
        return redirect(url_for("tenants.shared_templates"))
    description = unicodedata.normalize("NFC", request.form.get("description", "")).strip()
    if form.state != "published" or not form.published_version:
        return _shared_page({form_id: "公開中の手続きだけを共有できます"}, {form_id: description}, 400)
    if len(description) > SHARE_DESCRIPTION_MAX:
        return _shared_page({form_id: f"説明は{SHARE_DESCRIPTION_MAX}文字以内で入力してください"},
                            {form_id: description}, 400)
    templates_shared.share(session, form_id, description, signed_in_staff().username)
    session.commit()
    flash(f"「{form_id}」を共有テンプレートにしました。各団体の管理者が取り込めます", "admin")
    return redirect(url_for("tenants.shared_templates"))
