"""What a question page costs the database, and the form encoding it asks for (issue 17):
a page of an unsent draft reads the draft and nothing else, without opening a transaction; only
a page with a file question is sent as multipart/form-data."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import event, inspect, text
from sqlalchemy.orm import Session

from formsvc.db import database
from tests.applicant import TINY_PDF, csrf_token

PAGES = "/forms/sample-permit/pages"


def start(client) -> None:
    page = client.get("/forms/sample-permit/")
    response = client.post("/forms/sample-permit/start", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302


def statements_during(app, request) -> list[str]:
    """The statements ``request`` sends, each marked "(autocommit)" when sent outside a transaction
    (Database.autocommit_engine), and "BEGIN" where a session opens a transaction."""
    with app.app_context():
        engines = {database().engine: "", database().autocommit_engine: " (autocommit)"}
    seen: list[str] = []

    def noter(mark):
        def note(_conn, _cursor, statement, *_):
            seen.append(statement + mark)
        return note

    def begun(_session, _transaction, _connection):
        seen.append("BEGIN")

    listeners = [(engine, noter(mark)) for engine, mark in engines.items()]
    for engine, note in listeners:
        event.listen(engine, "before_cursor_execute", note)
    event.listen(Session, "after_begin", begun)
    try:
        request()
    finally:
        for engine, note in listeners:
            event.remove(engine, "before_cursor_execute", note)
        event.remove(Session, "after_begin", begun)
    return seen


def form_tag(html: str) -> str:
    found = re.search(r"<form method=\"post\"[^>]*>", html)
    assert found, "the page has no form"
    return found.group(0)


def test_a_page_of_an_unsent_draft_reads_only_the_draft(app, client, sample_form):
    start(client)
    assert client.get(f"{PAGES}/eligibility").status_code == 200  # the worker meets the version
    seen = statements_during(app, lambda: client.get(f"{PAGES}/eligibility"))
    # One round trip: no BEGIN before it, so no ROLLBACK after.
    assert len(seen) == 1 and "FROM drafts" in seen[0] and seen[0].endswith("(autocommit)"), seen


def test_a_page_sent_reads_the_draft_and_stores_it(app, client, sample_form):
    start(client)
    html = client.get(f"{PAGES}/eligibility").text
    seen = statements_during(app, lambda: client.post(
        f"{PAGES}/eligibility", data={"resident": "yes", "action": "continue", "csrf_token": csrf_token(html)}))
    # Two round trips: the draft's SELECT and its UPDATE, each committed as it runs (no BEGIN,
    # no COMMIT: nothing else was in flight).
    assert [statement.split()[0] for statement in seen] == ["SELECT", "UPDATE"], seen
    assert all(statement.endswith("(autocommit)") for statement in seen), seen


def test_only_a_page_with_a_file_question_is_multipart(client, sample_form):
    start(client)
    html = client.get(f"{PAGES}/eligibility").text
    assert "enctype" not in form_tag(html)
    client.post(f"{PAGES}/eligibility", data={"resident": "yes", "action": "continue", "csrf_token": csrf_token(html)})
    answers = {"name-family": "見本", "name-given": "太郎", "kana-family": "ミホン", "kana-given": "タロウ",
               "birth_date-year": "1980", "birth_date-month": "1", "birth_date-day": "2",
               "postal": "100-0001", "home-prefecture": "東京都", "home-city": "千代田区", "home-town": "千代田",
               "home-block": "1-1", "home-building": "", "via": "agent", "action": "continue"}
    html = client.get(f"{PAGES}/applicant").text
    assert "enctype" not in form_tag(html)
    # Sent urlencoded, as a browser sends a form without enctype.
    stored = client.post(f"{PAGES}/applicant", data={**answers, "csrf_token": csrf_token(html)})
    assert stored.status_code == 302 and stored.location.endswith("/pages/agent"), stored.text
    html = client.get(f"{PAGES}/agent").text
    assert 'enctype="multipart/form-data"' in form_tag(html)
    # The file question's page still takes a file.
    sent = client.post(f"{PAGES}/agent", data={
        "agent_name": "代理次郎", "proxy_letter": (io.BytesIO(TINY_PDF), "委任状.pdf"), "action": "continue",
        "csrf_token": csrf_token(html)}, content_type="multipart/form-data")
    assert sent.status_code == 302, sent.text
    assert "委任状.pdf" in client.get(f"{PAGES}/agent").text


def test_saving_a_page_writes_no_indexed_column_of_the_draft(app, client, sample_form):
    """Every page sent moves the draft's expiry on. Were a column it writes in an index (or a key),
    PostgreSQL would write the row into every index of drafts again instead of updating it in
    place (HOT): the draft's UPDATE sets only columns no index covers (migration 0024)."""
    start(client)
    html = client.get(f"{PAGES}/eligibility").text
    seen = statements_during(app, lambda: client.post(
        f"{PAGES}/eligibility", data={"resident": "yes", "action": "continue", "csrf_token": csrf_token(html)}))
    update = next(statement for statement in seen if statement.startswith("UPDATE drafts SET"))
    written = {assignment.split("=")[0].strip()
               for assignment in re.search(r"SET (.*) WHERE", update, re.S).group(1).split(",")}
    assert {"answers", "expires_at"} <= written, update
    with app.app_context():
        tables = inspect(database().engine)
        covered = {column for index in tables.get_indexes("drafts") for column in index["column_names"]}
        covered |= {column for unique in tables.get_unique_constraints("drafts") for column in unique["column_names"]}
        covered |= set(tables.get_pk_constraint("drafts")["constrained_columns"])
    assert covered and not written & covered, (written & covered)


def test_postgresql_leaves_room_on_each_page_of_drafts(app, database_url):
    """HOT needs the row's next version to fit on its page: drafts' fill factor keeps room."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite updates rows in place anyway")
    with app.app_context(), database().engine.connect() as connection:
        options = connection.execute(text("SELECT reloptions FROM pg_class WHERE relname = 'drafts'")).scalar()
    assert options == ["fillfactor=70"]
