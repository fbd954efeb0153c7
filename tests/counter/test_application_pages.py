"""The application pages at the counter: the staff layout, every page reachable, no submission yet."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from formsvc.applications.answers import Answers
from formsvc.db import database, utcnow
from formsvc.forms.catalog import published
from formsvc.staff.models import StaffUser
from formsvc.submissions.models import CounterVisit, Draft, Submission
from tests.applicant import Applicant, csrf_token
from tests.resident.library_support import publish
from tests.staff.support import staff_client

FORM = "inu-touroku"
ANSWERS = {"registered_elsewhere": False, "vaccinated": False}


def open_visit_with_draft(app, username: str) -> tuple[int, int]:
    """A visit with the procedure started, as the counter's visit page leaves it."""
    with app.app_context(), database().transaction() as session:
        staff = session.scalar(select(StaffUser).where(StaffUser.username == username))
        visit = CounterVisit(staff_id=staff.id, identification="none", shared={})
        session.add(visit)
        session.flush()
        compiled = published(session, FORM)
        draft = Draft(token=f"counter-{visit.id}", form_id=FORM, version_id=compiled.version_id,
                      answers=Answers().to_json(), completed_pages=[], channel="counter",
                      staff_id=staff.id, visit_id=visit.id, expires_at=utcnow() + timedelta(days=1))
        session.add(draft)
        session.flush()
        return visit.id, draft.id


def counter_applicant(app, client, visit_id: int) -> Applicant:
    prefix = f"/counter/visits/{visit_id}"
    return Applicant(client, app, FORM, answers=ANSWERS, prefix=prefix,
                     begin=lambda: f"{prefix}/forms/{FORM}/pages/registration_check")


def test_staff_enter_every_page_in_the_staff_layout_and_the_check_page_leads_to_the_printout(app):
    publish(app, FORM)
    clerk = staff_client(app, "counter-clerk", "counter")
    visit_id, draft_id = open_visit_with_draft(app, "counter-clerk")

    check = counter_applicant(app, clerk, visit_id).apply()

    assert check.status_code == 200
    assert 'class="page-list"' in check.text and "来庁対応の画面に戻る" in check.text
    assert "署名用の確認書へ進む" in check.text
    assert 'class="steps"' not in check.text  # the side list replaces the resident's steps
    response = clerk.post(f"/counter/visits/{visit_id}/forms/{FORM}/check",
                          data={"csrf_token": csrf_token(check.text)})
    assert response.status_code == 302
    assert response.location.endswith(f"/counter/visits/{visit_id}/drafts/{draft_id}/signature")
    with app.app_context(), database().transaction() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 0


def test_every_page_is_reachable_from_the_side_list_before_it_is_answered(app):
    publish(app, FORM)
    clerk = staff_client(app, "counter-clerk", "counter")
    visit_id, _ = open_visit_with_draft(app, "counter-clerk")
    prefix = f"/counter/visits/{visit_id}/forms/{FORM}"

    first = clerk.get(f"{prefix}/pages/registration_check")
    links = re.findall(r'<nav class="page-list".*?</nav>', first.text, flags=re.S)[0]
    assert f'href="{prefix}/pages/owner"' in links
    assert f'href="{prefix}/pages/dog"' in links
    later = clerk.get(f"{prefix}/pages/dog")
    assert later.status_code == 200 and "犬について" in later.text


def test_the_counter_pages_refuse_staff_without_the_counter_role(app):
    publish(app, FORM)
    staff_client(app, "counter-clerk", "counter")
    visit_id, _ = open_visit_with_draft(app, "counter-clerk")
    reviewer = staff_client(app, "only-reviewer", "reviewer")
    assert reviewer.get(f"/counter/visits/{visit_id}/forms/{FORM}/pages/owner").status_code == 403


def test_a_closed_visit_cannot_be_edited(app):
    publish(app, FORM)
    clerk = staff_client(app, "counter-clerk", "counter")
    visit_id, _ = open_visit_with_draft(app, "counter-clerk")
    with app.app_context(), database().transaction() as session:
        session.get(CounterVisit, visit_id).closed_at = utcnow()
    response = clerk.get(f"/counter/visits/{visit_id}/forms/{FORM}/pages/owner")
    assert response.status_code == 302 and response.location.endswith(f"/counter/visits/{visit_id}")
