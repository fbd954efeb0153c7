"""formsvc.db's column types on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from formsvc.clock import JST
from formsvc.db import database
from formsvc.forms.models import Form


def test_a_japan_time_is_stored_as_the_same_moment_and_compares_with_utc(app):
    nine_in_japan = datetime(2027, 4, 1, 9, 0, tzinfo=JST)
    with app.app_context(), database().transaction() as session:
        session.add(Form(id="moment", created_at=nine_in_japan))
    with app.app_context(), database().transaction() as session:
        stored = session.get(Form, "moment").created_at
        before_three_utc = session.scalars(
            select(Form.id).where(Form.created_at < datetime(2027, 4, 1, 3, 0, tzinfo=UTC))).all()
    assert stored == datetime(2027, 4, 1, 0, 0, tzinfo=UTC)
    assert before_three_utc == ["moment"]
