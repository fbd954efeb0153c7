"""formsvc.db's column types on both backends."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from sqlalchemy import select

from formsvc.clock import JST
from formsvc.db import database
from formsvc.forms.models import Form


def test_a_japan_time_is_stored_as_the_same_moment_and_compares_with_utc(app):
    nine_in_japan = datetime(2027, 4, 1, 9, 0, tzinfo=JST)
    with app.app_context(), database().transaction() as session:
        session.add(Form(id="moment", created_at=nine_in_japan))
    with app.app_context(), database().transaction() as session:
        stored = session.get(Form, "moment").created_at
        before_three_utc = session.scalars(
            select(Form.id).where(Form.created_at < datetime(2027, 4, 1, 3, 0, tzinfo=UTC))).all()
    assert stored == datetime(2027, 4, 1, 0, 0, tzinfo=UTC)
    assert before_three_utc == ["moment"]


def test_reads_outside_a_transaction_have_connections_of_their_own(app):
    """Database.autocommit_engine's connections stay in autocommit mode (switching a pooled
    connection there and back cost more than the read, issue 17); the session's stay
    transactional; disposing the database closes both pools."""
    with app.app_context():
        db = database()
        with db.autocommit_engine.connect() as connection:
            assert _autocommits(connection)
            assert connection.execute(select(Form.id)).all() == []
        with db.session_factory() as session:
            assert not _autocommits(session.connection())
        assert db.autocommit_engine.pool is not db.engine.pool
        db.dispose()
        assert db.autocommit_engine.pool.checkedin() == 0 and db.engine.pool.checkedin() == 0


def _autocommits(connection) -> bool:
    raw = connection.connection.dbapi_connection
    if isinstance(raw, sqlite3.Connection):
        return raw.isolation_level is None  # Python 3.11's sqlite3: no .autocommit yet
    return raw.autocommit
