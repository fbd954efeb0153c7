"""The sheet a resident signs at the counter (申請内容確認書（署名用）) for the common 住民票 cases:
one A4 page with the 署名欄 and the 職員記入欄 side by side, and the applicant named on it is the
resident identified at the counter — not the person the certificate is for."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formsvc.submissions.models import Submission, SubmissionEvent
from tests.counter.support import Procedure, counter_clerk, open_visit_with_card, sign, text_of
from tests.counter.test_channel_juminhyo import FOR_HIS_WIFE
from tests.records.support import compact, page_texts
from tests.resident.library_support import publish
from tests.staff.support import staff_client

JUMINHYO = "juminhyo-copy"
FOR_HIMSELF = {"requester": "self", "scope": "whole_household", "copies": 1, "purpose": "bank"}
# 山田太郎さん comes with his mother's 委任状 for her certificate (she lives elsewhere).
AS_AGENT = {"requester": "agent", "subject_name": {"family": "山田", "given": "梅子"},
            "subject_kana": {"family": "ヤマダ", "given": "ウメコ"}, "scope": "whole_household", "copies": 1,
            "purpose": "employment"}
CASES = {"self": FOR_HIMSELF, "household": FOR_HIS_WIFE, "agent": AS_AGENT}


@pytest.fixture
def juminhyo(app):
    publish(app, JUMINHYO)


@pytest.mark.parametrize("case", CASES)
def test_the_sheet_is_one_page_with_the_signature_and_staff_boxes(app, juminhyo, case):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    signature_path = Procedure(clerk, app, visit_id, JUMINHYO, answers=CASES[case]).enter()

    pdf = clerk.get(f"{signature_path}.pdf")

    assert pdf.status_code == 200
    pages = [compact(text) for text in page_texts(pdf.data)]
    assert len(pages) == 1, [page[:80] for page in pages]
    for expected in ("署名欄", "氏名（自署）", "職員記入欄", "確認印", "受付職員", "窓口花子", "本人確認方法"):
        assert expected in pages[0], expected


def test_the_sheet_names_the_resident_at_the_counter_as_the_applicant(app, juminhyo, db_session):
    """山田太郎 asks for his wife's certificate: he is the applicant who signs, she is the subject."""
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    signature_path = Procedure(clerk, app, visit_id, JUMINHYO, answers=FOR_HIS_WIFE).enter()

    pdf = compact("".join(page_texts(clerk.get(f"{signature_path}.pdf").data)))

    assert "申請者山田太郎様" in pdf and "申請者山田花子様" not in pdf
    assert "山田花子" in pdf  # as the person the certificate is for
    sign(clerk, signature_path)
    event = db_session.scalar(select(SubmissionEvent).where(SubmissionEvent.kind == "submitted"))
    assert event is not None and event.data["resident_name"] == "山田 太郎"
    number = db_session.get(Submission, event.submission_id).reception_number
    detail = text_of(staff_client(app, "shinsa-ichiro", "reviewer").get(f"/staff/submissions/{number}").text)
    assert "申請を受付（窓口。申請者：山田 太郎）" in detail


def test_on_a_long_sheet_the_staff_box_is_on_the_page_that_is_signed(app):
    publish(app, "jidoteate-nintei")
    from tests.counter.test_counter_applications import CHILD_BENEFIT, NEWBORN

    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    children = [dict(NEWBORN, child_name={"family": "山田", "given": f"子{n}"}) for n in range(1, 5)]
    signature_path = Procedure(clerk, app, visit_id, "jidoteate-nintei", answers=CHILD_BENEFIT,
                               items={"children": children}).enter()

    pages = [compact(text) for text in page_texts(clerk.get(f"{signature_path}.pdf").data)]

    assert len(pages) >= 2
    signed = [page for page in pages if "氏名（自署）" in page]
    assert len(signed) == 1 and "職員記入欄" in signed[0] and "確認印" in signed[0]
