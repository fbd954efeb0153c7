"""Demo mode: the relying party signs in through the embedded mock provider."""

from __future__ import annotations

from pathlib import Path

import pytest

from formsvc.db import database
from formsvc.forms.loading import import_definitions
from tests.authentication.support import definition_yaml, publish
from tests.resident.conftest import SAMPLE


@pytest.fixture
def app(demo_app):
    return demo_app


@pytest.fixture
def library(app, tmp_path):
    """The shipped procedures plus the sample one (optional sign-in needs one that allows it)."""
    (tmp_path / "sample.yaml").write_text(SAMPLE, encoding="utf-8")
    with app.app_context(), database().transaction() as session:
        report = import_definitions(session, [Path(__file__).resolve().parents[2] / "form_definitions",
                                              tmp_path / "sample.yaml"])
        assert not report.errors


@pytest.fixture
def card_form(app):
    """A procedure that needs the card (authentication: required), its answers filled from it."""
    return publish(app, definition_yaml("card-certificate", "required", "カードで申請する証明書"))


@pytest.fixture
def optional_form(app):
    """The same questions with the card optional."""
    return publish(app, definition_yaml("optional-certificate", "optional", "カードがあれば便利な証明書"))


@pytest.fixture
def plain_form(app):
    """A procedure without the card (authentication: none)."""
    return publish(app, definition_yaml("plain-request", "none", "カード不要の届出", prefill=False))
