"""Administrators see the jobs that failed for good (dead letters) and run them again."""

from __future__ import annotations

from sqlalchemy import update

from formsvc.db import database
from formsvc.jobs.models import Job
from formsvc.jobs.queue import enqueue
from tests.jobrunner import run_jobs
from tests.review.support import csrf_of
from tests.staff.support import staff_client


def failed_purge(app) -> int:
    with app.app_context(), database().transaction() as session:
        job = enqueue(session, "purge_drafts")
        session.flush()
        session.execute(update(Job).where(Job.id == job.id).values(
            state="failed", attempts=3, error="OperationalError: database is locked"))
        return job.id


def test_an_administrator_sees_a_failed_job_and_runs_it_again(app):
    job_id = failed_purge(app)
    run_jobs(app)  # its message comes to nothing: it is no longer queued
    admin = staff_client(app, "kanri", "admin")
    home = admin.get("/staff/")
    assert "/staff/jobs/" in home.text and "バックグラウンド処理" in home.text
    page = admin.get("/staff/jobs/")
    assert page.status_code == 200
    assert "期限切れの下書きの削除" in page.text and "OperationalError: database is locked" in page.text
    assert "3 / 3" in page.text and "（定期処理）" in page.text
    assert f'aria-label="ジョブ{job_id}をもう一度実行"' in page.text
    assert admin.post(f"/staff/jobs/{job_id}/retry").status_code == 400  # no CSRF token
    again = admin.post(f"/staff/jobs/{job_id}/retry", data={"csrf_token": csrf_of(page.text)}, follow_redirects=True)
    assert f"ジョブ {job_id} をもう一度実行します" in again.text and "失敗した処理はありません" in again.text
    assert run_jobs(app) == 1
    with app.app_context(), database().session_factory() as session:
        assert session.get(Job, job_id).state == "done"
    assert admin.post(f"/staff/jobs/{job_id}/retry", data={"csrf_token": csrf_of(page.text)}).status_code == 404


def test_failed_jobs_are_for_administrators(app):
    failed_purge(app)
    reviewer = staff_client(app, "shinsa", "reviewer")
    assert reviewer.get("/staff/jobs/").status_code == 403
    assert "/staff/jobs/" not in reviewer.get("/staff/notices").text
