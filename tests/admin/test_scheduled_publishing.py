"""公開日時を指定する: the working copy becomes a version residents get from a chosen moment,
shown as 予約 in the list of versions with 予約を取り消す; no job is needed (the catalog reads
the clock). Past, malformed and hostile times are refused in Japanese."""

from __future__ import annotations

from datetime import datetime

import pytest

from formsvc import clock
from formsvc.db import database
from formsvc.forms.models import Form, FormWorkingCopy
from tests.admin.support import (
    FORM,
    SAMPLE,
    admin_client,
    csrf_of,
    errors_on,
    events,
    form_values,
    notices,
    publish_sample,
    submit,
    summary_of,
    text_of,
    working_source,
)
from tests.conftest import hold_moment

JST = clock.JST
EDITED = SAMPLE.replace("見本の証明書交付申請", "見本の証明書交付申請（新様式）")
PROCEDURE = f"/admin/forms/{FORM}"
PUBLISH = f"/admin/forms/{FORM}/publish"


@pytest.fixture
def moment(monkeypatch):
    return hold_moment(monkeypatch, datetime(2027, 3, 25, 10, 0, tzinfo=JST))


def save_edit(admin, source: str = EDITED) -> None:
    url = f"/admin/forms/{FORM}/yaml"
    assert submit(admin, url, url, {"source": source}).status_code == 302


def schedule(admin, day: str = "2027-04-01", at: str = "09:00", **more):
    return submit(admin, PROCEDURE, PUBLISH, {"scheduled": "y", "publish_day": day, "publish_time": at, **more})


def resident_title(client) -> str:
    return text_of(client.get(f"/forms/{FORM}/").text)


def test_a_scheduled_version_takes_effect_at_its_moment_and_not_before(app, client, moment):
    publish_sample(app)
    admin = admin_client(app)
    save_edit(admin)
    page = admin.get(PROCEDURE).text
    assert "公開日時を指定する" in page and 'type="date"' in page and 'type="time"' in page
    done = schedule(admin, note="新様式へ")
    assert done.status_code == 302
    after = admin.get(done.location).text
    assert " ".join(notices(after)).startswith(
        "第2版の公開を予約しました。2027年4月1日 9時00分から住民の方はこの版を使います")
    shown = text_of(after)
    assert "第2版 予約（2027年4月1日 9時00分から）" in shown
    assert "公開予約 第2版（2027年4月1日 9時00分から）" in shown
    assert "第1版 公開中" in shown and "予約を取り消す" in shown
    assert events(app)[-1] == ("scheduled", "kanri", 2)
    assert "公開を予約" in shown

    assert "（新様式）" not in resident_title(client)
    moment.at = datetime(2027, 4, 1, 8, 59, tzinfo=JST)
    assert "（新様式）" not in resident_title(client)
    moment.at = datetime(2027, 4, 1, 9, 0, tzinfo=JST)  # nobody does anything
    assert "見本の証明書交付申請（新様式）" in resident_title(client)
    shown = text_of(admin.get(PROCEDURE).text)
    assert "第2版 公開中" in shown and "予約を取り消す" not in shown


def test_cancelling_a_schedule_brings_the_text_back_as_the_working_copy(app, client, moment):
    publish_sample(app)
    admin = admin_client(app)
    save_edit(admin)
    schedule(admin)
    assert working_source(app) is None
    page = admin.get(PROCEDURE).text
    cancelled = admin.post(f"/admin/forms/{FORM}/versions/2/cancel-schedule",
                           data=form_values(page, f"/admin/forms/{FORM}/versions/2/cancel-schedule"))
    assert cancelled.status_code == 302
    shown = text_of(admin.get(cancelled.location).text)
    assert "第2版の公開予約を取り消しました" in shown and "予約を取り消す" not in shown
    # the version stays, marked 予約取消 in the list of versions (its number is never used again)
    assert "第2版 予約取消" in shown and "第1版 公開中" in shown
    assert working_source(app) == EDITED
    with app.app_context(), database().transaction() as session:
        form = session.get_one(Form, FORM)
        assert [v.number for v in form.versions] == [1, 2] and form.published_version == 1
        assert form.versions[1].cancelled_at is not None
        assert session.get_one(FormWorkingCopy, FORM).based_on == 1
    assert events(app)[-1] == ("schedule_cancelled", "kanri", 2)
    moment.at = datetime(2027, 4, 2, tzinfo=JST)
    assert "（新様式）" not in resident_title(client)

    again = admin.post(f"/admin/forms/{FORM}/versions/1/cancel-schedule",
                       data=form_values(admin.get(PROCEDURE).text, f"/admin/forms/{FORM}/discard"))
    assert again.status_code == 302
    assert "第1版は公開予約ではありません" in " ".join(notices(admin.get(again.location).text))


def test_publishing_again_while_a_schedule_waits_is_refused(app, moment):
    publish_sample(app)
    admin = admin_client(app)
    save_edit(admin)
    schedule(admin)
    save_edit(admin, EDITED.replace("（新様式）", "（新様式2）"))
    refused = submit(admin, PROCEDURE, PUBLISH)
    said = " ".join(notices(admin.get(refused.location).text))
    assert "第2版の公開予約があります。先に予約を取り消すか" in said
    with app.app_context(), database().transaction() as session:
        assert len(session.get_one(Form, FORM).versions) == 2


def test_a_first_publish_scheduled_shows_the_procedure_as_upcoming(app, client, moment):
    admin = admin_client(app)
    created = submit(admin, "/admin/new", "/admin/new",
                     {"form_id": "yoyaku-test", "title_ja": "予約の試験", "department": "市民課"})
    assert created.status_code == 302, created.text[:300]
    url = "/admin/forms/yoyaku-test"
    done = submit(admin, url, f"{url}/publish", {"scheduled": "y", "publish_day": "2027-04-01",
                                                "publish_time": "09:00"})
    assert done.status_code == 302
    page = text_of(client.get("/forms/yoyaku-test/").text)
    assert "受付開始前（2027年4月1日 9時00分から）" in page
    assert "受付開始前（2027年4月1日 9時00分から）" in text_of(client.get("/").text)
    moment.at = datetime(2027, 4, 1, 9, 0, tzinfo=JST)
    assert "受付開始前" not in text_of(client.get("/forms/yoyaku-test/").text)


@pytest.mark.parametrize(("day", "at", "where", "message"), [
    ("2027-03-25", "09:59", "publish_day", "公開日時は今より後の日時にしてください。"),
    ("2020-01-01", "09:00", "publish_day", "公開日時は今より後の日時にしてください。"),
    ("2027-02-30", "09:00", "publish_day", "公開の日付に、ない日付が入力されています"),
    ("令和9年4月1日", "09:00", "publish_day", "公開の日付は 2027-04-01 の形で入力してください"),
    ("2" * 5000, "09:00", "publish_day", "公開の日付は 2027-04-01 の形で入力してください"),
    ("2027-04-01", "25:00", "publish_time", "公開の時刻は 00:00 から 23:59 までで入力してください"),
    ("2027-04-01", "9時", "publish_time", "公開の時刻は 09:00 の形（24時間制）で入力してください"),
    ("2027-04-01", "", "publish_time", "公開の時刻を入力してください（例: 09:00）"),
    ("", "", "publish_day", "公開する日付と時刻を入力してください"),
])
def test_bad_times_are_refused_in_japanese_beside_the_input(app, moment, day, at, where, message):
    publish_sample(app)
    admin = admin_client(app)
    save_edit(admin)
    refused = schedule(admin, day, at)
    assert refused.status_code == 400
    assert any(error.lstrip("＊").startswith(message) for error in errors_on(refused.text)), errors_on(refused.text)
    assert any(item.lstrip("＊").startswith(message) for item in summary_of(refused.text)), summary_of(refused.text)
    assert f'href="#{where}"' in refused.text
    with app.app_context(), database().transaction() as session:
        assert len(session.get_one(Form, FORM).versions) == 1


def test_without_the_checkbox_the_dates_are_ignored_and_it_publishes_now(app, client, moment):
    publish_sample(app)
    admin = admin_client(app)
    save_edit(admin)
    done = submit(admin, PROCEDURE, PUBLISH, {"publish_day": "garbage", "publish_time": "x"})
    assert done.status_code == 302
    assert "（新様式）" in resident_title(client)


def test_a_control_character_is_refused_with_a_clear_page(app, moment):
    publish_sample(app)
    admin = admin_client(app)
    save_edit(admin)
    refused = schedule(admin, "2027-04-01\x00", "09:00")
    assert refused.status_code == 400 and "使用できない文字（制御文字）" in text_of(refused.text)
    with app.app_context(), database().transaction() as session:
        assert len(session.get_one(Form, FORM).versions) == 1


# --- a cancelled schedule keeps its version and number --------------------------------------------

def cancel(admin, number: int = 2):
    action = f"/admin/forms/{FORM}/versions/{number}/cancel-schedule"
    return admin.post(action, data=form_values(admin.get(PROCEDURE).text, action))


def test_after_a_cancelled_schedule_the_next_version_gets_a_new_number(app, client, moment):
    publish_sample(app)
    admin = admin_client(app)
    save_edit(admin)
    schedule(admin)
    assert cancel(admin).status_code == 302
    done = submit(admin, PROCEDURE, PUBLISH, {"note": "すぐ公開"})
    assert "第3版を公開しました" in " ".join(notices(admin.get(done.location).text))
    shown = text_of(admin.get(PROCEDURE).text)
    assert "第3版 公開中" in shown and "第2版 予約取消" in shown
    assert "（新様式）" in resident_title(client)
    with app.app_context(), database().transaction() as session:
        form = session.get_one(Form, FORM)
        assert [(v.number, v.cancelled_at is not None) for v in form.versions] == [(1, False), (2, True), (3, False)]


def test_a_working_copy_saved_on_the_scheduled_version_is_rebased_on_the_one_in_effect(app, moment):
    publish_sample(app)
    admin = admin_client(app)
    save_edit(admin)
    schedule(admin)
    save_edit(admin, EDITED.replace("（新様式）", "（新様式2）"))  # an edit that started from version 2
    assert cancel(admin).status_code == 302
    with app.app_context(), database().transaction() as session:
        copy = session.get_one(FormWorkingCopy, FORM)
        assert copy.based_on == 1 and "（新様式2）" in copy.source


def test_a_cancelled_version_is_never_in_effect_even_after_its_moment(app, client, moment):
    publish_sample(app)
    admin = admin_client(app)
    save_edit(admin)
    schedule(admin)
    cancel(admin)
    moment.at = datetime(2027, 4, 2, tzinfo=JST)
    assert "（新様式）" not in resident_title(client)
    assert "（新様式）" not in text_of(admin.get("/admin/").text)
    version_page = admin.get(f"{PROCEDURE}/versions/2").text
    assert "この版は公開予約を取り消したため、公開されていません" in text_of(version_page)
    assert f'action="{PROCEDURE}/versions/2/rollback"' not in version_page  # no button to press
    # A POST sent anyway (a tab opened before the cancellation) is refused.
    refused = admin.post(f"{PROCEDURE}/versions/2/rollback", data={"csrf_token": csrf_of(version_page), "note": "x"})
    assert "第2版は公開の予約を取り消した版のため、戻せません" in " ".join(notices(admin.get(refused.location).text))


# --- a scheduled version is not 公開中 before its moment ---------------------------------------------

def test_before_its_moment_the_admin_and_staff_pages_show_the_version_in_effect(app, client, moment):
    from formsvc.review.queries import procedure_titles

    publish_sample(app)
    admin = admin_client(app)
    save_edit(admin)
    schedule(admin)

    def titles():
        with app.app_context(), database().transaction() as session:
            return procedure_titles(session)[FORM]

    index = text_of(admin.get("/admin/").text)
    assert "見本の証明書交付申請" in index and "（新様式）" not in index
    assert titles() == "見本の証明書交付申請"
    page = text_of(admin.get(PROCEDURE).text)
    assert "公開中の版 第1版" in page
    moment.at = datetime(2027, 4, 1, 9, 0, tzinfo=JST)
    assert "見本の証明書交付申請（新様式）" in text_of(admin.get("/admin/").text)
    assert titles() == "見本の証明書交付申請（新様式）"
    assert "公開中の版 第2版" in text_of(admin.get(PROCEDURE).text)
