"""The staff queue: counts, filters, search and keyset pages (no OFFSET) on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from formsvc.review import queries
from formsvc.review.models import AccessLog
from tests.review.support import BASE_TIME, link, make_submissions, numbers_on
from tests.staff.support import staff_client


def test_reviewers_start_at_the_queue_and_it_is_in_the_menu(app, review_form):
    numbers = make_submissions(app, review_form, 2)
    reviewer = staff_client(app, "shinsa", "reviewer")
    home = reviewer.get("/staff/")
    assert home.status_code == 200 and "<h1>申請一覧</h1>" in home.text
    assert numbers_on(home.text) == numbers
    assert 'href="/staff/queue"' in home.text  # the staff menu
    counter = staff_client(app, "madoguchi", "counter")
    menu = counter.get("/staff/")
    assert menu.status_code == 200 and "<h1>職員メニュー</h1>" in menu.text and 'href="/staff/queue"' in menu.text


def test_counts_per_status_and_the_default_open_view_oldest_first(app, review_form, db_session):
    received = make_submissions(app, review_form, 2, created_at=BASE_TIME + timedelta(days=1))
    in_review = make_submissions(app, review_form, 1, status="in_review")
    done = make_submissions(app, review_form, 3, status="completed", created_at=BASE_TIME - timedelta(days=3))
    client = staff_client(app, "shinsa", "reviewer")
    page = client.get("/staff/queue")
    assert page.status_code == 200
    # Open work only, oldest first.
    assert numbers_on(page.text) == in_review + received
    assert "該当する申請：3件" in page.text
    assert '完了 <span class="status-counts__number">3</span>' in page.text
    assert '受付 <span class="status-counts__number">2</span>' in page.text
    everything = client.get("/staff/queue?status=all")
    assert numbers_on(everything.text) == done + in_review + received
    newest = client.get("/staff/queue?status=all&sort=newest")
    assert numbers_on(newest.text) == list(reversed(done + in_review + received))
    # Showing the list (names are personal data) is logged, with the ids shown.
    logged = db_session.scalars(select(AccessLog).where(AccessLog.action == "queue")).all()
    assert logged and all(row.staff_username == "shinsa" for row in logged)
    assert len(logged[-1].submission_ids) == 6


def test_filters_by_procedure_assignee_channel_and_dates(app, review_form, plain_form):
    client = staff_client(app, "shinsa", "reviewer")
    make_staff_reviewer = staff_client(app, "other", "reviewer")  # noqa: F841 (an account to assign to)
    mine = make_submissions(app, review_form, 1, status="in_review", assignee="shinsa")
    theirs = make_submissions(app, review_form, 1, status="in_review", assignee="other")
    counter = make_submissions(app, review_form, 1, channel="counter", created_at=BASE_TIME + timedelta(days=10))
    plain = make_submissions(app, plain_form, 2, created_at=BASE_TIME + timedelta(days=20))

    def shown(query: str) -> list[str]:
        response = client.get(f"/staff/queue?{query}")
        assert response.status_code == 200, response.text[:500]
        return numbers_on(response.text)

    assert shown(f"form={plain_form}") == plain
    assert shown(f"form={review_form}") == mine + theirs + counter
    assert shown("assignee=me") == mine
    assert shown("assignee=unassigned") == counter + plain
    assert shown("channel=counter") == counter
    assert shown("channel=online&form=review-permit") == mine + theirs
    # Dates are Japan dates, both ends included.
    day = (BASE_TIME + timedelta(days=10)).date().isoformat()
    assert shown(f"from={day}&to={day}") == counter
    assert shown(f"from={day}") == counter + plain
    assert shown(f"to={day}") == mine + theirs + counter


def test_search_by_name_kana_and_reception_number(app, review_form):
    client = staff_client(app, "shinsa", "reviewer")
    sato = make_submissions(app, review_form, 1, overrides={
        "name": {"family": "佐藤", "given": "花子"}, "kana": {"family": "サトウ", "given": "ハナコ"}})
    yamada = make_submissions(app, review_form, 1)  # 山田 太郎 / ヤマダ タロウ

    def shown(query: str) -> list[str]:
        return numbers_on(client.get("/staff/queue", query_string=query).text)

    assert shown({"name": "佐藤"}) == sato
    assert shown({"name": "佐藤　花子"}) == sato      # a full-width space between the parts
    assert shown({"name": "藤花"}) == sato             # any part of the whole name
    assert shown({"name": "はなこ"}) == sato           # hiragana finds the katakana
    assert shown({"name": "ﾔﾏﾀﾞ"}) == yamada           # half-width katakana too
    assert shown({"name": "タロウ"}) == yamada
    assert shown({"name": "%"}) == []                  # LIKE wildcards are plain characters
    number = yamada[0]
    assert shown({"number": f"{number[:4].lower()}-{number[4:].lower()}"}) == yamada
    assert shown({"number": number[:3]}) == [n for n in sato + yamada if n.startswith(number[:3])]  # a prefix


def test_a_mistyped_reception_number_is_explained(app, review_form):
    client = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1)[0]
    wrong = number[:-1] + ("2" if number[-1] != "2" else "3")  # the check symbol catches it
    page = client.get(f"/staff/queue?number={wrong}")
    assert page.status_code == 400
    assert "<title>エラー：申請一覧" in page.text and "入力内容にエラーがあります" in page.text
    assert "＊受付番号が正しくありません" in page.text and 'aria-invalid="true"' in page.text
    bad_date = client.get("/staff/queue?from=2026-02-30")
    assert bad_date.status_code == 400 and "＊申請日（から）は 2026-04-01 のように" in bad_date.text


@pytest.mark.parametrize(("args", "field"), [
    ("from=0001-01-01", "from"),
    ("to=9999-12-31", "to"),
    ("from=0001-01-01&to=9999-12-31", "from"),
    ("from=1999-12-31", "from"),
    ("to=2100-01-01", "to"),
])
def test_dates_outside_the_searchable_years_are_explained(app, review_form, args, field):
    client = staff_client(app, "shinsa", "reviewer")
    make_submissions(app, review_form, 1)
    page = client.get(f"/staff/queue?{args}")
    assert page.status_code == 400
    label = {"from": "申請日（から）", "to": "申請日（まで）"}[field]
    assert f"＊{label}は 2000-01-01 から 2099-12-31 までの日付で入力してください" in page.text
    assert f'id="filter-{field}"' in page.text and 'aria-invalid="true"' in page.text
    # The CSV of the same filter is not written: the queue explains the date instead.
    export = client.get(f"/staff/queue/export.csv?form={review_form}&{args}")
    assert export.status_code == 302
    assert "までの日付で入力してください" in client.get(export.location).text


def test_the_first_and_last_searchable_days_are_accepted(app, review_form):
    client = staff_client(app, "shinsa", "reviewer")
    numbers = make_submissions(app, review_form, 2)
    page = client.get("/staff/queue?from=2000-01-01&to=2099-12-31")
    assert page.status_code == 200 and numbers_on(page.text) == numbers
    export = client.get(f"/staff/queue/export.csv?form={review_form}&from=2000-01-01&to=2099-12-31")
    assert export.status_code == 200 and all(number in export.text for number in numbers)


def test_keyset_pages_visit_every_row_once_forward_and_back(app, review_form, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 7)
    # 30 rows, three at each moment: the id breaks the ties in created_at.
    numbers = make_submissions(app, review_form, 30, same_time_every=3, step=timedelta(seconds=1))
    client = staff_client(app, "shinsa", "reviewer")
    seen, pages = [], []
    url = "/staff/queue"
    while url:
        page = client.get(url)
        assert page.status_code == 200
        pages.append(page.text)
        seen.extend(numbers_on(page.text))
        url = link(page.text, "next")
        assert "offset" not in (url or "").lower()
    assert seen == numbers and len(pages) == 5  # 7+7+7+7+2: no duplicates, none missed
    assert link(pages[0], "prev") is None
    back, url = [], link(pages[-1], "prev")
    while url:
        page = client.get(url)
        back = numbers_on(page.text) + back
        url = link(page.text, "prev")
    assert back == numbers[:28]


@pytest.mark.parametrize("newest_first", [False, True])
def test_seek_matches_a_plain_sort_for_mixed_statuses(app, review_form, db_session, newest_first):
    make_submissions(app, review_form, 6, status="in_review", same_time_every=2)
    make_submissions(app, review_form, 6, same_time_every=3, step=timedelta(seconds=30))
    make_submissions(app, review_form, 5, status="correction_requested", step=timedelta(seconds=45))
    queue = queries.QueueFilter(newest_first=newest_first)
    expected = queries.all_matching_ids(db_session, queue, None)
    if newest_first:
        expected.reverse()
    seen, after = [], None
    while True:
        page = queries.queue_page(db_session, queue, None, after=after, size=4)
        seen.extend(row.id for row in page.rows)
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == expected


def test_cursors_survive_tampering(app):
    assert queries.decode_cursor("not a cursor!") is None
    assert queries.decode_cursor("x" * 500) is None
    moment = BASE_TIME + timedelta(microseconds=123456)
    assert queries.decode_cursor(queries.encode_cursor(moment, 42)) == (moment, 42)


def test_counts_stop_at_the_cap_so_big_closed_piles_cost_nothing(app, review_form, db_session):
    make_submissions(app, review_form, 4, status="completed")
    make_submissions(app, review_form, 2)
    counts = queries.counts_by_status(db_session, queries.QueueFilter(status="all"), None, cap=3)
    assert counts["completed"] == 4 and queries.is_capped(counts["completed"], cap=3)
    assert counts["received"] == 2 and not queries.is_capped(counts["received"], cap=3)
    assert counts["rejected"] == 0
