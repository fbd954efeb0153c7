"""The monthly rollups the dashboard reads: kept current as applications change, recomputing only
the months that changed, never losing a change, and percentiles that merge across months."""

from __future__ import annotations

import csv
import io
import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, literal, select

from formsvc.cli import main
from formsvc.dashboard import rollups
from formsvc.dashboard.models import MonthCount, RollupChange
from formsvc.db import database
from formsvc.staff import roles
from formsvc.staff.models import StaffUser
from formsvc.submissions.models import CounterVisit
from tests.dashboard.conftest import FORM, OCTOBER, PERIOD, row_of, set_status, with_events
from tests.review.support import make_submissions
from tests.staff.support import make_staff

NOVEMBER = datetime(2026, 11, 10, 0, 0, tzinfo=UTC)
DECIDED = {"from": "in_review", "to": "approved"}


def change_rows(app) -> int:
    with app.app_context(), database().transaction() as session:
        return session.scalar(select(func.count()).select_from(RollupChange))


def refresh(app) -> int:
    with app.app_context(), database().transaction() as session:
        return rollups.refresh(session)


def test_figures_follow_what_happens_after_the_page_was_first_read(app, procedures, manager):
    first, second = make_submissions(app, FORM, 2, created_at=OCTOBER)
    page = manager.get("/staff/dashboard", query_string=PERIOD)
    assert row_of(page.text, "見本の許可申請", "rates") == ["2", "0", "0.0%", "0", "0", "—"]
    assert row_of(page.text, "見本の許可申請", "processing") == ["0", "—", "—"]
    assert change_rows(app) == 0  # the refresh took every change it recomputed

    # A month later: October's applications are asked to correct and decided, one more arrives.
    with_events(app, first, ("correction_requested", NOVEMBER, {"from": "in_review", "to": "correction_requested"}))
    with_events(app, second, ("rejected", OCTOBER + timedelta(days=3), {"from": "in_review", "to": "rejected"}))
    set_status(app, second, "rejected")
    make_submissions(app, FORM, 1, created_at=NOVEMBER, channel="counter")

    page = manager.get("/staff/dashboard", query_string=PERIOD)
    assert row_of(page.text, "見本の許可申請", "rates") == ["3", "1", "33.3%", "1", "1", "100.0%"]
    assert row_of(page.text, "見本の許可申請", "processing") == ["1", "3.0日", "3.0日"]
    assert row_of(page.text, "2026年11月", "channels-by-month") == ["0", "1", "0", "1", "0.0%"]
    rows = list(csv.reader(io.StringIO(manager.get("/staff/dashboard/rates.csv", query_string=PERIOD)
                                       .data.decode("utf-8-sig"))))
    assert [FORM, "見本の許可申請", "2026-10", "2", "1", "50.0", "1", "1", "100.0"] in rows


def test_a_counter_visit_counts_when_it_begins_and_its_duration_when_it_ends(app, procedures, manager):
    make_staff(app, "madoguchi", roles.COUNTER)
    with app.app_context(), database().transaction() as session:
        staff_id = session.scalar(select(StaffUser.id).where(StaffUser.username == "madoguchi"))
        session.add(CounterVisit(staff_id=staff_id, identification="card", created_at=OCTOBER))
    page = manager.get("/staff/dashboard", query_string=PERIOD)
    assert row_of(page.text, "2026年10月", "visits") == ["1", "—", "—"]
    with app.app_context(), database().transaction() as session:
        session.scalar(select(CounterVisit)).closed_at = OCTOBER + timedelta(minutes=25)  # 受付を終える
    page = manager.get("/staff/dashboard", query_string=PERIOD)
    assert row_of(page.text, "2026年10月", "visits") == ["1", "25分", "25分"]


def test_only_the_months_that_changed_are_recomputed(app, procedures):
    make_submissions(app, FORM, 3, created_at=OCTOBER)
    [november] = make_submissions(app, FORM, 1, created_at=NOVEMBER)
    assert refresh(app) == 2      # the first refresh builds every month there is
    assert refresh(app) == 0      # nothing changed since
    with_events(app, november, ("approved", NOVEMBER + timedelta(hours=5), DECIDED))
    assert refresh(app) == 1      # November only
    with app.app_context(), database().transaction() as session:
        counts = dict(session.execute(select(MonthCount.month, MonthCount.applications)).all())
    assert counts == {"2026-10": 3, "2026-11": 1}


def test_a_change_committed_while_a_refresh_runs_is_kept_for_the_next_one(app, procedures, monkeypatch):
    [number] = make_submissions(app, FORM, 1, created_at=OCTOBER)
    refresh(app)
    with_events(app, number, ("approved", OCTOBER + timedelta(days=1), DECIDED))
    original = rollups._pairs_of

    def meanwhile(session, submission_ids):
        # Another request's change, written after this refresh read the changes (ids are not
        # committed in order, so it may even have a smaller id than one already read).
        session.execute(insert(RollupChange).values(submission_id=-1))
        return original(session, submission_ids)

    monkeypatch.setattr(rollups, "_pairs_of", meanwhile)
    assert refresh(app) == 1
    assert change_rows(app) == 1


def test_rebuild_from_the_command_line(app, procedures):
    make_submissions(app, FORM, 2, created_at=OCTOBER)
    make_submissions(app, FORM, 1, created_at=NOVEMBER)
    refresh(app)
    result = app.test_cli_runner().invoke(main, ["refresh-dashboard", "--rebuild"])
    assert result.exit_code == 0, result.output
    assert "集計を更新しました（手続きと月の組 2 件を計算し直しました）" in result.output
    result = app.test_cli_runner().invoke(main, ["refresh-dashboard"])
    assert "手続きと月の組 0 件" in result.output


@pytest.mark.parametrize(("values", "median", "p90"), [
    ([60.0], 60.0, 60.0),
    ([3600.0 * day for day in range(1, 11)], 5 * 3600.0, 9 * 3600.0),   # apart: exact
    ([0.0, 0.4, 0.9, 5.0], 0.4, 5.0),                                   # under a second share bucket −1
])
def test_percentiles_are_nearest_rank_and_exact_when_values_are_apart(values, median, p90):
    spread = _spread_of(values)
    assert spread.count == len(values)
    assert spread.median == pytest.approx(median, rel=0.5 if median < 1 else 1e-9)
    assert spread.p90 == pytest.approx(p90)


def test_percentiles_of_close_values_are_within_five_percent_and_months_merge():
    rng = random.Random(7)
    october = [rng.expovariate(1 / 86400) + 1 for _ in range(2000)]
    november = [rng.expovariate(1 / 40000) + 1 for _ in range(3000)]
    both = sorted(october + november)
    rows = [*_rows_of(october, "2026-10"), *_rows_of(november, "2026-11")]
    by_month = rollups.spreads(rows)
    assert by_month[("2026-10",)].count == 2000 and by_month[("2026-11",)].count == 3000
    spread = rollups.spreads(((), bucket, count, seconds) for _, bucket, count, seconds in rows)[()]
    assert spread.count == 5000
    assert spread.median == pytest.approx(both[2500 - 1], rel=0.05)
    assert spread.p90 == pytest.approx(both[4500 - 1], rel=0.05)


def test_the_database_buckets_durations_as_the_percentiles_expect(app):
    values = [0.0, 0.99, 1.0, 1.05, 59.9, 3600.0, 86400.0 * 365]
    with app.app_context(), database().transaction() as session:
        found = [session.scalar(select(rollups.bucket_of(literal(value)))) for value in values]
    assert found == [bucket for value in values for (_, bucket, _, _) in _rows_of([value], "")]


def _rows_of(values: list[float], month: str) -> list[tuple]:
    buckets: dict[int, list[float]] = {}
    for value in values:
        bucket = -1 if value < 1 else math.floor(math.log(value) / math.log(rollups.GROWTH))
        buckets.setdefault(bucket, []).append(value)
    return [((month,), bucket, len(found), sum(found)) for bucket, found in buckets.items()]


def _spread_of(values: list[float]) -> rollups.Spread:
    return rollups.spreads(_rows_of(values, "2026-10"))[("2026-10",)]
