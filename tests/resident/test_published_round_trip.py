"""A published procedure opens as validated (the stored version compiles to the same questions).

Two defects made valid definitions impossible to open once published: a number question with
``places: 3`` came back from the stored version as ``integer: true, places: 3``, and a file
question's ``show_if: {equals: false}`` came back as ``equals: 0``; either made every page of
the procedure fail.
"""

from __future__ import annotations

import pytest

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from tests.resident.library_support import PDF, Files, Resident, check_answers, error_summary, moved_to

FORM = "solar-check"
DEFINITION = """\
id: solar-check
title: 設備の届出
description: 発電設備の出力と書類の確認です。
department: {name: 環境政策課}
declaration: 上記の内容に相違ありません。
next_steps: 内容を確認します。
retention: {years: 5}
pages:
  - id: certificate
    title: 証明書
    fields:
      - {type: yes_no, id: has_certificate, label: 設備認定の通知書をお持ちですか}
  - id: system
    title: 設備
    fields:
      - {type: number, id: output_kw, label: 最大出力, places: 3, min: 0.001, unit: kW}
      - type: file
        id: statement
        label: 申立書
        accept: [pdf]
        show_if: {field: has_certificate, equals: false}
"""


@pytest.fixture
def form(app):
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(DEFINITION, "solar-check.yaml"), actor="test")
    return FORM


def test_a_published_decimal_number_takes_three_places(client, app, form):
    person = Resident(client, app, FORM, answers={"has_certificate": True, "output_kw": "4.911"})
    check = person.apply()
    assert person.visited == ["certificate", "system"]
    assert check_answers(check.text)["設備"]["最大出力"] == "4.911kW"
    response = person.answer("system", output_kw="4.9111")
    assert "小数点以下は3桁以内で入力してください" in " ".join(message for _, message in error_summary(response.text))


def test_the_file_question_shown_when_the_answer_is_no(client, app, form):
    with_certificate = Resident(client, app, FORM, answers={"has_certificate": True, "output_kw": "4.911"})
    page = with_certificate.at("system")
    assert 'name="statement"' not in page.text
    without = Resident(client, app, FORM, answers={"has_certificate": False, "output_kw": "4.911",
                                                   "statement": Files(("申立書.pdf", PDF))})
    page = without.at("system")
    assert 'name="statement"' in page.text
    response = without.answer("system")
    assert moved_to(response, f"/forms/{FORM}/check"), error_summary(response.text)
