"""A procedure that asks for 個人番号 (My Numbers), for the tests of where they may go.

The claimant's number is asked on an ordinary page and each household member's on a repeating
page, so that both places answers are kept in are covered. ``apply_with_my_numbers`` applies
through the resident pages, signed in with the card so that the resident can answer a correction.
"""

from __future__ import annotations

from sqlalchemy import text

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.japanese.numbers import my_number_check_digit
from tests.applicant import Applicant
from tests.identity import sign_in

FORM = "my-number-claim"
MY_NUMBER_SAMPLE = """\
id: my-number-claim
title: {ja: 個人番号のある請求, en: A claim with My Numbers}
description: {ja: テスト用の手続きです。, en: A procedure for tests.}
department: {name: {ja: こども家庭課, en: Children and Families Division}, contact: {phone: 03-1234-5678}}
life_events: [childcare]
authentication: optional
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 審査の後、通知します。, en: We will write to you.}
retention: {years: 5}
pages:
  - id: claimant
    title: {ja: 請求者, en: Claimant}
    fields:
      - {type: text, id: claimant_name, label: {ja: 請求者の氏名, en: Claimant's name}, max_length: 40}
      - {type: email, id: email, label: {ja: メールアドレス, en: Email address}, required: false}
      - {type: my_number, id: claimant_my_number, label: {ja: 請求者の個人番号, en: Claimant's My Number}}
      - {type: number, id: children, label: {ja: 子どもの人数, en: Number of children}, min: 1, max: 9,
         unit: {ja: 人, en: children}}
  - id: members
    title: {ja: 世帯員, en: Household members}
    repeat: {min: 0, max: 2, item_label: {ja: 世帯員, en: household member}, summary_field: member_name}
    fields:
      - {type: text, id: member_name, label: {ja: 世帯員の氏名, en: Household member's name}, max_length: 40}
      - {type: my_number, id: member_my_number, label: {ja: 世帯員の個人番号, en: Household member's My Number}}
"""

CLAIMANT_NUMBER = "123456789018"
MEMBER_NUMBER = "98765432101" + str(my_number_check_digit("98765432101"))
ANSWERS = {"claimant_name": "鈴木 美咲", "claimant_my_number": "1234 5678 9018", "children": 1}
MEMBERS = {"members": [{"member_name": "鈴木 健太", "member_my_number": MEMBER_NUMBER}]}


def publish_my_number_form(app) -> str:
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(MY_NUMBER_SAMPLE, "my-number-claim.yaml"), actor="test")
    return FORM


def apply_with_my_numbers(app, **answers) -> tuple[object, str]:
    """(the resident's signed-in client, the reception number) of an application with both numbers."""
    client = app.test_client()
    sign_in(client, app)
    number = Applicant(client, app, FORM, answers={**ANSWERS, **answers}, items=dict(MEMBERS)).submit()
    return client, number


def stored_text(db_session, table: str, column: str) -> str:
    """Every row's ``column`` as the database holds it (raw SQL, no ORM types), one text."""
    rows = db_session.execute(text(f"SELECT CAST({column} AS TEXT) FROM {table}")).scalars().all()
    assert rows, f"no rows in {table}"
    return "\n".join(row or "" for row in rows)


def digits_anywhere(haystack: str) -> list[str]:
    """Which of the two numbers occur in ``haystack`` (in full, with or without separators)."""
    squeezed = haystack.replace(" ", "").replace("-", "")
    return [number for number in (CLAIMANT_NUMBER, MEMBER_NUMBER) if number in squeezed]
