"""Walk every URL of the app as every kind of visitor, and check who is let in.

Who may use which route is written down here, in ROUTES, from what the product promises
(README: residents, My applications, staff, counter mode, administrators, the API), and not
read from the code under test: a route that loses its check, or a new route nobody thought
about, fails this test. A new route needs a line in ROUTES (the failure says so).

Every path variable is filled with something that exists in a seeded database (a published
procedure, a submission with an attachment, a counter visit with its application, a working
copy, the resident's own draft …), so an allowed request really reaches the view, and every
POST carries a valid CSRF token for the visitor's own session, so a refused POST was refused
by the role check and not by the CSRF check.

What a refusal looks like:

- staff areas (/staff, /counter, /admin): not signed in as staff (anonymous, a resident, an
  API client) → 302 to /staff/login?next=<the path>; signed-in staff without the role → 403;
- My applications (/my): not a signed-in resident → 302 to /auth/login?next=<the path>;
- the API (/api/v1, but its OpenAPI document): no bearer token → 401 with
  ``WWW-Authenticate: Bearer`` — a staff or resident session is not a token;
- the keep-alive buttons (/auth/keep-alive, /staff/keep-alive): 401 ``{"signed_in": false}``;
- the mock provider's token and userinfo endpoints (demo mode only) authenticate the client
  or its access token, never a browser session: 400/401 for everyone here.

An allowed request must not fail (5xx), must not be a 404 (everything it names exists), and a
page showing personal data must say ``Cache-Control: no-store``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update
from werkzeug.routing import IntegerConverter

from formsvc import create_app
from formsvc.admin import approvals, working_copies
from formsvc.authentication.models import ResidentLogin
from formsvc.counter import service as counter_service
from formsvc.db import database, utcnow
from formsvc.forms.catalog import published
from formsvc.forms.models import Form
from formsvc.forms.templates_shared import SharedTemplate
from formsvc.jobs.models import JobFile
from formsvc.jobs.queue import enqueue
from formsvc.mock_payments.models import MockPayment
from formsvc.review import print_jobs
from formsvc.review.tokens import create_token
from formsvc.staff import roles
from formsvc.staff.models import StaffUser
from formsvc.submissions.models import CounterVisit, Draft, Submission, Upload
from formsvc.tenants.context import DEFAULT_TENANT_ID, working_for
from formsvc.tenants.logo import prepared as prepared_logo
from formsvc.tenants.models import Tenant
from formsvc.tenants.resolution import directory
from tests.applicant import TINY_PDF, csrf_token
from tests.applications.test_nested_repeat import SHOTOKU
from tests.authentication.support import sign_in_with_card
from tests.conftest import database_of, empty_all_tables
from tests.review.conftest import REVIEW_FORM, REVIEW_SAMPLE, publish
from tests.review.support import make_submissions
from tests.staff.support import PASSWORD, make_staff

R, C, A = roles.REVIEWER, roles.COUNTER, roles.ADMIN
AP = roles.APPROVER  # 承認者 (決裁)
M = roles.MANAGER  # 管理職: the 集計 dashboard only


# --- who may do what ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Access:
    kind: str
    roles: tuple[str, ...] = ()


PUBLIC = Access("public")                      # everyone, signed in or not
RESIDENT = Access("resident")                  # a resident signed in with the My Number card
RESIDENT_JSON = Access("resident_json")        # the same, answering JSON (401 when not signed in)
STAFF_JSON = Access("staff_json")              # any signed-in staff, role or not; JSON (401 when not)
API = Access("api")                            # a bearer token from `formsvc create-api-token`
PROTOCOL = Access("protocol")                  # OIDC client credentials / the provider's access token
SUBMITTING_BROWSER = Access("submitting_browser")  # only the browser that just submitted: 404 for others
SENDER_OR_OWNER = Access("sender_or_owner")    # that browser or the owner signed in with the card: 404 for others


def staff(*allowed: str) -> Access:
    """Signed-in staff holding at least one of ``allowed``."""
    return Access("staff", allowed)


@dataclass(frozen=True)
class Route:
    access: Access
    # Path variable → key in the seed (where the name alone does not say which value).
    values: dict[str, str] = field(default_factory=dict)
    # What a POST sends besides the CSRF token: form input → key in the seed.
    form: dict[str, str] = field(default_factory=dict)
    demo_only: bool = False
    # Removes or closes what the walk uses, or ends the session: sent after the other POSTs
    # (each with a CSRF token fetched just before, as the session may have ended).
    last: bool = False
    # Signing out ends at the sign-in page: that redirect is the route working, not a refusal.
    signs_out: bool = False


ANY_STAFF = staff(R, C, A)
JOB_STARTER = Access("staff_own", (R, C, A))  # who prints or exports, and only the member who started it
# A page asked once per item of another repeating page (repeat.per), in its own procedure.
NESTED = {"form_id": "nested_form_id", "page_id": "nested_page_id", "parent": "index"}
DESK = staff(R, C)          # printing records: the desks that hand them out, not administrators
EXPORT = staff(R, A)        # bulk CSV: reviewers and administrators, not the counter
COUNTER = staff(C)
ADMIN = staff(A)
APPROVER = staff(AP)
READS_APPROVAL = staff(A, AP)  # a procedure's approval page: administrators and approvers
DASHBOARD = staff(A, M)     # the 集計 figures: administrators and managers
OPERATOR = staff(roles.OPERATOR)  # 広域運営者: the municipalities of the deployment

ROUTES: dict[str, Route] = {
    # 集計 (formsvc.dashboard): figures for administrators and managers; paper counts by administrators.
    "dashboard.index": Route(DASHBOARD),
    "dashboard.download": Route(DASHBOARD),
    "dashboard.paper": Route(ADMIN, form={"form_id": "form_id", "month": "paper_month", "count": "paper_count"}),
    # Public: the resident pages, sign-in, health, assets.
    "static": Route(PUBLIC),
    "health.healthz": Route(PUBLIC),
    "resident.portal": Route(PUBLIC),
    "resident.start": Route(PUBLIC),
    "resident.begin": Route(PUBLIC),
    "resident.question": Route(PUBLIC),
    "resident.repeat_summary": Route(PUBLIC, {"page_id": "repeat_page_id"}),
    "resident.repeat_item": Route(PUBLIC, {"page_id": "repeat_page_id"}),
    "resident.repeat_remove": Route(PUBLIC, {"page_id": "repeat_page_id"}),
    "resident.nested_item": Route(PUBLIC, NESTED),
    "resident.nested_remove": Route(PUBLIC, NESTED),
    "resident.check": Route(PUBLIC),
    "resident.done": Route(SUBMITTING_BROWSER),
    # The 控え (copy of what was sent), as a page and as a PDF (formsvc.resident.receipt_copy).
    "receipt_copy.page": Route(SENDER_OR_OWNER),
    "receipt_copy.pdf": Route(SENDER_OR_OWNER),
    # Back from the payment provider: this browser's draft only, whatever the address names.
    "resident.payment_return": Route(PUBLIC),
    "resident.postal_code_lookup": Route(PUBLIC),
    "resident.switch_language": Route(PUBLIC),
    "auth.login": Route(PUBLIC),
    "auth.callback": Route(PUBLIC),
    "auth.logout": Route(PUBLIC, last=True),
    "auth.keep_alive": Route(RESIDENT_JSON),
    # My applications: the signed-in resident's own.
    "my.applications": Route(RESIDENT),
    "my.application": Route(RESIDENT),
    "my.withdraw": Route(RESIDENT),
    "my.correct": Route(RESIDENT),
    "my.pay": Route(RESIDENT),
    "my.payment_return": Route(RESIDENT),
    "my.resume": Route(RESIDENT, {"draft_id": "resident_draft_id"}),
    "my.delete_draft": Route(RESIDENT, {"draft_id": "resident_draft_id"}, last=True),
    # Staff sign-in.
    "staff.login": Route(PUBLIC),
    "staff.logout": Route(PUBLIC, last=True, signs_out=True),
    "staff.keep_alive": Route(STAFF_JSON),
    "staff.home": Route(staff(R, C, A, AP, M)),  # every role, approvers and managers too
    # お知らせ: the signed-in member's own notices (the walk's POST names none: 400, nothing read).
    "notices.notice_list": Route(ANY_STAFF),
    "notices.read_notices": Route(ANY_STAFF),
    # The review area: every staff role reads the queue and applications (counter staff mark
    # them 完了, administrators reassign); which move each role may make is the workflow's
    # table (tests/review/test_workflow.py).
    "review.queue": Route(ANY_STAFF),
    "review.submission": Route(ANY_STAFF),
    "review.move": Route(ANY_STAFF),
    "review.attachment": Route(ANY_STAFF),
    "review.attachment_preview": Route(ANY_STAFF, {"token": "photo_upload_token"}),
    "review.claim_next": Route(staff(R)),
    "review.record_pdf": Route(DESK),
    "review.archive_pdf": Route(DESK),
    "review.print_selected": Route(DESK),
    # A print or export job's page and file: its starter's own (the reviewer's, in the seed); others get 404.
    "review.queue_job": Route(JOB_STARTER, {"job_id": "print_job_id"}),
    "review.queue_job_file": Route(JOB_STARTER, {"job_id": "print_job_id"}),
    "review.export_job": Route(EXPORT),  # a long CSV export made by a worker (the walk names no procedure)
    # Background jobs that failed for good (dead letters): administrators see and retry them.
    "jobs.failed_jobs": Route(ADMIN),
    "review.disposals": Route(ADMIN),  # 廃棄の記録: no personal data
    "jobs.retry_job": Route(ADMIN, {"job_id": "failed_job_id"}, last=True),
    "review.export_csv": Route(EXPORT),
    "review.export_options": Route(EXPORT),  # the CSV export options page (issue 16)
    # 返金する: reviewers and administrators (the seed has no refund due: the page sends back to the detail).
    "review.refund": Route(staff(R, A)),
    "review.refund_confirm": Route(staff(R, A)),
    # The API for other systems: a token, never a session.
    "review_api.openapi": Route(PUBLIC),
    "review_api.submissions": Route(API),
    "review_api.submission": Route(API),
    # Counter mode (書かない窓口).
    "counter.home": Route(COUNTER),
    "counter.card": Route(COUNTER),
    "counter.new_resident": Route(COUNTER),
    "counter.resident": Route(COUNTER),
    "counter.visit": Route(COUNTER),
    "counter.start_procedure": Route(COUNTER, form={"form_id": "form_id"}),
    "counter.signature": Route(COUNTER, {"draft_id": "counter_draft_id"}),
    "counter.signature_pdf": Route(COUNTER, {"draft_id": "counter_draft_id"}),
    "counter.visit_pdf": Route(COUNTER),
    "counter.discard": Route(COUNTER, {"draft_id": "counter_draft_id"}, last=True),
    "counter.close_visit": Route(COUNTER, last=True),
    "counter.take_payment": Route(COUNTER, {"submission_id": "counter_submission_id"},
                                  form={"method": "counter_method"}),
    "counter.issue": Route(COUNTER, {"submission_id": "counter_submission_id"}),
    "counter.visit_receipt": Route(COUNTER),
    "counter.submission_receipt": Route(COUNTER, {"submission_id": "counter_submission_id"}),
    "counter.cashbook_page": Route(COUNTER),
    "counter.cashbook_csv": Route(COUNTER),
    "counter_form.question": Route(COUNTER),
    "counter_form.repeat_summary": Route(COUNTER, {"page_id": "repeat_page_id"}),
    "counter_form.repeat_item": Route(COUNTER, {"page_id": "repeat_page_id"}),
    "counter_form.repeat_remove": Route(COUNTER, {"page_id": "repeat_page_id"}),
    "counter_form.nested_item": Route(COUNTER, NESTED),
    "counter_form.nested_remove": Route(COUNTER, NESTED),
    "counter_form.check": Route(COUNTER),
    # Administrators: procedures, their versions and the preview.
    "admin.index": Route(ADMIN),
    "admin.new": Route(ADMIN),
    "admin.copy": Route(ADMIN),
    "admin.procedure": Route(ADMIN),
    "admin.edit": Route(ADMIN),
    "admin.settings": Route(ADMIN),
    "admin.yaml_source": Route(ADMIN),
    "admin.add_page": Route(ADMIN),
    "admin.page": Route(ADMIN),
    "admin.page_action": Route(ADMIN),
    "admin.add_field": Route(ADMIN),
    "admin.field": Route(ADMIN),
    "admin.field_action": Route(ADMIN),
    "admin.use_action": Route(ADMIN),
    "admin.publish": Route(ADMIN),
    "admin.version": Route(ADMIN),
    "admin.rollback": Route(ADMIN),
    "admin.diff": Route(ADMIN),
    "admin.intake": Route(ADMIN),
    "admin.save_intake": Route(ADMIN),
    "admin.cancel_schedule": Route(ADMIN),
    "admin.notifications_page": Route(ADMIN),
    "admin.save_notifications": Route(ADMIN),
    "admin.correction_phrases": Route(ADMIN),
    "admin.save_correction_phrases": Route(ADMIN),
    # 決裁: approvers list and decide requests; administrators ask; both read, only approvers turn it off.
    "admin.approvals": Route(APPROVER),
    "admin.approval": Route(READS_APPROVAL),
    "admin.procedure_approval": Route(READS_APPROVAL),
    "admin.decide_approval": Route(APPROVER),
    "admin.request_approval": Route(ADMIN),
    "admin.approval_setting": Route(READS_APPROVAL),
    "admin.discard": Route(ADMIN, last=True),
    "admin.archive": Route(ADMIN, last=True),
    "admin.restore": Route(ADMIN, last=True),
    "preview.start": Route(READS_APPROVAL),
    "preview.begin": Route(READS_APPROVAL),
    "preview.jump": Route(READS_APPROVAL),  # 「ページへ移動」
    "preview.question": Route(READS_APPROVAL),
    "preview.repeat_summary": Route(READS_APPROVAL, {"page_id": "repeat_page_id"}),
    "preview.repeat_item": Route(READS_APPROVAL, {"page_id": "repeat_page_id"}),
    "preview.repeat_remove": Route(READS_APPROVAL, {"page_id": "repeat_page_id"}),
    "preview.nested_item": Route(READS_APPROVAL, NESTED),
    "preview.nested_remove": Route(READS_APPROVAL, NESTED),
    "preview.check": Route(READS_APPROVAL),
    # The mock My Number card provider: demo mode only, open to everyone there.
    "mock_idp.cards": Route(PUBLIC, demo_only=True),
    "mock_idp.discovery": Route(PUBLIC, demo_only=True),
    "mock_idp.jwks": Route(PUBLIC, demo_only=True),
    "mock_idp.authorize": Route(PUBLIC, demo_only=True),
    "mock_idp.reset_cards": Route(PUBLIC, demo_only=True),
    "mock_idp.token": Route(PROTOCOL, demo_only=True),
    "mock_idp.userinfo": Route(PROTOCOL, demo_only=True),
    # A payment provider's signed notifications: the signature is the authentication (401 without it).
    "payments.notification": Route(PROTOCOL, {"provider": "payment_provider"}),
    # The mock payment provider: demo mode only; a payment's pages are found by its unguessable id.
    "mock_payments.pay": Route(PUBLIC, {"payment_id": "mock_payment_id"}, demo_only=True),
    "mock_payments.card": Route(PUBLIC, {"payment_id": "mock_payment_id"}, demo_only=True),
    "mock_payments.challenge": Route(PUBLIC, {"payment_id": "mock_payment_id"}, demo_only=True),
    "mock_payments.konbini": Route(PUBLIC, {"payment_id": "mock_payment_id"}, demo_only=True),
    "mock_payments.number": Route(PUBLIC, {"payment_id": "mock_payment_id"}, demo_only=True),
    "mock_payments.cancel": Route(PUBLIC, {"payment_id": "mock_payment_id"}, demo_only=True, last=True),
    "mock_payments.admin": Route(PUBLIC, demo_only=True),
    "mock_payments.confirm": Route(PUBLIC, {"payment_id": "mock_payment_id"}, demo_only=True),
    "mock_payments.deliver": Route(PUBLIC, demo_only=True),
    "mock_payments.down": Route(PUBLIC, demo_only=True),
    "demo.outbox": Route(PUBLIC, demo_only=True),
    # 広域運営者 (formsvc.tenants.views): the municipalities and the shared templates; operators of
    # the default tenant only (tests/tenants/test_operator.py signs one in; no walker holds the role).
    "tenants.index": Route(OPERATOR),
    "tenants.new": Route(OPERATOR),
    "tenants.edit": Route(OPERATOR),
    "tenants.set_active": Route(OPERATOR),
    "tenants.shared_templates": Route(OPERATOR),
    "tenants.share_template": Route(OPERATOR),
    "tenants.logo": Route(OPERATOR),
    "tenant_assets.logo_image": Route(PUBLIC, {"digest": "logo_digest"}),
    # Shared templates for a municipality's administrators (the seed shares the default town's procedure).
    "admin.shared_templates": Route(ADMIN),
    "admin.adopt_template": Route(ADMIN),
    "admin.shared_template_diff": Route(ADMIN),
    "admin.template_seen": Route(ADMIN),
}

# Where a path variable's name says which seeded value it takes (ROUTES may override it);
# <number> is a reception number, or a version's number where it is <int:number>.
VALUE_BY_NAME = {
    "form_id": "form_id", "page_id": "page_id", "field_id": "field_id", "visit_id": "visit_id",
    "token": "upload_token", "move": "move", "index": "index", "action": "action", "locale": "locale",
    "code": "postal_code", "filename": "static_file", "request_id": "approval_id", "figure_id": "figure_id",
    "tenant_id": "tenant_id", "template_id": "form_id",
}

# Who walks: the roles each staff member holds (None: not staff).
IDENTITIES: dict[str, tuple[str, ...] | None] = {
    "anonymous": None,
    "resident": None,
    "api_client": None,
    "reviewer": (R,),
    "counter": (C,),
    "admin": (A,),
    "approver": (AP,),
    "manager": (M,),
    # An account whose roles were all taken away (create-user refuses none; the database can hold it).
    "staff_without_a_role": (),
}
STAFF_USERNAMES = {"reviewer": "shinsa", "counter": "madoguchi", "admin": "kanri", "approver": "shonin",
                   "manager": "kacho",
                   "staff_without_a_role": "yakuwari-nashi"}


def add_the_route_hint(endpoint: str) -> str:
    return (f"route {endpoint!r} is not in ROUTES (tests/test_route_walk.py): add a line saying who may "
            "use it (PUBLIC, RESIDENT, API, staff(roles…)); the walk checks it for every kind of visitor")


# --- the app and its seeded database -------------------------------------------------------------

@pytest.fixture
def production_app(database_url, tmp_path):
    """Demo mode off, as in production: no mock provider."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
                      "INSTANCE_DIR": str(tmp_path), "FORMSVC_DEMO": False, "MOCK_IDP_ENABLED": None})
    yield app
    empty_all_tables(app)
    database_of(app).dispose()


@dataclass
class Seed:
    values: dict[str, object]
    resident_client: object   # signed in with the card; owns the submission and the draft
    api_token: str


NESTED_FORM = "shotoku-test"  # SHOTOKU's id


def _tiny_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


TINY_PNG = _tiny_png()


@dataclass(frozen=True)
class Town:
    """The municipality a seed is made in (tests/tenants/test_isolation.py seeds two).

    ``marker`` is put in everything of this town a page could show (applicant's name, the
    procedure's title, file names, staff names, the API token's name), so that a body showing
    another town's data can be caught; the default town has none (the walk as it always was)."""

    tenant_id: int = DEFAULT_TENANT_ID
    slug: str = ""       # its path prefix (/<slug>/…); "" for the default tenant
    marker: str = ""

    @property
    def prefix(self) -> str:
        return f"/{self.slug}" if self.slug else ""

    def form_id(self, form_id: str) -> str:
        """Procedure ids are global: another town's copy is named after it."""
        return f"{self.slug}-{form_id}" if self.slug else form_id

    def procedure(self, text: str, form_id: str) -> str:
        return (text.replace(f"id: {form_id}\n", f"id: {self.form_id(form_id)}\n", 1)
                .replace("審査用の見本申請", f"{self.marker}審査用の見本申請"))


DEFAULT_TOWN = Town()


def seed(app, town: Town = DEFAULT_TOWN, resident_client=None) -> Seed:
    """One of everything a URL can name, in the database the walk runs on (in ``town``; the
    resident of ``resident_client``, signed in already, owns its submission and draft)."""
    with working_for(town.tenant_id):
        return _seed(app, town, resident_client)


def _seed(app, town: Town, resident_client) -> Seed:
    marker = town.marker
    review_form, nested_form = town.form_id(REVIEW_FORM), town.form_id(NESTED_FORM)
    publish(app, town.procedure(REVIEW_SAMPLE, REVIEW_FORM), "review.yaml")
    publish(app, town.procedure(SHOTOKU, NESTED_FORM), "shotoku.yaml")
    for identity, username in STAFF_USERNAMES.items():
        make_staff(app, username, *(IDENTITIES[identity] or (R,)), name=(marker + username) if marker else None)
    if resident_client is None:
        resident_client = app.test_client()
        assert sign_in_with_card(resident_client).status_code == 302
    applicant = {"name": {"family": marker, "given": "太郎"}} if marker else None
    number = make_submissions(app, review_form, 1, overrides=applicant)[0]
    # received at the counter visit below
    counter_number = make_submissions(app, review_form, 1, overrides=applicant)[0]
    with app.app_context(), database().transaction() as session:
        session.execute(update(StaffUser).where(StaffUser.username == STAFF_USERNAMES["staff_without_a_role"])
                        .values(roles=[]))
        login = session.scalars(select(ResidentLogin).order_by(ResidentLogin.id.desc())).first()
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        submission.resident_issuer, submission.resident_subject = login.issuer, login.subject
        upload = Upload(token=secrets.token_urlsafe(16), submission_id=submission.id, field_id="proxy_letter",
                        filename=f"{marker}委任状.pdf", content_type="application/pdf", size=len(TINY_PDF),
                        sha256=hashlib.sha256(TINY_PDF).hexdigest(), content=TINY_PDF)
        compiled = published(session, review_form)
        resident_draft = Draft(token=secrets.token_urlsafe(16), form_id=review_form, version_id=compiled.version_id,
                               answers={}, expires_at=utcnow() + timedelta(days=1),
                               resident_issuer=login.issuer, resident_subject=login.subject)
        clerk = session.scalar(select(StaffUser).where(StaffUser.username == STAFF_USERNAMES["counter"]))
        visit = CounterVisit(staff_id=clerk.id, identification="none", shared={})
        photo = Upload(token=secrets.token_urlsafe(16), submission_id=submission.id, field_id="proxy_letter",
                       filename=f"{marker}写真.png", content_type="image/png", size=len(TINY_PNG),
                       sha256=hashlib.sha256(TINY_PNG).hexdigest(), content=TINY_PNG)
        mock_payment = MockPayment(id="mp_" + secrets.token_hex(16), idempotency_key=secrets.token_hex(16),
                                   amount=300, reference="FPWALK", description="見本の手数料", return_url="/",
                                   state="created")
        session.add_all([upload, photo, resident_draft, visit, mock_payment])
        session.flush()
        counter_draft = counter_service.start_procedure(session, visit, compiled, clerk, utcnow().date())
        counter_submission = session.scalar(select(Submission).where(Submission.reception_number == counter_number))
        counter_submission.channel, counter_submission.visit_id = "counter", visit.id
        counter_service.start_procedure(session, visit, published(session, nested_form), clerk, utcnow().date())
        form = session.get(Form, review_form)
        edited = working_copies.editable_source(session, form).replace("審査用の見本申請", "審査用の見本申請（改訂中）")
        working_copies.save(session, form, edited, "staff:kanri")
        form.approval_required = True  # 決裁: a request waiting for the approver
        approval = approvals.request_approval(session, form, "kanri", f"{marker}見本の依頼",
                                              approvals.digest(working_copies.working_source(session, form.id) or ""))
        api_token = create_token(session, f"{marker}kikan-system")
        reviewer = session.scalar(select(StaffUser).where(StaffUser.username == STAFF_USERNAMES["reviewer"]))
        print_job = print_jobs.start_archive(session, submission, reviewer)
        print_job.state = "done"
        session.add(JobFile(job_id=print_job.id, name="result", media_type="application/pdf", content=TINY_PDF))
        failed_job = enqueue(session, "purge_drafts")
        failed_job.state, failed_job.attempts, failed_job.error = "failed", 3, "OperationalError: database is locked"
        logo = prepared_logo(TINY_PNG)
        municipality = session.get(Tenant, town.tenant_id)
        municipality.logo, municipality.logo_digest = logo.png, logo.digest
        municipality.logo_width, municipality.logo_height = logo.width, logo.height
        if town.tenant_id == DEFAULT_TENANT_ID:  # the operator offers the procedure as a shared template
            session.add(SharedTemplate(form_id=review_form, shared_by="kanri"))
        values = {
            "form_id": review_form, "page_id": "applicant", "repeat_page_id": "items", "field_id": "name",
            "number": number, "version_number": 1, "upload_token": upload.token, "visit_id": visit.id,
            "photo_upload_token": photo.token, "nested_form_id": nested_form, "nested_page_id": "incomes",
            "counter_draft_id": counter_draft.id, "resident_draft_id": resident_draft.id, "move": "claim",
            "index": 0, "action": "down", "locale": "ja", "postal_code": "1050011", "static_file": "css/formsvc.css",
            "payment_provider": "mock", "mock_payment_id": mock_payment.id,
            "counter_submission_id": counter_submission.id, "counter_method": "cash",
            "approval_id": approval.id, "figure_id": "channels", "paper_month": "2026-10", "paper_count": "3",
            "print_job_id": print_job.id, "failed_job_id": failed_job.id, "counter_number": counter_number,
            "tenant_id": town.tenant_id, "logo_digest": logo.digest,
        }
    with app.app_context():
        directory().forget()  # the logo, seen by the next request
    return Seed(values, resident_client, api_token)


def url_of(app, rule, seeded: Seed) -> str:
    route = ROUTES[rule.endpoint]
    values = {}
    for name in rule.arguments:
        if name == "number":  # a reception number, or a version's number (<int:number>)
            key = "version_number" if isinstance(rule._converters[name], IntegerConverter) else "number"
        else:
            key = route.values.get(name) or VALUE_BY_NAME.get(name)
        assert key, f"{rule.endpoint}: say in ROUTES which seeded value <{name}> takes"
        values[name] = seeded.values[key]
    return app.url_map.bind("localhost").build(rule.endpoint, values)


# --- visitors -------------------------------------------------------------------------------------

@dataclass
class Visitor:
    name: str
    client: object
    headers: dict[str, str]
    staff_roles: tuple[str, ...] | None

    def csrf(self) -> str:
        """A valid CSRF token for this visitor's session, from a page everyone can see."""
        page = self.client.get("/staff/login", headers=self.headers)
        assert page.status_code == 200, page.status_code
        return csrf_token(page.text)


def visitor(app, name: str, seeded: Seed) -> Visitor:
    headers: dict[str, str] = {}
    if name == "resident":
        client = seeded.resident_client
    elif name in STAFF_USERNAMES:
        client = app.test_client()
        page = client.get("/staff/login")
        signed_in = client.post("/staff/login", data={"csrf_token": csrf_token(page.text),
                                                      "username": STAFF_USERNAMES[name], "password": PASSWORD})
        assert signed_in.status_code == 302, signed_in.text[:500]
    else:
        client = app.test_client()
        if name == "api_client":
            headers["Authorization"] = f"Bearer {seeded.api_token}"
    return Visitor(name, client, headers, IDENTITIES[name])


# --- what each visitor should get -----------------------------------------------------------------

ALLOWED, STAFF_LOGIN, FORBIDDEN, RESIDENT_LOGIN, NO_TOKEN, NOT_SIGNED_IN_JSON, CLIENT_AUTH, NOT_FOUND = (
    "allowed", "redirect to the staff sign-in", "403", "redirect to the card sign-in", "401 (bearer token)",
    "401 JSON (not signed in)", "400/401 (client authentication)", "404")


def expected(access: Access, who: Visitor) -> str:
    if access.kind == "public":
        return ALLOWED
    if access.kind == "submitting_browser":
        return NOT_FOUND
    if access.kind == "sender_or_owner":
        return ALLOWED if who.name == "resident" else NOT_FOUND
    if access.kind == "protocol":
        return CLIENT_AUTH
    if access.kind == "resident":
        return ALLOWED if who.name == "resident" else RESIDENT_LOGIN
    if access.kind == "resident_json":
        return ALLOWED if who.name == "resident" else NOT_SIGNED_IN_JSON
    if access.kind == "staff_json":
        return ALLOWED if who.staff_roles is not None else NOT_SIGNED_IN_JSON
    if access.kind == "api":
        return ALLOWED if who.name == "api_client" else NO_TOKEN
    if access.kind == "staff_own":
        if who.staff_roles is None:
            return STAFF_LOGIN
        if not set(who.staff_roles) & set(access.roles):
            return FORBIDDEN
        return ALLOWED if who.name == "reviewer" else NOT_FOUND
    assert access.kind == "staff", access
    if who.staff_roles is None:
        return STAFF_LOGIN
    return ALLOWED if set(who.staff_roles) & set(access.roles) else FORBIDDEN


def _redirect_to(response, sign_in: str, requested: str, method: str) -> str | None:
    if response.status_code != 302:
        return f"expected a redirect to {sign_in}, got {response.status_code}"
    target = urlsplit(response.location)
    if target.path != sign_in:
        return f"expected a redirect to {sign_in}, got one to {response.location}"
    back = parse_qs(target.query).get("next", [""])[0].rstrip("?")
    if method == "GET" and back != requested:
        return f"the sign-in should come back to {requested}, not {back!r}"
    if back and not (back.startswith("/") and not back.startswith("//")):
        return f"the sign-in would go on to {back!r}, which is not a path on this site"
    return None


def problem(outcome: str, response, path: str, method: str, route: Route) -> str | None:
    """Why ``response`` is not ``outcome`` (None when it is)."""
    code = response.status_code
    if outcome == ALLOWED:
        if code >= 500 or code in (401, 403):
            return f"refused or failed with {code}"
        if code in (301, 302, 303, 307, 308) and not route.signs_out \
                and urlsplit(response.location).path in ("/staff/login", "/auth/login"):
            return f"sent to sign in ({response.location})"
        if code == 404:
            return "404 although every path variable names something that exists"
        if code == 200 and shows_personal_data(route, path) \
                and "no-store" not in response.headers.get("Cache-Control", ""):
            return "shows personal data without Cache-Control: no-store"
        return None
    if outcome == STAFF_LOGIN:
        return _redirect_to(response, "/staff/login", path, method)
    if outcome == RESIDENT_LOGIN:
        return _redirect_to(response, "/auth/login", path, method)
    if outcome == FORBIDDEN:
        if code != 403:
            return f"expected 403, got {code}"
        if "この画面を表示する権限がありません" not in response.text:
            return "the 403 page does not say 権限がありません"
        return None
    if outcome == NO_TOKEN:
        if code != 401:
            return f"expected 401, got {code}"
        if not response.headers.get("WWW-Authenticate", "").startswith("Bearer"):
            return "401 without WWW-Authenticate: Bearer"
        return None
    if outcome == NOT_SIGNED_IN_JSON:
        if code != 401 or response.get_json(silent=True) != {"signed_in": False}:
            return f"expected 401 {{'signed_in': false}}, got {code} {response.text[:100]!r}"
        return None
    if outcome == CLIENT_AUTH:
        if code not in (400, 401) or "error" not in (response.get_json(silent=True) or {}):
            return f"expected an OAuth error (400/401 JSON), got {code}"
        return None
    if outcome == NOT_FOUND:
        return None if code == 404 else f"expected 404, got {code}"
    raise AssertionError(outcome)


def shows_personal_data(route: Route, path: str) -> bool:
    """Staff pages, the resident's own pages, the API and the application pages hold personal
    data: no browser or proxy may keep a copy (a shared PC, the back button after signing out).
    The administrators' pages hold procedures and a preview's made-up answers, not personal data."""
    if route.access == ADMIN:
        return False
    return route.access.kind in ("staff", "staff_own", "resident", "api") or path.startswith("/forms/")


def requests_in_order(app):
    """(rule, method): every GET first, then the POSTs, those that remove or sign out last."""
    gets, posts = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            (gets if method == "GET" else posts).append((rule, method))
    posts.sort(key=lambda item: (ROUTES[item[0].endpoint].last, item[0].endpoint in ("auth.logout", "staff.logout")))
    return gets + posts


def csrf_refused(caplog) -> bool:
    """Whether the app refused a CSRF token in the request just made (formsvc.errors logs it)."""
    return any("CSRF check failed" in record.getMessage() for record in caplog.records)


# --- the tests ------------------------------------------------------------------------------------

def unknown_routes(app) -> list[str]:
    return [add_the_route_hint(rule.endpoint) for rule in app.url_map.iter_rules() if rule.endpoint not in ROUTES]


def test_every_route_is_in_the_table(demo_app):
    missing = unknown_routes(demo_app)
    assert not missing, "\n".join(missing)
    registered = {rule.endpoint for rule in demo_app.url_map.iter_rules()}
    stale = sorted(set(ROUTES) - registered)
    assert not stale, f"ROUTES lists endpoints the app no longer has: {stale}"


def test_the_mock_provider_exists_only_in_demo_mode(production_app, demo_app):
    endpoints = {rule.endpoint for rule in production_app.url_map.iter_rules()}
    demo_only = {endpoint for endpoint, route in ROUTES.items() if route.demo_only}
    assert not endpoints & demo_only
    assert not [rule.rule for rule in production_app.url_map.iter_rules() if rule.rule.startswith("/mock-idp")]
    assert set(ROUTES) - demo_only <= endpoints
    for path in ("/mock-idp/", "/mock-idp/.well-known/openid-configuration", "/mock-idp/jwks"):
        assert production_app.test_client().get(path).status_code == 404, path
    assert demo_app.test_client().get("/mock-idp/").status_code == 200


@pytest.mark.parametrize("name", list(IDENTITIES))
def test_every_route_lets_in_exactly_who_the_table_says(demo_app, name, caplog):
    missing = unknown_routes(demo_app)
    assert not missing, "\n".join(missing)
    seeded = seed(demo_app)
    who = visitor(demo_app, name, seeded)
    caplog.set_level(logging.INFO, logger=demo_app.logger.name)
    # The detector of refused CSRF tokens below works (it reads the app's log).
    who.client.post("/staff/login", headers=who.headers, data={"csrf_token": "not-a-token"})
    assert csrf_refused(caplog), "a wrong CSRF token was not noticed: update csrf_refused()"
    token = who.csrf()
    failures = []
    for rule, method in requests_in_order(demo_app):
        route = ROUTES[rule.endpoint]
        path = url_of(demo_app, rule, seeded)
        data = None
        if method != "GET":
            if route.last:
                token = who.csrf()
            data = {"csrf_token": token, **{name: seeded.values[key] for name, key in route.form.items()}}
        caplog.clear()
        response = who.client.open(path, method=method, headers=who.headers, data=data)
        outcome = expected(route.access, who)
        why = problem(outcome, response, path, method, route)
        if method != "GET" and csrf_refused(caplog):
            why = "the CSRF token was refused (the walk must prove the role check, not the CSRF check)"
        if why:
            failures.append(f"{method} {path} [{rule.endpoint}] as {name}: expected {outcome}: {why}")
    assert not failures, "\n".join(failures)

