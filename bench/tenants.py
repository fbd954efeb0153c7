"""One municipality's pages among 100 municipalities against the same municipality alone (issue 18).

A script, not a test (see bench/README.md). PostgreSQL only. It makes two scratch databases next
to the one named by TEST_DATABASE_URL (or --url) and migrates both:

* many — 100 municipalities (/t001/ … /t100/), each with 10 procedures and 10,000 applications
         (1,000 per procedure over a year; 1,000,000 in all), their audit events, counter visits
         and drafts, every municipality receiving at the same time (rows of one are spread over
         the whole table, as in a shared deployment);
* one  — municipality /t050/ alone (beside the empty default one), with the very same procedures,
         applications, events, visits and drafts as t050 has in "many".

Municipalities, procedures and staff are made through the app (the operator's service,
publish_loaded, accounts); applications, events, visits and drafts with set-based SQL
(INSERT … SELECT generate_series), then VACUUM ANALYZE and one dashboard rollup build. Then, for
t050 in each database, through Flask's test client (the whole request: tenant resolution,
sign-in, queries, template, the access-log row), in interleaved rounds (many, one, one, many, …):

* queue        — /t050/staff/queue, the first page (open applications, the default);
* queue form   — /t050/staff/queue?status=all&form=t050-p03: one procedure, every status;
* dashboard    — /t050/staff/dashboard over every month of the data (its refresh finds nothing);
* resident     — /t050/forms/t050-p00/pages/applicant: a resident's question page (GET) of a draft.

It prints each page's median (of the rounds' medians) per database and their ratio many/one;
the goal is ≤ 1.2. With --plan it prints EXPLAIN ANALYZE of the queue's main query in each.

    .venv/bin/python bench/tenants.py                      # about 10 minutes on 2 cores
    .venv/bin/python bench/tenants.py --tenants 20 --rounds 3 --runs 5   # a quick look
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FORMSVC_INSTANCE_PATH", tempfile.mkdtemp(prefix="formsvc-bench-"))

from sqlalchemy import select, text  # noqa: E402

from bench.queue_page import DEFINITION, scratch_database, timed  # noqa: E402
from formsvc import create_app  # noqa: E402
from formsvc.clock import JST  # noqa: E402
from formsvc.dashboard import rollups  # noqa: E402
from formsvc.db import make_engine  # noqa: E402
from formsvc.definitions.loader import load_text  # noqa: E402
from formsvc.forms.loading import publish_loaded  # noqa: E402
from formsvc.migrate import upgrade  # noqa: E402
from formsvc.staff.accounts import create_or_update  # noqa: E402
from formsvc.submissions.reception import ALPHABET  # noqa: E402
from formsvc.tenants import service  # noqa: E402
from formsvc.tenants.codes import check_digit  # noqa: E402
from formsvc.tenants.context import working_for  # noqa: E402
from formsvc.tenants.models import Tenant  # noqa: E402

PASSWORD = "bench password 123"
MEASURED = "t050"
START = datetime(2025, 4, 1, tzinfo=UTC)
YEAR_SECONDS = 365 * 24 * 3600
ISSUER = "https://idp.bench.example"


@dataclass
class Setup:
    name: str
    url: str
    drop: object
    app: object = None
    staff: object = None
    manager: object = None
    resident: object = None
    dashboard_query: str = ""
    submissions: int = 0


def slug_of(number: int) -> str:
    return f"t{number:03d}"


def code_of(number: int) -> str:
    """A 団体コード with its check digit: prefecture 13, municipalities 101… ."""
    first_five = f"13{100 + number:03d}"
    return first_five + check_digit(first_five)


def make_municipalities(setup: Setup, numbers: list[int], procedures: int) -> None:
    """Municipalities, their procedures and a reviewer each, through the app's own code."""
    from formsvc.db import database
    from formsvc.tenants.resolution import directory

    app = setup.app
    with app.app_context():
        reserved = service.reserved_slugs(app.url_map)
        with database().transaction() as session:
            for number in numbers:
                service.create(session, service.TenantInput(
                    slug=slug_of(number), name=f"ベンチ{number}市", code=code_of(number)), reserved=reserved)
        directory().forget()
        with database().transaction() as session:
            ids = dict(session.execute(select(Tenant.slug, Tenant.id)).all())
        for number in numbers:
            slug = slug_of(number)
            with working_for(ids[slug]), database().transaction() as session:
                for procedure in range(procedures):
                    text_ = DEFINITION.replace("id: bench-permit", f"id: {slug}-p{procedure:02d}").replace(
                        "title: ベンチマーク用の申請", f"title: ベンチマーク用の申請{procedure}")
                    publish_loaded(session, load_text(text_, f"{slug}-p{procedure:02d}.yaml"), actor="bench")
                create_or_update(session, "bench-reviewer", PASSWORD, ["reviewer"], "審査 太郎")
                if slug == MEASURED:
                    create_or_update(session, "bench-manager", PASSWORD, ["manager"], "集計 花子")


# Per procedure and municipality, application k (0 … per_procedure-1) gets the same values in
# both databases: they depend on the municipality's number, the procedure and k, never on ids.
STATUS_CASE = """CASE
    WHEN (k * 37 + p * 11) % 100 < 60 THEN 'completed'
    WHEN (k * 37 + p * 11) % 100 < 70 THEN 'rejected'
    WHEN (k * 37 + p * 11) % 100 < 75 THEN 'withdrawn'
    WHEN (k * 37 + p * 11) % 100 < 83 THEN 'approved'
    WHEN (k * 37 + p * 11) % 100 < 90 THEN 'received'
    WHEN (k * 37 + p * 11) % 100 < 97 THEN 'in_review'
    ELSE 'correction_requested' END"""


def reception_sql(expression: str) -> str:
    """8 symbols of the reception alphabet from a unique number (the check symbol not computed:
    no page of this benchmark reads it)."""
    digits = [f"substr('{ALPHABET}', (({expression}) / {32 ** power} % 32)::int + 1, 1)" for power in range(7)]
    return " || ".join([*digits, f"substr('{ALPHABET}', (({expression}) % 31)::int + 1, 1)"])


def load(setup: Setup, numbers: list[int], per_procedure: int) -> None:
    """Applications, events, visits and drafts of every municipality, set-based."""
    engine = make_engine(setup.url)
    spacing = YEAR_SECONDS // (per_procedure * 10)
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL synchronous_commit = off"))
        connection.execute(text("CREATE TEMP TABLE bench_forms (tenant_id int, town int, form_id text, p int, "
                                "version_id int, reviewer_id int) ON COMMIT DROP"))
        connection.execute(text("""
            INSERT INTO bench_forms
            SELECT t.id AS tenant_id, substr(t.slug, 2)::int AS town, v.form_id,
                   substr(v.form_id, length(v.form_id) - 1)::int AS p, v.id AS version_id,
                   (SELECT s.id FROM staff_users s WHERE s.tenant_id = t.id AND s.username = 'bench-reviewer')
                       AS reviewer_id
            FROM tenants t JOIN form_versions v ON v.tenant_id = t.id
            WHERE t.slug = ANY(:slugs)"""), {"slugs": [slug_of(n) for n in numbers]})
        # Every municipality receives through the same year: ordered by time, then municipality.
        connection.execute(text(f"""
            INSERT INTO submissions (tenant_id, reception_number, form_id, version_id, answers, fee, channel,
                status, locale, created_at, updated_at, resident_issuer, resident_subject, assignee_id,
                lock_version, applicant_name, applicant_kana, computed, payment_required)
            SELECT f.tenant_id, {reception_sql("f.town::bigint * 1000000 + f.p * 50000 + k")}, f.form_id,
                f.version_id,
                jsonb_build_object('fields', jsonb_build_object(
                    'name', jsonb_build_object('family', (ARRAY['山田','佐藤','鈴木','高橋','田中'])[1 + k % 5],
                                               'given', (ARRAY['太郎','花子','一郎','美咲','翔'])[1 + k / 5 % 5]),
                    'kana', jsonb_build_object('family', 'ヤマダ', 'given', 'タロウ'), 'copies', 1),
                    'items', '{{}}'::jsonb),
                300, CASE WHEN k % 10 = 0 THEN 'counter' ELSE 'online' END, {STATUS_CASE}, 'ja',
                :start + make_interval(secs => (k * 10 + f.p) * {spacing}),
                :start + make_interval(secs => (k * 10 + f.p) * {spacing}),
                CASE WHEN k % 10 = 0 THEN NULL ELSE :issuer END,
                CASE WHEN k % 10 = 0 THEN NULL ELSE 'resident-' || f.town || '-' || (k % 3000) END,
                CASE WHEN {STATUS_CASE} = 'received' THEN NULL ELSE f.reviewer_id END,
                1, (ARRAY['山田','佐藤','鈴木','高橋','田中'])[1 + k % 5] || ' 太郎', 'ヤマダ タロウ',
                '{{}}'::jsonb, false
            FROM generate_series(0, :last) AS k CROSS JOIN bench_forms f
            ORDER BY k, f.p, f.town"""), {"start": START, "last": per_procedure - 1, "issuer": ISSUER})
        # A 申請 event per application and the moves its status implies.
        connection.execute(text("""
            INSERT INTO submission_events (tenant_id, submission_id, kind, actor, data, created_at)
            SELECT s.tenant_id, s.id, e.kind, e.actor, e.data::jsonb, s.created_at + make_interval(hours => e.hours)
            FROM submissions s CROSS JOIN LATERAL (VALUES
                ('submitted', 'resident', '{"channel": "online"}', 0, true),
                ('claimed', 'staff:bench', '{"from": "received", "to": "in_review"}', 20,
                    s.status NOT IN ('received', 'withdrawn')),
                ('correction_requested', 'staff:bench', '{"from": "in_review", "to": "correction_requested"}', 50,
                    s.status = 'correction_requested'),
                ('approved', 'staff:bench', '{"from": "in_review", "to": "approved"}', 80,
                    s.status IN ('approved', 'completed')),
                ('rejected', 'staff:bench', '{"from": "in_review", "to": "rejected"}', 70, s.status = 'rejected'),
                ('completed', 'staff:bench', '{"from": "approved", "to": "completed"}', 120,
                    s.status = 'completed'),
                ('withdrawn', 'resident', '{"from": "received", "to": "withdrawn"}', 10, s.status = 'withdrawn')
            ) AS e(kind, actor, data, hours, happened)
            WHERE e.happened ORDER BY s.id, e.hours"""))
        connection.execute(text("""
            INSERT INTO counter_visits (tenant_id, staff_id, identification, shared, created_at, closed_at)
            SELECT f.tenant_id, f.reviewer_id, 'card', '{}'::jsonb, s.created_at,
                   s.created_at + make_interval(mins => 5 + s.id % 20)
            FROM submissions s JOIN bench_forms f ON f.form_id = s.form_id
            WHERE s.channel = 'counter' ORDER BY s.id"""))
        # Drafts in progress: 100 per procedure started over the last days, a third saved by a
        # signed-in resident. (Expired ones are purged into draft_abandonments' tallies by
        # `formsvc purge-drafts` and its job; left in the table, the dashboard's 離脱 figure
        # would read each of them.)
        connection.execute(text("""
            INSERT INTO drafts (tenant_id, token, form_id, version_id, answers, completed_pages, locale, created_at,
                updated_at, expires_at, resident_issuer, resident_subject, channel)
            SELECT f.tenant_id, md5(f.form_id || '-' || k), f.form_id, f.version_id, '{}'::jsonb, '[]'::jsonb,
                'ja', now() - make_interval(hours => k), now() - make_interval(hours => k),
                now() + make_interval(days => 30, hours => -k),
                CASE WHEN k % 3 = 0 THEN :issuer END,
                CASE WHEN k % 3 = 0 THEN 'resident-' || f.town || '-' || k END, 'online'
            FROM generate_series(0, 99) AS k CROSS JOIN bench_forms f ORDER BY k, f.p, f.town"""),
            {"issuer": ISSUER})
        setup.submissions = connection.scalar(text("SELECT count(*) FROM submissions"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def build_rollups(setup: Setup) -> float:
    from formsvc.db import database

    with setup.app.app_context(), database().transaction() as session:
        began = time.perf_counter()
        rollups.refresh(session)
        took = time.perf_counter() - began
    engine = make_engine(setup.url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))  # what autovacuum does soon after in production
    engine.dispose()
    return took


def staff_client(app, username: str):
    client = app.test_client()
    page = client.get(f"/{MEASURED}/staff/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(f"/{MEASURED}/staff/login",
                           data={"csrf_token": token, "username": username, "password": PASSWORD})
    assert response.status_code == 302, f"could not sign in as {username}"
    return client


def resident_client(app):
    """A resident who started t050-p00 (its draft in the session): the question page's URL."""
    client = app.test_client()
    start = f"/{MEASURED}/forms/{MEASURED}-p00/"
    page = client.get(start)
    assert page.status_code == 200, page.status_code
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(f"{start}start", data={"csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


def prepare(setup: Setup, numbers: list[int], procedures: int, per_procedure: int) -> None:
    began = time.perf_counter()
    upgrade(setup.url)
    setup.app = create_app({"DATABASE_URL": setup.url, "SECRET_KEY": "bench", "TESTING": True,
                            "INSTANCE_DIR": os.environ["FORMSVC_INSTANCE_PATH"]})
    setup.app.logger.disabled = True
    make_municipalities(setup, numbers, procedures)
    made = time.perf_counter()
    load(setup, numbers, per_procedure)
    loaded = time.perf_counter()
    built = build_rollups(setup)
    setup.staff = staff_client(setup.app, "bench-reviewer")
    setup.manager = staff_client(setup.app, "bench-manager")
    setup.resident = resident_client(setup.app)
    first = START.astimezone(JST).strftime("%Y-%m")
    last = (START.replace(year=START.year + 1)).astimezone(JST).strftime("%Y-%m")
    setup.dashboard_query = f"/{MEASURED}/staff/dashboard?from={first}&to={last}"
    print(f"{setup.name}: {len(numbers)} municipalities, {setup.submissions:,} applications; made in "
          f"{made - began:.0f} s, loaded in {loaded - made:.0f} s, rollups built in {built:.0f} s", flush=True)


PAGES = ("queue", "queue form", "dashboard", "resident")


def request_of(setup: Setup, page: str):
    if page == "queue":
        return lambda: _ok(setup.staff.get(f"/{MEASURED}/staff/queue"))
    if page == "queue form":
        return lambda: _ok(setup.staff.get(f"/{MEASURED}/staff/queue?status=all&form={MEASURED}-p03"))
    if page == "dashboard":
        return lambda: _ok(setup.manager.get(setup.dashboard_query))
    return lambda: _ok(setup.resident.get(f"/{MEASURED}/forms/{MEASURED}-p00/pages/applicant"))


def _ok(response) -> None:
    assert response.status_code == 200, response.status_code


def same_pages(many: Setup, one: Setup) -> None:
    """The measured municipality shows the same queue in both (the data is the same)."""
    numbers = re.compile(r"/staff/submissions/([0-9A-Z]{8})")
    for query in ("", f"?status=all&form={MEASURED}-p03"):
        seen = [numbers.findall(setup.staff.get(f"/{MEASURED}/staff/queue{query}").text) for setup in (many, one)]
        assert seen[0] and len(seen[0]) == len(seen[1]), (len(seen[0]), len(seen[1]))


def plan(setup: Setup) -> None:
    engine = make_engine(setup.url)
    with engine.connect() as connection:
        tenant_id = connection.scalar(text("SELECT id FROM tenants WHERE slug = :s"), {"s": MEASURED})
        for label, sql in (
            ("queue, open, first page (one status branch)",
             "SELECT id FROM submissions WHERE tenant_id = :t AND status = 'received' "
             "ORDER BY created_at, id LIMIT 51"),
            ("queue, one procedure, all statuses (one branch)",
             "SELECT id FROM submissions WHERE tenant_id = :t AND form_id = :f AND status = 'completed' "
             "ORDER BY created_at, id LIMIT 51"),
            ("dashboard counts (the rates figure's shape)",
             "SELECT form_id, sum(applications) FROM dashboard_month_counts WHERE tenant_id = :t "
             "AND form_id = ANY(:forms) AND month BETWEEN '2025-04' AND '2026-04' GROUP BY form_id")):
            print(f"\n-- {setup.name}: {label}")
            for row in connection.execute(text(f"EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) {sql}"),
                                          {"t": tenant_id, "f": f"{MEASURED}-p03",
                                           "forms": [f"{MEASURED}-p{p:02d}" for p in range(10)]}):
                print(row[0])
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("TEST_DATABASE_URL",
                                                        "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--tenants", type=int, default=100, help="municipalities in the 'many' database")
    parser.add_argument("--procedures", type=int, default=10, help="procedures per municipality")
    parser.add_argument("--per-procedure", type=int, default=1000, help="applications per procedure")
    parser.add_argument("--rounds", type=int, default=6, help="interleaved rounds (each times every page)")
    parser.add_argument("--runs", type=int, default=7, help="timed requests per page per round (median)")
    parser.add_argument("--plan", action="store_true", help="print EXPLAIN ANALYZE of the main queries")
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases (URLs printed)")
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        parser.error("this benchmark is for PostgreSQL")
    measured = int(MEASURED[1:])
    if args.tenants < measured:
        measured_numbers = list(range(1, args.tenants + 1))
        measured_numbers[-1] = measured  # t050 is always among them
    else:
        measured_numbers = list(range(1, args.tenants + 1))
    setups = [Setup("many", *scratch_database(args.url)), Setup("one", *scratch_database(args.url))]
    began = time.perf_counter()
    try:
        prepare(setups[0], measured_numbers, args.procedures, args.per_procedure)
        prepare(setups[1], [measured], args.procedures, args.per_procedure)
        same_pages(*setups)
        if args.plan:
            for setup in setups:
                plan(setup)
        samples: dict[tuple[str, str], list[float]] = {(s.name, p): [] for s in setups for p in PAGES}
        for round_ in range(args.rounds):
            order = setups if round_ % 2 == 0 else setups[::-1]
            for setup in order:
                for page in PAGES:
                    samples[(setup.name, page)].append(timed(request_of(setup, page), args.runs))
            print(f"round {round_ + 1}/{args.rounds} done", flush=True)
        load_average = os.getloadavg()[0]
        print(f"\nmedian ms per request (median of {args.rounds} rounds × {args.runs} requests), "
              f"measured municipality {MEASURED}; load average {load_average:.1f} on {os.cpu_count()} cores")
        print(f"{'page':<12} {'many':>9} {'one':>9} {'many/one':>9}   rounds many | one")
        for page in PAGES:
            many = statistics.median(samples[("many", page)])
            one = statistics.median(samples[("one", page)])
            spread = " ".join(f"{v:.0f}" for v in samples[("many", page)]) + " | " + \
                " ".join(f"{v:.0f}" for v in samples[("one", page)])
            print(f"{page:<12} {many:>9.1f} {one:>9.1f} {many / one:>9.2f}   {spread}")
        print(f"\ngoal: many/one ≤ 1.2 for every page; total {time.perf_counter() - began:.0f} s")
    finally:
        for setup in setups:
            if setup.app is not None:
                from formsvc.db import database

                with setup.app.app_context():
                    database().engine.dispose()
            if args.keep:
                print(f"kept {setup.name}: {setup.url}")
            else:
                setup.drop()


if __name__ == "__main__":
    main()
