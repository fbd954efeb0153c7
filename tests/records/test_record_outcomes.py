"""The printed record: computed values as stored (by role), the procedures the resident was told
about with their deadlines, and only the documents that apply."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from formsvc.records import render_record
from formsvc.submissions.models import Submission
from tests.records.support import MUNICIPALITY, compact, full_text
from tests.resident.okuyami_sample import ANSWERS, FORM, deadline, japanese, publish_okuyami


@pytest.fixture
def okuyami(app) -> str:
    return publish_okuyami(app)


def test_the_record_prints_benefits_deadlines_and_outcomes(okuyami, apply, db_session):
    submission = apply(FORM, {**ANSWERS, "requester": "agent"}, {})
    text = compact(full_text(render_record(db_session, submission, MUNICIPALITY)))
    # Text extraction gives a list's terms apart from its values: each is looked for on its own.
    for heading in ("計算結果", "給付額・補助金額の見込み", "期限", "申請者に案内した手続き（あなたに必要な手続き）",
                    "必要な書類（この申請に該当するもの）"):
        assert heading in text, heading
    assert "葬祭費" in text and "50,000円" in text and "手続きの数" in text and "2件" in text
    assert "国民健康保険の資格喪失届の期限" in text and compact(japanese(deadline(14))) in text
    assert compact(f"期限 {japanese(deadline(14))}") in text  # an outcome's deadline
    assert "世帯主の変更届" in text and "期限なし" in text
    assert "委任状" in text and "亡くなった方の国民健康保険証" in text and "窓口に持参" in text


def test_the_record_lists_only_what_applies(okuyami, apply, db_session):
    submission = apply(FORM, {**ANSWERS, "insurance": "other", "pension": False}, {})
    text = compact(full_text(render_record(db_session, submission, MUNICIPALITY)))
    assert "葬祭費" not in text and "給付額" not in text
    assert "国民健康保険の資格喪失届" not in text and "委任状" not in text
    assert "世帯主の変更届" in text


def test_the_record_prints_the_stored_values_not_values_computed_again(okuyami, apply, db_session):
    submission = apply(FORM, dict(ANSWERS), {})
    db_session.execute(update(Submission).where(Submission.id == submission.id)
                       .values(computed={"funeral_grant": "70000", "nhi_deadline": "2031-01-02"}))
    db_session.commit()
    db_session.expire_all()
    text = compact(full_text(render_record(db_session, submission, MUNICIPALITY)))
    assert "葬祭費" in text and "70,000円" in text and "50,000円" not in text
    assert "2031年1月2日" in text
    assert "手続きの数" not in text  # not stored: not printed
