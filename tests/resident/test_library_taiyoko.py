"""住宅用太陽光発電システム設置費補助金 (form_definitions/taiyoko-hojo.yaml), page by page as a resident.

The clock is held on a day of the 令和8年度 受付期間, so that the dates below do not move.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest

from formsvc import clock
from tests.fields import filekinds
from tests.resident.library_support import (
    JPEG,
    PDF,
    Files,
    Mistake,
    Resident,
    assert_confirmation,
    check_answers,
    moved_to,
    publish,
    stored_submission,
    text_of,
)

FORM = "taiyoko-hojo"
PAGES = f"/forms/{FORM}/pages"
DAY = date(2026, 11, 16)

# 中村さんは、4.911kW のシステムを9月に契約し、10月に設置を終えた。
NAKAMURA = {
    "applicant_name": {"family": "中村", "given": "陽子"},
    "applicant_kana": {"family": "ナカムラ", "given": "ヨウコ"},
    "applicant_birth_date": date(1980, 6, 1),
    "applicant_postal_code": "105-0011",
    "applicant_address": {"prefecture": "東京都", "city": "港区", "town": "芝公園",
                          "block": "4-2-8", "building": ""},
    "applicant_phone": "090-1111-2222",
    "home_ownership": "own",
    "output_kw": "4.911",
    "system_cost": 1_350_000,  # 税抜: 1kWあたり 274,893円 (1,350,000 ÷ 4.911 = 274,893.09…)
    "module_maker": "デモ電機 DM-410",
    "contract_date": date(2026, 9, 1),
    "completion_date": date(2026, 10, 20),
    "quotation": Files(("見積書.pdf", PDF)),
    "photos": Files(("屋根.jpg", JPEG), ("パワコン.jpg", JPEG)),
    "bank_account": {"bank": "0001", "branch": "001", "kind": "ordinary", "number": "1234567",
                     "holder": "ナカムラ\u3000ヨウコ"},
}


@pytest.fixture(autouse=True)
def on_a_day_of_the_period(monkeypatch):
    monkeypatch.setattr(clock, "_read_system_clock", lambda: datetime.combine(DAY, time(10, 0), clock.JST))


@pytest.fixture
def form(app):
    return publish(app, FORM)


def resident(client, app, **answers) -> Resident:
    values = {**NAKAMURA, **answers}
    person = Resident(client, app, FORM, answers=values)
    return person


def _section(html: str, heading: str) -> str:
    match = re.search(rf"<h2[^>]*>{re.escape(heading)}</h2>(.*?)(?=<h2|</main>)", html, flags=re.S)
    assert match, f"no section {heading!r}"
    return re.sub(r"\s+", " ", text_of(match.group(1)))


def test_a_4911_kw_system_gets_98000_yen(client, app, form, db_session):
    person = resident(client, app)
    check = person.apply()
    assert person.visited == ["applicant", "system", "schedule", "attachments", "payee", "consent"]
    sections = check_answers(check.text)
    # The output is shown as typed, to the thousandth of a kW.
    assert sections["設置した太陽光発電システム"]["太陽電池の最大出力"] == "4.911kW"
    # 4.911 kW × 20,000円 = 98,220円, 千円未満切り捨て: 98,000円, as a benefit (not a fee).
    benefit = _section(check.text, "給付額・補助金額の見込み")
    assert "補助金額" in benefit and "98,000円" in benefit
    assert "2027年1月20日" in _section(check.text, "期限")  # 設置完了日 + 3か月
    # 設置費用 ÷ 出力, 1円未満切り捨て, shown with its unit.
    assert sections["設置した太陽光発電システム"]["設置費用（税抜）"] == "1,350,000円"
    values = _section(check.text, "計算結果")
    assert "1kWあたりの設置費用（税抜）" in values and "274,893円/kW" in values
    assert "手数料" not in check.text
    number = person.submit_from_check()
    assert_confirmation(client, FORM, number)
    submission = stored_submission(db_session, number)
    assert submission.computed == {"subsidy": "98000", "cost_per_kw": "274893",
                                   "application_deadline": "2027-01-20"}
    assert submission.answers["fields"]["output_kw"] in (4.911, "4.911")


@pytest.mark.parametrize(("typed", "subsidy"), [
    ("3", "60,000円"), ("5", "100,000円"), ("9.999", "100,000円"), ("0.049", "0円"), ("2.57", "51,000円")])
def test_the_subsidy_is_capped_and_rounded_down(client, app, form, typed, subsidy):
    # 30万円/kW: under the cap on the cost per kW.
    check = resident(client, app, output_kw=typed, system_cost=int(float(typed) * 300_000)).apply()
    assert subsidy in _section(check.text, "給付額・補助金額の見込み")


@pytest.mark.parametrize("typed", ["10", "10.000", "12.5"])
def test_ten_kw_or_more_ends_at_the_exit_page(client, app, form, typed):
    person = resident(client, app)
    person.at("system")
    assert moved_to(person.answer("system", raw={"output_kw": typed}), f"{PAGES}/too_large_exit")
    page = client.get(f"{PAGES}/too_large_exit").text
    assert "出力10kW以上のシステムは補助の対象外です" in page
    assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/too_large_exit")
    # Just under 10 kW goes on.
    assert moved_to(person.answer("system", raw={"output_kw": "9.999"}), f"{PAGES}/schedule")


# 上限 41万円/kW (J-PEC 平成25年度の価格要件): 4.911kW × 410,000円 = 2,013,510円 is exactly at it.
@pytest.mark.parametrize(("cost", "ends"), [
    ("2013510", False),    # 410,000円/kW: at the cap, covered
    ("2013514", False),    # 410,000.81…円/kW: below 1円 is cut off, still 410,000円
    ("2013515", True),     # 410,001.01…円/kW: above the cap
    ("99999999", True),
])
def test_a_system_costing_more_than_410000_yen_per_kw_ends_at_the_exit_page(client, app, form, cost, ends):
    person = resident(client, app)
    person.at("system")
    response = person.answer("system", raw={"system_cost": cost})
    if not ends:
        assert moved_to(response, f"{PAGES}/schedule")
        return
    assert moved_to(response, f"{PAGES}/too_expensive_exit")
    page = text_of(client.get(f"{PAGES}/too_expensive_exit").text)
    assert "1kWあたりの設置費用が41万円を超えるシステムは補助の対象外です" in page
    assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/too_expensive_exit")


def test_the_cost_per_kw_in_english(client, app, form):
    client.get("/language/en")
    check = resident(client, app).apply()
    text = re.sub(r"\s+", " ", text_of(check.text))
    assert "Installation cost per kW (before tax)" in text and "274,893 yen per kW" in text


def test_the_cost_is_checked(client, app, form):
    person = resident(client, app)
    person.at("system")
    person.assert_mistakes("system", [
        Mistake("system_cost", "設置費用（税抜）を入力してください", raw={"system_cost": ""}),
        Mistake("system_cost", "設置費用（税抜）は1から100000000までの数字で入力してください",
                raw={"system_cost": "0"}),
        Mistake("system_cost", "設置費用（税抜）は1から100000000までの数字で入力してください",
                raw={"system_cost": "1" + "0" * 40}),
        Mistake("system_cost", "数字で入力してください", raw={"system_cost": "135万円"}),
    ], then=f"{PAGES}/schedule")
    nul = person.answer("system", raw={"system_cost": "1350000\x00"})
    assert nul.status_code == 200 and "制御文字" in text_of(nul.text)


def test_the_output_is_checked(client, app, form):
    person = resident(client, app)
    person.at("system")
    person.assert_mistakes("system", [
        Mistake("output_kw", "太陽電池の最大出力を入力してください", raw={"output_kw": ""}),
        Mistake("output_kw", "太陽電池の最大出力は0.001から1000までの数字で入力してください",
                raw={"output_kw": "0"}),
        Mistake("output_kw", "数字で入力してください", raw={"output_kw": "4kW"}),
    ], then=f"{PAGES}/schedule")


def test_the_dates(client, app, form):
    person = resident(client, app)
    person.at("schedule")
    person.assert_mistakes("schedule", [
        Mistake("contract_date", "令和8年4月1日以降に契約した工事が対象です",
                values={"contract_date": date(2026, 3, 31)}, target="contract_date-year"),
        Mistake("completion_date", "設置完了日から3か月を過ぎているため申請できません。環境政策課にご相談ください",
                values={"completion_date": date(2026, 8, 15)}, target="completion_date-year"),
        Mistake("completion_date", "設置が終わってから申請してください（設置完了日は今日以前の日付です）",
                values={"completion_date": date(2026, 11, 17)}, target="completion_date-year"),
        Mistake("completion_date", "設置完了日は、工事の契約日以降の日付を入力してください",
                values={"contract_date": date(2026, 11, 1), "completion_date": date(2026, 10, 20)},
                target="completion_date-year"),
    ], then=f"{PAGES}/attachments")
    # Three months back to the day is still in time.
    in_time = person.answer("schedule", contract_date=date(2026, 8, 1), completion_date=date(2026, 8, 16))
    assert moved_to(in_time, f"{PAGES}/attachments")


def test_the_quotation_and_photos(client, app, form):
    person = resident(client, app)
    person.at("attachments")
    one_photo = person.answer("attachments", photos=Files(("屋根.jpg", JPEG)))
    assert one_photo.status_code == 200
    assert "設置後の写真を2ファイル以上添付してください（いまは1ファイルです）" in one_photo.text
    gif = person.answer("attachments", quotation=Files(("見積書.gif", b"GIF89a" + b"\0" * 64)))
    assert gif.status_code == 200 and "見積書.gifはExcel（xlsx）・Word（docx）・PDFのファイルではありません" in gif.text
    # The installer's contract as a Word file is taken as it is; a macro-enabled one is not.
    macro = person.answer("attachments", quotation=Files(("契約書.docx", filekinds.xlsm())))
    assert macro.status_code == 200
    word = person.answer("attachments", quotation=Files(("契約書.docx", filekinds.docx())))
    assert moved_to(word, f"{PAGES}/payee"), text_of(word.text)[:500]
    ok = person.answer("attachments", quotation=Files(("見積書.xlsx", filekinds.xlsx())),
                       photos=Files(("IMG_0001.HEIC", filekinds.heic()), ("パワコン.jpg", JPEG)))
    assert moved_to(ok, f"{PAGES}/payee"), text_of(ok.text)[:500]


def test_the_period_is_shown_and_nothing_is_taken_after_it(client, app, form, monkeypatch):
    monkeypatch.setattr(clock, "_read_system_clock",
                        lambda: datetime.combine(date(2027, 4, 1), time(10, 0), clock.JST))
    start = client.get(f"/forms/{FORM}/")
    assert "2027年3月31日" in start.text
    assert 'action="/forms/taiyoko-hojo/start"' not in start.text
