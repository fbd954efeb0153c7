"""受付期間 as moments (Form.opens_at / closes_at) on top of the versions' days, and scheduled
versions (FormVersion.effective_at) left out until their moment: formsvc.forms.periods and catalog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from formsvc import clock
from formsvc.db import database
from formsvc.forms.catalog import draft_sending_closed, in_force_on, published, reception_on
from formsvc.forms.models import Form
from formsvc.forms.periods import CLOSED, OPEN, UPCOMING, reception, sending_closed, timed
from tests.conftest import hold_moment
from tests.resident.test_application_periods import FORM, R8, publish

JST = clock.JST
OPENS = datetime(2027, 4, 1, 9, 0, tzinfo=JST)
CLOSES = datetime(2027, 4, 30, 17, 0, tzinfo=JST)


@dataclass
class V:
    number: int
    valid_from: date | None = None
    valid_until: date | None = None


def test_an_open_procedure_is_upcoming_before_its_opening_moment_and_closed_from_its_closing_moment():
    versions = [V(1)]
    at = {moment: timed(reception(versions, moment.date()), OPENS, CLOSES, moment)
          for moment in (datetime(2027, 4, 1, 8, 59, tzinfo=JST), OPENS, datetime(2027, 4, 30, 16, 59, tzinfo=JST),
                         CLOSES)}
    assert [found.state for found in at.values()] == [UPCOMING, OPEN, OPEN, CLOSED]
    before, _, _, after = at.values()
    assert before.notice() == "受付開始前（2027年4月1日 9時00分から）"
    assert after.notice() == "受付終了（2027年4月30日 17時00分まで）"
    assert before.notice("en") == "Not open yet (from 1 April 2027, 9:00)."
    assert at[OPENS].period() == "2027年4月1日 9時00分から2027年4月30日 17時00分まで"


def test_the_moments_are_japan_time_whatever_the_stored_zone():
    utc = OPENS.astimezone(clock.JST).astimezone(tz=None)
    found = timed(reception([V(1)], date(2027, 3, 1)), utc, None, datetime(2027, 3, 1, tzinfo=JST))
    assert found.notice() == "受付開始前（2027年4月1日 9時00分から）"


def test_the_days_still_apply_inside_the_moments():
    versions = [V(1, valid_from=date(2027, 4, 10))]
    moment = datetime(2027, 4, 5, 12, 0, tzinfo=JST)
    found = timed(reception(versions, moment.date()), OPENS, CLOSES, moment)
    assert found.state == UPCOMING and found.notice() == "この手続きは2027年4月10日から受け付けます"
    # The text is when applications are really taken: the later start, the earlier end.
    assert found.period() == "2027年4月10日から2027年4月30日 17時00分まで"


def test_the_period_shown_is_the_intersection_of_the_moments_and_the_days():
    moment = datetime(2027, 4, 12, 12, 0, tzinfo=JST)

    def period(valid_from, valid_until, opens_at, closes_at, locale="ja"):
        versions = [V(1, valid_from=valid_from, valid_until=valid_until)]
        return timed(reception(versions, moment.date()), opens_at, closes_at, moment).period(locale)

    # the version's last day ends before the closing moment: its day is the end
    assert period(None, date(2027, 4, 20), OPENS, CLOSES) == "2027年4月1日 9時00分から2027年4月20日まで"
    # the closing moment falls on the version's last day: the moment is the end
    assert period(None, date(2027, 4, 30), OPENS, CLOSES) == "2027年4月1日 9時00分から2027年4月30日 17時00分まで"
    # the opening moment is after the version's first day: the moment is the start
    assert period(date(2027, 3, 1), date(2027, 5, 31), OPENS, CLOSES) == \
        "2027年4月1日 9時00分から2027年4月30日 17時00分まで"
    # the version's first day is after the opening moment's day; only a closing moment
    assert period(date(2027, 4, 10), None, OPENS, None) == "2027年4月10日から"
    assert period(date(2027, 4, 10), date(2027, 4, 20), None, CLOSES) == "2027年4月10日から2027年4月20日まで"
    assert period(date(2027, 4, 10), date(2027, 4, 20), OPENS, CLOSES, "en") == \
        "From 10 April 2027 until 20 April 2027"


def test_no_moments_leave_the_day_rule_as_it_was():
    found = reception([V(1, valid_until=date(2027, 3, 31))], date(2027, 4, 1))
    assert timed(found, None, None, datetime(2027, 4, 1, tzinfo=JST)) is found


def test_a_draft_is_sent_only_before_the_closing_moment_and_a_correction_always_is():
    before = datetime(2027, 4, 30, 16, 59, tzinfo=JST)
    assert sending_closed(None, before.date(), closes_at=CLOSES, now=before) is None
    assert sending_closed(None, CLOSES.date(), closes_at=CLOSES, now=CLOSES) == \
        "この申請の受付は2027年4月30日 17時00分で終了したため、送信できません。"
    assert sending_closed(None, CLOSES.date(), closes_at=CLOSES, now=CLOSES, correction=True) is None


@pytest.fixture
def moment(monkeypatch):
    return hold_moment(monkeypatch, datetime(2027, 3, 1, 10, 0, tzinfo=JST))


def set_times(app, opens_at, closes_at) -> None:
    with app.app_context(), database().transaction() as session:
        form = session.get_one(Form, FORM)
        form.opens_at, form.closes_at = opens_at.astimezone(UTC), closes_at.astimezone(UTC)


def test_the_catalog_follows_the_procedures_moments_with_the_clock(app, moment):
    publish(app, R8.replace("valid_until: 2027-03-31", "valid_until: 2027-12-31"))
    set_times(app, OPENS, CLOSES)
    with app.app_context(), database().transaction() as session:
        found = reception_on(session, FORM, moment.at.date())
        assert found.state == UPCOMING and found.notice() == "受付開始前（2027年4月1日 9時00分から）"
        assert in_force_on(session, FORM, moment.at.date()) is None
        assert in_force_on(session, FORM, date(2027, 4, 1), now=OPENS) is not None
        assert reception_on(session, FORM, date(2027, 4, 30), now=CLOSES).state == CLOSED
        moment.at = CLOSES
        assert draft_sending_closed(session, FORM, None) == \
            "この申請の受付は2027年4月30日 17時00分で終了したため、送信できません。"
        assert draft_sending_closed(session, FORM, None, correction=True) is None
        assert draft_sending_closed(session, "no-such-form", None) is None


def test_the_newest_published_version_waits_for_its_moment_too(app, moment):
    publish(app, R8)
    publish(app, R8.replace("令和8年度", "令和9年度"))
    with app.app_context(), database().transaction() as session:
        form = session.get_one(Form, FORM)
        form.versions[-1].effective_at = datetime(2027, 4, 1, tzinfo=UTC)
    with app.app_context(), database().transaction() as session:
        assert published(session, FORM).version_number == 1
        moment.at = datetime(2027, 4, 1, 9, 0, tzinfo=JST)
        assert published(session, FORM).version_number == 2
