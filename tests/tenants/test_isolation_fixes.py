"""Leaks between municipalities the route walk (tests/tenants/test_isolation.py) found or that
no page shows, each with the test that failed before its fix."""

from __future__ import annotations

import pytest

from tests.applicant import csrf_token
from tests.payments.conftest import pay_app  # noqa: F401  (the fixture, with the mock provider)
from tests.staff.support import PASSWORD, make_staff
from tests.tenants.support import in_tenant, make_tenant

WRONG = "ユーザー名またはパスワードが正しくありません"
WAIT = "15分ほど待って"


def sign_in(client, prefix: str, username: str, password: str, address: str):
    environ = {"REMOTE_ADDR": address}
    page = client.get(f"{prefix}/staff/login", environ_base=environ)
    return client.post(f"{prefix}/staff/login", environ_base=environ,
                       data={"csrf_token": csrf_token(page.text), "username": username, "password": password})


def test_failed_sign_ins_in_one_town_do_not_lock_the_same_name_in_another(app):
    from formsvc.staff import throttling

    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    make_staff(app, "tanaka", "reviewer")
    with in_tenant(app, kamakura):
        make_staff(app, "tanaka", "reviewer")
    client = app.test_client()
    for index in range(throttling.ACCOUNT_LIMIT):
        assert WRONG in sign_in(client, "", "tanaka", "wrong password!!", f"198.51.100.{index}").text
    assert WAIT in sign_in(client, "", "tanaka", PASSWORD, "198.51.100.100").text
    # 鎌倉市's tanaka is another person: not locked by the default town's failures.
    assert sign_in(app.test_client(), "/kamakura", "tanaka", PASSWORD, "198.51.100.101").status_code == 302
    # And an account of one town does not sign in at another's address.
    make_staff(app, "suzuki", "reviewer")
    assert WRONG in sign_in(app.test_client(), "/kamakura", "suzuki", PASSWORD, "198.51.100.102").text


def test_a_reception_number_another_town_holds_is_not_given_again(app, monkeypatch):
    """Reception numbers are unique across the deployment (a resident's 申請履歴 and the API name
    them alone): one taken in another town counts as taken."""
    from formsvc.submissions import service
    from tests.review.conftest import REVIEW_FORM, REVIEW_SAMPLE, SAMPLE, publish
    from tests.review.support import make_submissions

    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    with in_tenant(app, kamakura):
        publish(app, SAMPLE)
        [taken] = make_submissions(app, "sample-permit", 1)
    publish(app, REVIEW_SAMPLE, "review.yaml")
    offered = iter([taken, taken, "23456789"])
    real = service.new_reception_number
    monkeypatch.setattr(service, "new_reception_number", lambda: next(offered, None) or real())
    [number] = make_submissions(app, REVIEW_FORM, 1)
    assert number != taken


def test_a_payment_notification_reaches_the_municipality_of_its_payment_and_no_other(pay_app):  # noqa: F811
    """Providers post every municipality's notifications to the deployment's one URL
    (/payments/notifications/<provider>; the mock does too): the payment is found wherever it is
    and applied in its own municipality. At a municipality's own address, only its payments."""
    from sqlalchemy import select

    import tests.payments.conftest as payments_conftest
    from formsvc.db import database
    from formsvc.payments import models
    from formsvc.payments.models import Payment
    from formsvc.submissions.models import Submission
    from tests.payments.conftest import FORM, PAID_SAMPLE, new_draft, signed
    from tests.payments.test_notifications import paid_event
    from tests.payments.test_service import start
    from tests.review.conftest import publish

    kamakura = make_tenant(pay_app, "kamakura", "鎌倉市")
    with in_tenant(pay_app, kamakura):
        publish(pay_app, PAID_SAMPLE.replace(f"id: {FORM}\n", f"id: kamakura-{FORM}\n"), "pay-sample.yaml")
    with in_tenant(pay_app, kamakura), pytest.MonkeyPatch.context() as patch:
        patch.setattr(payments_conftest, "FORM", f"kamakura-{FORM}")  # new_draft's procedure
        theirs = start(pay_app, new_draft(pay_app))
    ours = start(pay_app, new_draft(pay_app))
    client = pay_app.test_client()
    body, headers = signed(paid_event(ours, event_id="ev_ours"))
    refused = client.post("/kamakura/payments/notifications/mock", data=body, headers=headers)
    assert refused.status_code == 404 and refused.json == {"error": "unknown_payment"}
    body, headers = signed(paid_event(theirs, event_id="ev_theirs"))
    applied = client.post("/payments/notifications/mock", data=body, headers=headers)
    assert applied.status_code == 200 and applied.json == {"outcome": "applied"}, applied.json
    with in_tenant(pay_app, kamakura), database().transaction() as session:
        payment = session.get_one(Payment, theirs.id)
        assert payment.status == models.SUCCESS and payment.submission_id is not None
        assert session.get_one(Submission, payment.submission_id).tenant_id == kamakura
    with pay_app.app_context(), database().transaction() as session:
        assert session.scalar(select(Submission.id)) is None  # nothing landed in the default town
        assert session.get_one(Payment, ours.id).status == models.STARTED



def test_what_residents_and_counter_staff_make_at_a_towns_address_is_that_towns(app):
    """An application sent at /kamakura/ (its draft, its file, its events) and a counter visit
    opened there belong to 鎌倉市, whatever the default municipality is."""
    from sqlalchemy import func, select

    from formsvc.db import Base, database
    from formsvc.forms.catalog import published
    from formsvc.submissions.models import CounterVisit, Submission, Upload
    from tests.applicant import Applicant
    from tests.counter.support import VISIT_URL, details_inputs, location, post_form
    from tests.counter.test_signature_pdf import SATO
    from tests.resident.conftest import SAMPLE
    from tests.review.conftest import publish
    from tests.staff.support import make_staff

    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    with in_tenant(app, kamakura):
        publish(app, SAMPLE.replace("id: sample-permit\n", "id: kamakura-sample-permit\n"))
        make_staff(app, "mado", "counter")
        with database().session_factory() as session:
            definition = published(session, "kamakura-sample-permit").definition
    resident = Applicant(app.test_client(), app, "kamakura-sample-permit", prefix="/kamakura",
                         on_definition=definition, answers={"via": "agent", "proxy_letter": True})
    number = resident.submit()

    clerk = app.test_client()
    assert sign_in(clerk, "/kamakura", "mado", PASSWORD, "192.0.2.1").status_code == 302
    home = clerk.get("/kamakura/counter/")
    chosen = post_form(clerk, "/kamakura/counter/", home.text, {"identification": "documents",
                                                                 "document": "運転免許証"})
    page = clerk.get(location(chosen))
    saved = post_form(clerk, location(chosen), page.text, {
        **details_inputs(SATO), "action": "save"})
    visit_id = int(VISIT_URL.match(location(saved).removeprefix("/kamakura")).group(1))

    with app.app_context(), all_towns(), database().session_factory() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        assert submission.tenant_id == kamakura
        assert {upload.tenant_id for upload in session.scalars(select(Upload))} == {kamakura}
        assert session.get_one(CounterVisit, visit_id).tenant_id == kamakura
        # Nothing at all landed in the default municipality.
        for table in Base.metadata.sorted_tables:
            if "tenant_id" in table.c:
                count = session.scalar(select(func.count()).select_from(table).where(table.c.tenant_id != kamakura))
                assert count == 0, table.name


def all_towns():
    from formsvc.tenants.context import all_municipalities

    return all_municipalities()


def test_a_procedure_id_another_town_uses_is_refused_not_a_server_error(app, tmp_path):
    """Procedure ids are unique across the deployment (Form.id): one another municipality uses
    is said to be taken, in the administrator's pages and when loading files, instead of failing
    on the database's constraint."""
    from formsvc.db import database
    from formsvc.forms.loading import import_definitions
    from tests.admin.support import admin_client, submit, summary_of
    from tests.resident.conftest import SAMPLE
    from tests.review.conftest import publish

    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    with in_tenant(app, kamakura):
        publish(app, SAMPLE)  # sample-permit is 鎌倉市's
    admin = admin_client(app)
    used = submit(admin, "/admin/new", "/admin/new",
                  {"form_id": "sample-permit", "title_ja": "重複", "department": "市民課"})
    assert used.status_code == 400
    assert summary_of(used.text) == ["手続きID「sample-permit」はすでに使われています。別のIDにしてください"]
    (tmp_path / "sample.yaml").write_text(SAMPLE, encoding="utf-8")
    with app.app_context(), database().transaction() as session:
        report = import_definitions(session, [tmp_path / "sample.yaml"])
    assert report.created == [] and report.updated == []
    [conflict] = report.conflicts
    assert "sample-permit" in str(conflict) and "ほかの団体" in str(conflict)


def test_two_towns_may_name_their_api_tokens_alike_and_each_keeps_its_own(app):
    """Token names are unique within a municipality (api_tokens: tenant_id, name): both towns'
    「kikan-system」 exist side by side; revoking one leaves the other working."""
    from formsvc.db import database
    from formsvc.review.tokens import create_token, revoke_token, token_for

    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    with app.app_context(), database().transaction() as session:
        ours = create_token(session, "kikan-system")
    with in_tenant(app, kamakura), database().transaction() as session:
        theirs = create_token(session, "kikan-system")
        assert token_for(session, ours) is None and token_for(session, theirs) is not None
        assert revoke_token(session, "kikan-system") is True
    with app.app_context(), database().transaction() as session:
        assert token_for(session, ours) is not None


@pytest.mark.parametrize("cap", [None, 2])  # 2: the common-name counting (more matches than the cap)
def test_the_queues_name_search_counts_and_rows_are_one_towns(app, cap):
    """The same name in two towns: the queue's tabs, its rows and the export's ids are this town's
    (the name search has its own statements: trigram plan check, capped and walked counts)."""
    from formsvc.db import database
    from formsvc.review import queries
    from formsvc.submissions.models import Submission
    from tests.resident.conftest import SAMPLE
    from tests.review.conftest import REVIEW_FORM, REVIEW_SAMPLE, publish
    from tests.review.support import make_submissions

    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    publish(app, REVIEW_SAMPLE, "review.yaml")
    ours = make_submissions(app, REVIEW_FORM, 3)  # 山田 太郎, 受付
    with in_tenant(app, kamakura):
        publish(app, SAMPLE)
        make_submissions(app, "sample-permit", 4, status="in_review")  # 山田 太郎 too, 審査中
    queue = queries.parse_filter({"status": "all", "name": "山田"})
    with app.app_context(), database().session_factory() as session:
        counts = queries.counts_by_status(session, queue, None, cap=cap)
        assert counts["in_review"] == 0 and counts["received"] == 3
        rows = queries.queue_page(session, queue, None).rows
        assert sorted(row.reception_number for row in rows) == sorted(ours)
        ids = queries.all_matching_ids(session, queue, None)
        numbers = {session.get_one(Submission, row_id).reception_number for row_id in ids}
        assert numbers == set(ours)


def test_a_municipality_on_a_host_name_of_its_own_knows_no_other_towns_token_or_applications(app):
    from formsvc.db import database
    from formsvc.review.tokens import create_token
    from tests.resident.conftest import SAMPLE
    from tests.review.conftest import publish
    from tests.review.support import make_submissions

    hayama = make_tenant(app, "hayama", "葉山町", first_five="14301", host="shinsei.hayama.example.lg.jp")
    publish(app, SAMPLE)
    [number] = make_submissions(app, "sample-permit", 1)
    with app.app_context(), database().transaction() as session:
        ours = create_token(session, "kikan-system")
    with in_tenant(app, hayama), database().transaction() as session:
        theirs = create_token(session, "hayama-kikan")
    client = app.test_client()
    there = {"Host": "shinsei.hayama.example.lg.jp"}
    assert client.get("/api/v1/submissions", headers={**there, "Authorization": f"Bearer {ours}"}).status_code == 401
    listed = client.get("/api/v1/submissions?status=received", headers={**there, "Authorization": f"Bearer {theirs}"})
    assert listed.status_code == 200 and number not in listed.text
    assert client.get(f"/api/v1/submissions/{number}",
                      headers={**there, "Authorization": f"Bearer {theirs}"}).status_code == 404
    assert client.get("/forms/sample-permit/", headers=there).status_code == 404
    assert client.get("/forms/sample-permit/").status_code == 200
