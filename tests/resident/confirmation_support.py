"""A small procedure with an e-mail question, a 個人番号 and a fee, for the done page and 控え tests."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.submissions.models import Submission, SubmissionEvent
from tests.applicant import Applicant, csrf_token

FORM = "mail-permit"
MY_NUMBER = "123456789018"
ADDRESS = "taro.yamada@example.jp"

DEFINITION = """\
id: mail-permit
title: {ja: メールで知らせる証明書, en: A certificate with an email}
description: {ja: テスト用の手続きです。, en: A procedure for tests.}
department: {name: {ja: 市民課, en: Citizens Division}, contact: {phone: 03-1234-5678}}
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 審査の後、証明書を郵送します。, en: We will post the certificate.}
retention: {years: 5}
authentication: optional
fee:
  amount: {multiply: [{field: copies}, 300]}
  description: {ja: 1通300円, en: 300 yen a copy}
pages:
  - id: applicant
    title: {ja: 申請者, en: Applicant}
    fields:
      - {type: name, id: name, label: {ja: 氏名, en: Name}}
      - {type: email, id: email, label: {ja: メールアドレス, en: Email}, required: false}
      - {type: my_number, id: my_number, label: {ja: 個人番号, en: My Number}}
  - id: request
    title: {ja: 請求内容, en: Your request}
    fields:
      - {type: number, id: copies, label: {ja: 通数, en: Copies}, min: 1, max: 5, unit: {ja: 通, en: " copies"}}
      - {type: textarea, id: purpose, label: {ja: 使いみち, en: Purpose}, max_length: 200}
"""


def publish_mail_form(app) -> str:
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(DEFINITION, "mail-permit.yaml"), actor="test")
    return FORM


def apply(client, app, **answers) -> str:
    """Apply from the start page; the reception number (the browser is left on the done page)."""
    defaults = {"email": ADDRESS, "my_number": MY_NUMBER, "copies": 2, "purpose": "年金の手続き"}
    return Applicant(client, app, FORM, answers={**defaults, **answers}).submit()


def done_url(number: str) -> str:
    return f"/forms/{FORM}/done/{number}"


def resubmit(client, db_session, number: str, **changes) -> str:
    """The office asks for a correction; the signed-in resident corrects and sends again."""
    found = db_session.scalars(select(Submission).where(Submission.reception_number == number)).one()
    found.status = "correction_requested"
    db_session.add(SubmissionEvent(submission_id=found.id, kind="correction_requested", actor="reviewer",
                                   comment="通数を直してください。"))
    db_session.commit()
    page = client.get(f"/my/applications/{number}")
    response = client.post(f"/my/applications/{number}/correct", data={"csrf_token": csrf_token(page.text)})
    assert urlsplit(response.location).path == f"/forms/{FORM}/check", response.location
    change = client.get(f"/forms/{FORM}/pages/request?return=check")
    client.post(f"/forms/{FORM}/pages/request", data={"csrf_token": csrf_token(change.text), "return": "check",
                                                      "copies": "3", "purpose": "年金の手続き", **changes})
    check = client.get(f"/forms/{FORM}/check")
    response = client.post(f"/forms/{FORM}/check", data={"csrf_token": csrf_token(check.text)})
    assert urlsplit(response.location).path == done_url(number), response.location
    return response.location
