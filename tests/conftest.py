"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is used when TEST_DATABASE_URL is set (`.ci/run` sets it). Outside CI a missing
URL skips the PostgreSQL half with a reason; in CI (CI=true) it is an error, so nothing is
skipped for want of a service.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import Pool

# Keep tests away from the developer's instance/ folder (database, secret key, uploads).
os.environ.setdefault("FORMSVC_INSTANCE_PATH", tempfile.mkdtemp(prefix="formsvc-test-instance-"))
os.environ.pop("DATABASE_URL", None)

from argon2 import PasswordHasher
from flask import Flask

from formsvc import clock, create_app
from formsvc.db import Base, database
from formsvc.migrate import upgrade
from formsvc.staff import accounts
from formsvc.tenants.models import Tenant
from tests.backends import require_postgres
from tests.route_cache import share_parsed_rules, share_url_builders
from tests.sql_cache import share_compiled_sql
from tests.template_cache import SharedTemplateCode

# Every app of the run (one per test) reuses the templates the others compiled
# (tests/template_cache.py): compiling them again was about a third of the suite's time.
SHARED_TEMPLATE_CODE = SharedTemplateCode()
Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": SHARED_TEMPLATE_CODE}
# And the functions that build their URLs and the parsed rules (tests/route_cache.py), for the same reason.
share_url_builders()
share_parsed_rules()
# And the SQL their engines compiled (tests/sql_cache.py).
share_compiled_sql()


@event.listens_for(Pool, "connect")
def _sqlite_without_fsync(dbapi_connection, _record) -> None:
    """The test databases are thrown away: waiting for the disk at every commit (~9 ms) buys nothing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()


# Staff passwords are hashed with argon2id as in production, at its lowest cost: the production
# cost (64 MiB, 3 passes: ~0.5 s a hash or check on the loaded 2-core machine) took almost a third
# of the time of the tests that sign staff in. tests/test_suite_speed.py: production keeps its cost.
PRODUCTION_PASSWORD_HASHER = accounts.HASHER
accounts.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
accounts._DUMMY_HASH = accounts.HASHER.hash("no such account")


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook
def pytest_xdist_make_scheduler(config, log):
    """make test (--dist loadgroup): the browser tests together on one worker."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests.browser_scheduling import BrowserTestsTogether

    return BrowserTestsTogether(config, log)


# "Today" in Japan for the whole run: dates typed in tests are counted from it, and the app's clock
# (formsvc.clock) is held on the same day, so that a run going past midnight still agrees.
JAPAN_TODAY = clock.today()
SYSTEM_CLOCK = clock._read_system_clock


def hold_clock(monkeypatch, day: date) -> date:
    """Hold the app's clock on ``day`` in Japan; the time of day keeps running."""
    monkeypatch.setattr(clock, "_read_system_clock",
                        lambda: datetime.combine(day, datetime.now(clock.JST).timetz()))
    return day


@dataclass
class HeldMoment:
    """The app's clock held still: a test moves it by setting ``at``."""

    at: datetime


def hold_moment(monkeypatch, at: datetime) -> HeldMoment:
    """Hold the app's clock still at ``at`` (an aware datetime), for times of day that matter."""
    held = HeldMoment(at)
    monkeypatch.setattr(clock, "_read_system_clock", lambda: held.at)
    return held


@pytest.fixture(autouse=True)
def japan_today(monkeypatch):
    """The app's clock keeps running, on JAPAN_TODAY (the live browser server's thread too)."""
    return hold_clock(monkeypatch, JAPAN_TODAY)


def day_in_period(valid_from: date | None, valid_until: date | None, today: date) -> date:
    """``today`` when the 受付期間 (both ends included) holds it, else the period's day nearest to it."""
    if valid_from is not None and today < valid_from:
        return valid_from
    if valid_until is not None and today > valid_until:
        return valid_until
    return today


@contextmanager
def clock_in_period(definition) -> Iterator[date]:
    """While walking ``definition``, hold the clock on a day it takes applications: the clock's
    day when its valid_from/valid_until hold it (no change), else the period's nearest day.

    A test walking every shipped procedure must not start failing the day a 受付期間 ends
    (令和8年度's closes on 2027-03-31) or fail before it opens. Dates the walk types are counted
    from the day given back (example answers read the clock, so they follow)."""
    today = clock.today()
    day = day_in_period(definition.valid_from, definition.valid_until, today)
    with pytest.MonkeyPatch.context() as patch:
        if day != today:
            hold_clock(patch, day)
        yield day


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    """A migrated database of each kind, created once per test session.

    On PostgreSQL every test session gets a database of its own (created from
    TEST_DATABASE_URL, dropped at the end), so that test runs can go on side by side.
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'formsvc.sqlite3'}"
    else:
        url = fresh_postgres_database(require_postgres(), request)
    upgrade(url)
    return url


def fresh_postgres_database(base_url: str, request) -> str:
    name = f"formsvc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        # A throw-away database: a commit need not wait for the disk (~5 ms each, most tests commit often).
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    request.addfinalizer(drop)
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_DIR": str(tmp_path),
    })
    yield app
    empty_all_tables(app)
    database_of(app).dispose()


def database_of(app):
    with app.app_context():
        return database()


def empty_all_tables(app) -> None:
    """Tests share one migrated database per backend; each test starts from empty tables."""
    engine = database_of(app).engine
    tables = reversed(Base.metadata.sorted_tables)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # One round trip for every table (a statement each took ~30 ms a test); TRUNCATE is
            # slower still on tables this small.
            preparer = engine.dialect.identifier_preparer
            connection.exec_driver_sql("; ".join(
                f"DELETE FROM {preparer.format_table(table)}{keep_default_tenant(table)}" for table in tables))
        else:
            for table in tables:
                connection.exec_driver_sql(f"DELETE FROM {table.name}{keep_default_tenant(table)}")
        # and as the migration made it (a test may have named it, given it a logo, …)
        connection.execute(Tenant.__table__.update().where(Tenant.id == 1).values(
            slug="default", name=None, address=None, code=None, host=None, colour="blue", contact={},
            logo=None, logo_digest=None, logo_width=None, logo_height=None, active=True, note=None))


def keep_default_tenant(table) -> str:
    """The default tenant (made by migration 0021) stays, as in every install."""
    return " WHERE id <> 1" if table.name == "tenants" else ""


@pytest.fixture(scope="session")
def key_instance_dir(tmp_path_factory):
    """One instance folder (and so one RSA key of the mock provider) for the whole session:
    generating it is slow."""
    return tmp_path_factory.mktemp("mock-idp-instance")


def make_demo_app(database_url: str, instance_dir, **overrides):
    """Demo mode with the mock My Number card provider mounted at /mock-idp."""
    return create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_DIR": str(instance_dir),
        "FORMSVC_DEMO": True,
        "MOCK_IDP_ENABLED": True,
        # The demo client's secret is derived from SECRET_KEY (whatever the developer's shell says).
        "OIDC_CLIENT_SECRET": None,
        **overrides,
    })


@pytest.fixture
def demo_app(database_url, key_instance_dir):
    """Residents sign in with the mock provider's test cards."""
    app = make_demo_app(database_url, key_instance_dir)
    yield app
    empty_all_tables(app)
    database_of(app).dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db_session(app):
    """A session of the test's own, outside any app context: requests made by the test client
    while it is open get their own app context and session, as in production."""
    with database_of(app).session_factory() as session:
        yield session


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
