"""Background work with several municipalities: one worker runs every municipality's jobs, each as
its own municipality, and the periodic clean-ups reach every one of them."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from formsvc.clock import JST
from formsvc.db import database, utcnow
from formsvc.forms.catalog import version_by_id
from formsvc.forms.models import FormVersion
from formsvc.jobs import runner
from formsvc.jobs.models import Job
from formsvc.jobs.queue import enqueue
from formsvc.review.retention import Disposal
from formsvc.submissions import status
from formsvc.submissions.models import Draft, DraftAbandonment, Submission
from formsvc.tenants.context import DEFAULT_TENANT_ID, all_municipalities
from tests.jobrunner import run_jobs
from tests.review.conftest import REVIEW_FORM, REVIEW_SAMPLE, SAMPLE, publish
from tests.review.support import csrf_of, make_submissions
from tests.staff.support import staff_client
from tests.tenants.signin import tenant_staff_client
from tests.tenants.support import in_tenant, make_tenant

KAMAKURA_FORM = "sample-permit"


@pytest.fixture
def kamakura(app) -> int:
    """鎌倉市 beside the default municipality, with a procedure of its own."""
    tenant_id = make_tenant(app, "kamakura", "鎌倉市")
    with in_tenant(app, tenant_id):
        publish(app, SAMPLE)
    return tenant_id


def everyones(app, query):
    with app.app_context(), all_municipalities(), database().session_factory() as session:
        return session.execute(query).all()


def test_a_job_started_in_a_municipality_is_its_own_and_runs_as_it(app, kamakura):
    with in_tenant(app, kamakura):
        (number,) = make_submissions(app, KAMAKURA_FORM, 1)
    client = tenant_staff_client(app, kamakura, "kamakura", "shinsa", "reviewer")
    page = client.get(f"/kamakura/staff/submissions/{number}")
    assert page.status_code == 200
    started = client.post(f"/kamakura/staff/submissions/{number}/archive", data={"csrf_token": csrf_of(page.text)})
    assert started.status_code == 302
    [(job_id, tenant_id)] = everyones(app, select(Job.id, Job.tenant_id).where(Job.kind == "print_archive"))
    assert tenant_id == kamakura  # given by the request's municipality
    assert run_jobs(app) == 1  # the worker (no request, no municipality of its own) claims and runs it
    [(state, error)] = everyones(app, select(Job.state, Job.error).where(Job.id == job_id))
    assert (state, error) == ("done", None)
    assert "PDFができあがりました" in client.get(started.location).text


def test_the_sweep_sends_again_any_municipalitys_lost_job(app, kamakura):
    with in_tenant(app, kamakura), database().transaction() as session:
        job_id = enqueue(session, "purge_drafts").id
        session.execute(update(Job).where(Job.id == job_id).values(pushed_at=utcnow() - timedelta(hours=1)))
    with app.app_context():
        assert runner.sweep() == {"pushed": 1, "failed": 0}


def expired_draft(app, tenant_id: int, form_id: str) -> None:
    with in_tenant(app, tenant_id), database().transaction() as session:
        version_id = session.scalar(select(FormVersion.id).where(FormVersion.form_id == form_id))
        assert version_by_id(session, version_id, "online") is not None
        session.add(Draft(token=secrets.token_urlsafe(16), form_id=form_id, version_id=version_id, answers={},
                          created_at=utcnow() - timedelta(days=2), expires_at=utcnow() - timedelta(hours=1)))


def test_the_hourly_purge_deletes_every_municipalitys_expired_drafts(app, kamakura):
    publish(app, REVIEW_SAMPLE, "review.yaml")
    expired_draft(app, DEFAULT_TENANT_ID, REVIEW_FORM)
    expired_draft(app, kamakura, KAMAKURA_FORM)
    with app.app_context():
        runner.start_periodic("purge_drafts")
    assert run_jobs(app) == 1
    assert everyones(app, select(func.count()).select_from(Draft)) == [(0,)]
    # Where each stopped is counted in its own municipality's drop-off tally.
    tallies = everyones(app, select(DraftAbandonment.tenant_id, DraftAbandonment.form_id, DraftAbandonment.count))
    assert sorted(tallies) == sorted([(DEFAULT_TENANT_ID, REVIEW_FORM, 1), (kamakura, KAMAKURA_FORM, 1)])


def test_the_nightly_disposal_reaches_every_municipality_and_records_it_there(app, kamakura):
    publish(app, REVIEW_SAMPLE, "review.yaml")
    (here,) = make_submissions(app, REVIEW_FORM, 1)
    with in_tenant(app, kamakura):
        (there,) = make_submissions(app, KAMAKURA_FORM, 1)
    with app.app_context(), all_municipalities(), database().transaction() as session:
        session.execute(update(Submission).values(status=status.WITHDRAWN, updated_at=datetime(2000, 5, 1, tzinfo=JST))
                        .execution_options(synchronize_session=False))
    with app.app_context():
        job = runner.start_periodic("dispose_expired")
        assert job is not None and job.tenant_id == DEFAULT_TENANT_ID  # the deployment's own job
    assert run_jobs(app) == 1
    assert everyones(app, select(func.count()).select_from(Submission)) == [(0,)]
    disposed = everyones(app, select(Disposal.tenant_id, Disposal.reception_number))
    assert sorted(disposed) == sorted([(DEFAULT_TENANT_ID, here), (kamakura, there)])
    assert everyones(app, select(Job.progress_total).where(Job.id == job.id)) == [(2,)]


def failed_job(app, tenant_id: int, kind: str) -> int:
    with in_tenant(app, tenant_id), database().transaction() as session:
        job = enqueue(session, kind)
        session.execute(update(Job).where(Job.id == job.id).values(state="failed", attempts=3, error=f"{kind} failed"))
        return job.id


def test_administrators_see_and_retry_only_their_municipalitys_failed_jobs(app, kamakura):
    ours = failed_job(app, DEFAULT_TENANT_ID, "purge_drafts")
    theirs = failed_job(app, kamakura, "refresh_dashboard")
    run_jobs(app)
    admin = staff_client(app, "kanri", "admin")
    page = admin.get("/staff/jobs/")
    assert "purge_drafts failed" in page.text and "refresh_dashboard failed" not in page.text
    assert admin.post(f"/staff/jobs/{theirs}/retry", data={"csrf_token": csrf_of(page.text)}).status_code == 404
    kamakura_admin = tenant_staff_client(app, kamakura, "kamakura", "kanri", "admin")
    page = kamakura_admin.get("/kamakura/staff/jobs/")
    assert "refresh_dashboard failed" in page.text and "purge_drafts failed" not in page.text
    assert kamakura_admin.post(f"/kamakura/staff/jobs/{ours}/retry",
                               data={"csrf_token": csrf_of(page.text)}).status_code == 404
    again = kamakura_admin.post(f"/kamakura/staff/jobs/{theirs}/retry", data={"csrf_token": csrf_of(page.text)})
    assert again.status_code == 302
    assert run_jobs(app) == 1
    assert everyones(app, select(Job.id, Job.state).order_by(Job.id)) == [(ours, "failed"), (theirs, "done")]
