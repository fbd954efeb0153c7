"""Every "today" is the date in Japan, whatever time zone the server runs in."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from formsvc import clock
from formsvc.fields import FieldContext
from tests.conftest import SYSTEM_CLOCK

# Between them, at every moment of the day one of these zones has a date other than Japan's
# (UTC-12 is behind all day but 12:00-15:00 UTC, UTC+14 ahead from 10:00 to 15:00 UTC).
SERVER_ZONES = ("Etc/GMT+12", "Etc/GMT-14", "UTC")


@pytest.fixture
def server_zone(monkeypatch):
    monkeypatch.setattr(clock, "_read_system_clock", SYSTEM_CLOCK)  # the real clock, not the test day

    def move_to(zone: str) -> None:
        monkeypatch.setenv("TZ", zone)
        time.tzset()

    yield move_to
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("zone", SERVER_ZONES)
def test_today_is_japans_date_on_a_server_in_any_time_zone(server_zone, zone):
    server_zone(zone)
    in_japan = datetime.now(ZoneInfo("Asia/Tokyo")).date()
    assert clock.today() == in_japan
    assert FieldContext().today == in_japan  # what every page's date bounds count from
    assert clock.now().utcoffset().total_seconds() == 9 * 3600

