"""One grouping of the answers for every page and printout: by page asked, by item."""

from __future__ import annotations

from formsvc.applications.sections import answer_sections
from tests.applications.support import HOME, NAME, flow_of, upload

FAMILY = {
    "fields": {"name": NAME, "birth": "1990-04-01", "home": HOME, "from_abroad": False, "with_family": True,
               "certificate": [upload("t-1")]},
    "items": {"family": [{"member": "山田花子"}, {"member": "山田次郎"}]},
    "verified": {"name": {"source": "mynumber_card", "acr": "aal3"}},
}


def test_one_section_per_page_and_one_per_item_in_the_definitions_order():
    sections = answer_sections(flow_of(FAMILY), "ja")
    assert [(section.page.id, section.item_index) for section in sections] == [
        ("applicant", None), ("family", 0), ("family", 1), ("documents", None)]
    assert [section.title for section in sections] == ["申請者", "家族 1", "家族 2", "書類"]
    assert [section.full_title for section in sections] == ["申請者", "家族：家族 1", "家族：家族 2", "書類"]


def test_rows_are_the_questions_asked_with_their_answers_as_text():
    applicant, first, _, documents = answer_sections(flow_of(FAMILY), "ja")
    assert [row.spec.id for row in applicant.rows] == ["name", "birth", "home", "from_abroad", "with_family"]
    assert applicant.rows[0].verified and not applicant.rows[1].verified
    assert [(row.spec.id, row.text, row.item_index) for row in first.rows] == [
        ("member", "山田花子", 0), ("member_document", "", 0)]
    assert [row.text for row in documents.rows] == ["証明書.pdf", ""]


def test_titles_follow_the_locale():
    sections = answer_sections(flow_of(FAMILY), "en")
    assert [section.title for section in sections][:2] == ["Applicant", "Family member 1"]
    assert sections[1].full_title == "Family：Family member 1"


def test_a_page_not_asked_has_no_section_and_nor_has_a_repeating_page_without_items():
    alone = {**FAMILY, "fields": {**FAMILY["fields"], "with_family": False}}
    assert [section.page.id for section in answer_sections(flow_of(alone), "ja")] == ["applicant", "documents"]
    no_items = {**FAMILY, "items": {}}
    assert [section.page.id for section in answer_sections(flow_of(no_items), "ja")] == ["applicant", "documents"]


def test_the_answers_end_at_an_exit_page_which_has_no_section():
    abroad = {**FAMILY, "fields": {**FAMILY["fields"], "from_abroad": True}}
    assert [section.page.id for section in answer_sections(flow_of(abroad), "ja")] == ["applicant"]
