"""Migrations run from empty to head on both databases, and match the models."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from formsvc.db import make_engine
from formsvc.forms.models import Form, FormVersion
from formsvc.migrate import downgrade, pending_model_changes, upgrade
from tests.backends import require_postgres
from tests.conftest import fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """A brand-new, empty database of each kind, dropped afterwards."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return fresh_postgres_database(require_postgres(), request)


def test_migrations_run_from_empty_to_head_and_match_the_models(empty_database):
    upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"forms", "form_versions", "alembic_version"} <= tables
        assert pending_model_changes(engine) == []
    finally:
        engine.dispose()


def test_migrations_downgrade_to_empty_and_upgrade_again(empty_database):
    upgrade(empty_database)
    downgrade(empty_database, "base")
    engine = make_engine(empty_database)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    upgrade(empty_database)


def test_json_keeps_japanese_text_readable_and_queryable(db_session):
    form = Form(id="juminhyo-copy", state="published", published_version=1)
    form.versions.append(FormVersion(number=1, document={"title": {"ja": "住民票の写し"}},
                                     source="title: 住民票の写し", checksum="0" * 64))
    db_session.add(form)
    db_session.commit()
    raw = db_session.execute(text("SELECT CAST(document AS TEXT) FROM form_versions")).scalar_one()
    assert "住民票の写し" in raw and "\\u" not in raw
    # Queryable with the database's own JSON operators.
    if db_session.bind.dialect.name == "postgresql":
        query = "SELECT document -> 'title' ->> 'ja' FROM form_versions"
    else:
        query = "SELECT json_extract(document, '$.title.ja') FROM form_versions"
    assert db_session.execute(text(query)).scalar_one() == "住民票の写し"
