"""おくやみ手続き案内 (form_definitions/okuyami-annai.yaml), page by page as a bereaved family would.

The clock is held on one day (2026年12月7日), so that the deadlines counted from the dates of
death below do not move with the real date. The deadlines follow the law's counting (see the
definition's comments): 死亡届 counts the day of death (戸籍法43条), the others start the next
day (民法140条, 国税通則法10条) and a period in months ends on the day before the 応当日 of
that next day, or on the last day of the month when there is none (民法143条).
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, datetime, time

import pytest

from formsvc import clock
from tests.identity import sign_in
from tests.resident.library_support import (
    Mistake,
    Resident,
    assert_confirmation,
    assert_error,
    check_answers,
    moved_to,
    publish,
    stored_submission,
    text_of,
)
from tests.staff.support import staff_client

FORM = "okuyami-annai"
PAGES = f"/forms/{FORM}/pages"
DAY = date(2026, 12, 7)

# 鈴木花子さんが、11月30日に亡くなった夫・一郎さんの手続きを調べて予約する。一郎さんは国民健康保険に
# 入り、国民年金を受け取り、世帯主 (花子さんと娘が残る) で、印鑑登録をし、自宅を持ち、店を営んでいた。
SUZUKI = {
    "deceased_name": {"family": "鈴木", "given": "一郎"},
    "deceased_kana": {"family": "スズキ", "given": "イチロウ"},
    "deceased_birth_date": date(1950, 4, 10),
    "death_date": date(2026, 11, 30),
    "deceased_postal_code": "105-0011",
    "deceased_address": {"prefecture": "東京都", "city": "港区", "town": "芝公園",
                         "block": "4-2-8", "building": ""},
    "death_notice_submitted": True,
    "circumstances": ["kokuho", "national_pension", "seal", "head_of_household", "property", "business"],
    "household_remaining": "two_or_more",
    "heirs": "2",
    "estate_over_allowance": "unknown",
    "renounce": "undecided",
    "applicant_name": {"family": "鈴木", "given": "花子"},
    "applicant_kana": {"family": "スズキ", "given": "ハナコ"},
    "applicant_birth_date": date(1955, 8, 1),
    "applicant_postal_code": "105-0011",
    "applicant_address": {"prefecture": "東京都", "city": "港区", "town": "芝公園",
                          "block": "4-2-8", "building": ""},
    "applicant_phone": "090-5555-6666",
    "applicant_relationship": "spouse",
    "applicant_email": "hanako@example.jp",
    "visit_date": date(2026, 12, 14),
    "visit_time": "morning",
}


@pytest.fixture(autouse=True)
def on_one_day(monkeypatch):
    monkeypatch.setattr(clock, "_read_system_clock", lambda: datetime.combine(DAY, time(10, 0), clock.JST))


@pytest.fixture
def form(app):
    return publish(app, FORM)


def resident(client, app, **answers) -> Resident:
    return Resident(client, app, FORM, answers={**SUZUKI, **answers})


def outcomes(html: str) -> list[tuple[str, str | None]]:
    """The procedures listed (title, deadline as YYYY-MM-DD or None), in order, as any page lists them."""
    section = re.search(r'<section class="outcomes".*?</section>', html, flags=re.S)
    if section is None:
        return []
    listed = []
    for item in re.findall(r"<li\b.*?</li>", section.group(0), flags=re.S):
        title = text_of(re.search(r"<strong[^>]*>(.*?)</strong>", item, flags=re.S).group(1))
        day = re.search(r'<time datetime="([0-9-]+)"', item)
        listed.append((title, day.group(1) if day else None))
    return listed


def section(html: str, heading: str) -> str:
    match = re.search(rf"<h2[^>]*>{re.escape(heading)}</h2>(.*?)(?=<h2|</main>)", html, flags=re.S)
    assert match, f"no section {heading!r}"
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))).strip()


def documents(html: str) -> list[str]:
    """The documents listed (name, how, and the note after a space), as the check and done pages list them."""
    block = re.search(r'<ul class="list documents">(.*?)</ul>', html, flags=re.S)
    items = re.findall(r"<li>(.*?)</li>", block.group(1), flags=re.S) if block else []
    return [re.sub(r"\s+", " ", text_of(item.replace("<br>", " "))) for item in items]


SUZUKI_OUTCOMES = [
    ("世帯主変更届", "2026-12-14"),                                # 11月30日の翌日から14日目
    ("国民健康保険の資格喪失届・葬祭費の申請", "2026-12-14"),
    ("年金受給者死亡届・未支給年金の請求", None),
    ("印鑑登録証の返却", None),
    ("固定資産（土地・建物）の相続人代表者指定届・相続登記", None),
    ("個人事業の廃業届", None),
    ("所得税の準確定申告", "2027-03-31"),     # 起算日12月1日 (月の初め): 4か月は3月の末日まで
    ("相続放棄・限定承認の申述", "2027-02-28"),  # 12月・1月・2月
    ("相続税の申告", "2027-09-30"),
    ("おくやみコーナーでのご相談", None),
]


def test_a_death_at_the_end_of_a_month_lists_the_procedures_with_the_legal_deadlines(client, app, form, db_session):
    person = resident(client, app)
    check = person.apply()
    assert person.visited == ["deceased", "circumstances_page", "inheritance", "applicant", "visit"]
    assert outcomes(check.text) == SUZUKI_OUTCOMES
    assert "あなたに必要な手続き" in check.text
    deadlines = section(check.text, "期限")
    # Shown in both calendars; a plain add_months would give 3月30日 for the 準確定申告.
    assert "準確定申告の期限（4か月） 2027年3月31日(令和9年3月31日)" in deadlines
    assert "3月30日" not in deadlines
    assert "死亡届" not in deadlines  # already registered: not a deadline any more
    assert "葬祭費 50,000円" in section(check.text, "給付額・補助金額の見込み")
    assert "相続税の基礎控除額 42,000,000円" in section(check.text, "計算結果")  # 3,000万 + 600万 × 2
    assert documents(check.text) == [
        "来庁する方の本人確認書類（マイナンバーカード・運転免許証など）（窓口に持参）",
        "亡くなった方の国民健康保険の資格確認書（保険証）（窓口に持参）",
        "葬儀を行った方（喪主）がわかる会葬礼状または葬儀の領収書（窓口に持参） "
        "葬祭費の申請に使います。振込先として喪主の方の口座がわかるものもお持ちください。",
        "年金証書（窓口に持参）",
        "印鑑登録証（カード）（窓口に持参）",
    ]
    sections = check_answers(check.text)
    chosen = sections["亡くなった方に当てはまること"]["亡くなった方に当てはまるもの"]
    assert chosen.startswith("国民健康保険に加入していた")

    number = person.submit_from_check()
    assert_confirmation(client, FORM, number)
    submission = stored_submission(db_session, number)
    assert submission.computed == {
        "household_deadline": "2026-12-14", "insurance_deadline": "2026-12-14", "renounce_deadline": "2027-02-28",
        "junkakutei_deadline": "2027-03-31", "inheritance_tax_deadline": "2027-09-30",
        "basic_allowance": "42000000", "funeral_grant": "50000"}
    # The checkboxes are stored in the question's order.
    assert submission.answers["fields"]["circumstances"] == [
        "kokuho", "national_pension", "seal", "head_of_household", "property", "business"]

    done = client.get(f"/forms/{FORM}/done/{number}").text
    assert outcomes(done) == SUZUKI_OUTCOMES
    steps = section(done, "このあとの流れ")
    assert "2開庁日以内におくやみコーナーからお電話し" in steps
    assert "資格確認書（保険証）は、ご来庁の際に返却してください" in steps
    assert "先に死亡届を提出してください" not in steps and "委任状" not in steps

    detail = staff_client(app, "shinsa", "reviewer").get(f"/staff/submissions/{number}")
    assert detail.status_code == 200
    assert outcomes(detail.text) == SUZUKI_OUTCOMES
    staff_deadlines = section(detail.text, "期限")
    assert "相続放棄・限定承認の期限（3か月） 2027年2月28日" in staff_deadlines


def test_none_of_these_lists_only_the_visit(client, app, form, db_session):
    person = resident(client, app, circumstances=["none"], estate_over_allowance="no", renounce="no")
    check = person.apply()
    assert outcomes(check.text) == [("おくやみコーナーでのご相談", None)]
    assert 'id="computed-deadline-title"' not in check.text  # no 期限 at all
    assert "葬祭費" not in check.text
    assert documents(check.text) == ["来庁する方の本人確認書類（マイナンバーカード・運転免許証など）（窓口に持参）"]
    number = person.submit_from_check()
    submission = stored_submission(db_session, number)
    assert submission.computed == {"basic_allowance": "42000000"}
    assert submission.answers["fields"]["circumstances"] == ["none"]
    assert "household_remaining" not in submission.answers["fields"]
    detail = staff_client(app, "shinsa", "reviewer").get(f"/staff/submissions/{number}").text
    assert outcomes(detail) == [("おくやみコーナーでのご相談", None)]


def test_other_answers_other_procedures(client, app, form, db_session):
    # 後期高齢者医療と介護保険、世帯主だが残るのは1人、死亡届はまだ、代理の方が予約する。
    person = resident(client, app, death_date=date(2026, 12, 3), death_notice_submitted=False,
                      circumstances=["kouki", "kaigo", "employee_pension", "head_of_household", "vehicle"],
                      household_remaining="one", estate_over_allowance="no", renounce="yes",
                      applicant_relationship="other")
    check = person.apply()
    expected = [
        ("死亡届", "2026-12-09"),  # 12月3日を1日目として7日目 (戸籍法43条: 初日算入)
        ("後期高齢者医療の資格喪失届・葬祭費の申請", "2026-12-17"),  # 翌日から14日目
        ("介護保険の資格喪失届", "2026-12-17"),
        ("年金受給者死亡届・未支給年金の請求", None),
        ("自動車・バイクの名義変更・廃車", None),
        ("相続放棄・限定承認の申述", "2027-03-03"),
        ("おくやみコーナーでのご相談", None),
    ]
    assert outcomes(check.text) == expected
    assert "死亡届の期限（亡くなった日を含めて7日目） 2026年12月9日" in section(check.text, "期限")
    assert "委任状（窓口に持参）" in " ".join(documents(check.text))
    assert "介護保険被保険者証（窓口に持参）" in documents(check.text)
    number = person.submit_from_check()
    done = client.get(f"/forms/{FORM}/done/{number}").text
    assert outcomes(done) == expected
    steps = section(done, "このあとの流れ")
    assert "先に死亡届を提出してください" in steps and "委任状の原本をお持ちください" in steps
    stored = stored_submission(db_session, number).computed
    assert stored["death_notice_deadline"] == "2026-12-09" and "household_deadline" not in stored
    detail = staff_client(app, "shinsa", "reviewer").get(f"/staff/submissions/{number}").text
    assert outcomes(detail) == expected


@pytest.mark.parametrize(("death", "renounce", "income_tax", "inheritance_tax"), [
    # 起算日 (翌日) の応当日の前日。
    (date(2026, 12, 7), "2027-03-07", "2027-04-07", "2027-10-07"),
    # 起算日11月30日: 2月30日はないので2月の末日 (民法143条2項ただし書)。3月・9月の応当日はある。
    (date(2026, 11, 29), "2027-02-28", "2027-03-29", "2027-09-29"),
    # 起算日が月の初め (11月1日): 暦に従い、最後の月の末日まで。
    (date(2026, 10, 31), "2027-01-31", "2027-02-28", "2027-08-31"),
    # 平年の2月28日: 起算日3月1日、5月31日・6月30日・12月31日 (add_months だけなら28日)。
    (date(2026, 2, 28), "2026-05-31", "2026-06-30", "2026-12-31"),
    # うるう年: 起算日11月30日の応当日2月30日はなく、2月29日が末日。
    (date(2023, 11, 29), "2024-02-29", "2024-03-29", "2024-09-29"),
    # 起算日11月29日の応当日2月29日があるので、その前日。
    (date(2023, 11, 28), "2024-02-28", "2024-03-28", "2024-09-28"),
])
def test_periods_in_months_are_counted_as_the_civil_code_says(client, app, form, death, renounce, income_tax,
                                                              inheritance_tax):
    check = resident(client, app, death_date=death, renounce="yes", estate_over_allowance="yes",
                     circumstances=["tax_return"]).apply()
    listed = dict(outcomes(check.text))
    assert listed["相続放棄・限定承認の申述"] == renounce
    assert listed["所得税の準確定申告"] == income_tax
    assert listed["相続税の申告"] == inheritance_tax


def test_none_of_these_stands_alone(client, app, form):
    person = resident(client, app)
    person.at("circumstances_page")
    page = person.page_path("circumstances_page")
    both = person.answer("circumstances_page", circumstances=["kokuho", "none"])
    assert_error(both, "circumstances", "「該当なし」と他の選択肢は同時に選べません", target="circumstances-0")
    # Both boxes are still ticked, so the resident sees what to untick; nothing was stored.
    assert re.search(r'value="none"[^>]*checked', both.text) and re.search(r'value="kokuho"[^>]*checked', both.text)
    assert moved_to(person.answer("circumstances_page", circumstances=["none"]), f"{PAGES}/inheritance")
    assert client.get(page).status_code == 200


def test_the_circumstances_are_checked(client, app, form):
    person = resident(client, app)
    person.at("circumstances_page")
    person.assert_mistakes("circumstances_page", [
        Mistake("circumstances", "亡くなった方に当てはまるものを選択してください", raw={"circumstances": []},
                target="circumstances-0"),
        Mistake("circumstances", "国民健康保険と後期高齢者医療制度の両方に加入することはありません。"
                "亡くなった方が加入していた方を選んでください",
                values={"circumstances": ["kokuho", "kouki"]}, target="circumstances-0"),
        # Asked only for a head of household, and then required.
        Mistake("household_remaining", "亡くなった方と同じ世帯に残る方の人数を選択してください",
                values={"circumstances": ["head_of_household"]}, raw={"household_remaining": ""},
                target="household_remaining-0"),
    ], then=f"{PAGES}/inheritance")


def test_the_deceased_page_refuses_impossible_dates(client, app, form):
    person = resident(client, app)
    person.at("deceased")
    person.assert_mistakes("deceased", [
        Mistake("death_date", "亡くなった日は、今日以前の日付を入力してください",
                values={"death_date": date(2026, 12, 8)}, target="death_date-year"),
        Mistake("death_date", "亡くなった日は、生年月日以降の日付を入力してください",
                values={"death_date": date(1950, 4, 9)}, target="death_date-year"),
    ], then=f"{PAGES}/circumstances_page")


def test_the_relationship_must_be_one_to_the_deceased(client, app, form):
    person = resident(client, app)
    person.at("applicant")
    # The shared 続柄 list without 世帯主 and 本人 (omit_choices): not offered, and refused if sent.
    page = client.get(person.page_path("applicant")).text
    offered = re.findall(r'name="applicant_relationship"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*'
                         r'name="applicant_relationship"', page)
    values = [a or b for a, b in offered]
    assert values[0] == "spouse" and not {"head", "self"} & set(values), values
    assert "世帯主</label>" not in page and ">本人<" not in page
    for value in ("self", "head"):
        response = person.answer("applicant", applicant_relationship=value)
        assert_error(response, "applicant_relationship",
                     "亡くなった方から見たあなたの続柄は表示された選択肢から選んでください",
                     target="applicant_relationship-0")
    assert moved_to(person.answer("applicant", applicant_relationship="child"), f"{PAGES}/visit")


@pytest.mark.parametrize(("page", "raw", "field", "message"), [
    ("deceased", {"deceased_name-family": "鈴\x00木"}, "deceased_name", None),
    ("deceased", {"death_date-month": "2", "death_date-day": "30", "death_date-year": "2026"}, "death_date", None),
    ("deceased", {"death_date-year": "9" * 400}, "death_date", None),
    ("circumstances_page", {"circumstances": ["forged"]}, "circumstances", None),
    ("circumstances_page", {"circumstances": ["head_of_household"], "household_remaining": "ten"},
     "household_remaining", None),
    ("inheritance", {"heirs": "1e999"}, "heirs", None),
    ("inheritance", {"heirs": "0"}, "heirs", "法定相続人の人数は1から30までの数字で入力してください"),
    ("inheritance", {"heirs": "9" * 40}, "heirs", None),
    ("inheritance", {"renounce": "\u202eyes"}, "renounce", None),
    ("visit", {"visit_date-year": "2026", "visit_date-month": "12", "visit_date-day": "8"}, "visit_date",
     "来庁を希望する日は、3日後以降の日付を入力してください（準備のため）"),
    ("visit", {"visit_date-year": "2026", "visit_date-month": "12", "visit_date-day": "19"}, "visit_date",
     "来庁を希望する日は開庁日（土日祝日・年末年始を除く日）を選んでください。2026年12月19日(令和8年12月19日)は土曜日です"),
])
def test_hostile_or_impossible_answers_are_refused_beside_their_question(client, app, form, page, raw, field,
                                                                        message):
    person = resident(client, app)
    person.at(page)
    response = person.answer(page, raw=raw)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:  # a control character: the whole request is refused, nothing stored
        assert "使用できない文字" in response.text
    else:
        assert "入力内容にエラーがあります" in response.text
        assert f'id="{field}-error"' in response.text
        if message is not None:
            assert message in response.text
    # The page's right answers still go on, and nothing hostile reached the check page.
    assert person.answer(page).status_code == 302
    check = person.resume(person.page_path(page))
    assert "\x00" not in check.text and "forged" not in check.text


def test_a_resident_signed_in_with_the_card_gets_their_details_filled_in(client, app, form, db_session):
    """authentication: optional: the shared applicant block's questions are filled from the card."""
    sign_in(client, app)  # the card holder 山田太郎 (tests/identity.py)
    person = resident(client, app, applicant_name={"family": "山田", "given": "太郎"},
                      applicant_birth_date=date(1985, 4, 1), applicant_relationship="child")
    page = person.at("applicant").text
    assert 'id="applicant_name-family" name="applicant_name-family" value="山田"' in page
    assert 'id="applicant_name-given" name="applicant_name-given" value="太郎"' in page
    number = person.resume(person.page_path("applicant")) and person.submit_from_check()
    submission = stored_submission(db_session, number)
    assert submission.answers["fields"]["applicant_name"] == {"family": "山田", "given": "太郎"}
    assert submission.answers["fields"]["deceased_name"] == {"family": "鈴木", "given": "一郎"}


def test_the_start_page_lists_every_document_marking_the_conditional_ones(client, app, form):
    start = client.get(f"/forms/{FORM}/").text
    assert "来庁する方の本人確認書類" in start
    assert "該当する方のみ（「亡くなった方から見たあなたの続柄」が「親族以外」である場合）" in start
    assert "該当する方のみ（「亡くなった方に当てはまるもの」で「印鑑登録をしていた」を選んだ場合）" in start


def test_the_pages_read_in_english(client, app, form):
    client.get("/language/en")
    check = resident(client, app).apply()
    assert "Procedures you need to do" in check.text
    listed = outcomes(check.text)
    assert listed[0] == ("Notice of the new head of household", "2026-12-14")
    assert ("Renouncing the inheritance or accepting it with limited liability", "2027-02-28") in listed
    assert "28 February 2027" in check.text
