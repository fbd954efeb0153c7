"""An app with the mock payment provider (without the rest of demo mode), a procedure with a fee,
and drafts of it ready to pay."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select

from formsvc import create_app
from formsvc.applications.answers import Answers
from formsvc.db import database, utcnow
from formsvc.forms.catalog import published
from formsvc.payments import notifications
from formsvc.payments.models import Payment
from formsvc.submissions.models import Draft
from tests.conftest import database_of, empty_all_tables
from tests.review.conftest import publish

FORM = "pay-sample"
SECRET = "test-webhook-secret"
FEE_PER_COPY = 300

PAID_SAMPLE = """\
id: pay-sample
title: {ja: 手数料のある見本の証明書, en: Paid sample certificate}
description: {ja: テスト用の手続きです。, en: A procedure for tests.}
department: {name: {ja: 市民課, en: Citizens Division}, contact: {phone: 03-1234-5678}}
life_events: [certificates]
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 審査の後、郵送します。, en: We will post it.}
retention: {years: 1}
fee:
  amount: {multiply: [{field: copies}, 300]}
  description: {ja: 1通300円, en: 300 yen a copy}
pages:
  - id: request
    title: {ja: 請求内容, en: Your request}
    fields:
      - {type: number, id: copies, label: {ja: 通数, en: Copies}, min: 1, max: 99999, unit: {ja: 通, en: " copies"}}
"""


@pytest.fixture
def pay_app(database_url, tmp_path):
    """The mock payment provider mounted (MOCK_PAYMENTS_ENABLED), the fee procedure published."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
                      "INSTANCE_DIR": str(tmp_path), "MOCK_PAYMENTS_ENABLED": True, "MOCK_IDP_ENABLED": False,
                      "PAYMENT_WEBHOOK_SECRET": SECRET})
    publish(app, PAID_SAMPLE, "pay-sample.yaml")
    yield app
    empty_all_tables(app)
    database_of(app).engine.dispose()


@pytest.fixture
def pay_client(pay_app):
    return pay_app.test_client()


def new_draft(app, copies: int = 2, completed: bool = True) -> int:
    """A stored draft of the fee procedure with ``copies`` asked for (fee: copies × 300円)."""
    with app.app_context(), database().transaction() as session:
        compiled = published(session, FORM)
        assert compiled is not None
        spec = next(field for field in compiled.definition.all_fields() if field.id == "copies")
        answers = Answers(fields={"copies": spec.to_json(copies)})
        draft = Draft(token=secrets.token_urlsafe(24), form_id=FORM, version_id=compiled.version_id,
                      answers=answers.to_json(), completed_pages=["request"] if completed else [],
                      expires_at=utcnow() + timedelta(hours=1))
        session.add(draft)
        session.flush()
        return draft.id


def set_copies(app, draft_id: int, copies: int) -> None:
    with app.app_context(), database().transaction() as session:
        draft = session.get_one(Draft, draft_id)
        compiled = published(session, FORM)
        assert compiled is not None
        spec = next(field for field in compiled.definition.all_fields() if field.id == "copies")
        draft.answers = Answers(fields={"copies": spec.to_json(copies)}).to_json()


def payments_of_draft(app, draft_id: int) -> list[Payment]:
    with app.app_context(), database().transaction() as session:
        found = list(session.scalars(select(Payment).where(Payment.draft_id == draft_id).order_by(Payment.id)))
        for payment in found:
            session.expunge(payment)
        return found


def signed(body: dict | bytes, secret: str = SECRET, timestamp: int | None = None) -> tuple[bytes, dict]:
    """A notification body and its headers, signed as a provider signs them."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw, {notifications.HEADER: notifications.signature_header(secret, raw, timestamp),
                 "Content-Type": "application/json"}
