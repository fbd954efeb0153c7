"""Counter applications from start to reception: one visit, several procedures, printed and signed."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from formsvc.cli import main
from formsvc.db import database
from formsvc.submissions.models import CounterVisit, Draft, Submission, SubmissionEvent
from tests.counter.support import (
    CLERK,
    Procedure,
    counter_clerk,
    errors_on,
    form_index,
    location,
    open_visit_by_typing,
    open_visit_with_card,
    post_form,
    sign,
    text_of,
    visit_row,
)
from tests.records.support import page_texts
from tests.resident.library_support import TODAY, publish
from tests.resident.test_library_hoiku import first_start
from tests.staff.support import staff_client

JIDOTEATE, HOIKU, INU = "jidoteate-nintei", "hoiku-riyou", "inu-touroku"
BORN = TODAY - timedelta(days=3)

# 山田太郎さん (the usual test card) claims 児童手当 for his newborn, applies for a nursery place
# for his older daughter and registers the family's new dog, all in one visit.
CHILD_BENEFIT = {"insurance_type": "employee", "claim_reason": "birth", "reason_date": BORN,
                 "claimant_my_number_value": "1234 5678 9018", "has_spouse": False, "use_public_account": True,
                 "consent_records": True, "consent_privacy": True}
NEWBORN = {"child_name": {"family": "山田", "given": "陽向"}, "child_kana": {"family": "ヤマダ", "given": "ヒナタ"},
           "child_birth_date": BORN, "child_relationship": "child", "child_lives_with": True}
NURSERY = {"preschool": True, "lives_in_city": True, "child_name": {"family": "山田", "given": "陽菜"},
           "child_kana": {"family": "ヤマダ", "given": "ヒナ"}, "child_birth_date": date(2024, 6, 10),
           "applicant_relationship": "father", "need_reasons": ["work"], "facility_1": "chuo",
           "facility_2": "hikari", "accept_other_facility": True, "desired_start_date": first_start(TODAY),
           "care_hours": "standard", "consent_tax": True, "consent_privacy": True}
FATHER = {"member_relationship": "father", "member_name": {"family": "山田", "given": "太郎"},
          "member_birth_date": date(1981, 7, 30), "member_work_status": "working", "member_weekly_hours": 40,
          "member_workplace": "株式会社デモ商事"}
DOG = {"registered_elsewhere": False, "dog_name": "こむぎ", "breed": "柴", "coat_color": "赤", "dog_sex": "female",
       "dog_birth_date": date(2025, 3, 1), "acquired_date": date(2025, 6, 1), "vaccinated": False,
       "receive_method": "counter"}


@pytest.fixture
def library(app):
    for form_id in (JIDOTEATE, HOIKU, INU):
        publish(app, form_id)


def stored(app, number: str) -> Submission:
    with app.app_context(), database().transaction() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        session.expunge(submission)
        return submission


def submissions(app) -> list[Submission]:
    with app.app_context(), database().transaction() as session:
        rows = session.scalars(select(Submission).order_by(Submission.id)).all()
        session.expunge_all()
        return rows


def numbers_in(html: str) -> list[str]:
    return [number.replace("-", "") for number in re.findall(r"受付番号\s*<strong[^>]*>([A-Z0-9-]{9})</strong>", html)]


# --- a whole application -----------------------------------------------------------------------

def test_a_complete_counter_application_with_the_card(app, library):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk, phone="090-1111-2222")
    benefit = Procedure(clerk, app, visit_id, JIDOTEATE, answers=CHILD_BENEFIT, items={"children": [NEWBORN]})

    signature_path = benefit.enter()

    assert signature_path.startswith(f"/counter/visits/{visit_id}/drafts/") and signature_path.endswith("/signature")
    # The card's facts were shown, not asked; フリガナ and the phone typed at the start were carried.
    assert dict(benefit.shown["claimant"])["claimant_kana-family"] == "ヤマダ"
    assert "claimant_name-family" not in dict(benefit.shown["claimant"])
    assert dict(benefit.shown["claimant_contact"])["claimant_phone"] == "09011112222"
    page = clerk.get(signature_path)
    text = text_of(page.text)
    assert "山田 太郎 マイナンバーカードから読取" in text and "子どもが生まれた（第1子の出生）" in text
    assert "本人確認 マイナンバーカード読取" in text
    pdf = clerk.get(f"{signature_path}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "申請内容確認書（署名用）" in page_texts(pdf.data)[0]
    assert submissions(app) == []  # nothing is received before the resident signs

    received = sign(clerk, signature_path)

    assert location(received) == f"/counter/visits/{visit_id}"
    visit_page = clerk.get(f"/counter/visits/{visit_id}")
    [number] = numbers_in(visit_page.text)
    assert f"受付番号 {number[:4]}-{number[4:]} で受け付けました" in text_of(visit_page.text)
    assert "児童手当 認定請求 受付済み" in text_of(visit_page.text)
    submission = stored(app, number)
    assert submission.channel == "counter" and submission.identification == "card"
    assert submission.visit_id == visit_id and submission.signed_at is not None
    assert submission.applicant_name == "山田 太郎"  # the resident is the applicant, not the clerk
    assert submission.resident_subject is None
    assert submission.answers["verified"]["claimant_name"] == {"source": "counter_card"}
    with app.app_context(), database().transaction() as session:
        clerk_id = session.scalar(select(CounterVisit.staff_id).where(CounterVisit.id == visit_id))
        assert submission.entered_by_id == clerk_id
        draft = session.scalar(select(Draft).where(Draft.id == submission.draft_id))
        assert draft.channel == "counter" and draft.submitted_at is not None


def test_staff_see_the_channel_the_clerk_and_the_identity_check_and_the_audit_trail_names_both(app, library):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    signature_path = Procedure(clerk, app, visit_id, JIDOTEATE, answers=CHILD_BENEFIT,
                               items={"children": [NEWBORN]}).enter()
    sign(clerk, signature_path)
    [number] = numbers_in(clerk.get(f"/counter/visits/{visit_id}").text)
    reviewer = staff_client(app, "shinsa-ichiro", "reviewer")

    queue = text_of(reviewer.get("/staff/queue?channel=counter").text)
    assert "受付経路" in queue
    assert "窓口 マイナンバーカード読取 入力：窓口 花子" in queue
    assert "山田 太郎" in queue

    detail = reviewer.get(f"/staff/submissions/{number}")
    facts = text_of(detail.text)
    assert "受付経路 窓口" in facts
    assert "本人確認 窓口で確認：マイナンバーカード読取" in facts
    assert "入力した職員 窓口 花子（申請者本人に代わって入力）" in facts
    assert "申請者 山田 太郎" in facts
    assert "山田 太郎 マイナンバーカードから読取" in facts  # one wording on every counter page and sheet
    history = text_of(detail.text).split("経過", 1)[1]
    assert "申請を受付（窓口。申請者：山田 太郎）" in history and "職員 窓口 花子" in history
    with app.app_context(), database().transaction() as session:
        event = session.scalar(select(SubmissionEvent).join(Submission).where(
            Submission.reception_number == number, SubmissionEvent.kind == "submitted"))
        assert event.actor == f"staff:{CLERK[0]}"
        assert event.data["staff_name"] == CLERK[1] and event.data["staff_username"] == CLERK[0]
        assert event.data["resident_name"] == "山田 太郎" and event.data["identification"] == "card"

    record = reviewer.get(f"/staff/submissions/{number}/record.pdf")
    record_text = "".join("".join(page_texts(record.data)).split())
    assert "窓口（職員による代理入力）" in record_text
    assert "入力した職員" in record_text and "窓口花子" in record_text
    assert "窓口で確認：マイナンバーカード読取" in record_text
    assert "申請者が申請内容確認書に署名" in record_text
    assert "山田太郎［マイナンバーカードから読取］" in record_text
    assert "申請を受け付けました（窓口。申請者山田太郎）" in record_text and "（職員窓口花子）" in record_text

    api_rows = [row for row in csv.reader(io.StringIO(
        staff_client(app, "kanri", "admin").get(f"/staff/queue/export.csv?form={JIDOTEATE}").text))]
    header, row = api_rows[0], api_rows[1]
    assert header[:7] == ["受付番号", "申請日時", "状況", "経路", "手数料", "入力した職員", "本人確認"]
    assert row[3:7] == ["窓口", "", "窓口 花子", "マイナンバーカード読取"]


def test_the_api_tells_how_a_counter_application_was_made(app, library):
    clerk = counter_clerk(app)
    visit_id = open_visit_by_typing(clerk, {
        "name": {"family": "佐藤", "given": "健"}, "name_kana": {"family": "サトウ", "given": "ケン"},
        "birthdate": date(1980, 1, 2), "gender": "male", "postal_code": "060-0001",
        "address": {"prefecture": "北海道", "city": "札幌市中央区", "town": "北一条西", "block": "2丁目1番地",
                    "building": ""},
        "phone": "090-3456-7890"}, identification="documents", document="パスポート")
    sign(clerk, Procedure(clerk, app, visit_id, INU, answers=DOG).enter())
    [number] = numbers_in(clerk.get(f"/counter/visits/{visit_id}").text)
    result = app.test_cli_runner().invoke(main, ["create-api-token", "kikan"])
    token = result.stdout.strip().splitlines()[-1]

    body = app.test_client().get(f"/api/v1/submissions/{number}", headers={"Authorization": f"Bearer {token}"}).json

    assert body["channel"] == "counter" and body["identification"] == "documents"
    assert body["entered_by"] == CLERK[1] and body["signed_at"]
    assert text_of(clerk.get(f"/staff/submissions/{number}").text).count("本人確認書類（パスポート）") == 1
    assert stored(app, number).applicant_name == "佐藤 健"


# --- one visit, several procedures ---------------------------------------------------------------

def test_the_residents_details_carry_over_from_one_procedure_to_the_next(app, library):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk, phone="03-1111-2222")
    # In the first procedure the resident gives their mobile instead of the home number.
    benefit = Procedure(clerk, app, visit_id, JIDOTEATE, items={"children": [NEWBORN]},
                        answers={**CHILD_BENEFIT, "claimant_phone": "080-1234-5678"})
    sign(clerk, benefit.enter())
    # The phone typed in the first procedure is now the visit's, for the next ones.
    assert visit_row(app, visit_id).shared["phone"] == "08012345678"

    nursery = Procedure(clerk, app, visit_id, HOIKU, answers=NURSERY, items={"household": [FATHER]})
    nursery_signature = nursery.enter()
    applicant = dict(nursery.shown["applicant"])
    assert applicant["applicant_kana-family"] == "ヤマダ" and applicant["applicant_kana-given"] == "タロウ"
    assert applicant["applicant_phone"] == "08012345678"
    assert "applicant_name-family" not in applicant  # read from the card: shown, not asked
    home = dict(nursery.shown["home"])
    assert home["home_postal_code"] == "3300063" and home["home_address-city"] == "さいたま市浦和区"
    child = dict(nursery.shown["child"])
    assert child["child_name-family"] == "" and child["child_kana-family"] == ""  # the child is not the resident

    dog = Procedure(clerk, app, visit_id, INU, answers=DOG)
    dog_signature = dog.enter()
    owner = dict(dog.shown["owner"]) | dict(dog.shown["owner_address"])
    assert owner["owner_name-family"] == "山田" and owner["owner_kana-given"] == "タロウ"
    assert owner["owner_postal_code"] == "3300063" and owner["owner_home_address-town"] == "高砂"
    assert owner["owner_phone"] == "08012345678"
    assert dict(dog.shown["dog_dates"])["dog_birth_date-year"] == ""  # the dog's, not the owner's

    # Both wait for a signature: printed together, each from a new page.
    visit_page = clerk.get(f"/counter/visits/{visit_id}")
    text = text_of(visit_page.text)
    assert "保育施設等の利用申込（保育の必要性の認定申請） 署名待ち 署名へ進む" in text
    assert "犬の登録と狂犬病予防注射済票の交付申請 署名待ち 署名へ進む" in text
    assert "署名待ちの確認書をまとめて印刷（PDF・2件）" in text
    both = clerk.get(f"/counter/visits/{visit_id}/signatures.pdf")
    assert both.status_code == 200 and both.mimetype == "application/pdf"
    pages = page_texts(both.data)
    # Each printout numbers its own pages in the footer ("1 / 3"): a new one starts at 1.
    numbers = [int(re.search(r"(\d+) /\s*\d+\s*デモ市\s*$", page).group(1)) for page in pages]
    starts = [index for index, number in enumerate(numbers) if number == 1]
    assert len(starts) == 2 and starts[0] == 0
    nursery_pages, dog_pages = "".join(pages[:starts[1]]), "".join(pages[starts[1]:])
    assert "保育施設等の利用申込" in nursery_pages and "犬の登録" not in nursery_pages
    assert "犬の登録" in dog_pages and "こむぎ" in dog_pages and "保育" not in dog_pages
    for document in (nursery_pages, dog_pages):
        assert "申請内容確認書（署名用）" in document and "署名欄" in document

    sign(clerk, nursery_signature)
    sign(clerk, dog_signature)
    received = submissions(app)
    assert [s.form_id for s in received] == [JIDOTEATE, HOIKU, INU]
    assert {s.visit_id for s in received} == {visit_id} and {s.channel for s in received} == {"counter"}
    assert received[2].answers["fields"]["owner_phone"] == "08012345678"
    assert "署名待ち" not in text_of(clerk.get(f"/counter/visits/{visit_id}").text).split("手続きを選ぶ")[0]


def test_a_procedure_in_progress_is_continued_not_started_twice(app, library):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    first = Procedure(clerk, app, visit_id, INU).start()
    again = Procedure(clerk, app, visit_id, INU).start()
    assert again == first
    with app.app_context(), database().transaction() as session:
        assert session.scalar(select(func.count()).select_from(Draft)) == 1
    visit = text_of(clerk.get(f"/counter/visits/{visit_id}").text)
    assert "犬の登録と狂犬病予防注射済票の交付申請 入力中 続きを入力する" in visit


def test_the_most_used_procedures_come_first_and_can_be_searched(app, library):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    for _ in range(2):
        other = open_visit_with_card(clerk)
        Procedure(clerk, app, other, INU).start()
    Procedure(clerk, app, open_visit_with_card(clerk), HOIKU).start()

    choices = re.findall(r'name="form_id" value="([a-z-]+)"', clerk.get(f"/counter/visits/{visit_id}").text)
    assert choices == [INU, HOIKU, JIDOTEATE]
    assert "窓口で2件" in text_of(clerk.get(f"/counter/visits/{visit_id}").text)
    found = clerk.get(f"/counter/visits/{visit_id}?q=保育")
    assert re.findall(r'name="form_id" value="([a-z-]+)"', found.text) == [HOIKU]
    nothing = clerk.get(f"/counter/visits/{visit_id}?q=パスポート")
    assert "「パスポート」に合う手続きはありません" in text_of(nothing.text)


# --- signing ---------------------------------------------------------------------------------------

def test_the_signature_must_be_confirmed_and_a_second_press_receives_nothing_more(app, library):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    signature_path = Procedure(clerk, app, visit_id, INU, answers=DOG).enter()
    page = clerk.get(signature_path)

    unconfirmed = post_form(clerk, signature_path, page.text, index=form_index(page.text, ""))
    assert unconfirmed.status_code == 400
    assert errors_on(unconfirmed.text) == [
        "申請者が確認書に署名したこと、本人確認をしたことを確かめて、チェックを入れてください"]
    assert "＊申請者が確認書に署名したこと" in text_of(unconfirmed.text)
    assert submissions(app) == []

    first = sign(clerk, signature_path)
    second = clerk.post(signature_path, data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                                                       page.text).group(1), "confirm": "yes"})
    assert location(first) == location(second) == f"/counter/visits/{visit_id}"
    assert len(submissions(app)) == 1
    with app.app_context(), database().transaction() as session:
        assert session.scalar(select(func.count()).select_from(SubmissionEvent)) == 1


def test_an_unfinished_application_cannot_be_printed_or_signed(app, library):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    first_page = Procedure(clerk, app, visit_id, INU).start()
    with app.app_context(), database().transaction() as session:
        draft_id = session.scalar(select(Draft.id))
    signature_path = f"/counter/visits/{visit_id}/drafts/{draft_id}/signature"

    page = clerk.get(signature_path)

    assert "まだ入力していないページがあります" in text_of(page.text)
    assert f'href="{first_page}"' in page.text
    assert "署名を確認し、申請を受け付ける" not in page.text
    assert location(clerk.get(f"{signature_path}.pdf")) == signature_path
    refused = clerk.post(signature_path, data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                                                        page.text).group(1), "confirm": "yes"})
    assert refused.status_code == 200 and submissions(app) == []


def test_a_procedure_can_be_dropped_before_it_is_received(app, library):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    Procedure(clerk, app, visit_id, INU).start()
    visit = clerk.get(f"/counter/visits/{visit_id}")
    action = re.search(r'action="(/counter/visits/\d+/drafts/\d+/discard)"', visit.text).group(1)
    response = post_form(clerk, action, visit.text, index=form_index(visit.text, "/discard"))
    assert location(response) == f"/counter/visits/{visit_id}"
    assert "「犬の登録と狂犬病予防注射済票の交付申請」の入力を取りやめました" in text_of(
        clerk.get(f"/counter/visits/{visit_id}").text)
    with app.app_context(), database().transaction() as session:
        assert session.scalar(select(func.count()).select_from(Draft)) == 0


# --- who may ---------------------------------------------------------------------------------------

def test_only_counter_staff_may_use_counter_mode(app, library):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    signature_path = Procedure(clerk, app, visit_id, INU, answers=DOG).enter()
    reviewer = staff_client(app, "shinsa-jiro", "reviewer", "admin")

    for path in ("/counter/", "/counter/card", f"/counter/visits/{visit_id}", signature_path, f"{signature_path}.pdf",
                 f"/counter/visits/{visit_id}/signatures.pdf", f"/counter/visits/{visit_id}/resident",
                 f"/counter/visits/{visit_id}/forms/{INU}/check"):
        assert reviewer.get(path).status_code == 403, path
    assert reviewer.post(f"/counter/visits/{visit_id}/procedures", data={"form_id": INU}).status_code in (400, 403)
    anonymous = app.test_client().get(f"/counter/visits/{visit_id}")
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.location
    assert "窓口受付" not in text_of(reviewer.get("/staff/queue").text).split("申請一覧")[0]
    assert "窓口受付" in text_of(clerk.get("/staff/").text)
    assert submissions(app) == []


def test_the_parent_at_the_counter_is_the_applicant_of_a_nursery_application(app, library):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    sign(clerk, Procedure(clerk, app, visit_id, HOIKU, answers=NURSERY, items={"household": [FATHER]}).enter())
    [submission] = submissions(app)
    # The child's name is asked first; the applicant is the parent whose card was read.
    assert (submission.applicant_name, submission.applicant_kana) == ("山田 太郎", "ヤマダ タロウ")
    queue = text_of(staff_client(app, "shinsa", "reviewer").get("/staff/queue").text)
    assert "山田 太郎 ヤマダ タロウ" in queue and "山田 陽菜" not in queue


def test_a_failure_while_receiving_leaves_nothing_half_written(app, library, monkeypatch):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk, phone="03-1111-2222")
    signature_path = Procedure(clerk, app, visit_id, INU, answers={**DOG, "owner_phone": "080-9999-0000"}).enter()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("formsvc.counter.service.carryover.collected", broken)
    failed = sign(clerk, signature_path)

    assert failed.status_code == 500
    assert submissions(app) == []
    with app.app_context(), database().transaction() as session:
        assert session.scalar(select(func.count()).select_from(SubmissionEvent)) == 0
        assert session.scalar(select(Draft.submitted_at)) is None
    assert visit_row(app, visit_id).shared["phone"] == "0311112222"
    monkeypatch.undo()
    assert location(sign(clerk, signature_path)) == f"/counter/visits/{visit_id}"
    assert len(submissions(app)) == 1 and visit_row(app, visit_id).shared["phone"] == "08099990000"
