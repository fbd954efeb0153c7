"""What the dashboard tests share: two procedures, a manager, the period, and ways to give
applications a history and read the page's tables."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from formsvc.db import database
from formsvc.staff import roles
from formsvc.submissions.models import Submission, SubmissionEvent
from tests.resident.conftest import SAMPLE
from tests.review.conftest import publish
from tests.staff.support import staff_client

FORM = "sample-permit"
OTHER = "other-permit"
# 2026-10-15 09:00 in Japan.
OCTOBER = datetime(2026, 10, 15, 0, 0, tzinfo=UTC)
PERIOD = {"from": "2026-10", "to": "2026-11"}


@pytest.fixture
def procedures(app):
    publish(app, SAMPLE)
    publish(app, SAMPLE.replace("id: sample-permit", "id: other-permit").replace("見本の許可申請", "別の許可申請")
            .replace("{ja: 市民課, en: Citizens Division}", "{ja: 福祉課, en: Welfare Division}"), "other.yaml")


@pytest.fixture
def manager(app):
    return staff_client(app, "kanri", roles.MANAGER)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def row_of(html: str, heading: str, table_id: str) -> list[str]:
    """The cells of the row headed ``heading`` in the table of section ``table_id``."""
    section = html.split(f'id="{table_id}-title"', 1)[1].split("</section>", 1)[0]
    table = section.split('class="table dashboard-table"', 1)[1]
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [text_of(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        if cells and cells[0] == heading:
            return cells[1:]
    raise AssertionError(f"no row {heading!r} in {table_id}")


def with_events(app, number: str, *events: tuple[str, datetime, dict]) -> None:
    """Add audit events to a submission (kind, when, data), its 申請 event moved to when it was made."""
    with app.app_context(), database().transaction() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        session.execute(update(SubmissionEvent).where(SubmissionEvent.submission_id == submission.id,
                                                      SubmissionEvent.kind == "submitted")
                        .values(created_at=submission.created_at))
        for kind, when, data in events:
            session.add(SubmissionEvent(submission_id=submission.id, kind=kind, actor="test", data=data,
                                        created_at=when))


def set_status(app, number: str, code: str) -> None:
    """Set the status as the review workflow does (through the model, so the rollups hear of it)."""
    with app.app_context(), database().transaction() as session:
        session.scalar(select(Submission).where(Submission.reception_number == number)).status = code


