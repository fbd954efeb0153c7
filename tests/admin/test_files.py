"""form_definitions/ and the database: export-definitions, and imports that would undo a browser edit."""

from __future__ import annotations

from pathlib import Path

from formsvc.cli import main
from tests.admin.support import FORM, SAMPLE, admin_client, events, form_row, submit, working_source

OTHER = SAMPLE.replace("id: admin-sample", "id: admin-other").replace("見本の証明書", "別の見本の証明書")


def cli(app, *args):
    return app.test_cli_runner().invoke(main, [*map(str, args)])


def files(tmp_path: Path) -> Path:
    folder = tmp_path / "form_definitions"
    folder.mkdir()
    (folder / "admin-sample.yaml").write_text(SAMPLE, encoding="utf-8")
    (folder / "admin-other.yaml").write_text(OTHER, encoding="utf-8")
    return folder


def publish_in_browser(app, admin, source: str, note: str = "") -> None:
    url = f"/admin/forms/{FORM}/yaml"
    assert submit(admin, url, url, {"source": source}).status_code == 302
    assert submit(admin, f"/admin/forms/{FORM}", f"/admin/forms/{FORM}/publish", {"note": note}).status_code == 302


def test_export_writes_each_published_version_back_as_it_was_stored(app, tmp_path):
    folder = files(tmp_path)
    assert cli(app, "load-definitions", folder).exit_code == 0
    admin = admin_client(app)
    edited = SAMPLE.replace("1通300円", "1通300円（窓口で支払い）") + "# 管理画面で追記したコメント\n"
    publish_in_browser(app, admin, edited, "支払い方法を追記")

    target = tmp_path / "exported"
    result = cli(app, "export-definitions", target)
    assert result.exit_code == 0, result.output
    assert f"{target / 'admin-sample.yaml'}: admin-sample 第2版（管理画面から公開）" in result.output
    assert f"{target / 'admin-other.yaml'}: admin-other 第1版（ファイルから公開）" in result.output
    assert "2 件の定義を書き出しました" in result.output
    assert (target / "admin-sample.yaml").read_text(encoding="utf-8") == edited  # comments and all
    assert (target / "admin-other.yaml").read_text(encoding="utf-8") == OTHER
    assert ("exported", "cli", 2) in events(app)


def test_export_names_a_browser_created_procedure_after_its_id(app, tmp_path):
    admin = admin_client(app)
    submit(admin, "/admin/new", "/admin/new",
           {"form_id": "new-one", "title_ja": "新しい手続き", "department": "市民課"})
    submit(admin, "/admin/forms/new-one", "/admin/forms/new-one/publish")
    result = cli(app, "export-definitions", tmp_path)
    assert result.exit_code == 0, result.output
    assert "id: new-one" in (tmp_path / "new-one.yaml").read_text(encoding="utf-8")


def test_a_file_that_differs_from_a_browser_published_version_is_refused_and_nothing_is_loaded(app, tmp_path):
    folder = files(tmp_path)
    assert cli(app, "load-definitions", folder).exit_code == 0
    admin = admin_client(app)
    publish_in_browser(app, admin, SAMPLE.replace("max: 5", "max: 10"), "上限を10通に")
    # Someone edits the files without the browser's change, including another procedure.
    (folder / "admin-sample.yaml").write_text(SAMPLE.replace("1通300円", "1通350円"), encoding="utf-8")
    (folder / "admin-other.yaml").write_text(OTHER.replace("テスト用", "試験用"), encoding="utf-8")

    result = cli(app, "load-definitions", folder)

    assert result.exit_code == 1
    output = result.output
    assert f"{folder / 'admin-sample.yaml'}: admin-sample: 第2版は管理画面で kanri が" in output
    assert "（日本時間）に公開したもので、このファイルの内容と異なります。" in output
    assert "`formsvc export-definitions` でデータベースの版をファイルに書き出し" in output
    assert "--force" in output
    assert "version 2 was published in the browser by kanri on" in output
    assert "Run `formsvc export-definitions`, merge the changes" in output
    assert "何も読み込んでいません" in output
    assert [v.number for v in form_row(app).versions] == [1, 2]
    assert [v.number for v in form_row(app, "admin-other").versions] == [1]  # not even the other file


def test_force_publishes_the_file_anyway(app, tmp_path):
    folder = files(tmp_path)
    cli(app, "load-definitions", folder)
    admin = admin_client(app)
    publish_in_browser(app, admin, SAMPLE.replace("max: 5", "max: 10"))
    (folder / "admin-sample.yaml").write_text(SAMPLE.replace("1通300円", "1通350円"), encoding="utf-8")
    result = cli(app, "load-definitions", "--force", folder)
    assert result.exit_code == 0, result.output
    assert "更新 1 件" in result.output
    form = form_row(app)
    assert (form.published_version, form.version(3).origin, form.version(3).created_by) == (3, "file", "cli")
    assert ("imported", "cli", 3) in events(app)


def test_after_export_the_files_are_the_source_again(app, tmp_path):
    folder = files(tmp_path)
    cli(app, "load-definitions", folder)
    admin = admin_client(app)
    publish_in_browser(app, admin, SAMPLE.replace("max: 5", "max: 10"))
    assert cli(app, "export-definitions", folder).exit_code == 0
    again = cli(app, "load-definitions", folder)
    assert again.exit_code == 0 and "変更なし 2 件" in again.output
    merged = (folder / "admin-sample.yaml").read_text(encoding="utf-8").replace("1通300円", "1通350円")
    (folder / "admin-sample.yaml").write_text(merged, encoding="utf-8")
    result = cli(app, "load-definitions", folder)
    assert result.exit_code == 0, result.output
    assert form_row(app).version(3).source == merged


def test_the_same_content_as_the_browser_version_is_not_a_conflict(app, tmp_path):
    folder = files(tmp_path)
    cli(app, "load-definitions", folder)
    admin = admin_client(app)
    publish_in_browser(app, admin, SAMPLE.replace("max: 5", "max: 10"))
    (folder / "admin-sample.yaml").write_text(SAMPLE.replace("max: 5", "max: 10"), encoding="utf-8")
    result = cli(app, "load-definitions", folder)
    assert result.exit_code == 0 and "変更なし 2 件" in result.output


def test_an_import_goes_ahead_beside_a_working_copy_and_says_so(app, tmp_path):
    folder = files(tmp_path)
    cli(app, "load-definitions", folder)
    admin = admin_client(app)
    url = f"/admin/forms/{FORM}/yaml"
    submit(admin, url, url, {"source": SAMPLE.replace("max: 5", "max: 7")})
    (folder / "admin-sample.yaml").write_text(SAMPLE.replace("1通300円", "1通350円"), encoding="utf-8")
    result = cli(app, "load-definitions", folder)
    assert result.exit_code == 0, result.output
    assert "更新 1 件" in result.output
    assert ("警告 (warning): admin-sample: 管理画面に未公開の下書き（kanri が保存、第1版をもとに編集）があります。"
            "読み込んだ内容は下書きに反映されていません") in result.output
    assert form_row(app).published_version == 2
    assert "max: 7" in working_source(app)
    assert [kind for kind, _, _ in events(app)] == ["imported", "edited", "imported"]
