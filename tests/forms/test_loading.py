"""Importing form_definitions/ into the database: versions, idempotence, all-or-nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from formsvc.cli import main
from formsvc.forms.models import Form, FormVersion
from tests.test_cli import VALID

DEFINITIONS = Path(__file__).resolve().parents[2] / "form_definitions"


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def invoke(app, *args):
    return app.test_cli_runner().invoke(main, ["load-definitions", *map(str, args)])


def test_loading_the_library_publishes_every_definition_once(app, db_session):
    first = invoke(app, DEFINITIONS)
    assert first.exit_code == 0, first.output
    shipped = len([p for p in DEFINITIONS.glob("*.yaml")])
    assert f"新規 {shipped} 件" in first.output
    forms = db_session.scalars(select(Form)).all()
    assert len(forms) == shipped
    assert all(f.state == "published" and f.published_version == 1 for f in forms)

    again = invoke(app, DEFINITIONS)
    assert again.exit_code == 0, again.output
    assert f"変更なし {shipped} 件" in again.output
    assert count(db_session, FormVersion) == shipped


def test_a_changed_file_becomes_a_new_published_version(app, db_session, tmp_path):
    path = tmp_path / "sample.yaml"
    path.write_text(VALID, encoding="utf-8")
    assert invoke(app, path).exit_code == 0
    path.write_text(VALID.replace("見本です", "見本の説明を変えました"), encoding="utf-8")
    result = invoke(app, path)
    assert "更新 1 件" in result.output
    form = db_session.get(Form, "sample-form")
    assert form.published_version == 2
    assert [v.number for v in form.versions] == [1, 2]
    assert form.version(2).document["description"]["ja"] == "見本の説明を変えました"
    assert form.version(1).document["description"]["ja"] == "見本です"
    assert form.version(2).source_file == "sample.yaml"


def test_an_invalid_file_means_nothing_is_loaded(app, db_session, tmp_path):
    (tmp_path / "a.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(VALID.replace("sample-form", "other-form")
                                     .replace("    title: あなたについて\n", ""), encoding="utf-8")
    result = invoke(app, tmp_path)
    assert result.exit_code == 1
    assert "b.yaml:9:5: pages[0].title: 'title' を書いてください" in result.output
    assert "何も読み込んでいません" in result.output
    assert count(db_session, Form) == 0
