"""The compiled versions a worker keeps by id (formsvc.forms.catalog.version_by_id): a draft's
page reads no form_versions row, a newly published version is served, and the cache is bounded."""

from __future__ import annotations

from sqlalchemy import event, select

from formsvc import create_app
from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms import catalog
from formsvc.forms.catalog import published, version_by_id
from formsvc.forms.loading import publish_loaded
from formsvc.forms.models import FormVersion
from tests.conftest import empty_all_tables
from tests.resident.conftest import SAMPLE

OTHER = SAMPLE.replace("id: sample-permit", "id: other-permit").replace("見本の許可申請", "別の許可申請")


def publish(app, text: str) -> int:
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(text, "sample.yaml"), actor="test")
        form_id = load_text(text, "sample.yaml").definition.id
        return session.scalars(select(FormVersion.id).where(FormVersion.form_id == form_id)
                               .order_by(FormVersion.number.desc())).first()


def title_of(app, version_id: int) -> str:
    with app.app_context(), database().transaction() as session:
        compiled = version_by_id(session, version_id)
        assert compiled is not None
        return compiled.definition.title.ja


def test_a_version_is_read_from_the_database_once(app):
    first = publish(app, SAMPLE)
    title_of(app, first)
    reads: list[str] = []
    engine = database_engine(app)
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_: reads.append(statement))
    assert title_of(app, first) == "見本の許可申請"
    assert not [statement for statement in reads if "form_versions" in statement]


def test_a_newly_published_version_is_served_and_the_old_one_still_is(app):
    first = publish(app, SAMPLE)
    assert title_of(app, first) == "見本の許可申請"
    second = publish(app, SAMPLE.replace("見本の許可申請", "見本の許可申請（改正後）"))
    assert second != first
    with app.app_context(), database().transaction() as session:
        newest = published(session, "sample-permit")
        assert newest is not None and newest.version_id == second and newest.version_number == 2
    assert title_of(app, second) == "見本の許可申請（改正後）"
    # A draft started on the first version finishes on it.
    assert title_of(app, first) == "見本の許可申請"


def test_another_database_with_the_same_ids_is_not_served_from_the_cache(app, database_url, tmp_path):
    first = publish(app, SAMPLE)
    assert title_of(app, first) == "見本の許可申請"
    empty_all_tables(app)
    # A new app on the emptied database (the next test, or SQLite giving an id again).
    other_app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x",
                            "INSTANCE_DIR": str(tmp_path)})
    try:
        other = publish(other_app, OTHER)
        assert title_of(other_app, other) == "別の許可申請"
    finally:
        database_engine(other_app).dispose()


def test_the_cache_is_bounded(app, monkeypatch):
    monkeypatch.setattr(catalog, "CACHE_SIZE", 2)
    ids = [publish(app, SAMPLE.replace("見本の許可申請", f"見本の許可申請 {n}")) for n in range(4)]
    for n, version_id in enumerate(ids):
        assert title_of(app, version_id) == f"見本の許可申請 {n}"
    with app.app_context(), database().transaction() as session:
        cache = catalog._versions_by_id(session)
        assert cache is not None and len(cache) == 2
    # An entry that was dropped is read again, correctly.
    assert title_of(app, ids[0]) == "見本の許可申請 0"


def test_the_bounded_dict_forgets_the_least_recently_used():
    bounded: catalog._Bounded[str, int] = catalog._Bounded(2)
    bounded.put("a", 1)
    bounded.put("b", 2)
    assert bounded.get("a") == 1  # "b" is now the least recently used
    bounded.put("c", 3)
    assert (bounded.get("a"), bounded.get("b"), bounded.get("c")) == (1, None, 3)
    assert len(bounded) == 2


def database_engine(app):
    with app.app_context():
        return database().engine
