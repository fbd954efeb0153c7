"""Which databases the tests run on (imported by conftest and by tests that need it)."""

from __future__ import annotations

import os

import pytest

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_postgres() -> str:
    """The PostgreSQL test URL; skips outside CI when unset, fails in CI."""
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("TEST_DATABASE_URL is not set: CI must run the PostgreSQL tests")
        pytest.skip("TEST_DATABASE_URL is not set (see README: running the tests)")
    return POSTGRES_URL
