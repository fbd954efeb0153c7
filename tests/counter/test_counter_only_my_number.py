"""A 個人番号 asked only at the counter (channels.online omits it) is protected like any other:
masked in the staff CSV and in what leaves the service, re-encrypted by `formsvc protect-answers`,
masked in old audit copies. Whatever reads the answers of every channel reads the base
definition, not the online one that does not have the question."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from formsvc.cli import main
from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.catalog import published, version_by_id
from formsvc.forms.loading import publish_loaded
from formsvc.submissions.models import Submission, SubmissionEvent
from formsvc.submissions.protection import masked_for_version
from tests.counter.support import Procedure, counter_clerk, location, open_visit_with_card, sign
from tests.staff.support import staff_client
from tests.submissions.support import CLAIMANT_NUMBER, digits_anywhere, stored_text

FORM = "counter-number"
DEFINITION = """\
id: counter-number
title: {ja: 窓口で個人番号を記載する請求, en: A claim with a My Number written at the counter}
description: {ja: テスト用の手続きです。, en: A procedure for tests.}
department: {name: {ja: こども家庭課, en: Children and Families Division}, contact: {phone: 03-1234-5678}}
authentication: optional
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 審査の後、通知します。, en: We will write to you.}
retention: {years: 5}
pages:
  - id: claimant
    title: {ja: 請求者, en: Claimant}
    fields:
      - {type: text, id: claimant_name, label: {ja: 請求者の氏名, en: Claimant's name}, max_length: 40}
      - {type: my_number, id: claimant_my_number, label: {ja: 請求者の個人番号, en: Claimant's My Number}}
channels:
  online:
    fields:
      claimant_my_number: {omit: true}   # online, the number is looked up later; the counter writes it
"""


def publish(app) -> None:
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(DEFINITION, f"{FORM}.yaml"), actor="test")


def counter_submission(app) -> Submission:
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    signature_path = Procedure(clerk, app, visit_id, FORM, answers={
        "claimant_name": "山田 太郎", "claimant_my_number": CLAIMANT_NUMBER}).enter()
    assert location(sign(clerk, signature_path)) == f"/counter/visits/{visit_id}"
    with app.app_context(), database().transaction() as session:
        [found] = session.scalars(select(Submission)).all()
        session.expunge(found)
    assert found.channel == "counter"
    assert found.answers["fields"]["claimant_my_number"].startswith("gAAAAA")  # encrypted when stored
    return found


def test_the_online_definition_does_not_ask_the_number_but_the_base_does(app):
    publish(app)
    with app.app_context(), database().transaction() as session:
        version_id = published(session, FORM).version_id
        online = version_by_id(session, version_id)
        base = version_by_id(session, version_id, channel=None)
        assert online.definition.field_by_id("claimant_my_number") is None
        assert base.definition.field_by_id("claimant_my_number") is not None
        assert base.definition is online.definition.base
        assert version_by_id(session, version_id, "counter").definition is base.definition  # nothing differs


def test_the_staff_csv_has_the_counter_only_number_masked(app, db_session):
    publish(app)
    found = counter_submission(app)
    export = staff_client(app, "shinsa", "reviewer").get(f"/staff/queue/export.csv?form={FORM}&status=all")
    assert export.status_code == 200
    header = export.text.splitlines()[0]
    assert "請求者の個人番号" in header
    assert "********9018" in export.text and digits_anywhere(export.text) == []
    assert found.reception_number in export.text


def test_a_counter_only_number_is_masked_when_it_leaves_the_service(app):
    publish(app)
    found = counter_submission(app)
    plain = {"fields": {"claimant_name": "山田 太郎", "claimant_my_number": CLAIMANT_NUMBER}}
    with app.app_context(), database().transaction() as session:
        for answers in (plain, found.answers):
            masked = masked_for_version(session, found.version_id, answers)
            assert masked["fields"]["claimant_my_number"] == "********9018"
            assert digits_anywhere(json.dumps(masked)) == []


def test_protect_answers_encrypts_and_masks_a_counter_only_number(app, db_session):
    publish(app)
    found = counter_submission(app)
    legacy = {"fields": {"claimant_name": "山田 太郎", "claimant_my_number": CLAIMANT_NUMBER}}
    db_session.execute(update(Submission).where(Submission.id == found.id).values(answers=legacy))
    db_session.add(SubmissionEvent(submission_id=found.id, kind="resubmitted", actor="staff",
                                   data={"previous": {"answers": legacy, "fee": None,
                                                      "version_id": found.version_id}}))
    db_session.commit()

    result = app.test_cli_runner().invoke(main, ["protect-answers"])

    assert result.exit_code == 0, result.output
    assert "申請 1 件" in result.output and "履歴にあった 1 件を伏せ字にしました" in result.output
    assert digits_anywhere(stored_text(db_session, "submissions", "answers")) == []
    assert digits_anywhere(stored_text(db_session, "submission_events", "data")) == []
    db_session.expire_all()
    assert db_session.get(Submission, found.id).answers["fields"]["claimant_my_number"].startswith("gAAAAA")
