"""Procedures for the review tests: one with an e-mail question and card prefill, one without."""

from __future__ import annotations

import pytest

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.payments import providers
from tests.resident.conftest import SAMPLE
from tests.review.payment_support import FakeProvider

# The resident tests' procedure, with what the review area needs in addition: an e-mail
# address (notifications), the name filled from the My Number card (verified marks), a
# free-text answer that may hold line breaks and a checkbox question (CSV cells).
REVIEW_SAMPLE = (
    SAMPLE.replace("id: sample-permit", "id: review-permit\nauthentication: optional")
    .replace("見本の許可申請", "審査用の見本申請")
    .replace("{type: name, id: name, label: {ja: 氏名, en: Name}}",
             "{type: name, id: name, label: {ja: 氏名, en: Name}, prefill: name}")
    .replace("      - {type: kana, id: kana, label: {ja: フリガナ, en: Name in kana}}\n",
             "      - {type: kana, id: kana, label: {ja: フリガナ, en: Name in kana}}\n"
             "      - {type: email, id: email, label: {ja: メールアドレス, en: Email address}, required: false}\n")
    .replace("      - {type: date, id: pickup_last, label: {ja: 受取期限, en: Latest pickup date}, required: false}\n",
             "      - {type: date, id: pickup_last, label: {ja: 受取期限, en: Latest pickup date}, required: false}\n"
             "      - {type: textarea, id: note, label: {ja: 連絡事項, en: Message}, required: false}\n"
             "      - type: checkboxes\n"
             "        id: purposes\n"
             "        label: {ja: 使いみち, en: What it is for}\n"
             "        required: false\n"
             "        choices: [{value: bank, label: {ja: 銀行, en: A bank}},\n"
             "                  {value: work, label: {ja: 勤務先, en: An employer}},\n"
             "                  {value: other, label: {ja: その他, en: Other}}]\n")
)
REVIEW_FORM = "review-permit"
PLAIN_FORM = "sample-permit"


def publish(app, text: str, name: str = "sample.yaml") -> None:
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(text, name), actor="test")


@pytest.fixture
def review_form(app) -> str:
    publish(app, REVIEW_SAMPLE, "review.yaml")
    return REVIEW_FORM


@pytest.fixture
def plain_form(app) -> str:
    publish(app, SAMPLE)
    return PLAIN_FORM


@pytest.fixture
def provider(app) -> FakeProvider:
    """A payment provider that refunds what it is asked (or is down: ``provider.down = True``)."""
    fake = FakeProvider()
    providers.register(app, fake.name, fake)
    return fake
