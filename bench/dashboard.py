"""The 集計 dashboard at 100,000 and 1,000,000 submissions on PostgreSQL.

A script, not a test (see bench/README.md). It creates a scratch database next to the one named
by TEST_DATABASE_URL (or --url), migrates it, bulk-loads submissions with their audit events and
counter visits with COPY, and times in the same run:

* floor     — one bare ``GROUP BY form_id, channel`` count over the same period: the least any
              per-period figure costs if it reads the applications (a scan of the period's rows);
* build     — computing the monthly rollups from every application (once, after an upgrade;
              the data is loaded with COPY, which bypasses the change listeners);
* refresh   — bringing them up to date after 1,000 applications of the last three months changed
              (a busy day's moves), recomputing those procedure-months only;
* figures   — each figure's query (``formsvc.dashboard.figures``), one by one, on current rollups;
* page      — the whole /staff/dashboard HTTP response (refresh with nothing to do, every figure,
              charts, tables);
* queue     — the staff queue's first page, for scale.

    .venv/bin/python bench/dashboard.py                        # 100k then 1M (about 8 minutes)
    .venv/bin/python bench/dashboard.py --sizes 100000 --runs 5
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FORMSVC_INSTANCE_PATH", __import__("tempfile").mkdtemp(prefix="formsvc-bench-"))

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench.queue_page import DEFINITION, load, scratch_database, timed  # noqa: E402
from formsvc import create_app  # noqa: E402
from formsvc.clock import JST  # noqa: E402
from formsvc.dashboard import figures, rollups  # noqa: E402
from formsvc.dashboard.models import RollupChange  # noqa: E402
from formsvc.dashboard.periods import Period  # noqa: E402
from formsvc.db import make_engine  # noqa: E402
from formsvc.definitions.loader import load_text  # noqa: E402
from formsvc.forms.loading import publish_loaded  # noqa: E402
from formsvc.forms.models import FormVersion  # noqa: E402
from formsvc.migrate import upgrade  # noqa: E402
from formsvc.staff.accounts import create_or_update  # noqa: E402
from formsvc.submissions.models import Submission  # noqa: E402

PASSWORD = "bench password 123"
START = datetime(2022, 1, 1, tzinfo=UTC)
# What each final status went through, with the hours each step took (drawn at random around them).
PATHS = {
    "received": [],
    "in_review": [("claimed", "received", "in_review", 20)],
    "correction_requested": [("claimed", "received", "in_review", 20),
                             ("correction_requested", "in_review", "correction_requested", 30)],
    "approved": [("claimed", "received", "in_review", 20), ("approved", "in_review", "approved", 60)],
    "rejected": [("claimed", "received", "in_review", 20), ("rejected", "in_review", "rejected", 50)],
    "completed": [("claimed", "received", "in_review", 20), ("approved", "in_review", "approved", 60),
                  ("completed", "approved", "completed", 40)],
    "withdrawn": [("withdrawn", "received", "withdrawn", 10)],
}


def load_events_and_visits(engine, staff_id: int, rng: random.Random) -> tuple[int, int]:
    """A 申請 event per submission and the moves its status implies; a counter visit per counter one."""
    events = visits = 0
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            rows = cursor.execute("SELECT id, status, channel, created_at FROM submissions ORDER BY id").fetchall()
            columns = "submission_id, kind, actor, data, created_at"
            with cursor.copy(f"COPY submission_events ({columns}) FROM STDIN") as copy:
                for submission_id, status, channel, created_at in rows:
                    copy.write_row((submission_id, "submitted", "resident", f'{{"channel": "{channel}"}}', created_at))
                    moment = created_at
                    for kind, source, target, hours in PATHS[status]:
                        moment += timedelta(hours=rng.expovariate(1 / hours))
                        copy.write_row((submission_id, kind, "staff:bench",
                                        f'{{"from": "{source}", "to": "{target}"}}', moment))
                        events += 1
                    events += 1
            with cursor.copy("COPY counter_visits (staff_id, identification, shared, created_at, closed_at) "
                             "FROM STDIN") as copy:
                for _, _, channel, created_at in rows:
                    if channel == "counter":
                        copy.write_row((staff_id, "card", "{}", created_at,
                                        created_at + timedelta(minutes=rng.expovariate(1 / 15))))
                        visits += 1
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE submission_events"))
        connection.execute(text("VACUUM ANALYZE counter_visits"))
    return events, visits


def floor(session, period: Period) -> None:
    session.execute(select(Submission.form_id, Submission.channel, func.count())
                    .where(Submission.created_at >= period.start, Submission.created_at < period.end)
                    .group_by(Submission.form_id, Submission.channel)).all()


def build(app) -> float:
    """Milliseconds to compute the rollups from scratch."""
    with app.app_context():
        from formsvc.db import database

        with database().transaction() as session:
            began = time.perf_counter()
            rollups.refresh(session)
            return (time.perf_counter() - began) * 1000


def refresh_after_changes(app, runs: int, period: Period, rng: random.Random) -> float:
    """Median milliseconds of a refresh after 1,000 applications of the last three months changed."""
    with app.app_context():
        from formsvc.db import database

        with database().transaction() as session:
            recent = session.scalars(select(Submission.id).where(
                Submission.created_at >= Period(_months_before(period.last, 2), period.last).start)).all()
        samples = []
        for _ in range(runs):
            with database().transaction() as session:
                session.execute(insert(RollupChange), [{"submission_id": i} for i in rng.sample(recent, 1000)])
            with database().transaction() as session:
                began = time.perf_counter()
                rollups.refresh(session)
                samples.append((time.perf_counter() - began) * 1000)
        return statistics.median(samples)


def _months_before(month: str, count: int) -> str:
    year, number = int(month[:4]), int(month[5:7]) - count
    while number < 1:
        year, number = year - 1, number + 12
    return f"{year}-{number:02d}"


def measure(app, runs: int, period: Period, rng: random.Random) -> dict[str, float]:
    # The pages are asked outside any app context: a request inside one would share its ``g``.
    manager, reviewer = client_of(app, "bench-manager"), client_of(app, "bench-reviewer")
    results = {"build": build(app), "refresh": refresh_after_changes(app, runs, period, rng)}
    query = f"/staff/dashboard?from={period.first}&to={period.last}"
    assert manager.get(query).status_code == 200 and reviewer.get("/staff/queue").status_code == 200
    with app.app_context():
        from formsvc.db import database

        session = database().session_factory()
        form_ids = ["bench-permit"]
        now = datetime.now(UTC)
        results |= {
            "floor": timed(lambda: floor(session, period), runs),
            "channels": timed(lambda: figures.channel_counts(session, period, form_ids), runs),
            "processing": timed(lambda: figures.processing_times(session, period, form_ids), runs),
            "waits": timed(lambda: figures.status_waits(session, period, form_ids), runs),
            "rates": timed(lambda: figures.rates(session, period, form_ids), runs),
            "visits": timed(lambda: figures.counter_visits(session, period), runs),
            "drop-off": timed(lambda: figures.drop_off(session, period, form_ids, now), runs),
        }
        session.close()
    results["page"] = timed(lambda: manager.get(query), runs)
    results["queue p1"] = timed(lambda: reviewer.get("/staff/queue"), runs)
    return results


def client_of(app, username: str):
    client = app.test_client()
    page = client.get("/staff/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/staff/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
    assert response.status_code == 302, f"could not sign in as {username}"
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("TEST_DATABASE_URL",
                                                        "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated submission counts (ascending)")
    parser.add_argument("--runs", type=int, default=5, help="timed calls per measurement (median)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (its URL is printed)")
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        parser.error("this benchmark is for PostgreSQL")
    print("median ms per call; the period is every month the submissions span")
    header = f"{'rows':>9} {'events':>9} " + " ".join(f"{k:>10}" for k in (
        "build", "refresh", "floor", "channels", "processing", "waits", "rates", "visits", "drop-off", "page",
        "queue p1")) + \
        f" | {'page/floor':>10} {'page/queue':>10}"
    print(header)
    print("-" * len(header))
    rng = random.Random(16)
    for size in sorted(int(s) for s in args.sizes.split(",")):
        url, drop = scratch_database(args.url)
        try:
            upgrade(url)
            app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True,
                              "INSTANCE_DIR": os.environ["FORMSVC_INSTANCE_PATH"]})
            app.logger.disabled = True
            engine = make_engine(url)
            with app.app_context():
                from formsvc.db import database
                with database().transaction() as session:
                    publish_loaded(session, load_text(DEFINITION, "bench.yaml"), actor="bench")
                    create_or_update(session, "bench-reviewer", PASSWORD, ["reviewer"], "審査 太郎")
                    create_or_update(session, "bench-manager", PASSWORD, ["manager"], "集計 花子")
                    version_id = session.scalar(select(FormVersion.id))
                    staff_id = session.scalar(text("SELECT id FROM staff_users WHERE username = 'bench-reviewer'"))
            load(engine, version_id, [staff_id], size, START, set(), rng)
            events, _ = load_events_and_visits(engine, staff_id, rng)
            with engine.connect() as connection:
                first, last = connection.execute(text("SELECT min(created_at), max(created_at) FROM submissions")).one()
            span = Period(first.astimezone(JST).strftime("%Y-%m"), last.astimezone(JST).strftime("%Y-%m"))
            if len(span.months()) > 60:  # the dashboard's longest period: the last five years
                last_month = last.astimezone(JST)
                span = Period(f"{last_month.year - 5}-{last_month.month + 1:02d}" if last_month.month < 12
                              else f"{last_month.year - 4}-01", last_month.strftime("%Y-%m"))
            r = measure(app, args.runs, span, rng)
            print(f"{size:>9,} {events:>9,} " + " ".join(f"{v:>10.1f}" for v in r.values()) +
                  f" | {r['page'] / r['floor']:>10.1f} {r['page'] / r['queue p1']:>10.1f}", flush=True)
            engine.dispose()
        finally:
            if args.keep:
                print(f"kept: {url}")
            else:
                drop()
    print("\nbuild: once after an upgrade; refresh: after 1,000 applications changed;"
          "\npage/floor: the whole dashboard against one bare grouped count of the same rows;"
          "\npage/queue: against the staff queue's first page (the page staff open most).")


if __name__ == "__main__":
    main()
