"""The record's list of answers verified with the card names an answer inside an item by the
item and its question (「世帯員 1：氏名」), not by its storage key (``members.0.member_name``)."""

from __future__ import annotations

from sqlalchemy import select

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.records.context import build_record
from formsvc.submissions.models import Submission
from tests.identity import sign_in
from tests.resident.library_support import Resident
from tests.resident.test_repeat_logic import APPLICANT, FORM, HEAD, SETAI


def test_a_verified_answer_in_an_item_is_named_by_its_item_and_question(client, app, db_session):
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(SETAI, "setai.yaml"), actor="test")
    sign_in(client, app)  # 山田 太郎, 1985-04-01: the first member starts as the card holder
    Resident(client, app, FORM, answers=dict(APPLICANT), items={"members": [HEAD]}).submit()
    submission = db_session.scalars(select(Submission)).one()
    assert "members.0.member_name" in submission.answers["verified"]

    labels = [mark.label for mark in build_record(db_session, submission, "デモ市").verifications]
    assert "世帯員 1：氏名" in labels and "世帯員 1：生年月日" in labels
    assert not any("members." in label for label in labels)
