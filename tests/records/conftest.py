"""Submissions made the way residents make them (tests.applicant), ready to print.

``records-sample`` (tests/records/support.py) is a small procedure of these tests: a card sign-in
that fills the name, address and birth date (verified answers), a repeating page, a long free-text
answer and a fee. The shipped 粗大ごみ procedure is used too, so that a real definition prints.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.submissions.models import Submission
from tests.applicant import Applicant
from tests.identity import sign_in
from tests.records.support import RECORDS_SAMPLE
from tests.resident.library_support import publish


@pytest.fixture
def records_form(app) -> str:
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(RECORDS_SAMPLE, "records-sample.yaml"), actor="test")
    return "records-sample"


@pytest.fixture
def sodai_gomi(app) -> str:
    return publish(app, "sodai-gomi")


@pytest.fixture
def apply(client, app, db_session):
    """apply(form_id, answers, items, signed_in=False) -> the stored Submission."""

    def apply_(form_id: str, answers: dict, items: dict, signed_in: bool = False) -> Submission:
        client.delete_cookie("session")
        if signed_in:
            sign_in(client, app)
        number = Applicant(client, app, form_id, answers=dict(answers), items=dict(items)).submit()
        db_session.expire_all()
        return db_session.scalar(select(Submission).where(Submission.reception_number == number))

    return apply_
