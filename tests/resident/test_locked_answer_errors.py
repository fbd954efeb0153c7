"""A page that refuses to go on always says why, even when the message belongs to an answer the
My Number card filled in and the page shows as text (no input to put the message beside)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.authentication.support import VERIFIED, sign_in_with_card
from tests.resident.library_support import Resident, error_summary, message_beside, publish

FORM = "jidoteate-nintei"
BIRTH_BEFORE_REASON = "生年月日は、請求の理由が生じた日より前の日付を入力してください"


@pytest.fixture
def app(demo_app):
    return demo_app


def test_a_rule_broken_by_a_locked_answer_is_shown_in_the_summary_and_beside_it(client, app):
    """The issue's case: 佐藤花子 (born in the 2000s, per her card) says the reason arose on
    1996-12-01; the rule's message belongs to her birth date, which the card locked."""
    publish(app, FORM)
    sign_in_with_card(client, "sato-hanako", next_path=f"/forms/{FORM}/")
    resident = Resident(client, app, FORM, answers={
        "insurance_type": "employee", "claim_reason": "birth", "reason_date": date(1996, 12, 1),
        "claimant_kana": {"family": "サトウ", "given": "ハナコ"}})
    page = resident.at("claimant")
    assert VERIFIED in page.text and 'name="claimant_birth_date-year"' not in page.text

    response = resident.answer("claimant")
    assert response.status_code == 200, response.location
    assert "入力内容にエラーがあります" in response.text
    assert ("claimant_birth_date", BIRTH_BEFORE_REASON) in error_summary(response.text)
    assert message_beside(response.text, "claimant_birth_date") == BIRTH_BEFORE_REASON
    assert 'id="claimant_birth_date" tabindex="-1"' in response.text  # the link's target, focusable
    assert response.text.count("<title>エラー：") == 1

    # Going back and correcting the date the message is about lets the resident go on.
    assert resident.answer("reason", reason_date=date(2024, 4, 1)).status_code == 302
    assert resident.answer("claimant").status_code == 302
