"""The queue's 氏名・フリガナ search on both databases: what it finds, hostile input, the tabs'
counts with a name (one GROUP BY; for a common name capped walks), and on PostgreSQL the trigram
indexes that serve it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select, text

from formsvc.review import queries
from formsvc.submissions.models import Submission
from tests.review.support import BASE_TIME, make_submissions, numbers_on
from tests.staff.support import staff_client


def applicant(app, form_id: str, family: str, given: str, family_kana: str, given_kana: str, count: int = 1,
              status: str | None = None) -> list[str]:
    return make_submissions(app, form_id, count, status=status, overrides={
        "name": {"family": family, "given": given}, "kana": {"family": family_kana, "given": given_kana}})


@pytest.fixture
def people(app, review_form) -> dict[str, list[str]]:
    return {
        "hayashi": applicant(app, review_form, "林", "翔", "ハヤシ", "ショウ"),
        "kobayashi": applicant(app, review_form, "小林", "美咲", "コバヤシ", "ミサキ"),
        "teshigawara": applicant(app, review_form, "勅使河原", "一郎", "テシガワラ", "イチロウ"),
        "smith": applicant(app, review_form, "ＳＭＩＴＨ", "Ａｎｎａ", "スミス", "アンナ"),  # stored NFKC: SMITH Anna
        "percent": applicant(app, review_form, "100%", "田中_", "ヒャク", "タナカ"),
    }


def found(client, name: str, **args) -> list[str]:
    response = client.get("/staff/queue", query_string={"name": name, "status": "all", **args})
    assert response.status_code == 200, response.text[:300]
    return numbers_on(response.text)


def test_names_are_found_whatever_the_width_kana_kind_or_length(app, people):
    client = staff_client(app, "shinsa", "reviewer")
    assert found(client, "勅使河原") == people["teshigawara"]
    assert found(client, "勅使河原　一郎") == people["teshigawara"]       # full-width space
    assert found(client, "河原一") == people["teshigawara"]               # across the space stored between
    assert found(client, "てしがわら") == people["teshigawara"]            # hiragana → katakana
    assert found(client, "ﾃｼｶﾞﾜﾗ") == people["teshigawara"]              # half-width katakana
    assert found(client, "smith") == people["smith"]                      # full-width stored, lower case typed
    assert found(client, "ＡＮＮＡ") == people["smith"]
    # One and two characters: too short for a trigram index, still found (a scan on PostgreSQL).
    assert found(client, "林") == people["hayashi"] + people["kobayashi"]
    assert found(client, "小林") == people["kobayashi"]
    assert found(client, "翔") == people["hayashi"]
    assert found(client, "ミス") == people["smith"]
    assert found(client, "該当なし") == []
    assert "該当する申請：0件" in client.get("/staff/queue", query_string={"name": "該当なし"}).text


@pytest.mark.parametrize(("typed", "who"), [
    ("%", "percent"), ("_", "percent"), ("0%田", "percent"), ("田中_", "percent"),  # only where typed
    ("%%", None), ("林%", None), ("_林", None), ("1_0", None), ("\\", None), ("'", None), ("' OR 1=1 --", None),
    # Bind-parameter and placeholder look-alikes (the count's EXPLAIN renders the search into SQL).
    (":a", None), ("%:a", None), ("林:x", None), ("%(a)s", None), ("%s", None), ("$1", None), ("::", None),
])
def test_like_wildcards_and_quotes_are_plain_characters(app, people, typed, who):
    client = staff_client(app, "shinsa", "reviewer")
    assert found(client, typed) == (people[who] if who else [])


def test_control_characters_are_refused_and_long_names_cut(app, people, db_session):
    client = staff_client(app, "shinsa", "reviewer")
    assert client.get("/staff/queue", query_string={"name": "林\x00"}).status_code == 400
    assert found(client, "林" * 10_000) == []            # cut to 100 characters, matches nobody
    assert found(client, "勅使河原" + " " * 10_000) == people["teshigawara"]  # spaces ignored
    # Called directly (the API and exports build filters too), a huge name is only a slow miss.
    queue = queries.QueueFilter(status="all", name="あ" * 10_000)
    assert queries.queue_page(db_session, queue, None).rows == []
    assert set(queries.counts_by_status(db_session, queue, None).values()) == {0}


def test_tabs_count_the_name_per_status_in_one_grouped_query(app, review_form, db_session):
    applicant(app, review_form, "林", "翔", "ハヤシ", "ショウ", count=2)
    applicant(app, review_form, "小林", "美咲", "コバヤシ", "ミサキ", count=3, status="completed")
    applicant(app, review_form, "林", "一郎", "ハヤシ", "イチロウ", count=1, status="in_review")
    applicant(app, review_form, "山田", "花子", "ヤマダ", "ハナコ", count=4, status="completed")  # never matches
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        counts = queries.counts_by_status(db_session, queries.QueueFilter(status="all", name="林"), None)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert counts == {value: {"received": 2, "in_review": 1, "completed": 3}.get(value, 0)
                      for value in queries.ALL_STATUSES}
    # Grouped queries only: on PostgreSQL after asking the planner how it would find the rows
    # (EXPLAIN); when it would scan them, a bounded look at the plain keys comes first.
    counted = [statement for statement in statements if not statement.startswith("EXPLAIN")]
    assert 1 <= len(counted) <= 2 and all("GROUP BY" in statement for statement in counted)
    assert len(statements) == (1 if db_session.get_bind().dialect.name == "sqlite" else len(counted) + 1)
    # The same numbers as the capped count of each status, which the page uses without a name.
    for value in queries.ALL_STATUSES:
        assert counts[value] == db_session.scalar(select(text("count(*)")).select_from(Submission).where(
            Submission.status == value, *queries.QueueFilter(name="林").conditions(None)))

    client = staff_client(app, "shinsa", "reviewer")
    page = client.get("/staff/queue", query_string={"name": "林"})
    assert "該当する申請：3件" in page.text                      # open: 受付 2 + 審査中 1
    assert '完了 <span class="status-counts__number">3</span>' in page.text
    assert '受付 <span class="status-counts__number">2</span>' in page.text
    assert '却下 <span class="status-counts__number">0</span>' in page.text
    assert 'すべて <span class="status-counts__number">6</span>' in page.text


def test_more_matches_than_the_cap_are_counted_per_status(app, review_form, db_session, monkeypatch):
    applicant(app, review_form, "林", "翔", "ハヤシ", "ショウ", count=3)
    applicant(app, review_form, "林", "一郎", "ハヤシ", "イチロウ", count=1, status="completed")
    counts = queries.counts_by_status(db_session, queries.QueueFilter(status="all", name="林"), None, cap=2)
    assert counts["received"] == 3 and queries.is_capped(counts["received"], cap=2)   # stopped at cap + 1
    assert counts["completed"] == 1 and counts["rejected"] == 0
    monkeypatch.setattr(queries, "NAME_COUNT_CAP", 2)
    page = staff_client(app, "shinsa", "reviewer").get("/staff/queue", query_string={"name": "林"})
    assert "該当する申請：2以上件" in page.text
    assert '完了 <span class="status-counts__number">1</span>' in page.text


def test_a_common_name_counts_each_tab_to_the_lower_cap_and_every_number_is_true(
        app, review_form, db_session, monkeypatch):
    # More than the cap (4) match 林: each tab then counts to COMMON_NAME_TAB_CAP (2), from the
    # first step's sample, a walk of the status's first WALK_ROWS_PER_MATCH × 3 = 6 rows, or —
    # when that walk ends undecided — the indexes.
    monkeypatch.setattr(queries, "COMMON_NAME_TAB_CAP", 2)
    monkeypatch.setattr(queries, "WALK_ROWS_PER_MATCH", 2)
    applicant(app, review_form, "林", "翔", "ハヤシ", "ショウ", count=5)                      # received
    applicant(app, review_form, "林", "一郎", "ハヤシ", "イチロウ", count=2, status="in_review")
    applicant(app, review_form, "林", "一郎", "ハヤシ", "イチロウ", count=1, status="rejected")
    applicant(app, review_form, "山田", "花子", "ヤマダ", "ハナコ", count=6, status="completed")
    make_submissions(app, review_form, 3, status="completed", created_at=BASE_TIME + timedelta(days=1),
                     overrides={"name": {"family": "小林", "given": "美咲"},
                                "kana": {"family": "コバヤシ", "given": "ミサキ"}})  # after the 6 walked rows
    queue = queries.QueueFilter(status="all", name="林")
    counts = queries.counts_by_status(db_session, queue, None, cap=4)
    true = {"received": 5, "in_review": 2, "rejected": 1, "completed": 3}
    for value in queries.ALL_STATUSES:  # exact, or above the tab cap and truly so
        assert counts[value] == true.get(value, 0) or (counts.is_capped(value) and true.get(value, 0) > 2), value
    assert counts.is_capped("received") and counts.is_capped("completed")   # completed: by the indexes
    assert (counts["in_review"], counts["rejected"], counts["withdrawn"]) == (2, 1, 0)
    assert counts.text(queries.ALL_STATUSES) == "4以上"       # more than the cap match in all
    assert counts.text(("in_review", "rejected")) == "3"
    assert counts.text(queries.QueueFilter().statuses()) == "2以上"

    monkeypatch.setattr(queries, "NAME_COUNT_CAP", 4)
    page = staff_client(app, "shinsa", "reviewer").get("/staff/queue", query_string={"name": "林"})
    assert "該当する申請：2以上件" in page.text                   # open: 受付 is past the tab cap
    assert 'すべて <span class="status-counts__number">4以上</span>' in page.text
    assert '審査中 <span class="status-counts__number">2</span>' in page.text
    assert '完了 <span class="status-counts__number">2以上</span>' in page.text
    assert '却下 <span class="status-counts__number">1</span>' in page.text


def test_the_walks_compare_the_plain_keys(db_session):
    # The tripled keys are for the trigram indexes; a walk reads the rows anyway, and the plain
    # keys cost a fraction per row (the same rows match: test_postgresql_tripled_keys_match…).
    queue = queries.QueueFilter(name="山田")
    walked = str(queue.name_condition(indexed=False).compile(db_session.get_bind(),
                                                             compile_kwargs={"literal_binds": True}))
    indexed = str(queue.name_condition().compile(db_session.get_bind(), compile_kwargs={"literal_binds": True}))
    assert "regexp_replace" not in walked and "%山田%" in walked
    if db_session.get_bind().dialect.name == "postgresql":
        assert "regexp_replace" in indexed and "%山山山田田田%" in indexed


def postgresql_only(db_session) -> None:
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no trigram index: it scans the plain keys")


@pytest.mark.parametrize("name", ["勅使河原", "林", "小林", "ﾃｼｶﾞﾜﾗ"])
def test_postgresql_serves_every_search_from_the_trigram_indexes(app, people, db_session, name):
    postgresql_only(db_session)
    indexes = set(db_session.scalars(text(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'submissions' AND indexdef LIKE '%gin_trgm_ops%'")))
    assert indexes == {"ix_submissions_applicant_name_trgm", "ix_submissions_applicant_kana_trgm"}
    statement = select(Submission.id).where(*queries.QueueFilter(name=name).conditions(None)).compile(
        db_session.get_bind(), compile_kwargs={"literal_binds": True})
    # Seq scans off: with five rows the planner would rightly scan; the point is that it can use
    # the indexes, i.e. the query compares exactly the indexed expressions, even for one character.
    db_session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db_session.scalars(text(f"EXPLAIN {statement}")))
    db_session.rollback()
    assert "ix_submissions_applicant_name_trgm" in plan and "ix_submissions_applicant_kana_trgm" in plan


@pytest.mark.parametrize(("stored", "typed"), [
    ("ああい", "あい"), ("あいあい", "いあ"), ("ささささ", "さささ"), ("さささ", "ささささ"), ("abab", "bab"),
    ("aab", "ab"), ("aab", "aa"), ("ab", "ba"), ("林", "林"), ("小林", "林小"), ("xyz", "y"), ("100%", "0%"),
])
def test_postgresql_tripled_keys_match_exactly_when_the_plain_keys_do(app, db_session, stored, typed):
    postgresql_only(db_session)
    tripled = "".join(character * 3 for character in typed)
    found = db_session.scalar(text(
        "SELECT regexp_replace(:stored, '(.)', '\\1\\1\\1', 'g') LIKE :pattern ESCAPE '\\'"),
        {"stored": stored, "pattern": f"%{queries._escape_like(tripled)}%"})
    assert found is (typed in stored)
