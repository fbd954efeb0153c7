"""Database access: one engine per app, one session per request or CLI command.

We use SQLAlchemy directly (no Flask-SQLAlchemy) so that models, CLI commands, tests and
benchmarks share exactly the same engine set-up.
"""

from __future__ import annotations

import json
import os
import select
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, current_app, g
from sqlalchemy import JSON, DateTime, Executable, MetaData, Select, create_engine, event, inspect, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached, sessionmaker
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# JSONB on PostgreSQL (indexable, queryable); JSON text elsewhere.
JSONDocument = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use formsvc.db.utcnow()")
        # In UTC: SQLite keeps the wall time without its offset, and compares times as text.
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


def dumps_readable(value) -> str:
    # ensure_ascii=False keeps Japanese text readable (and LIKE-searchable) in the database.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# A pooled server connection is replaced after this long (seconds), before a firewall or a
# load balancer between us and the server drops it silently while it waits in the pool.
POOL_RECYCLE_SECONDS = 1800


def make_engine(url: str, **options: Any) -> Engine:
    """The engine of ``url`` as formsvc uses it; ``options`` for create_engine on top (e.g. the
    autocommit engine of a Database)."""
    options = {"json_serializer": dumps_readable, "future": True, **options}
    if url.startswith("sqlite"):
        options["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        # No pool_pre_ping: its SELECT 1 was a round trip on every request. A connection the
        # server closed (a restart, pg_terminate_backend, idle_session_timeout) is found without
        # one when it leaves the pool (_refuse_closed_connection); one dropped silently on the way
        # is recycled first; and any other disconnect still invalidates the pool (SQLAlchemy).
        options["pool_recycle"] = POOL_RECYCLE_SECONDS
    engine = create_engine(url, **options)
    if engine.dialect.name != "sqlite":
        event.listen(engine, "checkout", _refuse_closed_connection)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine


def _refuse_closed_connection(dbapi_connection, _record, _proxy) -> None:
    """Refuse a pooled connection that the server has closed, so that the pool connects again.

    An idle connection has nothing to read: if its socket is readable, the server has said
    goodbye (an error and end of file) while it waited in the pool. Asking the socket costs
    no round trip, unlike pool_pre_ping's SELECT 1.
    """
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        raise DisconnectionError("the connection is closed")
    pgconn = getattr(dbapi_connection, "pgconn", None)  # psycopg 3
    fileno = pgconn.socket if pgconn is not None else getattr(dbapi_connection, "fileno", lambda: None)()
    if fileno is None or fileno < 0:
        return
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLPRI)
    if poller.poll(0):
        raise DisconnectionError("the server closed the connection while it was in the pool")


# Every engine of this process, so that a forked child starts with empty pools.
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
# Each engine's engine for reads outside a transaction (Database.autocommit_engine).
_autocommit_engines: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _forget_parents_connections() -> None:
    """In a child process (gunicorn --preload forks the workers after create_app): never use
    the parent's pooled connections, which the parent may use at the same time."""
    for engine in list(_engines):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_parents_connections)


class Database:
    """Holds the engines and session factory of one Flask app."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        _engines.add(self.engine)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        # Reads before a session's transaction (first_outside_transaction) take connections of their
        # own, always in autocommit mode: switching a pooled connection to autocommit and back cost
        # more than the read (~0.1 ms). A worker keeps one more idle connection for them. An
        # in-memory SQLite database is one per connection pool: shared there.
        self.autocommit_engine: Engine
        if make_url(url).database in (None, "", ":memory:"):
            self.autocommit_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        else:
            self.autocommit_engine = make_engine(url, isolation_level="AUTOCOMMIT")
            _engines.add(self.autocommit_engine)
        _autocommit_engines[self.engine] = self.autocommit_engine

    def dispose(self) -> None:
        """Close every pooled connection (a test's end, a database switched)."""
        self.engine.dispose()
        self.autocommit_engine.dispose()

    def is_reachable(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:  # any driver error means "not reachable" for a health check
            return False

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed as a whole or not at all."""
        with self.session_factory() as session, session.begin():
            yield session


# --- a row read, or one statement written, outside the request's transaction ---------------------

Model = TypeVar("Model", bound=Base)
# In a session's info while a transaction of it holds a connection (statements sent, not ended).
_CONNECTED = "formsvc.db.connected"


@event.listens_for(Session, "after_begin")
def _note_connected(session: Session, _transaction, _connection) -> None:
    session.info[_CONNECTED] = True


@event.listens_for(Session, "after_transaction_end")
def _note_ended(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CONNECTED, None)


def has_nothing_in_flight(session: Session) -> bool:
    """Whether ``session`` has sent no statement in a transaction not ended yet, and has nothing
    added, changed or deleted to write: what ``execute_outside_transaction`` needs."""
    return not session.info.get(_CONNECTED) and not (session.new or session.dirty or session.deleted)


def _autocommit_engine(session: Session) -> Engine:
    engine = session.get_bind()
    assert isinstance(engine, Engine), "sessions are bound to an engine (formsvc.db.Database)"
    autocommit = _autocommit_engines.get(engine)
    if autocommit is None:  # an engine made outside a Database: the same connections, switched
        autocommit = _autocommit_engines[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return autocommit


def is_untouched(session: Session) -> bool:
    """Whether ``session`` has neither a transaction nor an object yet (nothing read, nothing
    written): what ``first_outside_transaction`` needs."""
    return not session.in_transaction() and not session.identity_map


def first_outside_transaction(session: Session, model: type[Model], statement: Select[Any],
                              params: dict[str, Any]) -> Model | None:
    """The first row of ``statement`` (a Core select of every column of ``model``'s table) as a
    ``model`` of ``session``, read with the connection in autocommit mode. Only for an untouched
    session (``is_untouched``): it may not see what the session has not committed.

    Why: a page that only reads its draft then costs the database one round trip instead of
    three (BEGIN, the SELECT, and the ROLLBACK that ends the session), and the server less work
    (bench/README.md, resident_page.py). One SELECT sees the same committed rows in a transaction
    or not. The object joins the session as if the session had read it: what the request changes
    in it is written by the session's own transaction, as before.
    """
    with _autocommit_engine(session).connect() as connection:
        row = connection.execute(statement, params).first()
    if row is None:
        return None
    values = row._mapping
    instance = model(**{key: values[column] for key, column in inspect(model).columns.items()})
    make_transient_to_detached(instance)  # loaded as it is stored: no change to write
    session.add(instance)
    return instance


def execute_outside_transaction(session: Session, statement: Executable, params: dict[str, Any]) -> None:
    """Execute one writing statement in autocommit mode: committed as it runs, in one round trip
    instead of BEGIN, the statement and COMMIT. Only when ``session`` has nothing in flight
    (``has_nothing_in_flight``): its statement would otherwise not be atomic with the session's
    work, and could wait for a row lock the session's own transaction holds."""
    with _autocommit_engine(session).connect() as connection:
        connection.execute(statement, params)


def init_app(app: Flask) -> None:
    app.extensions["formsvc.db"] = Database(app.config["DATABASE_URL"])

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def database() -> Database:
    return current_app.extensions["formsvc.db"]


def session() -> Session:
    """The request's session; closed (and rolled back if uncommitted) at teardown."""
    if "db_session" not in g:
        g.db_session = database().session_factory()
    return g.db_session


def roll_back_session() -> None:
    """Undo the request's uncommitted work, so that the session can be used again.

    After a failed flush every query raises PendingRollbackError until this is done (the error
    page asks who is signed in). A session whose connection is gone is dropped instead: the
    next ``session()`` starts a fresh one.
    """
    current = g.get("db_session")
    if current is None:
        return
    try:
        current.rollback()
    except SQLAlchemyError:
        g.pop("db_session", None)
        with suppress(SQLAlchemyError):
            current.invalidate()
