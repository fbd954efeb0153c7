"""Hints that read true and whole (issue 16): the postal code's hint says what fills the address
(the 住所を検索 button, with or without JavaScript, never typing alone); a question's own hint and
its type's help are separate sentences, never glued (「…ください200文字以内」); example years
follow this year in Japan.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from formsvc import clock
from formsvc.fields import FieldContext
from formsvc.resident.forms import build_form, field_views, join_hints
from tests.conftest import hold_moment
from tests.fields.fieldkit import CTX, EN, make, question_html, submit
from tests.resident.library_support import Resident, publish
from tests.resident.test_library_juminhyo import SELF_AT_COUNTER


def shown_hint(spec, ctx: FieldContext = CTX) -> str:
    """The hint under the question as its template draws it on an application page."""
    form = build_form([spec], ctx, MultiDict())
    view = field_views(form, [spec], ctx)[0]
    return BeautifulSoup(question_html(view, ctx), "html.parser").find(id=f"{view.id}-hint").get_text()


# --- two hints, two sentences ----------------------------------------------------------------

def test_a_hint_and_the_types_help_are_two_sentences():
    spec = make("textarea", label="使いみち", hint="具体的に入力してください", max_length=200, required=False)
    assert shown_hint(spec) == "具体的に入力してください。200文字以内"
    english = make("textarea", label={"ja": "使いみち", "en": "Purpose"},
                   hint={"ja": "具体的に入力してください", "en": "Describe it"}, max_length=200)
    assert shown_hint(english, EN) == "Describe it. Up to 200 characters"


def test_a_hint_that_ends_a_sentence_gets_no_second_stop():
    spec = make("textarea", label="説明", hint="例：駐車場の奥。", max_length=50)
    assert shown_hint(spec) == "例：駐車場の奥。50文字以内"


@pytest.mark.parametrize(("parts", "locale", "joined"), [
    (["A", "B"], "ja", "A。B"),
    (["「x」の場合は必ず答えてください。", "例：y", "10文字以内"], "ja",
     "「x」の場合は必ず答えてください。例：y。10文字以内"),
    (["  ", "ひとつ"], "ja", "ひとつ"),
    (["Answer it", "Up to 10 characters"], "en", "Answer it. Up to 10 characters"),
    (["Really?", "Yes"], "en", "Really? Yes"),
    ([], "ja", ""),
])
def test_join_hints(parts, locale, joined):
    assert join_hints(parts, locale) == joined


# --- the postal code ---------------------------------------------------------------------------

def test_the_postal_hint_says_the_button_fills_the_address():
    spec = make("postal_code", label="郵便番号", fills="address")
    assert shown_hint(spec) == "7桁の数字（例：123-4567）。「住所を検索」を押すと、住所の一部が入ります"
    assert "自動で入ります" not in shown_hint(spec)
    assert shown_hint(spec, EN) == "7 digits, like 123-4567. Press Find address to fill in part of the address"


def test_a_postal_code_filling_nothing_says_only_its_form():
    assert shown_hint(make("postal_code", label="郵便番号")) == "7桁の数字（例：123-4567）"


def test_the_shipped_page_has_the_button_its_hint_names(client, app):
    publish(app, "juminhyo-copy")
    page = Resident(client, app, "juminhyo-copy", answers=dict(SELF_AT_COUNTER)).at("subject").text
    soup = BeautifulSoup(page, "html.parser")
    hint = soup.find(id="subject_postal_code-hint").get_text()
    assert hint == "7桁の数字（例：123-4567）。「住所を検索」を押すと、住所の一部が入ります"
    button = soup.find("button", attrs={"value": "lookup:subject_postal_code"})
    assert button is not None and button.get_text(strip=True) == "住所を検索"
    # Without JavaScript the button sends the page, which comes back with the address filled in.
    token = soup.find("input", attrs={"name": "csrf_token"})["value"]
    filled = client.post("/forms/juminhyo-copy/pages/subject", data={
        "csrf_token": token, "action": "lookup:subject_postal_code", "subject_postal_code": "105-0011"})
    assert filled.status_code == 200
    prefecture = BeautifulSoup(filled.text, "html.parser").find(id="subject_address-prefecture")
    assert prefecture["value"] == "東京都"


# --- example years -----------------------------------------------------------------------------

@pytest.mark.parametrize(("today", "western", "japanese"), [
    (date(2026, 11, 26), "2026", "令和8"),
    (date(2031, 1, 1), "2031", "令和13"),
    (date(2019, 5, 1), "2019", "令和1"),
])
def test_the_date_hint_gives_this_year_as_the_example(today, western, japanese):
    spec = make("date", label="生年月日")
    ctx = FieldContext(today=today)
    assert shown_hint(spec, ctx) == f"年は西暦（例：{western}）か和暦（例：{japanese}）で入力できます"
    assert shown_hint(spec, FieldContext(locale="en", today=today)) == (
        f"Enter the year as {western}, or in the Japanese calendar as {japanese}")


def test_a_year_typed_wrongly_is_explained_with_this_years_example():
    spec = make("date", label="生年月日")
    ctx = FieldContext(today=date(2031, 6, 1))
    result = submit(spec, {"answer-year": "31", "answer-month": "4", "answer-day": "1"}, ctx)
    assert result.errors == ["年は西暦（例：2031）か和暦（例：令和13）で入力してください"]
    english = submit(spec, {"answer-year": "31", "answer-month": "4", "answer-day": "1"},
                     FieldContext(locale="en", today=date(2031, 6, 1)))
    assert english.errors == ["Enter the year like 2031 or 令和13, for a date within that era"]


def test_the_page_follows_the_year_in_japan(client, app, monkeypatch):
    # 00:30 on New Year's Day in Japan (still 2030 in UTC): the hint says 2031.
    hold_moment(monkeypatch, datetime(2030, 12, 31, 15, 30, tzinfo=UTC).astimezone(clock.JST))
    publish(app, "juminhyo-copy")
    answers = {**SELF_AT_COUNTER, "subject_birth_date": date(1985, 4, 12)}
    page = Resident(client, app, "juminhyo-copy", answers=answers).at("subject").text
    hint = BeautifulSoup(page, "html.parser").find(id="subject_birth_date-hint").get_text()
    assert hint == "年は西暦（例：2031）か和暦（例：令和13）で入力できます"
