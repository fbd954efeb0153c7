"""At the counter, the resident's details carried into a procedure survive a page that is not
asked yet (罹災証明: the 個人 page appears only once 個人 is chosen), as a resident's card answers
do: they are held with the draft and filled in again, still marked as read from the card."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from formsvc.applications.answers import Answers
from formsvc.applications.flow import Flow
from formsvc.counter.carryover import prefilled
from formsvc.counter.resident import with_typed
from formsvc.db import database
from formsvc.definitions.loader import load_file
from formsvc.submissions.models import Draft
from tests.counter.support import Procedure, counter_clerk, open_visit_with_card
from tests.counter.test_carryover import LIBRARY
from tests.resident.library_support import publish
from tests.resident.test_library_risai import WATANABE

CARD_FILLED = ("applicant_name", "applicant_kana", "applicant_birth_date")


def test_the_card_details_reach_the_individual_page_asked_later(app):
    publish(app, "risai-shomei")
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)  # 山田 太郎, read with the card's PIN
    answers = {key: value for key, value in WATANABE.items() if key not in CARD_FILLED}
    procedure = Procedure(clerk, app, visit_id, "risai-shomei", answers=answers)
    procedure.enter()
    assert "individual" in procedure.visited
    with app.app_context(), database().transaction() as session:
        stored = session.scalars(select(Draft).where(Draft.form_id == "risai-shomei")).one().answers
    assert stored["fields"]["applicant_name"] == {"family": "山田", "given": "太郎"}
    assert stored["fields"]["applicant_kana"] == {"family": "ヤマダ", "given": "タロウ"}
    assert stored["verified"]["applicant_name"] == {"source": "counter_card"}
    # The フリガナ was typed at the counter, not read from the card: carried, never verified.
    assert "applicant_kana" not in stored["verified"]


def test_a_carried_detail_hidden_and_shown_again_comes_back_with_its_mark():
    definition = load_file(LIBRARY / "risai-shomei.yaml").definition
    shared = with_typed({"name": {"family": "山田", "given": "太郎"}}, {"phone": "09011112222"})
    shared["verified"] = ["name"]
    answers = prefilled(definition, shared, date(2026, 11, 27))
    held = dict(answers.prefill)
    # The first page stored: the 個人 page is not asked yet, so its answers go, but are held.
    first = Flow(definition, answers, date(2026, 11, 27)).pruned(hold_card=True)
    assert "applicant_name" not in first.fields and first.prefill == held
    first.fields.update({"applicant_type": "individual", "disaster_type": "storm_flood"})
    again = Flow(definition, first, date(2026, 11, 27)).pruned(hold_card=True)
    assert again.fields.get("applicant_name") == held["applicant_name"]["answer"]
    assert again.verified["applicant_name"] == {"source": "counter_card"}
    # The phone typed at the counter is carried again, but never called verified.
    assert again.fields.get("contact_phone") == "09011112222" and "contact_phone" not in again.verified


def test_a_carried_detail_changed_by_staff_is_not_put_back():
    answers = Answers(fields={"contact_phone": "09011112222"},
                      prefill={"contact_phone": {"answer": "09011112222"}})
    answers.put_page({}, asked=["contact_phone"])  # staff cleared it
    assert answers.prefill == {}
