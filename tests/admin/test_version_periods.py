"""The administrator's procedure page shows each version's 受付期間 and which one is in force
(公開中) or scheduled (予定); publishing next 年度's version ahead says when it takes over."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from formsvc import clock
from tests.admin.support import FORM, SAMPLE, admin_client, notices, publish_sample, submit, text_of

KEEP = "retention: {years: 5}\n"
R8 = SAMPLE.replace(KEEP, KEEP + "valid_from: 2026-04-01\nvalid_until: 2027-03-31\n")
R9 = SAMPLE.replace(KEEP, KEEP + "valid_from: 2027-04-01\nvalid_until: 2028-03-31\n")


@pytest.fixture
def calendar(monkeypatch):
    class Calendar:
        day = date(2027, 2, 1)

    held = Calendar()
    monkeypatch.setattr(clock, "_read_system_clock", lambda: datetime.combine(held.day, time(10, 0), clock.JST))
    return held


def publish_edit(admin, source: str, note: str = "") -> str:
    url = f"/admin/forms/{FORM}/yaml"
    assert submit(admin, url, url, {"source": source}).status_code == 302
    done = submit(admin, f"/admin/forms/{FORM}", f"/admin/forms/{FORM}/publish", {"note": note})
    assert done.status_code == 302
    return " ".join(notices(admin.get(done.location).text))


def test_publishing_next_years_version_ahead_schedules_it(app, calendar):
    publish_sample(app, R8)
    admin = admin_client(app)
    said = publish_edit(admin, R9, "令和9年度の様式")
    assert said == "第2版を公開しました。2027年4月1日から始まる申請はこの版を使います（それまでは第1版を使います）"

    page = text_of(admin.get(f"/admin/forms/{FORM}").text)
    assert "公開中の版 第1版（受付期間：2026年4月1日から2027年3月31日まで）" in page
    assert "予定の版 第2版（2027年4月1日から）" in page
    assert "第2版 予定（2027年4月1日から）" in page and "2027年4月1日から2028年3月31日まで" in page
    assert "第1版 公開中" in page

    version = text_of(admin.get(f"/admin/forms/{FORM}/versions/2").text)
    assert "受付期間 2027年4月1日から2028年3月31日まで（予定（2027年4月1日から））" in version

    calendar.day = date(2027, 4, 1)  # nobody does anything: the page follows the day
    page = text_of(admin.get(f"/admin/forms/{FORM}").text)
    assert "公開中の版 第2版（受付期間：2027年4月1日から2028年3月31日まで）" in page
    assert "第2版 公開中" in page and "予定の版" not in page

    calendar.day = date(2028, 4, 1)
    page = text_of(admin.get(f"/admin/forms/{FORM}").text)
    assert "公開中の版 なし（受付期間外のため、住民の方は申請を始められません）" in page


def test_versions_without_dates_read_as_before(app, calendar):
    publish_sample(app)
    page = text_of(admin_client(app).get(f"/admin/forms/{FORM}").text)
    assert "公開中の版 第1版 " in page and "第1版 公開中" in page and "指定なし" in page


def test_publishing_a_version_whose_period_is_over_warns(app, calendar):
    publish_sample(app)
    calendar.day = date(2027, 6, 1)
    said = publish_edit(admin_client(app), R8)
    assert said.startswith("第2版を公開しました。ただし受付期間（2026年4月1日から2027年3月31日まで）のため")
    assert "valid_from / valid_until を確かめてください" in said


def test_rolling_back_to_a_scheduled_version_says_when_it_takes_over(app, calendar):
    publish_sample(app, R8)
    admin = admin_client(app)
    publish_edit(admin, R9)
    publish_edit(admin, R8.replace("見本の証明書交付申請", "見本の証明書交付申請（修正）"))
    rolled = submit(admin, f"/admin/forms/{FORM}/versions/2", f"/admin/forms/{FORM}/versions/2/rollback",
                    {"note": "令和9年度の様式に戻す"})
    assert rolled.status_code == 302
    said = notices(admin.get(rolled.location).text)
    assert said == ["第2版の内容を第4版として公開しました。2027年4月1日から始まる申請はこの版を使います"
                    "（それまでは第3版を使います）"]
