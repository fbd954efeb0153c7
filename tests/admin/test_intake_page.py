"""The 受付期間 page: an administrator sets the opening and closing date-times (Japan time) with
date and time inputs; they apply at once (no publishing), are audited, and bad input is refused
in Japanese beside the input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from formsvc import clock
from formsvc.db import database
from formsvc.forms.models import Form
from tests.admin.support import (
    FORM,
    admin_client,
    errors_on,
    events,
    form_values,
    notices,
    publish_sample,
    submit,
    summary_of,
    text_of,
)
from tests.conftest import hold_moment
from tests.staff.support import staff_client

JST = clock.JST
PAGE = f"/admin/forms/{FORM}/intake"


@pytest.fixture
def moment(monkeypatch):
    return hold_moment(monkeypatch, datetime(2027, 3, 25, 10, 0, tzinfo=JST))


def stored(app) -> tuple[datetime | None, datetime | None]:
    with app.app_context(), database().transaction() as session:
        form = session.get_one(Form, FORM)
        return form.opens_at, form.closes_at


def set_period(admin, **values):
    return submit(admin, PAGE, PAGE, values)


def test_setting_the_period_applies_at_once_and_is_audited(app, client, moment):
    publish_sample(app)
    admin = admin_client(app)
    page = admin.get(PAGE).text
    assert 'aria-current="page"' in page and 'type="date"' in page and 'type="time"' in page
    assert "<legend" in page and "受付開始" in page and "受付終了" in page
    done = set_period(admin, opens_day="2027-04-01", opens_time="09:00", closes_day="2027-04-30",
                      closes_time="17:00")
    assert done.status_code == 302
    after = admin.get(done.location).text
    assert "受付期間を「2027年4月1日 9時00分から2027年4月30日 17時00分まで」にしました" in " ".join(notices(after))
    assert form_values(after, PAGE)["opens_day"] == "2027-04-01"
    assert form_values(after, PAGE)["closes_time"] == "17:00"
    assert stored(app) == (datetime(2027, 4, 1, 0, 0, tzinfo=UTC), datetime(2027, 4, 30, 8, 0, tzinfo=UTC))
    assert events(app)[-1] == ("intake_changed", "kanri", None)
    overview = text_of(admin.get(f"/admin/forms/{FORM}").text)
    assert "受付の日時 2027年4月1日 9時00分から2027年4月30日 17時00分まで" in overview
    assert "受付期間（日時）を変更：2027年4月1日 9時00分から2027年4月30日 17時00分まで" in overview
    assert "受付開始前（2027年4月1日 9時00分から）" in text_of(client.get(f"/forms/{FORM}/").text)

    same = set_period(admin)  # saved unchanged: nothing recorded
    assert "受付期間は変わりませんでした" in " ".join(notices(admin.get(same.location).text))
    assert [kind for kind, _, _ in events(app)].count("intake_changed") == 1

    cleared = set_period(admin, action="clear")
    assert "日時の指定をなくしました" in " ".join(notices(admin.get(cleared.location).text))
    assert stored(app) == (None, None)
    assert "受付開始前" not in text_of(client.get(f"/forms/{FORM}/").text)


def test_only_a_closing_time_is_fine(app, moment):
    publish_sample(app)
    admin = admin_client(app)
    set_period(admin, closes_day="2027-04-30", closes_time="17:00")
    assert stored(app) == (None, datetime(2027, 4, 30, 8, 0, tzinfo=UTC))


@pytest.mark.parametrize(("values", "where", "message"), [
    ({"opens_day": "2027-04-01", "opens_time": "09:00", "closes_day": "2027-04-01", "closes_time": "09:00"},
     "closes_time", "受付終了の日時は受付開始の日時より後にしてください"),
    ({"opens_day": "2027-05-01", "opens_time": "09:00", "closes_day": "2027-04-01", "closes_time": "17:00"},
     "closes_time", "受付終了の日時は受付開始の日時より後にしてください"),
    ({"opens_day": "2027-04-01"}, "opens_time", "受付開始の時刻を入力してください（例: 09:00）"),
    ({"closes_time": "17:00"}, "closes_day", "受付終了の日付を入力してください（例: 2027-04-01）"),
    ({"opens_day": "4月1日", "opens_time": "09:00"}, "opens_day", "受付開始の日付は 2027-04-01 の形で入力してください"),
    ({"opens_day": "2027-13-01", "opens_time": "09:00"}, "opens_day",
     "受付開始の日付に、ない日付が入力されています（月は1〜12、日はその月の日数まで）"),
    ({"opens_day": "2027-04-01", "opens_time": "9" * 10000}, "opens_time",
     "受付開始の時刻は 09:00 の形（24時間制）で入力してください"),
    ({"closes_day": "2027-04-01", "closes_time": "24:00"}, "closes_time",
     "受付終了の時刻は 00:00 から 23:59 までで入力してください"),
])
def test_bad_input_is_refused_beside_the_input(app, moment, values, where, message):
    publish_sample(app)
    admin = admin_client(app)
    refused = set_period(admin, **values)
    assert refused.status_code == 400
    assert [error.lstrip("＊") for error in errors_on(refused.text)] == [message]
    assert [item.lstrip("＊") for item in summary_of(refused.text)] == [message]
    assert f'href="#{where}"' in refused.text
    assert stored(app) == (None, None)


def test_a_forged_procedure_is_not_found_and_other_roles_are_refused(app, moment):
    publish_sample(app)
    admin = admin_client(app)
    page = admin.get(PAGE).text
    assert admin.post("/admin/forms/no-such/intake", data=form_values(page, PAGE)).status_code == 404
    clerk = staff_client(app, "shinsa", "reviewer")
    assert clerk.get(PAGE).status_code == 403
