"""The 集計 dashboard with several municipalities: the rollups are computed per municipality, and
each municipality's managers read only their own figures, whoever's page refreshed them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from formsvc.dashboard import rollups
from formsvc.dashboard.models import MonthCount, MonthDuration, MonthVisits, RollupChange
from formsvc.db import database
from formsvc.jobs import runner
from formsvc.staff import roles
from formsvc.staff.models import StaffUser
from formsvc.submissions.models import CounterVisit
from formsvc.tenants.context import DEFAULT_TENANT_ID, all_municipalities
from tests.dashboard.conftest import OCTOBER, PERIOD, row_of
from tests.jobrunner import run_jobs
from tests.resident.conftest import SAMPLE
from tests.review.conftest import publish
from tests.review.support import make_submissions
from tests.staff.support import make_staff, staff_client
from tests.tenants.signin import tenant_staff_client
from tests.tenants.support import in_tenant, make_tenant

HERE = "sample-permit"
THERE = "zushi-permit"


def visits(app, tenant_id: int, minutes: list[int]) -> None:
    with in_tenant(app, tenant_id):
        make_staff(app, "madoguchi", roles.COUNTER)
        with database().transaction() as session:
            staff_id = session.scalar(select(StaffUser.id).where(StaffUser.username == "madoguchi"))
            for each in minutes:
                session.add(CounterVisit(staff_id=staff_id, identification="card", created_at=OCTOBER,
                                         closed_at=OCTOBER + timedelta(minutes=each)))


def test_each_municipality_reads_only_its_own_figures(app):
    zushi = make_tenant(app, "zushi", "逗子市", first_five="14208")
    publish(app, SAMPLE)
    make_submissions(app, HERE, 2, created_at=OCTOBER)
    visits(app, DEFAULT_TENANT_ID, [10])
    with in_tenant(app, zushi):
        publish(app, SAMPLE.replace("id: sample-permit", f"id: {THERE}").replace("見本の許可申請", "逗子の許可申請"))
        make_submissions(app, THERE, 3, created_at=OCTOBER)
        make_submissions(app, THERE, 1, created_at=OCTOBER, channel="counter")
    visits(app, zushi, [20, 40, 50])

    ours = staff_client(app, "kanri", roles.MANAGER).get("/staff/dashboard", query_string=PERIOD)
    assert ours.status_code == 200
    assert row_of(ours.text, "合計", "channels") == ["2", "0", "0", "2", "100.0%"]
    assert row_of(ours.text, "2026年10月", "visits") == ["1", "10分", "10分"]
    assert "逗子の許可申請" not in ours.text

    # Refreshed by the first page for every municipality, each row in its own municipality.
    with app.app_context(), all_municipalities(), database().session_factory() as session:
        counts = session.execute(select(MonthCount.tenant_id, MonthCount.form_id, MonthCount.channel,
                                        MonthCount.applications)).all()
        assert sorted(counts) == sorted([(DEFAULT_TENANT_ID, HERE, "online", 2), (zushi, THERE, "online", 3),
                                         (zushi, THERE, "counter", 1)])
        assert sorted(session.execute(select(MonthVisits.tenant_id, MonthVisits.visits)).all()) == \
            [(DEFAULT_TENANT_ID, 1), (zushi, 3)]
        durations = session.execute(select(MonthDuration.tenant_id, MonthDuration.count)
                                    .where(MonthDuration.form_id == "")).all()
        assert {tenant for tenant, _count in durations} == {DEFAULT_TENANT_ID, zushi}
        assert sum(count for tenant, count in durations if tenant == zushi) == 3

    theirs = tenant_staff_client(app, zushi, "zushi", "kanri", roles.MANAGER).get(
        "/zushi/staff/dashboard", query_string=PERIOD)
    assert theirs.status_code == 200
    assert row_of(theirs.text, "逗子の許可申請", "channels") == ["3", "1", "0", "4", "75.0%"]
    assert row_of(theirs.text, "2026年10月", "visits") == ["3", "40分", "50分"]
    assert "見本の許可申請" not in theirs.text

    # A change in one municipality is recomputed by its own page (or the workers), not another's.
    with in_tenant(app, zushi):
        make_submissions(app, THERE, 2, created_at=OCTOBER)
    ours = staff_client(app, "kanri2", roles.MANAGER).get("/staff/dashboard", query_string=PERIOD)
    assert row_of(ours.text, "合計", "channels") == ["2", "0", "0", "2", "100.0%"]
    assert pending_changes(app) > 0
    theirs = tenant_staff_client(app, zushi, "zushi", "kanri2", roles.MANAGER).get(
        "/zushi/staff/dashboard", query_string=PERIOD)
    assert row_of(theirs.text, "逗子の許可申請", "channels") == ["5", "1", "0", "6", "83.3%"]
    assert pending_changes(app) == 0


def test_the_workers_refresh_brings_every_municipality_up_to_date(app):
    zushi = make_tenant(app, "zushi", "逗子市", first_five="14208")
    publish(app, SAMPLE)
    with in_tenant(app, zushi):
        publish(app, SAMPLE.replace("id: sample-permit", f"id: {THERE}").replace("見本の許可申請", "逗子の許可申請"))
    with app.app_context(), database().transaction() as session:
        rollups.refresh(session)  # built (empty)
    make_submissions(app, HERE, 1, created_at=OCTOBER)
    with in_tenant(app, zushi):
        make_submissions(app, THERE, 2, created_at=OCTOBER)
    with app.app_context():
        runner.start_periodic("refresh_dashboard")
    assert run_jobs(app) == 1
    assert pending_changes(app) == 0
    with app.app_context(), all_municipalities(), database().session_factory() as session:
        assert sorted(session.execute(select(MonthCount.tenant_id, MonthCount.applications)).all()) == \
            [(DEFAULT_TENANT_ID, 1), (zushi, 2)]


def pending_changes(app) -> int:
    with app.app_context(), database().session_factory() as session:
        return session.scalar(select(func.count()).select_from(RollupChange))
