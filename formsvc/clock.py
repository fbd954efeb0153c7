"""One clock for every "today" and "now": Japan time, whatever the server's time zone.

The dates of a municipal procedure (受取希望日, 申請日, the date printed on a record) are
Japanese dates. A server's local date (``date.today()``) on a machine in UTC is yesterday from
00:00 to 09:00 JST, so nothing outside this module asks the system for the date. Stored moments
stay in UTC (``formsvc.db.utcnow``); this module is for what a person reads.

Tests fix the day with the ``japan_today`` fixture (tests/conftest.py), which replaces
``_read_system_clock``; there is no setting for it in production.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


def _read_system_clock() -> datetime:
    return datetime.now(JST)


def now() -> datetime:
    """The moment in Japan time."""
    return _read_system_clock()


def today() -> date:
    """Today's date in Japan."""
    return now().date()
