"""The mock provider's app: demo mode with /mock-idp mounted, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from formsvc import create_app
from tests.conftest import database_of, empty_all_tables


@pytest.fixture(scope="session")
def key_instance_dir(tmp_path_factory):
    """One instance folder (and so one RSA key) for the whole session: generating is slow."""
    return tmp_path_factory.mktemp("mock-idp-instance")


def make_app(database_url: str, instance_dir, **overrides):
    return create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_DIR": str(instance_dir),
        "FORMSVC_DEMO": True,
        "MOCK_IDP_ENABLED": True,
        # The demo client's secret is derived from SECRET_KEY (whatever the developer's shell says).
        "OIDC_CLIENT_SECRET": None,
        **overrides,
    })


@pytest.fixture
def app(database_url, key_instance_dir):
    app = make_app(database_url, key_instance_dir)
    yield app
    empty_all_tables(app)
    database_of(app).engine.dispose()


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
