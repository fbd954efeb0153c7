"""`formsvc validate` checks definitions without creating the app, and creating the app does not
load WeasyPrint (issue 17: both cost more than checking 100 definitions)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo

from formsvc.cli import main

ROOT = Path(__file__).resolve().parent.parent
VALID = (ROOT / "tests" / "definitions" / "solar_subsidy.yaml").read_text(encoding="utf-8")


def no_app() -> Flask:
    raise AssertionError("validate created the app")


def test_validate_runs_without_creating_the_app(tmp_path):
    (tmp_path / "good.yaml").write_text(VALID, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)], obj=ScriptInfo(create_app=no_app))
    assert result.exit_code == 0, result.output
    assert "1 件の定義はすべて正しい形式です" in result.output


def test_validate_reports_errors_with_their_location_without_the_app(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)], obj=ScriptInfo(create_app=no_app))
    assert result.exit_code == 1
    assert f"{bad}:2:8: YAMLとして読めません: 「[」が閉じられていません" in result.output


def test_validate_without_paths_checks_the_configured_folder(tmp_path, monkeypatch):
    (tmp_path / "one.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "two.yaml").write_text(VALID.replace("id: taiyoko-hojo-test", "id: taiyoko-hojo-two"),
                                       encoding="utf-8")
    monkeypatch.setenv("FORMSVC_DEFINITIONS_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["validate"], obj=ScriptInfo(create_app=no_app))
    assert result.exit_code == 0, result.output
    assert "2 件の定義はすべて正しい形式です" in result.output


def run_python(code: str) -> str:
    """``code`` in a new interpreter, so that what this test process imported does not count."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_creating_the_app_does_not_import_weasyprint(tmp_path):
    found = run_python(f"""
        import sys
        import formsvc
        app = formsvc.create_app({{"TESTING": True, "SECRET_KEY": "x", "INSTANCE_DIR": {str(tmp_path)!r},
                                   "DATABASE_URL": "sqlite:///{tmp_path}/db.sqlite3"}})
        print(sorted(name for name in sys.modules if name.split(".")[0] == "weasyprint"))
    """)
    assert found == "[]"


def test_the_records_package_loads_weasyprint_when_something_is_printed():
    found = run_python("""
        import sys
        import formsvc.records
        from formsvc.records.context import RecordError
        before = "weasyprint" in sys.modules
        from formsvc.records import ForbiddenURL, render_record
        print(before, "weasyprint" in sys.modules, callable(render_record), issubclass(ForbiddenURL, ValueError))
    """)
    assert found == "False True True True"


def test_validate_does_not_import_weasyprint(tmp_path):
    (tmp_path / "good.yaml").write_text(VALID, encoding="utf-8")
    found = run_python(f"""
        import sys
        from formsvc.cli import main
        try:
            main(["validate", {str(tmp_path)!r}])
        except SystemExit as exit:
            assert exit.code in (0, None), exit.code
        print("weasyprint" in sys.modules)
    """)
    assert found.splitlines()[-1] == "False"


def test_the_console_script_validates_without_importing_flask(tmp_path):
    """The `formsvc` script runs `validate` before Flask's command line is imported (~0.1 s)."""
    (tmp_path / "good.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    found = run_python(f"""
        import sys
        from formsvc.command_line import main
        for name in ("good.yaml", "bad.yaml"):
            sys.argv = ["formsvc", "validate", {str(tmp_path)!r} + "/" + name]
            try:
                main()
            except SystemExit as exit:
                print(name, exit.code)
        print([name for name in ("flask", "werkzeug", "jinja2", "sqlalchemy") if name in sys.modules])
    """)
    assert found.splitlines()[-3:] == ["good.yaml 0", "bad.yaml 1", "[]"]


def test_the_console_script_runs_the_other_commands_through_flask():
    done = subprocess.run([sys.executable, "-c", "from formsvc.command_line import main; main()", "--help"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "load-definitions" in done.stdout and "validate" in done.stdout
