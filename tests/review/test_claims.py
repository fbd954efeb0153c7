"""Claiming under contention: every application claimed exactly once, none lost.

On PostgreSQL the threads really overlap (FOR UPDATE SKIP LOCKED plus the guarded UPDATE);
SQLite serialises writers, and the guarded UPDATE alone must give the same answer there.
"""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select

from formsvc.db import database
from formsvc.review import workflow
from formsvc.staff.models import StaffUser
from formsvc.submissions import status
from formsvc.submissions.models import Submission, SubmissionEvent
from tests.review.support import make_submissions, staff_user
from tests.staff.support import make_staff

THREADS = 8
SUBMISSIONS = 20


def run_threads(app, target, count: int = THREADS) -> list[BaseException]:
    barrier = threading.Barrier(count)
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                target(index)
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a claiming thread hung"
    return failures


def test_reviewers_claiming_the_next_one_together_each_get_different_ones(app, review_form, db_session):
    numbers = make_submissions(app, review_form, SUBMISSIONS)
    user_ids = []
    for index in range(THREADS):
        make_staff(app, f"reviewer{index}", "reviewer")
        user_ids.append(staff_user(app, f"reviewer{index}").id)
    claimed: dict[int, list[str]] = {index: [] for index in range(THREADS)}

    def claim_until_none_left(index: int) -> None:
        while True:
            with database().session_factory() as session:
                user = session.get(StaffUser, user_ids[index])
                submission = workflow.claim_next(session, user)
                if submission is None:
                    session.rollback()
                    return
                number = submission.reception_number
                session.commit()
                claimed[index].append(number)

    assert run_threads(app, claim_until_none_left) == []
    everything = [number for numbers_of_one in claimed.values() for number in numbers_of_one]
    assert sorted(everything) == sorted(numbers)  # every one claimed, none twice, none lost
    rows = db_session.scalars(select(Submission)).all()
    assert all(row.status == status.IN_REVIEW for row in rows)
    owner = {number: user_ids[index] for index, numbers_of_one in claimed.items() for number in numbers_of_one}
    assert all(row.assignee_id == owner[row.reception_number] for row in rows)
    claims = Counter(db_session.scalars(select(SubmissionEvent.submission_id)
                                        .where(SubmissionEvent.kind == "claimed")))
    assert sorted(claims.values()) == [1] * SUBMISSIONS


def test_reviewers_claiming_the_same_one_together_get_one_winner(app, review_form, db_session):
    for number in make_submissions(app, review_form, 3):
        user_ids = []
        for index in range(THREADS):
            make_staff(app, f"reviewer{index}", "reviewer")
            user_ids.append(staff_user(app, f"reviewer{index}").id)
        winners: list[int] = []
        losers: list[str] = []

        def claim(index: int, number=number, user_ids=user_ids, winners=winners, losers=losers) -> None:
            with database().session_factory() as session:
                user = session.get(StaffUser, user_ids[index])
                submission = session.scalar(select(Submission).where(Submission.reception_number == number))
                try:
                    workflow.perform(session, submission, "claim", user, lock_version=1)
                except workflow.AlreadyClaimed as refused:
                    session.rollback()
                    losers.append(refused.message)
                    return
                session.commit()
                winners.append(user.id)

        assert run_threads(app, claim) == []
        assert len(winners) == 1 and len(losers) == THREADS - 1
        assert set(losers) == {"この申請はすでに他の職員が担当しています"}
        db_session.expire_all()
        row = db_session.scalar(select(Submission).where(Submission.reception_number == number))
        assert row.assignee_id == winners[0] and row.status == status.IN_REVIEW and row.lock_version == 2


def test_the_guarded_update_refuses_a_claim_read_before_another_commit(app, review_form):
    """No threads: two sessions read the same row; the later claim must fail on the database."""
    number = make_submissions(app, review_form, 1)[0]
    make_staff(app, "first", "reviewer")
    make_staff(app, "second", "reviewer")
    with app.app_context():
        factory = database().session_factory
        with factory() as one, factory() as two:
            first = one.scalar(select(StaffUser).where(StaffUser.username == "first"))
            second = two.scalar(select(StaffUser).where(StaffUser.username == "second"))
            mine = one.scalar(select(Submission).where(Submission.reception_number == number))
            theirs = two.scalar(select(Submission).where(Submission.reception_number == number))
            assert mine.status == theirs.status == status.RECEIVED
            workflow.perform(one, mine, "claim", first, lock_version=1)
            one.commit()
            # `theirs` still says 受付 and unassigned in memory: only the database can refuse it.
            try:
                workflow.perform(two, theirs, "claim", second, lock_version=1)
            except workflow.AlreadyClaimed:
                two.rollback()
            else:
                raise AssertionError("the second claim went through")
        with factory() as check:
            row = check.scalar(select(Submission).where(Submission.reception_number == number))
            assert row.assignee_id == first.id
            assert check.scalar(select(SubmissionEvent).where(SubmissionEvent.kind == "claimed")
                                .where(SubmissionEvent.submission_id == row.id)).actor == "staff:first"
