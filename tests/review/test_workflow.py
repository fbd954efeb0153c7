"""The workflow's table of moves, tried by every role; refusals; stale edits; corrections."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from formsvc.db import database
from formsvc.review import workflow
from formsvc.review.models import OutboxMessage
from formsvc.staff import roles
from formsvc.staff.models import StaffUser
from formsvc.submissions import status
from formsvc.submissions.models import Submission, SubmissionEvent
from tests.review.support import csrf_of, lock_version_of, make_submissions, staff_user, submission_row
from tests.staff.support import make_staff, staff_client

MOVE_CASES = [pytest.param(move, role, id=f"{move.name}-from-{move.source}-as-{role}")
              for move in workflow.MOVES for role in roles.ALL]


def post_move(client, number: str, move: str, comment: str = "", **extra):
    page = client.get(f"/staff/submissions/{number}")
    if page.status_code == 403:  # a role that may not even read it (承認者): a token from its home page
        page = client.get("/staff/")
    assert page.status_code == 200, page.text[:300]
    data = {"csrf_token": csrf_of(page.text), "lock_version": lock_version_of(page.text)
            if 'name="lock_version"' in page.text else submission_row(client.application, number).lock_version,
            "comment": comment, **extra}
    return client.post(f"/staff/submissions/{number}/moves/{move}", data=data)


def events_of(db_session, number: str) -> list[SubmissionEvent]:
    db_session.expire_all()
    submission = db_session.scalar(select(Submission).where(Submission.reception_number == number))
    return submission.events


@pytest.mark.parametrize(("move", "role"), MOVE_CASES)
def test_each_move_is_allowed_exactly_for_its_roles(app, review_form, db_session, move, role):
    client = staff_client(app, "actor", role)
    make_staff(app, "other-reviewer", roles.REVIEWER)
    # The submission waits in the move's starting state, assigned to the actor where that matters.
    assigned = "actor" if move.assignee_only or move.source == status.IN_REVIEW else None
    number = make_submissions(app, review_form, 1, status=move.source,
                              assignee=assigned if move.name != "claim" else None)[0]
    extra = {"assignee": str(staff_user(app, "other-reviewer").id)} if move.name == "reassign" else {}
    response = post_move(client, number, move.name, comment="確認しました。", **extra)
    after = submission_row(app, number)
    if role in move.roles:
        assert response.status_code == 302, response.text[:1000]
        assert after.status == move.target
        # A rejection of a paid application is followed by its refund_due (tests/review/test_payments_*).
        event = [e for e in events_of(db_session, number) if e.kind != "refund_due"][-1]
        assert event.kind == move.event and event.actor == "staff:actor" and event.comment == "確認しました。"
        assert after.lock_version > 1
        notified = db_session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind == move.event)).all()
        assert bool(notified) == move.notify
    else:
        assert response.status_code == 403, response.text[:500]
        assert after.status == move.source
        assert events_of(db_session, number)[-1].kind == "submitted"


def test_claiming_assigns_the_reviewer_and_the_queue_shows_it(app, review_form):
    client = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1)[0]
    response = post_move(client, number, "claim")
    assert response.status_code == 302
    page = client.get(response.location)
    assert "担当（審査開始）：受付番号" in page.text  # the confirmation
    assert "<strong>審査中</strong>" in page.text
    row = submission_row(app, number)
    assert row.status == status.IN_REVIEW and row.assignee_id is not None
    assert number in client.get("/staff/queue?assignee=me").text


@pytest.mark.parametrize("terminal", [status.REJECTED, status.COMPLETED, status.WITHDRAWN])
def test_nothing_moves_a_closed_application(app, review_form, terminal):
    client = staff_client(app, "kanri", "reviewer", "counter", "admin")
    number = make_submissions(app, review_form, 1, status=terminal, assignee="kanri")[0]
    page = client.get(f"/staff/submissions/{number}")
    assert 'class="move ' not in page.text  # no move is offered
    for name in workflow.NAMES:
        response = client.post(f"/staff/submissions/{number}/moves/{name}",
                               data={"csrf_token": csrf_of(page.text), "lock_version": 1, "comment": "x"})
        assert response.status_code == 409, name
        assert "この操作はできません" in response.text
    assert submission_row(app, number).status == terminal


def test_staff_cannot_withdraw_an_application(app, review_form):
    client = staff_client(app, "kanri", "reviewer", "counter", "admin")
    number = make_submissions(app, review_form, 1)[0]
    page = client.get(f"/staff/submissions/{number}")
    for name in ("withdraw", "withdrawn"):
        response = client.post(f"/staff/submissions/{number}/moves/{name}",
                               data={"csrf_token": csrf_of(page.text), "lock_version": 1})
        assert response.status_code == 403
    assert submission_row(app, number).status == status.RECEIVED


@pytest.mark.parametrize(("move", "message"), [("request_correction", "＊修正してほしい点を入力してください"),
                                               ("reject", "＊却下の理由を入力してください")])
def test_a_correction_or_rejection_needs_its_reason(app, review_form, move, message):
    client = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa")[0]
    response = post_move(client, number, move, comment="   ")
    assert response.status_code == 400
    assert "<title>エラー：" in response.text and message in response.text
    assert f'href="#move-{move}"' in response.text  # the error summary links to the box
    assert submission_row(app, number).status == status.IN_REVIEW


def test_only_the_assigned_reviewer_decides(app, review_form):
    make_staff(app, "tanto", roles.REVIEWER)
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="tanto")[0]
    other = staff_client(app, "betsu", "reviewer")
    page = other.get(f"/staff/submissions/{number}")
    assert "承認する" not in page.text  # not offered
    response = other.post(f"/staff/submissions/{number}/moves/approve",
                          data={"csrf_token": csrf_of(page.text), "lock_version": 1})
    assert response.status_code == 403 and "担当者だけが操作できます" in response.text
    assert submission_row(app, number).status == status.IN_REVIEW


@pytest.mark.parametrize("held", [("reviewer", "admin"), ("reviewer", "counter", "admin")])
def test_holding_several_roles_gives_no_decision_on_another_reviewers_application(app, review_form, held):
    make_staff(app, "tanto", roles.REVIEWER)
    client = staff_client(app, "kanri", *held)
    for move in ("approve", "reject", "request_correction"):
        number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="tanto")[0]
        page = client.get(f"/staff/submissions/{number}")
        assert f"/moves/{move}" not in page.text  # not offered
        response = client.post(f"/staff/submissions/{number}/moves/{move}",
                               data={"csrf_token": csrf_of(page.text), "lock_version": lock_version_of(page.text),
                                     "comment": "理由"})
        assert response.status_code == 403 and "担当者だけが操作できます" in response.text
        row = submission_row(app, number)
        assert row.status == status.IN_REVIEW and row.assignee_id == staff_user(app, "tanto").id
    # What the administrator's role is named for still works: taking it off the reviewer.
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="tanto")[0]
    assert post_move(client, number, "release").status_code == 302
    assert submission_row(app, number).status == status.RECEIVED


def test_the_decision_itself_checks_the_assignee_for_an_administrator_too(app, review_form, db_session):
    """The guarded UPDATE, not only the check before it, requires the assignee: a decision made
    on a submission read as one's own but handed to someone else meanwhile is refused."""
    make_staff(app, "tanto", roles.REVIEWER)
    make_staff(app, "kanri", roles.REVIEWER, roles.ADMIN)
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="kanri")[0]
    submission = db_session.scalar(select(Submission).where(Submission.reception_number == number))
    kanri = db_session.scalar(select(StaffUser).where(StaffUser.username == "kanri"))
    seen = submission.lock_version
    # Handed over by a write that does not move the version counter (a data fix, say).
    with app.app_context(), database().transaction() as other:
        other.execute(update(Submission).where(Submission.id == submission.id)
                      .values(assignee_id=staff_user(app, "tanto").id)
                      .execution_options(synchronize_session=False))
    with pytest.raises(workflow.NotAssignee):
        workflow.perform(db_session, submission, "approve", kanri, lock_version=seen)
    db_session.rollback()
    assert submission_row(app, number).status == status.IN_REVIEW


def test_a_second_claim_is_told_someone_else_has_it(app, review_form):
    first = staff_client(app, "first", "reviewer")
    second = staff_client(app, "second", "reviewer")
    number = make_submissions(app, review_form, 1)[0]
    stale_page = second.get(f"/staff/submissions/{number}")  # both see 「担当する」
    assert post_move(first, number, "claim").status_code == 302
    response = second.post(f"/staff/submissions/{number}/moves/claim",
                           data={"csrf_token": csrf_of(stale_page.text),
                                 "lock_version": lock_version_of(stale_page.text)})
    assert response.status_code == 409
    assert "この申請はすでに他の職員が担当しています" in response.text
    assert submission_row(app, number).assignee_id == staff_user(app, "first").id


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    admin = staff_client(app, "kanri", "admin")
    make_staff(app, "hoka", roles.REVIEWER)
    number = make_submissions(app, review_form, 1)[0]
    assert post_move(reviewer, number, "claim").status_code == 302
    opened = reviewer.get(f"/staff/submissions/{number}")  # the reviewer starts writing a reason…
    seen = lock_version_of(opened.text)
    # …while an administrator hands the application to someone else and back again.
    other_id, mine_id = staff_user(app, "hoka").id, staff_user(app, "shinsa").id
    assert post_move(admin, number, "reassign", assignee=str(other_id)).status_code == 302
    assert post_move(admin, number, "reassign", assignee=str(mine_id)).status_code == 302
    typed = "添付の書類が読み取れません。\nもう一度撮影して添付してください。"
    response = reviewer.post(f"/staff/submissions/{number}/moves/request_correction",
                             data={"csrf_token": csrf_of(opened.text), "lock_version": seen, "comment": typed})
    assert response.status_code == 409
    assert "画面を表示した後に他の職員または申請者によって更新されました" in response.text
    assert typed in response.text.replace("&#10;", "\n")  # shown again in the box
    row = submission_row(app, number)
    assert row.status == status.IN_REVIEW and lock_version_of(response.text) == row.lock_version > seen
    # With the page as it is now, the same reason goes through.
    retry = reviewer.post(f"/staff/submissions/{number}/moves/request_correction",
                          data={"csrf_token": csrf_of(response.text), "lock_version": row.lock_version,
                                "comment": typed})
    assert retry.status_code == 302 and submission_row(app, number).status == status.CORRECTION_REQUESTED


def test_a_resident_withdrawing_meanwhile_wins_over_a_decision(app, review_form, db_session):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa")[0]
    opened = reviewer.get(f"/staff/submissions/{number}")
    submission = db_session.scalar(select(Submission).where(Submission.reception_number == number))
    submission.status = status.WITHDRAWN  # an ORM change: the version counter moves too
    db_session.commit()
    response = reviewer.post(f"/staff/submissions/{number}/moves/approve",
                             data={"csrf_token": csrf_of(opened.text), "lock_version": lock_version_of(opened.text),
                                   "comment": "問題ありません"})
    assert response.status_code == 409 and "「取下げ」のため" in response.text
    assert "問題ありません" in response.text
    assert submission_row(app, number).status == status.WITHDRAWN


def test_moves_offered_follow_the_table(app, review_form):
    client = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa")[0]
    page = client.get(f"/staff/submissions/{number}")
    offered = re.findall(r'/moves/([a-z_]+)"', page.text)
    assert offered == [m.name for m in workflow.MOVES if m.source == status.IN_REVIEW and roles.REVIEWER in m.roles]


def test_a_reassignment_to_no_real_account_is_refused_not_a_crash(app, review_form):
    """"²" passes str.isdigit() but not int(); a thousand digits overflow the id column."""
    reviewer = staff_client(app, "shinsa", "reviewer")
    admin = staff_client(app, "kanri", "admin")
    number = make_submissions(app, review_form, 1)[0]
    assert post_move(reviewer, number, "claim").status_code == 302
    for assignee in ("²", "9" * 1000, "-1", ""):
        response = post_move(admin, number, "reassign", assignee=assignee)
        assert response.status_code < 500, assignee
    assert submission_row(app, number).assignee_id == staff_user(app, "shinsa").id
