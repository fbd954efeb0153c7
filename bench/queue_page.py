"""The staff queue at 10,000 and 200,000 submissions on PostgreSQL: page 1 against a deep page.

A script, not a test (see bench/README.md). It creates a scratch database next to the one
named by TEST_DATABASE_URL (or --url), migrates it, bulk-loads submissions with COPY, and times
in the same run:

* keyset  — ``formsvc.review.queries.queue_page`` (what the queue uses): page 1 and page N;
* offset  — the same rows asked for with ORDER BY … OFFSET … LIMIT (the baseline);
* pk      — one primary-key lookup (the floor: what a single indexed read costs);
* page    — the whole /staff/queue HTTP response through Flask's test client (counts per
            status, the access-log row, the template), page 1 and page N via the 次へ cursor.

    .venv/bin/python bench/queue_page.py                 # 10k then 200k (about 2 minutes)
    .venv/bin/python bench/queue_page.py --sizes 10000 --runs 9 --url postgresql+psycopg://…/db
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FORMSVC_INSTANCE_PATH", tempfile.mkdtemp(prefix="formsvc-bench-"))

from sqlalchemy import create_engine, select, text, union_all  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from formsvc import create_app  # noqa: E402
from formsvc.db import make_engine  # noqa: E402
from formsvc.definitions.loader import load_text  # noqa: E402
from formsvc.forms.loading import publish_loaded  # noqa: E402
from formsvc.forms.models import FormVersion  # noqa: E402
from formsvc.migrate import upgrade  # noqa: E402
from formsvc.review import queries  # noqa: E402
from formsvc.staff.accounts import create_or_update  # noqa: E402
from formsvc.submissions.models import Submission  # noqa: E402
from formsvc.submissions.reception import ALPHABET, _check_symbol  # noqa: E402

DEFINITION = """\
id: bench-permit
title: ベンチマーク用の申請
description: 計測用の手続きです。
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、郵送します。
retention: {years: 5}
pages:
  - id: applicant
    title: 申請者
    fields:
      - {type: name, id: name, label: 氏名}
      - {type: kana, id: kana, label: フリガナ}
      - {type: number, id: copies, label: 通数, min: 1, max: 5}
"""
# A year of a mid-sized city's applications: most are closed, some still open.
STATUS_MIX = [("completed", 60), ("rejected", 10), ("withdrawn", 5), ("approved", 8), ("received", 7),
              ("in_review", 7), ("correction_requested", 3)]
FAMILY = ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤"]
KANA = ["ヤマダ", "サトウ", "スズキ", "タカハシ", "タナカ", "イトウ", "ワタナベ", "ナカムラ", "コバヤシ", "カトウ"]
GIVEN = [("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("美咲", "ミサキ"), ("翔", "ショウ")]
PAGE = queries.PAGE_SIZE
DEEP_PAGE = 1000
PASSWORD = "bench password 123"


def scratch_database(base_url: str) -> tuple[str, callable]:
    name = f"formsvc_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base_url).set(database=name).render_as_string(hide_password=False), drop


def reception_numbers(count: int, taken: set[str], rng: random.Random) -> list[str]:
    numbers = []
    while len(numbers) < count:
        body = "".join(rng.choice(ALPHABET) for _ in range(7))
        number = body + _check_symbol(body)
        if number not in taken:
            taken.add(number)
            numbers.append(number)
    return numbers


def load(engine, version_id: int, reviewer_ids: list[int], count: int, start: datetime, taken: set[str],
         rng: random.Random) -> None:
    """COPY ``count`` submissions spread over a year from ``start`` (several share each second)."""
    statuses = [value for value, weight in STATUS_MIX for _ in range(weight)]
    columns = ("reception_number, form_id, version_id, answers, fee, channel, status, locale, created_at, "
               "updated_at, assignee_id, lock_version, applicant_name, applicant_kana")
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(f"COPY submissions ({columns}) FROM STDIN") as copy:
            for index, number in enumerate(reception_numbers(count, taken, rng)):
                family = rng.randrange(len(FAMILY))
                given, given_kana = GIVEN[rng.randrange(len(GIVEN))]
                status = rng.choice(statuses)
                moment = start + timedelta(seconds=(index // 2) * 300)  # pairs share a second: ties
                answers = {"fields": {"name": {"family": FAMILY[family], "given": given},
                                      "kana": {"family": KANA[family], "given": given_kana}, "copies": 1},
                           "items": {}}
                assignee = rng.choice(reviewer_ids) if status not in ("received",) else None
                copy.write_row((number, "bench-permit", version_id, json.dumps(answers, ensure_ascii=False), 300,
                                "counter" if index % 10 == 0 else "online", status, "ja", moment, moment,
                                assignee, 1, f"{FAMILY[family]} {given}", f"{KANA[family]} {given_kana}"))
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE submissions"))


def timed(function, runs: int) -> float:
    """Median milliseconds of ``runs`` calls after two warm-up calls."""
    for _ in range(2):
        function()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def cursor_of_page(session, statuses: tuple[str, ...], page: int) -> str | None:
    """The 次へ cursor that leads to ``page`` (found with OFFSET once, outside the timing)."""
    if page <= 1:
        return None
    row = session.execute(text(
        "SELECT created_at, id FROM submissions WHERE status = ANY(:statuses) ORDER BY created_at, id "
        "OFFSET :skip LIMIT 1"), {"statuses": list(statuses), "skip": (page - 1) * PAGE - 1}).one()
    return queries.encode_cursor(row.created_at, row.id)


def offset_page(session, statuses: tuple[str, ...], page: int) -> list:
    """The baseline: the same rows through the same loading code, found with OFFSET."""
    ids = session.scalars(select(Submission.id).where(Submission.status.in_(statuses))
                          .order_by(Submission.created_at, Submission.id)
                          .offset((page - 1) * PAGE).limit(PAGE)).all()
    return queries.load_rows(session, list(ids))


def signed_in_client(app):
    client = app.test_client()
    page = client.get("/staff/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/staff/login", data={"csrf_token": token, "username": "bench-reviewer",
                                                 "password": PASSWORD})
    assert response.status_code == 302, "could not sign in"
    return client


def plan(session, statuses: tuple[str, ...], cursor: str) -> list[str]:
    """EXPLAIN ANALYZE of the keyset query for a deep page (to show the index range scans)."""
    where = queries.QueueFilter(status="all" if len(statuses) > 3 else "open")
    position = queries.decode_cursor(cursor)
    branches = [queries._branch(value, where.conditions(None), position, True, PAGE + 1) for value in statuses]
    merged = union_all(*(select(branch.subquery()) for branch in branches)).subquery("merged")
    statement = select(merged.c.id).order_by(merged.c.created_at, merged.c.id).limit(PAGE + 1)
    compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    return [row[0] for row in session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF) {compiled}"))]


def measure(app, engine, size: int, runs: int, show_plan: bool) -> list[tuple]:
    rows = []
    with app.app_context():
        from formsvc.db import database

        session = database().session_factory()
        client = signed_in_client(app)
        for label, statuses, query in (("all statuses", queries.ALL_STATUSES, "status=all"),
                                       ("open (default)", queries.OPEN, "")):
            total = session.scalar(text("SELECT count(*) FROM submissions WHERE status = ANY(:s)"),
                                   {"s": list(statuses)})
            deep = min(DEEP_PAGE, (total + PAGE - 1) // PAGE)
            cursor = cursor_of_page(session, statuses, deep)
            queue = queries.QueueFilter(status="all" if statuses == queries.ALL_STATUSES else "open")
            first_ids = [r.id for r in queries.queue_page(session, queue, None).rows]
            deep_ids = [r.id for r in queries.queue_page(session, queue, None, after=cursor).rows]
            assert first_ids == [r.id for r in offset_page(session, statuses, 1)]
            assert deep_ids == [r.id for r in offset_page(session, statuses, deep)], "keyset and OFFSET disagree"
            pk = first_ids[0]
            results = {
                "keyset p1": timed(lambda q=queue: queries.queue_page(session, q, None), runs),
                f"keyset p{deep}": timed(lambda q=queue, c=cursor: queries.queue_page(session, q, None, after=c), runs),
                "offset p1": timed(lambda s=statuses: offset_page(session, s, 1), runs),
                f"offset p{deep}": timed(lambda s=statuses, d=deep: offset_page(session, s, d), runs),
                "pk lookup": timed(lambda pk=pk: session.execute(
                    text("SELECT id, reception_number, status FROM submissions WHERE id = :id"), {"id": pk}).one(),
                    runs),
                "counts": timed(lambda q=queue: queries.counts_by_status(session, q, None), runs),
                "HTTP p1": timed(lambda q=query: client.get(f"/staff/queue?{q}"), runs),
                f"HTTP p{deep}": timed(lambda q=query, c=cursor: client.get(f"/staff/queue?{q}&after={c}"), runs),
            }
            session.rollback()
            rows.append((size, label, total, deep, results))
            if show_plan:
                print(f"\n-- plan: keyset page {deep}, {label}, {size:,} rows")
                print("\n".join(plan(session, statuses, cursor)))
        session.close()
    return rows


def report(rows: list[tuple]) -> None:
    print(f"\nmedian ms per call; page size {PAGE}")
    header = (f"{'rows':>8} {'filter':<15} {'matching':>9} {'pN':>5} {'keyset p1':>10} {'keyset pN':>10} "
              f"{'offset p1':>10} {'offset pN':>10} {'pk':>7} {'counts':>7} {'HTTP p1':>8} {'HTTP pN':>8} | "
              f"{'kN/k1':>6} {'oN/kN':>6} {'HN/H1':>6}")
    print(header)
    print("-" * len(header))
    for size, label, total, deep, r in rows:
        k1, kn = r["keyset p1"], r[f"keyset p{deep}"]
        o1, on = r["offset p1"], r[f"offset p{deep}"]
        h1, hn = r["HTTP p1"], r[f"HTTP p{deep}"]
        print(f"{size:>8,} {label:<15} {total:>9,} {deep:>5} {k1:>10.2f} {kn:>10.2f} {o1:>10.2f} {on:>10.2f} "
              f"{r['pk lookup']:>7.2f} {r['counts']:>7.1f} {h1:>8.1f} {hn:>8.1f} | "
              f"{kn / k1:>6.2f} {on / kn:>6.1f} {hn / h1:>6.2f}")
    print("\nkN/k1: keyset deep page / page 1 (1.0 = as fast); oN/kN: OFFSET deep page / keyset deep page;"
          "\ncounts: the tabs' counts per status (part of every HTTP page);"
          "\nHN/H1: whole HTTP page, deep / first. pN is page 1,000, or the last page when there are fewer.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("TEST_DATABASE_URL",
                                                        "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
                        help="a PostgreSQL URL whose server may create a scratch database")
    parser.add_argument("--sizes", default="10000,200000", help="comma-separated submission counts (ascending)")
    parser.add_argument("--runs", type=int, default=15, help="timed calls per measurement (median)")
    parser.add_argument("--plan", action="store_true", help="print EXPLAIN ANALYZE of the deep keyset query")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        parser.error("this benchmark is for PostgreSQL")
    sizes = sorted(int(size) for size in args.sizes.split(","))
    url, drop = scratch_database(args.url)
    began = time.perf_counter()
    try:
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True,
                          "INSTANCE_DIR": os.environ["FORMSVC_INSTANCE_PATH"]})
        app.logger.disabled = True
        engine = make_engine(url)
        from formsvc.db import database

        with app.app_context(), database().transaction() as session:
            publish_loaded(session, load_text(DEFINITION, "bench.yaml"), actor="bench")
            version_id = session.scalar(select(FormVersion.id))
            reviewers = [create_or_update(session, f"bench-{i}", PASSWORD, ["reviewer"]).id for i in range(1, 6)]
            create_or_update(session, "bench-reviewer", PASSWORD, ["reviewer"])
        rng = random.Random(20261127)
        taken: set[str] = set()
        loaded, rows = 0, []
        start = datetime(2025, 4, 1, tzinfo=UTC)
        for size in sizes:
            began_load = time.perf_counter()
            load(engine, version_id, reviewers, size - loaded, start + timedelta(seconds=loaded * 150), taken, rng)
            print(f"loaded {size:,} submissions ({time.perf_counter() - began_load:.1f} s)", flush=True)
            loaded = size
            rows.extend(measure(app, engine, size, args.runs, args.plan))
        engine.dispose()
        with app.app_context():
            database().dispose()
        report(rows)
        print(f"\ntotal {time.perf_counter() - began:.0f} s")
    finally:
        if args.keep:
            print(f"kept {url}")
        else:
            drop()


if __name__ == "__main__":
    main()
