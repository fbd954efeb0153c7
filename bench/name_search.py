"""The staff queue's 氏名・フリガナ search at 100,000 and 1,000,000 submissions on PostgreSQL.

A script, not a test (see bench/README.md). It loads the queue benchmark's submissions
(bench/queue_page.py: ten common surnames, each on about 10 % of the rows), gives a few rows rare
surnames, and times in the same run, in interleaved rounds, the whole ``GET /staff/queue`` as a
signed-in reviewer (the seek, the tabs' counts, the access log, the template):

* without a name (the baseline), then with a name that matches
* few   — a rare surname of four characters (12 rows per load), and its hiragana reading;
* many  — a common surname's reading in katakana (3 characters, about 10 % of the rows);
* short — a common two-character surname, a rare one, and a single character (「林」, also in
          小林: about 10 %). A trigram index needs three characters: the indexed keys are tripled
          (formsvc.submissions.models.name_trigram_key) so that these have some;
* none  — a name nobody has.

Each line prints the median page time and its ratio to the page without a name (goal: ≤ 3).
To compare two versions of the code on one database, load it once with --keep and measure each
with --reuse URL.

    .venv/bin/python bench/name_search.py                          # 100k then 1M (about 6 minutes)
    .venv/bin/python bench/name_search.py --sizes 100000 --rounds 9
    .venv/bin/python bench/name_search.py --plan                   # EXPLAIN ANALYZE of each search's seek
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import queue_page as bench
from sqlalchemy import select, text, union_all

from formsvc import create_app
from formsvc.db import make_engine
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.forms.models import FormVersion
from formsvc.migrate import upgrade
from formsvc.review import queries
from formsvc.staff.accounts import create_or_update

# Rare surnames given to RARE_ROWS rows each after the bulk load: (name, kana).
RARE = [("勅使河原 一郎", "テシガワラ イチロウ"), ("猪股 花子", "イノマタ ハナコ"), ("林 翔", "ハヤシ ショウ")]
RARE_ROWS = 12
SEARCHES = [  # (label, what the clerk types)
    ("no name (baseline)", None),
    ("few: 勅使河原", "勅使河原"),
    ("few: てしがわら", "てしがわら"),
    ("many: ヤマダ", "ヤマダ"),
    ("short many: 山田", "山田"),
    ("short few: 猪股", "猪股"),
    ("short 1 char: 林", "林"),
    ("none: 存在しない", "存在しない"),
]


def give_rare_names(engine, rng: random.Random) -> None:
    with engine.begin() as connection:
        low, high = connection.execute(text("SELECT min(id), max(id) FROM submissions")).one()
        ids = iter(rng.sample(range(low, high + 1), RARE_ROWS * len(RARE)))
        for name, kana in RARE:
            connection.execute(text("UPDATE submissions SET applicant_name = :name, applicant_kana = :kana "
                                    "WHERE id = ANY(:ids)"),
                               {"name": name, "kana": kana, "ids": [next(ids) for _ in range(RARE_ROWS)]})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE submissions"))


def interleaved(functions: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Milliseconds per call: every function once per round, the order rotating, after a warm-up."""
    for function in functions.values():
        function()
    samples: dict[str, list[float]] = {label: [] for label in functions}
    labels = list(functions)
    for round_number in range(rounds):
        shift = round_number % len(labels)
        for label in labels[shift:] + labels[:shift]:
            began = time.perf_counter()
            functions[label]()
            samples[label].append((time.perf_counter() - began) * 1000)
    return samples


def seek_plan(session, name: str | None, statuses_key: str) -> list[str]:
    """EXPLAIN ANALYZE of page 1's seek for this name (the statement queue_page runs)."""
    queue = queries.QueueFilter(status=statuses_key, name=name)
    branches = [queries._branch(value, queue.conditions(None), None, True, queries.PAGE_SIZE + 1)
                for value in queue.statuses()]
    merged = union_all(*(select(branch.subquery()) for branch in branches)).subquery("merged")
    statement = select(merged.c.id).order_by(merged.c.created_at, merged.c.id).limit(queries.PAGE_SIZE + 1)
    compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    return [row[0] for row in session.execute(text(f"EXPLAIN (ANALYZE, TIMING OFF) {compiled}"))]


def measure(app, size: int, rounds: int, show_plan: bool) -> list[tuple]:
    from formsvc.db import database

    rows = []
    with app.app_context():
        session = database().session_factory()
        client = bench.signed_in_client(app)
        for label, name in SEARCHES:  # what each search finds (outside the timing)
            queue = queries.QueueFilter(status="all", name=name)
            counts = queries.counts_by_status(session, queue, None)
            rows.append((size, label, sum(counts.values()), counts))
            if show_plan and name:
                print(f"\n-- plan: page 1 seek, all statuses, name {name!r}, {size:,} rows")
                print("\n".join(seek_plan(session, name, "all")))
        session.rollback()
        session.close()

        def page(name: str | None, status_key: str):
            query = urlencode({key: value for key, value in (("name", name), ("status", status_key)) if value})
            return lambda: client.get(f"/staff/queue?{query}")

        results = {}
        for status_key, status_label in (("", "open (default)"), ("all", "all statuses")):
            samples = interleaved({label: page(name, status_key) for label, name in SEARCHES}, rounds)
            results[status_label] = {label: statistics.median(values) for label, values in samples.items()}
    return [(size, label, matching, counts, {view: timings[label] for view, timings in results.items()})
            for size, label, matching, counts in rows]


def report(rows: list[tuple]) -> None:
    print("\nwhole GET /staff/queue, median ms of the interleaved rounds; ratio = page / page without a name")
    header = (f"{'rows':>9} {'search':<22} {'matching*':>9} | {'open ms':>8} {'ratio':>6} | "
              f"{'all ms':>8} {'ratio':>6}")
    print(header)
    print("-" * len(header))
    baselines = {size: timings for size, label, _, _, timings in rows if label.startswith("no name")}
    for size, label, matching, _, timings in rows:
        base = baselines[size]
        print(f"{size:>9,} {label:<22} {matching:>9,} | {timings['open (default)']:>8.1f} "
              f"{timings['open (default)'] / base['open (default)']:>6.2f} | {timings['all statuses']:>8.1f} "
              f"{timings['all statuses'] / base['all statuses']:>6.2f}")
    print("\n* matching: all statuses, the sum of the tabs' numbers: each status is counted up to 10,000"
          "\n  without a name, 1,000 with one (the tab then reads 「10,000以上」 or 「1,000以上」), and 100"
          "\n  when more than 1,000 match the name (「すべて」 then reads 「1,000以上」, a status's tab 「100以上」).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("TEST_DATABASE_URL",
                                                        "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
                        help="a PostgreSQL URL whose server may create a scratch database")
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated submission counts (ascending)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (median)")
    parser.add_argument("--plan", action="store_true", help="print EXPLAIN ANALYZE of each search's seek")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", metavar="URL", help="measure a database kept by --keep (no loading)")
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        parser.error("this benchmark is for PostgreSQL")
    sizes = sorted(int(size) for size in args.sizes.split(","))
    url, drop = (args.reuse, lambda: None) if args.reuse else bench.scratch_database(args.url)
    began = time.perf_counter()
    try:
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True,
                          "INSTANCE_DIR": os.environ["FORMSVC_INSTANCE_PATH"]})
        app.logger.disabled = True
        engine = make_engine(url)
        from formsvc.db import database

        rows: list[tuple] = []
        if args.reuse:
            with engine.connect() as connection:
                size = connection.scalar(text("SELECT count(*) FROM submissions"))
            rows.extend(measure(app, size, args.rounds, args.plan))
        else:
            with app.app_context(), database().transaction() as session:
                publish_loaded(session, load_text(bench.DEFINITION, "bench.yaml"), actor="bench")
                version_id = session.scalar(select(FormVersion.id))
                reviewers = [create_or_update(session, f"bench-{i}", bench.PASSWORD, ["reviewer"]).id
                             for i in range(1, 6)]
                create_or_update(session, "bench-reviewer", bench.PASSWORD, ["reviewer"])
            rng = random.Random(20261207)
            taken: set[str] = set()
            loaded = 0
            start = datetime(2025, 4, 1, tzinfo=UTC)
            for size in sizes:
                began_load = time.perf_counter()
                bench.load(engine, version_id, reviewers, size - loaded, start + timedelta(seconds=loaded * 150),
                           taken, rng)
                give_rare_names(engine, rng)
                print(f"loaded {size:,} submissions ({time.perf_counter() - began_load:.1f} s)", flush=True)
                loaded = size
                rows.extend(measure(app, size, args.rounds, args.plan))
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
