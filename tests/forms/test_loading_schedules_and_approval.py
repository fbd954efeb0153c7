"""load-definitions / export-definitions beside scheduled versions (公開予約) and procedures that
need approval before publishing (決裁)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from formsvc import clock
from formsvc.db import database
from formsvc.forms.models import FormEvent
from tests.admin.support import FORM, SAMPLE, admin_client, events, form_row, submit
from tests.admin.test_files import OTHER, cli, files
from tests.conftest import hold_moment

JST = clock.JST
PROCEDURE = f"/admin/forms/{FORM}"
SCHEDULED = SAMPLE.replace("見本の証明書交付申請", "見本の証明書交付申請（新様式）")


@pytest.fixture
def moment(monkeypatch):
    return hold_moment(monkeypatch, datetime(2027, 3, 25, 10, 0, tzinfo=JST))


def schedule_in_browser(admin, source: str = SCHEDULED) -> None:
    url = f"{PROCEDURE}/yaml"
    assert submit(admin, url, url, {"source": source}).status_code == 302
    done = submit(admin, PROCEDURE, f"{PROCEDURE}/publish",
                  {"scheduled": "y", "publish_day": "2027-04-01", "publish_time": "09:00"})
    assert done.status_code == 302


def test_export_writes_the_version_in_effect_never_one_not_yet_in_effect(app, tmp_path, moment):
    folder = files(tmp_path)
    assert cli(app, "load-definitions", folder).exit_code == 0
    schedule_in_browser(admin_client(app))
    target = tmp_path / "exported"
    result = cli(app, "export-definitions", target)
    assert result.exit_code == 0, result.output
    assert f"{target / 'admin-sample.yaml'}: admin-sample 第1版（ファイルから公開）" in result.output
    assert (target / "admin-sample.yaml").read_text(encoding="utf-8") == SAMPLE
    moment.at = datetime(2027, 4, 1, 9, 0, tzinfo=JST)
    result = cli(app, "export-definitions", target)
    assert f"{target / 'admin-sample.yaml'}: admin-sample 第2版（管理画面から公開）" in result.output
    assert (target / "admin-sample.yaml").read_text(encoding="utf-8") == SCHEDULED


def test_export_leaves_out_a_procedure_whose_only_version_is_not_yet_in_effect(app, tmp_path, moment):
    admin = admin_client(app)
    submit(admin, "/admin/new", "/admin/new",
           {"form_id": "new-one", "title_ja": "新しい手続き", "department": "市民課"})
    assert submit(admin, "/admin/forms/new-one", "/admin/forms/new-one/publish",
                  {"scheduled": "y", "publish_day": "2027-04-01", "publish_time": "09:00"}).status_code == 302
    result = cli(app, "export-definitions", tmp_path / "out")
    assert result.exit_code == 0 and "0 件の定義を書き出しました" in result.output
    assert not (tmp_path / "out" / "new-one.yaml").exists()


def test_a_changed_file_is_refused_while_a_schedule_waits(app, tmp_path, moment):
    folder = files(tmp_path)
    assert cli(app, "load-definitions", folder).exit_code == 0
    schedule_in_browser(admin_client(app))
    (folder / "admin-sample.yaml").write_text(SAMPLE.replace("1通300円", "1通350円"), encoding="utf-8")
    (folder / "admin-other.yaml").write_text(OTHER.replace("テスト用", "試験用"), encoding="utf-8")
    for forced in ((), ("--force",)):
        result = cli(app, "load-definitions", *forced, folder)
        assert result.exit_code == 1, result.output
        assert (f"{folder / 'admin-sample.yaml'}: admin-sample: 第2版が2027-04-01 09:00（日本時間）に公開される"
                "予約になっているため、このファイルは読み込めません。") in result.output
        assert "予約の日時を過ぎてから読み込むか、管理画面で予約を取り消してください" in result.output
        assert "何も読み込んでいません" in result.output
        assert [v.number for v in form_row(app).versions] == [1, 2]
        assert [v.number for v in form_row(app, "admin-other").versions] == [1]
    # the file of the scheduled text itself changes nothing: no refusal
    (folder / "admin-sample.yaml").write_text(SCHEDULED, encoding="utf-8")
    (folder / "admin-other.yaml").write_text(OTHER, encoding="utf-8")
    result = cli(app, "load-definitions", folder)
    assert result.exit_code == 0 and "変更なし 2 件" in result.output
    # after the moment the file may be loaded (an unexported browser version is still a conflict)
    moment.at = datetime(2027, 4, 1, 9, 0, tzinfo=JST)
    (folder / "admin-sample.yaml").write_text(SAMPLE.replace("1通300円", "1通350円"), encoding="utf-8")
    result = cli(app, "load-definitions", "--force", folder)
    assert result.exit_code == 0, result.output
    assert [v.number for v in form_row(app).versions] == [1, 2, 3]


def test_importing_into_a_procedure_that_needs_approval_warns_and_notes_it(app, tmp_path):
    folder = files(tmp_path)
    assert cli(app, "load-definitions", folder).exit_code == 0
    admin = admin_client(app)
    assert submit(admin, PROCEDURE, f"{PROCEDURE}/approval/setting", {"required": "on"}).status_code == 302
    (folder / "admin-sample.yaml").write_text(SAMPLE.replace("1通300円", "1通350円"), encoding="utf-8")
    (folder / "admin-other.yaml").write_text(OTHER.replace("テスト用", "試験用"), encoding="utf-8")
    result = cli(app, "load-definitions", folder)
    assert result.exit_code == 0, result.output
    assert ("警告 (warning): admin-sample: この手続きは公開前に承認が必要ですが、"
            "ファイルからの読み込みは承認なしで公開します") in result.output
    assert "admin-other: この手続きは公開前に承認が必要" not in result.output
    assert ("imported", "cli", 2) in events(app)
    with app.app_context(), database().transaction() as session:
        notes = {event.form_id: event.detail.get("note") for event in session.scalars(
            select(FormEvent).where(FormEvent.kind == "imported", FormEvent.version_number == 2))}
    assert notes == {FORM: "承認を経ずにファイルから読み込み", "admin-other": None}
    history = admin.get(PROCEDURE).text
    assert "承認を経ずにファイルから読み込み" in history
