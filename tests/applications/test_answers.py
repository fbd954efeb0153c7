"""The answers document: read and written as it was always stored, changed only through copies."""

from __future__ import annotations

from formsvc.applications.answers import Answers
from tests.applications.support import DEFINITION, HOME, NAME, upload

STORED = {
    "fields": {"name": NAME, "home": HOME, "certificate": [upload("t-1"), upload("t-2")]},
    "items": {"family": [{"member": "山田花子", "member_document": [upload("t-3")]}, {"member": "山田次郎"}]},
    "verified": {"name": {"source": "mynumber_card", "acr": "aal3"}},
    "identity": {"issuer": "https://idp.example.test", "acr": "aal3"},
}


def test_a_stored_document_is_written_back_as_it_was():
    assert Answers.from_json(STORED).to_json() == STORED


def test_a_document_without_card_answers_has_no_verified_or_identity_keys():
    assert Answers.from_json(None).to_json() == {"fields": {}, "items": {}}
    assert Answers.from_json({"fields": {"note": "x"}, "items": {}, "verified": {}}).to_json() == {
        "fields": {"note": "x"}, "items": {}}


def test_the_document_read_is_a_copy():
    """Changing answers never changes the document a database row holds (nor the reverse)."""
    stored = {"fields": {"name": {"family": "山田", "given": "太郎"}}, "items": {}}
    answers = Answers.from_json(stored)
    answers.fields["name"]["given"] = "次郎"
    written = answers.to_json()
    written["fields"]["name"]["given"] = "三郎"
    assert stored["fields"]["name"]["given"] == "太郎"
    assert answers.answer("name") == {"family": "山田", "given": "次郎"}


def test_reading_answers_items_and_verified_marks():
    answers = Answers.from_json(STORED)
    assert answers.answer("name") == NAME and answers.answer("note") is None
    assert [item["member"] for item in answers.page_items("family")] == ["山田花子", "山田次郎"]
    assert answers.page_items("nothing") == []
    assert answers.is_verified("name") and not answers.is_verified("home")


def test_uploads_are_the_files_of_file_questions_on_every_page():
    assert list(Answers.from_json(STORED).uploads(DEFINITION)) == ["t-1", "t-2", "t-3"]


def test_an_upload_like_answer_of_another_question_is_no_upload():
    """Only file questions (FieldSpec.receives_uploads) attach files: a text answer shaped like
    one, or a question the definition no longer has, attaches nothing."""
    answers = Answers(fields={"note": [upload("t-9")], "gone": [upload("t-8")]})
    assert list(answers.uploads(DEFINITION)) == []


def test_mapped_changes_every_answer_in_a_copy():
    answers = Answers.from_json(STORED)
    shouted = answers.mapped(lambda field_id, value: value.upper() if field_id == "member" else value)
    assert [item["member"] for item in shouted.page_items("family")] == ["山田花子".upper(), "山田次郎".upper()]
    assert shouted.answer("name") == NAME
    assert answers.to_json() == STORED


def test_a_changed_card_answer_is_no_longer_verified():
    answers = Answers.from_json(STORED)
    answers.put_page({"name": NAME, "birth": "1990-04-01"}, asked=["name", "birth", "home"])
    assert answers.is_verified("name") and answers.answer("home") is None
    answers.put_page({"name": {"family": "山田", "given": "次郎"}}, asked=["name"])
    assert not answers.is_verified("name")


def test_items_are_added_replaced_and_removed():
    answers = Answers()
    answers.put_item("family", 0, {"member": "山田花子", "member_document": None})
    answers.put_item("family", 1, {"member": "山田次郎"})
    answers.put_item("family", 0, {"member": "山田春子"})
    assert answers.page_items("family") == [{"member": "山田春子"}, {"member": "山田次郎"}]
    answers.remove_item("family", 0)
    assert answers.page_items("family") == [{"member": "山田次郎"}]
