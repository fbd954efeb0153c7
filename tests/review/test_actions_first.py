"""The review actions come first (issue 16): after the summary facts, before the answers, as
plain forms (no JavaScript) with CSRF and the lock_version the page showed."""

from __future__ import annotations

import re

from formsvc.submissions import status
from tests.review.support import csrf_of, lock_version_of, make_submissions, submission_row
from tests.staff.support import staff_client


def position(text: str, marker: str) -> int:
    assert marker in text, marker
    return text.index(marker)


def test_the_actions_are_above_the_answers_and_attachments(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa")[0]
    page = reviewer.get(f"/staff/submissions/{number}").text
    actions = position(page, '<h2 id="moves-title">審査の操作</h2>')
    assert position(page, '<dl class="facts">') < actions  # the summary facts first
    assert actions < position(page, "申請の内容") < position(page, 'id="attachments-title"')
    assert actions < position(page, 'id="history-title"')
    # Every action the reviewer may take, in the table's order, each a form of its own.
    section = page[actions:position(page, "申請の内容")]
    assert re.findall(r"<summary>([^<]+)</summary>", section) == [
        "差し戻す（修正を依頼する）", "承認する", "却下する", "担当を外す（受付に戻す）"]
    forms = [form for form in re.findall(r"<form .*?</form>", section, re.S) if "/moves/" in form]
    assert len(forms) == 4  # (the archive PDF's button is a form of its own too)
    for form in forms:
        assert 'name="csrf_token"' in form and f'name="lock_version" value="{lock_version_of(page)}"' in form
    assert "審査の操作（承認・差し戻しなど）へ移動" not in page  # no jump to the bottom any more


def test_approving_from_the_top_works_without_javascript(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa")[0]
    page = reviewer.get(f"/staff/submissions/{number}").text
    response = reviewer.post(f"/staff/submissions/{number}/moves/approve", data={
        "csrf_token": csrf_of(page), "lock_version": lock_version_of(page), "comment": ""})
    assert response.status_code == 302
    assert submission_row(app, number).status == status.APPROVED
    after = reviewer.get(response.location).text
    assert "承認：受付番号" in after
    # Now only 完了 is offered, still at the top.
    section = after[after.index('id="moves-title"'):after.index("申請の内容")]
    assert re.findall(r"<summary>([^<]+)</summary>", section) == ["完了にする（交付済み）"]


def test_a_refused_action_opens_at_the_top_with_its_error(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa")[0]
    page = reviewer.get(f"/staff/submissions/{number}").text
    response = reviewer.post(f"/staff/submissions/{number}/moves/reject", data={
        "csrf_token": csrf_of(page), "lock_version": lock_version_of(page), "comment": ""})
    assert response.status_code == 400
    text = response.text
    assert '<details class="move move--reject" open>' in text
    assert position(text, "move--reject") < position(text, "申請の内容")
    # Without the token the action is refused whatever the page shows.
    forged = reviewer.post(f"/staff/submissions/{number}/moves/approve", data={"lock_version": lock_version_of(page)})
    assert forged.status_code == 400
    assert submission_row(app, number).status == status.IN_REVIEW


def test_claiming_is_the_first_thing_on_a_new_application(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1)[0]
    page = reviewer.get(f"/staff/submissions/{number}").text
    assert position(page, "move--claim") < position(page, "申請の内容")
    assert "担当する（審査を始める）" in page


def test_staff_who_can_do_nothing_see_no_actions(app, review_form):
    counter = staff_client(app, "madoguchi", "counter")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee=None)[0]
    page = counter.get(f"/staff/submissions/{number}").text
    assert 'id="moves-title"' not in page and "/moves/" not in page
