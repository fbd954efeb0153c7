"""A pooled PostgreSQL connection that the server closed is replaced before use, without
pool_pre_ping's SELECT 1 on every checkout (formsvc.db._refuse_closed_connection)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, event, text

from formsvc.db import make_engine


@pytest.fixture
def postgres_url(database_url) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no server to close connections")
    return database_url


def test_no_round_trip_to_check_a_pooled_connection(postgres_url):
    engine = make_engine(postgres_url)
    try:
        assert not engine.pool._pre_ping
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_: statements.append(statement))
        with engine.connect() as connection:
            connection.execute(text("SELECT 2"))
        assert statements == ["SELECT 2"]
    finally:
        engine.dispose()


def test_a_connection_the_server_closed_is_replaced(postgres_url):
    engine = make_engine(postgres_url)
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        with admin.connect() as connection:  # a server restart or an administrator's kill
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(50):  # the server's goodbye reaches the socket
            with admin.connect() as connection:
                gone = not connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                                              {"pid": pid}).scalar()
            if gone:
                break
            time.sleep(0.05)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        engine.dispose()
        admin.dispose()
