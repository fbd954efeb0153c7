"""受付期間: which version is in force on a day (formsvc.forms.periods), without a database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from formsvc.forms.periods import (
    CLOSED,
    OPEN,
    UPCOMING,
    english_date,
    in_force,
    period_text,
    reception,
    version_states,
)


@dataclass(frozen=True)
class V:
    number: int
    valid_from: date | None = None
    valid_until: date | None = None


D = date


def numbers(versions, day):
    found = in_force(versions, day)
    return found.number if found else None


def test_versions_without_dates_behave_as_before_the_newest_wins():
    versions = [V(1), V(2), V(3)]
    assert numbers(versions, D(2026, 6, 1)) == 3


def test_next_fiscal_years_version_published_ahead_takes_over_on_its_day():
    this_year = V(1, D(2026, 4, 1), D(2027, 3, 31))
    next_year = V(2, D(2027, 4, 1), D(2028, 3, 31))
    versions = [this_year, next_year]
    assert numbers(versions, D(2026, 3, 31)) is None
    assert numbers(versions, D(2026, 4, 1)) == 1
    assert numbers(versions, D(2027, 3, 31)) == 1
    assert numbers(versions, D(2027, 4, 1)) == 2
    assert numbers(versions, D(2028, 4, 1)) is None


def test_an_open_ended_version_hands_over_to_one_published_ahead():
    versions = [V(1), V(2, D(2027, 4, 1))]
    assert numbers(versions, D(2027, 3, 31)) == 1
    assert numbers(versions, D(2027, 4, 1)) == 2


def test_a_newer_version_with_an_end_closes_the_procedure_the_older_one_does_not_come_back():
    versions = [V(1), V(2, None, D(2026, 12, 28))]
    assert numbers(versions, D(2026, 12, 28)) == 2
    assert numbers(versions, D(2026, 12, 29)) is None
    found = reception(versions, D(2027, 1, 5))
    assert found is not None and found.state == CLOSED and found.closed_on == D(2026, 12, 28)
    assert found.version.number == 2
    assert found.notice() == "受付期間は2026年12月28日で終了しました"
    assert found.notice("en") == "Applications closed on 28 December 2026."


def test_a_correction_of_this_year_published_after_next_year_leaves_next_year_alone():
    versions = [V(1, None, D(2027, 3, 31)), V(2, D(2027, 4, 1)), V(3, None, D(2027, 3, 31))]
    assert numbers(versions, D(2027, 3, 1)) == 3
    assert numbers(versions, D(2027, 4, 1)) == 2


def test_an_ended_next_years_version_that_replaced_an_open_ended_one_closes():
    versions = [V(1), V(2, D(2027, 4, 1), D(2028, 3, 31))]
    assert numbers(versions, D(2028, 4, 1)) is None


def test_upcoming_says_when_it_opens():
    found = reception([V(1, D(2027, 4, 1))], D(2026, 6, 1))
    assert found is not None and found.state == UPCOMING and found.opens_on == D(2027, 4, 1)
    assert found.notice() == "この手続きは2027年4月1日から受け付けます"
    assert found.notice("en") == "Applications for this procedure open on 1 April 2027."


def test_a_closed_procedure_with_a_version_coming_is_upcoming():
    versions = [V(1, None, D(2026, 12, 28)), V(2, D(2027, 4, 1))]
    found = reception(versions, D(2027, 1, 5))
    assert found is not None and found.state == UPCOMING and found.version.number == 2


def test_open_reception_carries_the_period():
    found = reception([V(1, D(2027, 4, 1), D(2028, 3, 31))], D(2027, 5, 1))
    assert found is not None and found.state == OPEN and found.notice() is None
    assert found.period() == "2027年4月1日から2028年3月31日まで"
    assert found.period("en") == "From 1 April 2027 until 31 March 2028"


def test_no_versions_no_reception():
    assert reception([], D(2026, 1, 1)) is None


def test_version_states_for_the_admin_page():
    versions = [V(1), V(2, D(2027, 4, 1)), V(3, D(2028, 4, 1))]
    states = version_states(versions, D(2026, 6, 1))
    assert states[1].state == "in_force"
    assert states[2].state == "scheduled" and states[2].from_day == D(2027, 4, 1)
    assert states[3].state == "scheduled" and states[3].from_day == D(2028, 4, 1)
    later = version_states(versions, D(2027, 4, 1))
    assert later[1].state == "past" and later[2].state == "in_force"


def test_the_last_day_of_the_calendar_does_not_overflow():
    versions = [V(1, None, date.max)]
    assert numbers(versions, date.max) == 1
    assert version_states(versions, D(2026, 1, 1))[1].state == "in_force"


@pytest.mark.parametrize(("start", "end", "text"), [
    (None, None, None),
    (D(2027, 4, 1), None, "2027年4月1日から"),
    (None, D(2027, 3, 31), "2027年3月31日まで"),
])
def test_period_text(start, end, text):
    assert period_text(start, end) == text


def test_english_month_names_do_not_depend_on_the_server_locale():
    assert english_date(D(2027, 12, 28)) == "28 December 2027"
