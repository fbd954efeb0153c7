"""Counter tests: the app with the mock My Number card (the counter's stand-in card reader)."""

from __future__ import annotations

import pytest

from formsvc import create_app
from tests.conftest import database_of, empty_all_tables


def make_app(database_url: str, instance_dir, **overrides):
    return create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_DIR": str(instance_dir),
        "MOCK_IDP_ENABLED": True,
        **overrides,
    })


@pytest.fixture
def app(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    yield app
    empty_all_tables(app)
    database_of(app).engine.dispose()


@pytest.fixture
def app_without_card_reader(database_url, tmp_path):
    app = make_app(database_url, tmp_path, MOCK_IDP_ENABLED=False)
    yield app
    empty_all_tables(app)
    database_of(app).engine.dispose()
