"""保存期間: closed applications are disposed of from 1 April of the fiscal year after they closed
plus the procedure's years; open ones never. The 廃棄記録 keeps which, and nothing personal."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select, update

from formsvc.clock import JST
from formsvc.db import database
from formsvc.payments.models import Payment
from formsvc.review import retention
from formsvc.review.models import OutboxMessage
from formsvc.submissions import status
from formsvc.submissions.models import Submission, SubmissionEvent
from tests.jobrunner import run_jobs
from tests.review.support import make_submissions
from tests.staff.support import staff_client


@pytest.mark.parametrize(("closed", "years", "first_day"), [
    (datetime(2026, 12, 7, 10, tzinfo=JST), 5, date(2032, 4, 1)),   # fiscal 2026 → kept to 2032-03-31
    (datetime(2027, 3, 31, 23, 59, tzinfo=JST), 5, date(2032, 4, 1)),  # still fiscal 2026
    (datetime(2027, 4, 1, 0, 0, tzinfo=JST), 5, date(2033, 4, 1)),   # fiscal 2027
    (datetime(2027, 3, 31, 15, 30, tzinfo=JST).astimezone(JST), 1, date(2028, 4, 1)),
])
def test_the_first_day_of_disposal_counts_from_the_next_fiscal_year(closed, years, first_day):
    assert retention.disposable_from(closed, years) == first_day
    # closed_before(today) agrees with disposable_from on both sides of that day.
    assert closed < retention.closed_before(first_day, years)
    assert not closed < retention.closed_before(date.fromordinal(first_day.toordinal() - 1), years)


def close(app, numbers, when: datetime, to: str = status.APPROVED) -> None:
    with app.app_context(), database().transaction() as session:
        session.execute(update(Submission).where(Submission.reception_number.in_(numbers))
                        .values(status=to, updated_at=when).execution_options(synchronize_session=False))


def test_closed_applications_past_retention_are_disposed_of_and_recorded(app, review_form, db_session):
    # The review sample keeps applications 5 years (retention: {years: 5}).
    old, recent, still_open = (make_submissions(app, review_form, 1)[0] for _ in range(3))
    close(app, [old], datetime(2021, 3, 31, 12, tzinfo=JST), status.REJECTED)   # fiscal 2020: gone from 2026-04-01
    close(app, [recent], datetime(2021, 4, 1, 9, tzinfo=JST))                   # fiscal 2021: kept to 2027-03-31
    close(app, [still_open], datetime(2020, 1, 1, tzinfo=JST), status.IN_REVIEW)  # open: never disposed of
    with app.app_context(), database().transaction() as session:
        target = session.scalar(select(Submission).where(Submission.reception_number == old))
        session.add(OutboxMessage(submission_id=target.id, kind="received", recipient="taro@example.jp",
                                  subject="受付", body="山田太郎様"))
    with app.app_context(), database().transaction() as session:
        assert retention.dispose_expired(session, today=date(2026, 3, 31)) == 0
    with app.app_context(), database().transaction() as session:
        assert retention.dispose_expired(session, today=date(2026, 4, 1)) == 1
    remaining = db_session.scalars(select(Submission.reception_number)).all()
    assert sorted(remaining) == sorted([recent, still_open])
    assert db_session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.body.contains("山田太郎様") | OutboxMessage.submission_id.is_(None))) == 0
    assert db_session.scalar(select(func.count()).select_from(SubmissionEvent).where(
        SubmissionEvent.submission_id.not_in(select(Submission.id)))) == 0
    assert db_session.scalar(select(func.count()).select_from(Payment).where(Payment.submission_id.is_not(None))) \
        == db_session.scalar(select(func.count()).select_from(Payment).where(
            Payment.submission_id.in_(select(Submission.id))))
    (row,) = db_session.scalars(select(retention.Disposal)).all()
    assert (row.reception_number, row.form_id, row.status, row.retention_years) == (old, review_form, "rejected", 5)
    # The register holds nothing personal.
    assert "山田" not in repr(vars(row)) and "taro" not in repr(vars(row))
    admin = staff_client(app, "kanri", "admin")
    page = admin.get("/staff/disposals")
    assert page.status_code == 200 and f"{old[:4]}-{old[4:]}" in page.text and "全1件" in page.text
    assert "却下" in page.text and "5年" in page.text
    assert staff_client(app, "shinsa", "reviewer").get("/staff/disposals").status_code == 403


def test_the_nightly_job_disposes_of_them(app, review_form, db_session):
    (old,) = make_submissions(app, review_form, 1)
    close(app, [old], datetime(2000, 5, 1, tzinfo=JST), status.WITHDRAWN)
    with app.app_context():
        from formsvc.jobs import runner

        job = runner.start_periodic("dispose_expired")
    run_jobs(app)
    assert db_session.scalars(select(Submission)).all() == []
    assert db_session.scalars(select(retention.Disposal.reception_number)).all() == [old]
    from formsvc.jobs.models import Job

    assert db_session.get(Job, job.id).progress_total == 1
