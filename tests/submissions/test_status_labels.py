"""Status labels per procedure (definition ``status_labels``): 粗大ごみ's 承認 is 収集日決定 wherever
residents and staff read the status of one of its applications; other procedures keep the defaults."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select, update

from formsvc.cli import main
from formsvc.db import database
from formsvc.definitions.loader import load_all, load_text
from formsvc.records.context import build_record
from formsvc.review import notifications
from formsvc.review.models import OutboxMessage
from formsvc.review.notification_settings import KINDS, MailText, Settings, save
from formsvc.submissions import status
from formsvc.submissions.models import Submission
from formsvc.submissions.reception import display
from tests.applicant import Applicant
from tests.authentication.support import definition_yaml, publish, sign_in_with_card
from tests.review.support import make_submissions
from tests.staff.support import staff_client

SHIPPED = Path(__file__).resolve().parents[2] / "form_definitions"
LABELLED = definition_yaml("labelled-pickup", "required", "名前つき状況の手続き") + (
    "status_labels:\n"
    "  approved: {ja: 収集日決定, en: Collection date set}\n"
    "  completed: {ja: 収集済み, en: Collected}\n")


def definition(text: str = LABELLED):
    return load_text(text, "labelled.yaml").definition


# --- the one function -----------------------------------------------------------------------------

def test_without_a_definition_the_defaults_are_as_before():
    assert status.label("approved") == "承認" and status.label("approved", "en") == "Approved"
    assert status.label("completed", "ja", None) == "完了（交付済）"
    assert status.short_label("correction_requested") == "差し戻し"
    assert status.label("no-such-status") == "no-such-status"


def test_the_procedures_own_label_wins_and_the_others_keep_the_default():
    labelled = definition()
    assert status.label("approved", "ja", labelled) == "収集日決定"
    assert status.label("approved", "en", labelled) == "Collection date set"
    assert status.label("completed", "ja", labelled) == "収集済み"
    assert status.label("received", "ja", labelled) == "受付"
    assert status.short_label("approved", labelled) == "収集日決定"
    assert status.short_label("rejected", labelled) == "却下"
    plain = definition(definition_yaml("plain", "none", "名前なし"))
    assert plain.status_labels is None and status.label("approved", "ja", plain) == "承認"


def test_a_channels_definition_keeps_the_labels():
    assert status.label("approved", "ja", definition().for_channel("counter")) == "収集日決定"


@pytest.mark.parametrize(("form_id", "expected"), [
    ("sodai-gomi", {"approved": "収集日決定", "completed": "収集済み", "received": "受付"}),
    ("hoiku-riyou", {"approved": "内定", "completed": "入所決定", "rejected": "却下"}),
    ("juminhyo-copy", {"completed": "交付済み", "approved": "承認"}),
])
def test_the_shipped_procedures_name_their_statuses(form_id, expected):
    loaded, errors = load_all([SHIPPED])
    assert not errors
    [shipped] = [item.definition for item in loaded if item.definition.id == form_id]
    assert {code: status.label(code, "ja", shipped) for code in expected} == expected
    assert all(status.label(code, "en", shipped) for code in expected)


# --- where people read it ------------------------------------------------------------------------

@pytest.fixture
def app(demo_app):
    return demo_app


@pytest.fixture
def approved(app, db_session):
    """A resident's application to the labelled procedure, approved."""
    form_id = publish(app, LABELLED, "labelled.yaml")
    resident = app.test_client()
    sign_in_with_card(resident, "yamada-taro")
    number = Applicant(resident, app, form_id, answers={"purpose": "粗大ごみ"}).submit()
    db_session.execute(update(Submission).where(Submission.reception_number == number).values(status="approved"))
    db_session.commit()
    return resident, number


def test_the_resident_reads_the_procedures_label_in_their_history(approved):
    resident, number = approved
    listing = resident.get("/my/")
    assert display(number) in listing.text and "収集日決定" in listing.text
    detail = resident.get(f"/my/applications/{number}")
    assert "収集日決定" in detail.text
    assert "承認" not in detail.text.split("状況", 1)[1].split("</dd>", 1)[0]


def test_staff_read_it_in_the_queue_and_on_the_detail_page(app, approved, review_form_other):
    _, number = approved
    reviewer = staff_client(app, "shinsa", "reviewer")
    queue = reviewer.get("/staff/queue?status=all")
    assert queue.status_code == 200 and "収集日決定" in queue.text
    assert "<td>承認</td>" in queue.text  # the other procedure's approved application keeps the default
    detail = reviewer.get(f"/staff/submissions/{number}")
    assert "<strong>収集日決定</strong>" in detail.text


@pytest.fixture
def review_form_other(app):
    """Another procedure without its own names, with one approved application."""
    form_id = publish(app, definition_yaml("plain-request", "none", "名前なしの手続き", prefill=False))
    make_submissions(app, form_id, 1, status="approved")
    return form_id


def test_the_record_names_the_procedures_status(app, approved, db_session):
    _, number = approved
    with app.app_context(), database().transaction() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        assert build_record(session, submission, "デモ市").status == "収集日決定"


def test_the_residents_mail_fills_in_the_procedures_status(app, approved, db_session):
    _, number = approved
    with app.app_context(), database().transaction() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        texts = {"approved": MailText("{状況}のお知らせ（{受付番号}）", "状況：{状況}")}
        save(session, submission.form_id, Settings(frozenset(KINDS), None, texts), "admin")
        session.flush()
        message = notifications.notify(session, submission, "approved")
        assert message.subject.startswith("【デモ市】収集日決定のお知らせ") and "状況：収集日決定" in message.body
    assert db_session.scalar(select(OutboxMessage.kind).where(OutboxMessage.kind == "approved")) == "approved"


def test_the_queue_csv_and_the_api_name_it_too(app, approved, review_form_other):
    _, number = approved
    reviewer = staff_client(app, "shinsa", "reviewer")
    download = reviewer.get("/staff/queue/export.csv", query_string={
        "form": "labelled-pickup", "version": 1, "status": "all", "encoding": "utf-8-sig"})
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.data.decode("utf-8-sig"), newline="")))
    assert [row["状況"] for row in rows] == ["収集日決定"]

    result = app.test_cli_runner().invoke(main, ["create-api-token", "kikan"])
    token = result.stdout.strip().splitlines()[-1]
    api = app.test_client()
    listing = api.get("/api/v1/submissions", headers={"Authorization": f"Bearer {token}"},
                      query_string={"status": "approved"}).json
    names = {item["form_id"]: (item["status"], item["status_label"]) for item in listing["items"]}
    assert names == {"labelled-pickup": ("approved", "収集日決定"), "plain-request": ("approved", "承認")}
    one = api.get(f"/api/v1/submissions/{number}", headers={"Authorization": f"Bearer {token}"}).json
    assert one["status"] == "approved" and one["status_label"] == "収集日決定"
