"""The mock provider's app: demo mode with /mock-idp mounted, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.conftest import database_of, empty_all_tables, make_demo_app

make_app = make_demo_app


@pytest.fixture
def app(demo_app):
    return demo_app


TWO_CLIENTS = {
    "city-portal": {"secret": "portal-secret", "redirect_uris": ["https://portal.example.jp/oidc/callback"],
                    "name": "市民ポータル"},
    "library": {"secret": "library-secret", "redirect_uris": ["https://library.example.jp/login/callback"]},
}


@pytest.fixture
def two_client_app(database_url, key_instance_dir):
    """Two explicitly registered relying parties (exact redirect URIs) instead of the demo client."""
    app = make_app(database_url, key_instance_dir, MOCK_IDP_CLIENTS=TWO_CLIENTS)
    yield app
    empty_all_tables(app)
    database_of(app).engine.dispose()
