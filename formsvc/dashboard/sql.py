"""The two things SQLite and PostgreSQL spell differently, as SQL expressions.

Every figure is grouped in the database (a million submissions never travel to Python); these
let one query serve both backends. Times are stored in UTC; months are Japan's (no summer time,
so +9 hours is exact).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, String, case, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class month_in_japan(FunctionElement):
    """'YYYY-MM' of a stored moment, in Japan time."""

    type = String()
    inherit_cache = True
    name = "month_in_japan"


@compiles(month_in_japan)
def _month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)}, '+9 hours')"


@compiles(month_in_japan, "postgresql")
def _month_postgresql(element, compiler, **kw):
    return f"to_char(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM')"


class seconds_between(FunctionElement):
    """``later`` − ``earlier`` in seconds (a float)."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between)
def _seconds_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


def nearest_rank(n: ColumnElement[Any], percent: int) -> ColumnElement[Any]:
    """The rank of the ``percent``-th percentile among ``n`` sorted values (nearest-rank method:
    ⌈n × p / 100⌉), in integer arithmetic both databases do the same way."""
    return (n * literal(percent) + literal(99)) // literal(100)


def value_at_rank(rank: ColumnElement[Any], wanted: ColumnElement[Any], value: ColumnElement[Any]):
    return func.max(case((rank == wanted, value)))
