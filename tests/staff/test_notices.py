"""お知らせ: a corrected application comes back to the reviewer who had it, as a notice in the
staff menu (「お知らせ（N件）」) and at /staff/notices, where they mark it read. Each member sees
and marks only their own."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from formsvc.db import database
from formsvc.review.notices import StaffNotice
from formsvc.staff.models import StaffUser
from formsvc.submissions.reception import display
from tests.review.conftest import REVIEW_FORM, REVIEW_SAMPLE, publish
from tests.review.support import csrf_of, make_submissions
from tests.staff.resubmission import resubmit_number
from tests.staff.support import staff_client


@pytest.fixture
def review_form(app) -> str:
    publish(app, REVIEW_SAMPLE, "review.yaml")
    return REVIEW_FORM


@pytest.fixture
def corrected(app, review_form):
    """Reviewer しんさ had an application sent back for correction; the resident resubmitted it."""
    reviewer = staff_client(app, "shinsa", "reviewer")
    [number] = make_submissions(app, review_form, 1, status="correction_requested", assignee="shinsa",
                                overrides={"email": "taro@example.jp"})
    resubmit_number(app, number)
    return reviewer, number


def notices(db_session) -> list[StaffNotice]:
    db_session.expire_all()
    return db_session.scalars(select(StaffNotice).order_by(StaffNotice.id)).all()


def mark(client, notice: str, page_path: str = "/staff/notices"):
    page = client.get(page_path)
    return client.post("/staff/notices/read", data={"csrf_token": csrf_of(page.text), "notice": notice})


def test_the_assignee_sees_the_resubmission_in_the_menu_and_the_list(corrected, db_session):
    reviewer, number = corrected
    page = reviewer.get("/staff/notices")
    assert "お知らせ（1件）" in page.text  # in the staff menu, on every staff page
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert display(number) in page.text and f'href="/staff/submissions/{number}"' in page.text
    assert "審査用の見本申請" in page.text and "修正された申請（再提出）" in page.text and "未読" in page.text
    assert "既読にする" in page.text and "すべて既読にする" in page.text
    assert "山田" not in page.text and "taro@example.jp" not in page.text  # the detail page is where that is read
    [notice] = notices(db_session)
    assert notice.kind == "resubmitted" and notice.read_at is None


def test_marking_one_read_empties_the_count(corrected, db_session):
    reviewer, _ = corrected
    [notice] = notices(db_session)
    response = mark(reviewer, str(notice.id))
    assert response.status_code == 302 and response.location.endswith("/staff/notices")
    page = reviewer.get("/staff/notices")
    assert "既読にしました" in page.text and "お知らせ（0件）" in page.text and "既読" in page.text
    assert "すべて既読にする" not in page.text
    assert notices(db_session)[0].read_at is not None


def test_all_can_be_marked_read_at_once(app, corrected, review_form, db_session):
    reviewer, _ = corrected
    [second] = make_submissions(app, review_form, 1, status="correction_requested", assignee="shinsa")
    resubmit_number(app, second)
    assert "お知らせ（2件）" in reviewer.get("/staff/notices").text
    assert mark(reviewer, "all").status_code == 302
    assert all(notice.read_at is not None for notice in notices(db_session))


def test_another_reviewer_neither_sees_nor_marks_them(app, corrected, db_session):
    _, number = corrected
    other = staff_client(app, "betsu", "reviewer")
    page = other.get("/staff/notices")
    assert "お知らせ（0件）" in page.text and display(number) not in page.text and "お知らせはありません" in page.text
    [notice] = notices(db_session)
    for forged in (str(notice.id), "all"):
        assert mark(other, forged).status_code == 302
    assert notices(db_session)[0].read_at is None


@pytest.mark.parametrize("value", ["", "abc", "-1", "1\x00", "１", "1 OR 1=1", "9" * 10, "9" * 19, "all\n", None])
def test_hostile_values_are_refused_and_change_nothing(corrected, db_session, value):
    reviewer, _ = corrected
    page = reviewer.get("/staff/notices")
    data = {"csrf_token": csrf_of(page.text)}
    if value is not None:
        data["notice"] = value
    assert reviewer.post("/staff/notices/read", data=data).status_code == 400
    assert notices(db_session)[0].read_at is None


def test_a_huge_id_that_fits_the_pattern_is_no_ones(corrected, db_session):
    reviewer, _ = corrected
    assert mark(reviewer, "9" * 9).status_code == 302
    assert notices(db_session)[0].read_at is None


def test_marking_read_needs_the_csrf_token(corrected, db_session):
    reviewer, _ = corrected
    [notice] = notices(db_session)
    assert reviewer.post("/staff/notices/read", data={"notice": str(notice.id)}).status_code == 400
    assert notices(db_session)[0].read_at is None


def test_an_unassigned_or_closed_account_gets_no_notice(app, review_form, db_session):
    staff_client(app, "shinsa", "reviewer")
    [unassigned] = make_submissions(app, review_form, 1, status="correction_requested")
    [closed] = make_submissions(app, review_form, 1, status="correction_requested", assignee="shinsa")
    with app.app_context(), database().transaction() as session:
        session.execute(update(StaffUser).where(StaffUser.username == "shinsa").values(active=False))
    resubmit_number(app, unassigned)
    resubmit_number(app, closed)
    assert notices(db_session) == []


def test_a_new_application_makes_no_notice(app, review_form, db_session):
    reviewer = staff_client(app, "shinsa", "reviewer")
    make_submissions(app, review_form, 2)
    assert notices(db_session) == []
    queue = reviewer.get("/staff/", follow_redirects=True)  # reviewers start at the queue
    assert "お知らせ（0件）" in queue.text and 'href="/staff/notices"' in queue.text


def test_roles_without_applications_have_no_notices(app):
    approver = staff_client(app, "kessai", "approver")
    assert "お知らせ" not in approver.get("/staff/").text
    assert approver.get("/staff/notices").status_code == 403
    counter = staff_client(app, "madoguchi", "counter")
    assert re.search(r"お知らせ（0件）", counter.get("/staff/notices").text)
