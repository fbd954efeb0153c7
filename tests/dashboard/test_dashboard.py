"""The 集計 dashboard as a manager reads it: figures by procedure and month, charts with their
tables, filters, CSV downloads, and the paper counts an administrator types in."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from formsvc.cli import main
from formsvc.db import database, utcnow
from formsvc.staff import roles
from formsvc.submissions.models import CounterVisit, Draft, DraftAbandonment
from tests.dashboard.conftest import FORM, OCTOBER, OTHER, PERIOD, row_of, set_status, with_events
from tests.review.support import csrf_of, make_submissions
from tests.staff.support import make_staff, staff_client

BAD_FROM = "＊集計の開始月は「2026-04」のように年と月で入力してください"
BAD_MONTH = "＊月は「2026-04」のように年と月で入力してください"
BAD_COUNT = "＊件数は0から999,999までの整数で入力してください"


def test_online_share_counts_each_channel_and_the_paper_typed_in(app, procedures, manager):
    make_submissions(app, FORM, 3, created_at=OCTOBER)
    make_submissions(app, FORM, 1, created_at=OCTOBER, channel="counter")
    # 2026-10-31 15:30 UTC is 2026-11-01 00:30 in Japan: November's.
    make_submissions(app, FORM, 1, created_at=datetime(2026, 10, 31, 15, 30, tzinfo=UTC))
    make_submissions(app, OTHER, 2, created_at=OCTOBER)
    admin = staff_client(app, "admin", roles.ADMIN)
    form = admin.get("/staff/dashboard/paper?from=2026-10&to=2026-11")
    assert form.status_code == 200
    saved = admin.post("/staff/dashboard/paper?from=2026-10&to=2026-11", data={
        "csrf_token": csrf_of(form.text), "form_id": FORM, "month": "２０２６年１０月", "count": "４"})
    assert saved.status_code == 302
    assert "見本の許可申請の2026年10月の紙の申請件数を4件にしました" in admin.get(saved.location).text

    page = manager.get("/staff/dashboard", query_string=PERIOD)
    assert page.status_code == 200
    assert "2026年10月から2026年11月まで" in page.text
    #                                    online counter paper total share
    assert row_of(page.text, "見本の許可申請", "channels") == ["4", "1", "4", "9", "44.4%"]
    assert row_of(page.text, "別の許可申請", "channels") == ["2", "0", "0", "2", "100.0%"]
    assert row_of(page.text, "合計", "channels") == ["6", "1", "4", "11", "54.5%"]
    assert row_of(page.text, "2026年10月", "channels-by-month") == ["5", "1", "4", "10", "50.0%"]
    assert row_of(page.text, "2026年11月", "channels-by-month") == ["1", "0", "0", "1", "100.0%"]
    # The chart pictures the share and is named; its numbers are in a table too.
    chart = page.text.split('id="chart-online-share-caption"', 1)[1].split("</figure>", 1)[0]
    assert 'role="img"' in chart and "手続きごとのオンライン化率" in chart
    assert re.search(r'<rect class="chart__bar" x="200" y="\d+" width="146.7"', chart)  # 44.4% of 330
    assert "<th scope=\"row\">見本の許可申請</th><td class=\"numeric\">44.4%</td>" in chart

    download = manager.get("/staff/dashboard/channels.csv", query_string=PERIOD)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert rows[0] == ["手続きID", "手続き", "月", "オンライン", "窓口", "紙", "合計", "オンライン化率（%）"]
    assert [FORM, "見本の許可申請", "2026-10", "3", "1", "4", "8", "37.5"] in rows
    assert [FORM, "見本の許可申請", "2026-11", "1", "0", "0", "1", "100.0"] in rows
    assert b"\r\n" in download.data


def test_processing_time_is_the_median_and_90th_percentile_from_receipt_to_decision(app, procedures, manager):
    numbers = make_submissions(app, FORM, 10, created_at=OCTOBER, step=timedelta(0))
    for day, number in enumerate(numbers, start=1):
        with_events(app, number, ("approved", OCTOBER + timedelta(days=day), {"from": "in_review", "to": "approved"}))
    make_submissions(app, FORM, 1, created_at=OCTOBER)  # not decided: not counted

    page = manager.get("/staff/dashboard", query_string=PERIOD)
    # Nearest rank: the 5th and the 9th of ten.
    assert row_of(page.text, "見本の許可申請", "processing") == ["10", "5.0日", "9.0日"]
    assert row_of(page.text, "別の許可申請", "processing") == ["0", "—", "—"]
    rows = list(csv.reader(io.StringIO(manager.get("/staff/dashboard/processing.csv", query_string=PERIOD)
                                       .data.decode("utf-8-sig"))))
    assert rows[1] == [FORM, "見本の許可申請", "2026-10", "10", "5.00", "9.00"]


def test_time_in_each_status_counts_only_moves_already_made(app, procedures, manager):
    first, second = make_submissions(app, FORM, 2, created_at=OCTOBER, step=timedelta(0))
    with_events(app, first,
                ("claimed", OCTOBER + timedelta(hours=2), {"from": "received", "to": "in_review"}),
                ("correction_requested", OCTOBER + timedelta(hours=5),
                 {"from": "in_review", "to": "correction_requested"}),
                ("resubmitted", OCTOBER + timedelta(days=3, hours=5), {}),
                ("payment_received", OCTOBER + timedelta(days=3, hours=6), {}),
                ("claimed", OCTOBER + timedelta(days=4, hours=5), {"from": "received", "to": "in_review"}))
    with_events(app, second, ("claimed", OCTOBER + timedelta(hours=4), {"from": "received", "to": "in_review"}))

    page = manager.get("/staff/dashboard", query_string=PERIOD)
    # 受付: 2 h, 4 h and 24 h (after the resubmission; the payment event is no move) → median 4 h.
    assert row_of(page.text, "受付", "waits") == ["3", "4.0時間", "24.0時間"]
    assert row_of(page.text, "審査中", "waits") == ["1", "3.0時間", "3.0時間"]  # still in review: not counted
    assert row_of(page.text, "差し戻し", "waits") == ["1", "3.0日", "3.0日"]


def test_correction_and_rejection_rates(app, procedures, manager):
    numbers = make_submissions(app, FORM, 4, created_at=OCTOBER)
    asked = {"to": "correction_requested"}
    with_events(app, numbers[0], ("correction_requested", OCTOBER + timedelta(hours=1), asked),
                ("correction_requested", OCTOBER + timedelta(hours=9), asked))
    set_status(app, numbers[0], "approved")
    set_status(app, numbers[1], "approved")
    set_status(app, numbers[2], "rejected")
    page = manager.get("/staff/dashboard", query_string=PERIOD)
    #                                                  applications corrected rate decided rejected rate
    assert row_of(page.text, "見本の許可申請", "rates") == ["4", "1", "25.0%", "3", "1", "33.3%"]


def test_counter_visits_and_how_long_they_took(app, procedures, manager):
    make_staff(app, "madoguchi", roles.COUNTER)
    with app.app_context(), database().transaction() as session:
        from formsvc.staff.models import StaffUser
        staff_id = session.scalar(select(StaffUser.id).where(StaffUser.username == "madoguchi"))
        for minutes in (10, 30):
            session.add(CounterVisit(staff_id=staff_id, identification="card", created_at=OCTOBER,
                                     closed_at=OCTOBER + timedelta(minutes=minutes)))
        session.add(CounterVisit(staff_id=staff_id, identification="card", created_at=OCTOBER))  # still open
    page = manager.get("/staff/dashboard", query_string=PERIOD)
    assert row_of(page.text, "2026年10月", "visits") == ["3", "10分", "30分"]


def test_drop_off_shows_where_unsent_applications_stopped_and_survives_the_purge(app, procedures, manager):
    gone = utcnow() - timedelta(hours=1)
    with app.app_context(), database().transaction() as session:
        from formsvc.forms.catalog import published
        version_id = published(session, FORM).version_id
        started = OCTOBER
        for token, completed in (("a", []), ("b", ["eligibility"]), ("c", ["eligibility"]),
                                 ("d", ["eligibility", "applicant", "items"])):
            session.add(Draft(token=token, form_id=FORM, version_id=version_id,
                              answers={"fields": {"resident": True}} if completed else {},
                              completed_pages=completed, created_at=started, expires_at=gone))
        # Still being filled in: not abandoned yet.
        session.add(Draft(token="e", form_id=FORM, version_id=version_id, answers={}, completed_pages=[],
                          created_at=started, expires_at=utcnow() + timedelta(days=1)))
    make_submissions(app, FORM, 4, created_at=OCTOBER)

    def figures():
        page = manager.get("/staff/dashboard", query_string=PERIOD)
        assert row_of(page.text, "見本の許可申請", "drop-off") == ["4", "4", "50.0%"]
        chart = page.text.split('id="chart-drop-off-sample-permit-caption"', 1)[1].split("</figure>", 1)[0]
        return re.findall(r'<th scope="row">([^<]+)</th><td class="numeric">([^<]+)</td>', chart)

    before = figures()
    assert before[0] == ("対象の確認", "1件")
    assert ("申請者", "2件") in before
    assert before[-1][1] == "1件"
    assert app.test_cli_runner().invoke(main, ["purge-drafts"]).exit_code == 0
    with app.app_context(), database().transaction() as session:
        assert session.scalar(select(func.count()).select_from(Draft)) == 1 + 4  # the open one and 4 used drafts
        assert session.scalar(select(func.sum(DraftAbandonment.count))) == 4
    assert figures() == before
    rows = list(csv.reader(io.StringIO(manager.get("/staff/dashboard/drop-off.csv", query_string=PERIOD)
                                       .data.decode("utf-8-sig"))))
    assert [FORM, "見本の許可申請", "applicant", "申請者", "2"] in rows


def test_department_filter_and_bad_periods_are_explained(app, procedures, manager):
    make_submissions(app, FORM, 1, created_at=OCTOBER)
    make_submissions(app, OTHER, 1, created_at=OCTOBER)
    page = manager.get("/staff/dashboard", query_string={**PERIOD, "department": "福祉課"})
    assert page.status_code == 200
    assert "別の許可申請" in page.text and "見本の許可申請" not in page.text.split("<h2", 1)[1]

    for args, field, message in (
            ({"from": "2026-13", "to": "2026-11"}, "from", BAD_FROM),
            ({"from": "2026-11", "to": "2026-10"}, "to", "＊集計の終了月は、開始月と同じか後の月にしてください"),
            ({"from": "2020-01", "to": "2026-10"}, "to", "＊集計できる期間は60か月（5年）までです"),
            ({"from": "1999-12", "to": "2026-10"}, "from",
             "＊集計の開始月は2000年1月から2099年12月までの月にしてください"),
            ({"from": "2" * 5000, "to": "2026-10"}, "from", BAD_FROM),
            ({**PERIOD, "department": "<script>"}, "department", "＊部署は一覧から選んでください")):
        page = manager.get("/staff/dashboard", query_string=args)
        assert page.status_code == 400, args
        assert page.text.count(message) == 2, args  # beside the box and in the summary
        assert f'<a href="#{field}">' in page.text
        assert "<script>" not in page.text
        assert manager.get("/staff/dashboard/channels.csv", query_string=args).status_code == 400
    assert manager.get("/staff/dashboard/nothing.csv", query_string=PERIOD).status_code == 404
    # Control characters are refused before any view (formsvc.request_guard).
    assert manager.get("/staff/dashboard", query_string={"from": "2026-10\x00"}).status_code == 400


def test_only_administrators_and_managers_see_it_and_only_administrators_type_paper_counts(app, procedures):
    assert staff_client(app, "shinsa", roles.REVIEWER).get("/staff/dashboard").status_code == 403
    assert staff_client(app, "madoguchi", roles.COUNTER).get("/staff/dashboard").status_code == 403
    manager = staff_client(app, "kanri", roles.MANAGER)
    assert manager.get("/staff/dashboard").status_code == 200
    assert "紙の申請件数を入力する" not in manager.get("/staff/dashboard").text
    assert manager.get("/staff/dashboard/paper").status_code == 403
    assert 'href="/staff/dashboard"' in manager.get("/staff/").text  # in the staff menu


@pytest.mark.parametrize(("values", "errors"), [
    ({"form_id": "nope", "month": "2026-10", "count": "1"}, ["＊手続きを一覧から選んでください"]),
    ({"form_id": FORM, "month": "", "count": "1"}, ["＊月を「2026-04」のように入力してください"]),
    ({"form_id": FORM, "month": "2026-10<script>", "count": "1"}, [BAD_MONTH]),
    ({"form_id": FORM, "month": "2026-10", "count": "-1"}, [BAD_COUNT]),
    ({"form_id": FORM, "month": "2026-10", "count": "1e3"}, [BAD_COUNT]),
    ({"form_id": FORM, "month": "2026-10", "count": "9" * 40}, [BAD_COUNT]),
    ({"form_id": "", "month": "13月", "count": ""}, ["＊手続きを一覧から選んでください", BAD_MONTH, BAD_COUNT]),
])
def test_paper_counts_refuse_what_is_not_a_count_and_save_nothing(app, procedures, values, errors):
    admin = staff_client(app, "admin", roles.ADMIN)
    form = admin.get("/staff/dashboard/paper")
    page = admin.post("/staff/dashboard/paper", data={"csrf_token": csrf_of(form.text), **values})
    assert page.status_code == 400
    for message in errors:
        assert page.text.count(message) == 2  # beside the box and in the summary
    with app.app_context(), database().transaction() as session:
        from formsvc.dashboard.models import PaperCount
        assert session.scalar(select(func.count()).select_from(PaperCount)) == 0
    without_token = {"form_id": FORM, "month": "2026-10", "count": "1"}
    assert admin.post("/staff/dashboard/paper", data=without_token).status_code == 400


def test_a_second_count_for_the_same_month_replaces_the_first(app, procedures):
    admin = staff_client(app, "admin", roles.ADMIN)
    for count in ("7", "3"):
        form = admin.get("/staff/dashboard/paper")
        admin.post("/staff/dashboard/paper", data={"csrf_token": csrf_of(form.text), "form_id": FORM,
                                                   "month": "2026/10", "count": count})
    page = admin.get("/staff/dashboard/paper?from=2026-10&to=2026-10")
    assert re.search(r"2026年10月</th><td>見本の許可申請</td><td class=\"numeric\">3</td><td>admin</td>", page.text)
