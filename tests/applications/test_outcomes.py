"""formsvc.applications.outcomes: what applies to answers, stored values read back, conditions in words."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from formsvc.applications import outcomes
from formsvc.applications.answers import Answers
from formsvc.applications.flow import Flow
from formsvc.definitions.loader import load_text
from formsvc.vocabulary.conditions import Condition
from tests.resident.okuyami_sample import OKUYAMI
from tests.resident.test_documents_and_next_steps import DOCUMENTS_SAMPLE

TODAY = date(2027, 4, 10)
DEATH = date(2027, 4, 1)


@pytest.fixture(scope="module")
def okuyami():
    return load_text(OKUYAMI, "okuyami.yaml").definition


@pytest.fixture(scope="module")
def documents_definition():
    return load_text(DOCUMENTS_SAMPLE, "documents.yaml").definition


def flow_of(definition, **fields) -> Flow:
    stored = {}
    for key, value in fields.items():
        spec = definition.field_by_id(key)
        stored[key] = spec.to_json(value)
    return Flow(definition, Answers(fields=stored), TODAY)


def test_stored_values_round_trip(okuyami):
    flow = flow_of(okuyami, death_date=DEATH, insurance="kokuho", pension=True, requester="family")
    stored = outcomes.to_stored(flow.computed_values())
    assert stored == {"nhi_deadline": "2027-04-15", "pension_deadline": "2027-04-11",
                      "funeral_grant": "50000", "procedures": "2"}
    values = dict((item.id, value) for item, value in outcomes.stored_values(okuyami, stored))
    assert values == {"nhi_deadline": date(2027, 4, 15), "pension_deadline": date(2027, 4, 11),
                      "funeral_grant": Decimal(50000), "procedures": Decimal(2)}


@pytest.mark.parametrize("stored", [None, [], "text", {"funeral_grant": 5}, {"funeral_grant": "abc"},
                                    {"funeral_grant": "NaN"}, {"nhi_deadline": "2027-02-30"},
                                    {"nhi_deadline": "\x00"}, {"procedures": "1" * 5000}])
def test_stored_values_that_cannot_be_read_are_not_values(okuyami, stored):
    entries = outcomes.computed_entries(outcomes.stored_values(okuyami, stored), "ja")
    for entry in entries:
        assert entry.text in ("（未確定）",) or entry.text.replace(",", "").rstrip("件").isdigit()
    assert all(entry.id in {"funeral_grant", "nhi_deadline", "procedures"} for entry in entries)


def test_values_are_grouped_by_role_in_a_fixed_order(okuyami):
    flow = flow_of(okuyami, death_date=DEATH, insurance="kokuho", pension=True)
    groups = outcomes.grouped(outcomes.computed_entries(flow.computed_values(), "ja"), "ja")
    assert [(role, heading, [entry.id for entry in entries]) for role, heading, entries in groups] == [
        ("value", "計算結果", ["procedures"]),
        ("benefit", "給付額・補助金額の見込み", ["funeral_grant"]),
        ("deadline", "期限", ["nhi_deadline", "pension_deadline"]),
    ]


def test_labels_say_benefit_or_deadline_unless_they_already_do(okuyami):
    assert outcomes.role_labelled("葬祭費", "benefit") == "葬祭費（給付額・補助金額）"
    assert outcomes.role_labelled("補助金額", "benefit") == "補助金額"
    assert outcomes.role_labelled("届出", "deadline") == "届出（期限）"
    assert outcomes.role_labelled("届出の期限", "deadline") == "届出の期限"
    assert outcomes.role_labelled("合計", "value") == "合計"
    headers = [outcomes.csv_header(item) for item in okuyami.computed]
    assert headers == ["国民健康保険の資格喪失届の期限", "年金受給者死亡届の期限", "葬祭費（給付額・補助金額）（円）",
                       "手続きの数（件）"]


def test_outcomes_apply_with_their_deadlines(okuyami):
    flow = flow_of(okuyami, death_date=DEATH, insurance="kokuho", pension=False)
    found = outcomes.outcomes(flow, flow.computed_values(), "ja")
    assert [(o.id, o.deadline_day) for o in found] == [("nhi_loss", DEATH + timedelta(days=14)),
                                                       ("resident_record", None)]
    assert found[0].deadline_label == "国民健康保険の資格喪失届の期限"
    # Without the values (nothing stored), an outcome is still listed, without a deadline.
    assert [o.deadline for o in outcomes.outcomes(flow, [], "ja")] == [None, None]


def test_next_steps_that_apply(okuyami):
    family = flow_of(okuyami, requester="family")
    agent = flow_of(okuyami, requester="agent")
    assert len(outcomes.next_steps(family, "ja")) == 1
    assert outcomes.next_steps(agent, "ja")[1] == "代理人の方は、来庁の際に委任状の原本をお持ちください。"
    assert outcomes.next_steps(agent, "en")[0] == "We will call you to arrange a visit."


def test_documents_all_or_those_that_apply(documents_definition):
    everything = outcomes.documents(documents_definition, "ja")
    assert [d.name for d in everything] == ["本人確認書類", "委任状", "転居前の住所が分かる書類", "在留カード"]
    assert everything[0].condition is None
    assert everything[1].condition == "該当する方のみ（「申請する人」が「代理人」である場合）"
    assert everything[3].condition == "該当する方のみ"  # a date comparison is not put in words
    flow = flow_of(documents_definition, via="self", moved=False, birth_date=date(2001, 1, 1))
    assert [d.name for d in outcomes.documents(documents_definition, "ja", flow)] == ["本人確認書類"]


@pytest.mark.parametrize(("condition", "ja", "en"), [
    ({"field": "via", "equals": "agent"}, "「申請する人」が「代理人」である場合",
     "if \u201cWho is applying\u201d is \u201cAn agent\u201d"),
    ({"field": "via", "not_equals": "agent"}, "「申請する人」が「代理人」以外である場合", None),
    ({"field": "via", "one_of": ["self", "agent"]}, "「申請する人」が「本人」または「代理人」である場合", None),
    ({"field": "moved", "equals": False}, "「最近引っ越しましたか」が「いいえ」である場合", None),
    ({"field": "moved", "answered": True}, "「最近引っ越しましたか」に回答した場合", None),
    ({"all": [{"field": "via", "equals": "agent"}, {"field": "moved", "equals": True}]},
     "「申請する人」が「代理人」である、かつ「最近引っ越しましたか」が「はい」である場合", None),
    ({"any": [{"field": "via", "equals": "agent"}, {"field": "moved", "equals": True}]},
     "「申請する人」が「代理人」である、または「最近引っ越しましたか」が「はい」である場合", None),
    ({"not": {"field": "via", "equals": "agent"}}, None, None),
    ({"field": "birth_date", "lt": "2000-01-01"}, None, None),
    ({"field": "via", "equals": {"field": "via"}}, None, None),
    ({"all": [{"field": "via", "equals": "agent"}, {"field": "birth_date", "gt": "2000-01-01"}]}, None, None),
])
def test_conditions_in_words(documents_definition, condition, ja, en):
    parsed = Condition.model_validate(condition)
    assert outcomes.condition_words(parsed, documents_definition, "ja") == ja
    if en is not None:
        assert outcomes.condition_words(parsed, documents_definition, "en") == en
