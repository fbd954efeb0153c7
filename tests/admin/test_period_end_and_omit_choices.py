"""The administrators' screens for ``period_end`` and ``omit_choices``: the change list and the
computed values in words, the question editor showing the choices left out, and a save keeping
them."""

from __future__ import annotations

from pathlib import Path

from formsvc.admin import describe
from formsvc.admin.yaml_edit import load
from formsvc.vocabulary.expressions import Expression
from tests.admin.support import admin_client, form_values, publish_sample, working_source
from tests.admin.test_diff_constructs import BASE, changes, definition

OKUYAMI = Path(__file__).resolve().parents[2] / "form_definitions" / "okuyami-annai.yaml"


def words(data) -> str:
    return describe.expression(Expression.model_validate(data), definition())


def test_period_end_in_words():
    assert words({"period_end": {"from": {"field": "death_date"}, "months": 3}}) == \
        "「死亡日」の翌日から数えて3か月の期間の末日"
    assert words({"period_end": {"from": {"field": "death_date"}, "days": 14}}) == \
        "「死亡日」の翌日から数えて14日の期間の末日"
    assert words({"period_end": {"from": {"date": "2026-04-01"}, "years": {"field": "income"}}}) == \
        "2026年4月1日の翌日から数えて（「所得」）年の期間の末日"


def test_the_change_list_names_a_period_end():
    added = BASE.replace("documents:", """\
  - id: renounce_deadline
    label: 相続放棄の期限
    role: deadline
    expression: {period_end: {from: {field: death_date}, months: 3}}
documents:""", 1)
    assert changes(BASE, added) == [
        "計算値「相続放棄の期限」を追加（「死亡日」の翌日から数えて3か月の期間の末日、期限）"]


def test_the_question_editor_shows_the_choices_left_out_and_a_save_keeps_them(app):
    source = OKUYAMI.read_text(encoding="utf-8")
    publish_sample(app, source, OKUYAMI.name)
    admin = admin_client(app)
    url = "/admin/forms/okuyami-annai/pages/applicant/fields/applicant_relationship"
    page = admin.get(url)
    assert page.status_code == 200
    assert "「relationship」" in page.text
    assert "次の選択肢を出しません" in page.text and "「世帯主」「本人」" in page.text
    data = form_values(page.text, url)
    data["label_ja"] = "亡くなった方との続柄"
    assert admin.post(url, data=data).status_code == 302
    field = next(f for p in load(working_source(app, "okuyami-annai"))["pages"] for f in p.get("fields") or []
                 if isinstance(f, dict) and f.get("id") == "applicant_relationship")
    assert field["label"]["ja"] == "亡くなった方との続柄"
    assert field["omit_choices"] == ["head", "self"] and field["choice_list"] == "relationship"
