"""Whether answers are complete enough to submit, from the answers and the pages answered alone."""

from __future__ import annotations

from formsvc.applications.answers import Answers
from formsvc.applications.completion import completion
from tests.applications.support import DEFINITION, HOME, NAME, TODAY, upload

APPLICANT = {"name": NAME, "birth": "1990-04-01", "home": HOME, "from_abroad": False, "with_family": False}
PAGES = ["applicant", "documents"]


def answers(**fields) -> Answers:
    return Answers(fields={**APPLICANT, "certificate": [upload("t-1")], **fields})


def test_every_page_answered_is_ready_with_the_answers_as_they_would_be_submitted():
    done = completion(DEFINITION, answers(), PAGES, TODAY)
    assert done.ready and done.unfinished_page_id is None and done.exit_page is None
    assert done.answers.to_json() == answers().to_json()
    assert done.fee is None  # the procedure has no fee


def test_the_first_page_not_yet_answered_is_what_is_left():
    done = completion(DEFINITION, answers(), ["applicant"], TODAY)
    assert not done.ready and done.unfinished_page_id == "documents"


def test_answers_leading_to_an_exit_page_are_never_ready():
    done = completion(DEFINITION, answers(from_abroad=True), PAGES, TODAY)
    assert not done.ready and done.exit_page is not None and done.exit_page.id == "abroad"


def test_answers_no_longer_asked_are_left_out():
    stale = answers()
    stale.items["family"] = [{"member": "山田花子"}]  # from before "with family" was answered no
    done = completion(DEFINITION, stale, PAGES, TODAY)
    assert done.ready and done.answers.items == {}
