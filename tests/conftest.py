"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is used when TEST_DATABASE_URL is set (`.ci/run` sets it). Outside CI a missing
URL skips the PostgreSQL half with a reason; in CI (CI=true) it is an error, so nothing is
skipped for want of a service.
"""

from __future__ import annotations

import os
import tempfile

import pytest
from sqlalchemy import create_engine, text

# Keep tests away from the developer's instance/ folder (database, secret key, uploads).
os.environ.setdefault("FORMSVC_INSTANCE_PATH", tempfile.mkdtemp(prefix="formsvc-test-instance-"))
os.environ.pop("DATABASE_URL", None)

from formsvc import create_app
from formsvc.db import Base, database
from formsvc.migrate import upgrade
from tests.backends import require_postgres


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    """A migrated database of each kind, created once per test session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'formsvc.sqlite3'}"
    else:
        url = require_postgres()
        reset_postgres(url)
    upgrade(url)
    return url


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
    database_of(app).engine.dispose()


def database_of(app):
    with app.app_context():
        return database()


def empty_all_tables(app) -> None:
    """Tests share one migrated database per backend; each test starts from empty tables."""
    engine = database_of(app).engine
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


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
