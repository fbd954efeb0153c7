"""The two things SQLite and PostgreSQL spell differently, as SQL expressions.

Every figure is grouped in the database (a million submissions never travel to Python); these
let one query serve both backends. Times are stored in UTC; months are Japan's (no summer time,
so +9 hours is exact).
"""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.ext.compiler import compiles
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
    # EXTRACT gives numeric since PostgreSQL 14; the rollups take its logarithm, far faster in float.
    return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION)"
