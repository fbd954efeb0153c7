"""Computed values as a resident meets them (issue 13): a subsidy computed from a decimal answer
(千円未満切り捨て), an exit page decided on a computed value, a deadline from a date answer, and
the decimals of the answer kept on the check page and in what is stored."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from formsvc.db import database
from formsvc.definitions.loader import load_file
from formsvc.forms.loading import import_definitions
from formsvc.vocabulary.dates import add_months
from tests.resident.library_support import (
    Resident,
    check_answers,
    days,
    error_summary,
    moved_to,
    reiwa,
    stored_submission,
    text_of,
)

DEFINITION = Path(__file__).resolve().parents[1] / "definitions" / "solar_subsidy.yaml"
FORM = "taiyoko-hojo-test"
YAMADA = {"output_kw": 4.911, "installed_on": days(-10), "applicant_name": {"family": "山田", "given": "太郎"}}


@pytest.fixture
def form(app):
    with app.app_context(), database().transaction() as session:
        report = import_definitions(session, [DEFINITION], actor="test")
    assert report.errors == [], report.errors
    return FORM


def values_shown(page: str) -> dict[str, str]:
    """Every computed value on the page: {label: value as shown}."""
    found: dict[str, str] = {}
    for block in re.findall(r'<section class="check-section computed.*?</section>', page, flags=re.S):
        found.update({text_of(key): text_of(value) for key, value in re.findall(
            r'<dt class="summary-list__key">(.*?)</dt><dd class="summary-list__value">(.*?)</dd>', block, flags=re.S)})
    return found


def test_the_subsidy_is_computed_rounded_down_and_shown_with_the_decimals_typed(client, app, form, db_session):
    person = Resident(client, app, FORM, answers=YAMADA)
    check = person.apply()
    assert person.visited == ["system", "applicant"]  # 4.911kW: not the exit page
    assert check_answers(check.text)["設置したシステム"]["太陽電池の最大出力"] == "4.911kW"  # not 4kW
    shown = values_shown(check.text)
    assert shown["補助金の見込み額"] == "98,000円"        # 4.911 × 20,000 = 98,220 → 98,000
    assert shown["発電出力"] == "4.91kW"                  # places: 2
    deadline = add_months(days(-10), 3)
    assert shown["実績報告の期限"].startswith(f"{deadline.year}年{deadline.month}月{deadline.day}日")
    assert reiwa(deadline) in shown["実績報告の期限"]
    assert "上限を適用する前の額" not in shown              # its show_if never holds
    number = person.submit_from_check()
    submission = stored_submission(db_session, number)
    assert submission.answers["fields"]["output_kw"] == 4.911
    assert submission.fee is None


def test_the_cap_applies(client, app, form):
    person = Resident(client, app, FORM, answers={**YAMADA, "output_kw": 9.999})
    check = person.apply()
    assert values_shown(check.text)["補助金の見込み額"] == "100,000円"


@pytest.mark.parametrize("kw", ["10", "10.000", "９９.５"])
def test_ten_kilowatts_or_more_ends_on_the_exit_page(client, app, form, kw):
    person = Resident(client, app, FORM, answers=YAMADA)
    person.start()
    response = person.answer("system", raw={"output_kw": kw})
    assert moved_to(response, f"/forms/{FORM}/pages/too_large"), error_summary(response.text)
    page = client.get(f"/forms/{FORM}/pages/too_large")
    assert "出力10kW以上の設備は" in page.text
    assert client.get(f"/forms/{FORM}/check").status_code in (302, 303)


def test_just_under_ten_kilowatts_goes_on(client, app, form):
    person = Resident(client, app, FORM, answers=YAMADA)
    person.start()
    response = person.answer("system", raw={"output_kw": "9.999"})
    assert moved_to(response, f"/forms/{FORM}/pages/applicant")


@pytest.mark.parametrize(("typed", "message"), [
    ("4.9111", "小数点以下は3桁以内で入力してください"),       # places: 3
    ("4.9e1", "数字で入力してください"),
    ("NaN", "数字で入力してください"),
    ("4.9\x00", "太陽電池の最大出力に使用できない文字（制御文字）が含まれています。「\ufffd」の文字を消してください"),
    ("0", "太陽電池の最大出力は0.001から100までの数字で入力してください"),
    ("9" * 40, "太陽電池の最大出力は0.001から100までの数字で入力してください"),
])
def test_hostile_and_mistyped_outputs_are_refused_on_the_page(client, app, form, typed, message):
    person = Resident(client, app, FORM, answers=YAMADA)
    person.start()
    response = person.answer("system", raw={"output_kw": typed})
    assert response.status_code == 200
    assert [text for _, text in error_summary(response.text)] == [message]


def test_in_english_the_units_are_words():
    definition = load_file(DEFINITION).definition
    subsidy, shown = definition.computed[0], definition.computed[1]
    assert subsidy.display(Decimal(98000), "en") == "98,000 yen"
    assert shown.display(Decimal("4.911"), "en") == "4.91 kW"
    assert definition.field_by_id("output_kw").display(4.911, "en") == "4.911 kW"
