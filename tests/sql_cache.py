"""Compiled SQL shared by every engine the test run makes for the same database.

SQLAlchemy compiles each statement once per engine and keeps it in the engine's cache, keyed by
the engine's dialect object. With an app (and so an engine) per test, every test compiled its
statements again: ~15 % of the time of a test that makes a few requests. Engines made for the
same URL (formsvc.db.make_engine sets them up the same way) are given the first one's dialect and
compiled cache, so a statement compiled in one test is found in the next.

Each test still has an engine and a connection pool of its own (its event listeners, its
connections and formsvc.forms.catalog's per-engine cache stay its own); only the dialect — the
settings for one kind of server, the same for every engine of that URL — and the compiled SQL
that follows from it are shared.
"""

from __future__ import annotations

from sqlalchemy.engine import Dialect, Engine

from formsvc import db

_original_make_engine = db.make_engine
_shared: dict[tuple[str, str], tuple[Dialect, object]] = {}


def _make_engine_sharing_compiled_sql(url: str, **options) -> Engine:
    engine = _original_make_engine(url, **options)
    # A dialect holds its isolation level (Database.autocommit_engine's is AUTOCOMMIT): one per level.
    key = (url, repr(sorted(options.items())))
    dialect, compiled_cache = _shared.setdefault(key, (engine.dialect, engine._compiled_cache))
    engine.dialect = dialect
    engine._compiled_cache = compiled_cache  # type: ignore[assignment]
    return engine


def share_compiled_sql() -> None:
    db.make_engine = _make_engine_sharing_compiled_sql
