"""Answers from the My Number card survive whatever path the resident takes.

The card's 基本4情報 are read once, when the application starts. A question they fill may be on
a page that is not asked yet (罹災証明: the 個人 page appears only once 個人 is chosen) or that an
answer hides for a while (住民票: 第三者 leads to an exit page). Hidden answers are dropped, so
the card's answers are held with the draft and filled in again, still verified, when their
question is asked.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from formsvc.submissions.models import Draft
from tests.identity import sign_in
from tests.resident.library_support import Resident, check_answers, moved_to, publish, text_of
from tests.resident.test_library_juminhyo import SELF_AT_COUNTER
from tests.resident.test_library_risai import WATANABE

VERIFIED = "マイナンバーカードで確認済み"


def locked_answers(html: str) -> list[str]:
    return re.findall(r'<p class="locked-answer">(.*?) <span class="verified-tag">', html)


def the_draft(db_session) -> Draft:
    db_session.expire_all()
    return db_session.scalars(select(Draft)).one()


def test_risai_an_individual_gets_the_verified_name_and_birth_date(client, app, db_session):
    """The 個人 page is not asked when the application starts: the first page sent used to drop
    the card's answers, and the resident had to type them (unverified)."""
    publish(app, "risai-shomei")
    sign_in(client, app)
    answers = {key: value for key, value in WATANABE.items()
               if key not in ("applicant_name", "applicant_birth_date")}
    person = Resident(client, app, "risai-shomei", answers=answers)
    page = person.at("individual")
    assert [text_of(answer) for answer in locked_answers(page.text)] == [
        "山田\u3000太郎", "1985年4月1日(昭和60年4月1日)"]
    assert 'name="applicant_name-family"' not in page.text

    check = person.resume("/forms/risai-shomei/pages/individual")
    sections = check_answers(check.text)
    assert sections["申請者（個人）"]["氏名"] == f"山田\u3000太郎 {VERIFIED}"
    assert sections["申請者（個人）"]["生年月日"].startswith("1985年4月1日")
    stored = the_draft(db_session).answers
    assert set(stored["verified"]) >= {"applicant_name", "applicant_birth_date"}


def test_risai_a_corporation_gets_no_individual_answers_in_its_submission(client, app, db_session):
    """What the card holds for questions that are not asked is not submitted."""
    publish(app, "risai-shomei")
    sign_in(client, app)
    from tests.resident.test_library_risai import DEMO_SHOJI
    person = Resident(client, app, "risai-shomei", answers=DEMO_SHOJI)
    person.submit()
    from formsvc.submissions.models import Submission
    db_session.expire_all()
    submitted = db_session.scalars(select(Submission)).one().answers
    assert "applicant_name" not in submitted["fields"]
    assert "applicant_birth_date" not in submitted["fields"]
    assert "prefill" not in submitted
    assert "山田" not in repr(submitted)


def test_juminhyo_third_party_then_back_to_self_keeps_the_card_name(client, app, db_session):
    publish(app, "juminhyo-copy")
    sign_in(client, app)
    person = Resident(client, app, "juminhyo-copy", answers=dict(SELF_AT_COUNTER))
    person.start()
    assert moved_to(person.answer("who", requester="third_party"),
                    "/forms/juminhyo-copy/pages/third_party_exit")
    assert "山田" not in repr(the_draft(db_session).answers.get("fields"))  # hidden: not kept as an answer
    assert moved_to(person.answer("who", requester="self"), "/forms/juminhyo-copy/pages/subject")
    page = client.get("/forms/juminhyo-copy/pages/subject")
    assert re.search(r'name="subject_name-family"[^>]*value="山田"|value="山田"[^>]*name="subject_name-family"',
                     page.text), page.text
    stored = the_draft(db_session).answers
    assert stored["fields"]["subject_name"] == {"family": "山田", "given": "太郎"}
    assert stored["fields"]["subject_birth_date"] == date(1985, 4, 1).isoformat()
    assert "subject_name" in stored["verified"]


def test_juminhyo_a_name_the_resident_changed_is_not_put_back(client, app, db_session):
    """An editable card answer the resident changed is theirs: hiding and showing its page again
    does not bring the card's back over what they chose."""
    publish(app, "juminhyo-copy")
    sign_in(client, app)
    person = Resident(client, app, "juminhyo-copy", answers=dict(SELF_AT_COUNTER))
    person.start()
    person.answer("who", requester="household")
    response = person.answer("subject", subject_name={"family": "山田", "given": "花子"},
                             subject_birth_date=date(1985, 4, 1))
    assert response.status_code == 302, response.text[:2000]
    stored = the_draft(db_session).answers
    assert stored["fields"]["subject_name"] == {"family": "山田", "given": "花子"}
    assert "subject_name" not in stored.get("verified", {})
    person.answer("who", requester="third_party")
    person.answer("who", requester="self")
    stored = the_draft(db_session).answers
    # The page was hidden, so the typed name went with it; the card's is not put back as verified
    # over a choice the resident made: the question is asked again.
    assert "subject_name" not in stored["fields"]
    assert "subject_name" not in stored.get("verified", {})
    # The answers the resident did not touch come back from the card.
    assert stored["fields"]["subject_birth_date"] == "1985-04-01"


@pytest.mark.parametrize("forged", [
    {"prefill": {"subject_name": {"answer": {"family": "偽", "given": "名"},
                                  "verified": {"source": "mynumber_card", "acr": "aal3"}}}},
])
def test_held_card_answers_cannot_be_posted_by_the_resident(client, app, db_session, forged):
    """The held answers live in the draft only; no input of any page reaches them."""
    publish(app, "juminhyo-copy")
    sign_in(client, app)
    person = Resident(client, app, "juminhyo-copy", answers=dict(SELF_AT_COUNTER))
    person.start()
    page = client.get("/forms/juminhyo-copy/pages/who")
    from tests.applicant import csrf_token
    data = {"requester": "third_party", "csrf_token": csrf_token(page.text),
            "prefill": repr(forged), "prefill-subject_name": "偽"}
    response = client.post("/forms/juminhyo-copy/pages/who", data=data)
    assert urlparse(response.location).path == "/forms/juminhyo-copy/pages/third_party_exit"
    held = the_draft(db_session).answers["prefill"]
    assert held["subject_name"]["answer"] == {"family": "山田", "given": "太郎"}
