"""Submissions made quickly (through the real submit service, without the pages) and staff helpers."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from formsvc.applications.answers import Answers
from formsvc.applications.flow import Flow
from formsvc.db import database, utcnow
from formsvc.forms.catalog import published
from formsvc.payments import models as payment_models
from formsvc.staff.models import StaffUser
from formsvc.submissions.models import Draft, Submission
from formsvc.submissions.service import submit

BASE_TIME = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)


def example_answers(definition, overrides: dict | None = None) -> tuple[Answers, object]:
    """Every question's example answer (``overrides`` by field id), pruned as the pages would."""
    overrides = overrides or {}
    today = utcnow().date()
    fields = {}
    for page in definition.pages:
        if page.repeat is not None or page.kind == "exit":
            continue
        for spec in page.fields:
            if not spec.has_answer or spec.type == "file":
                continue
            value = overrides[spec.id] if spec.id in overrides else (
                spec.example_answer() if spec.required else None)
            if value is not None:
                fields[spec.id] = spec.to_json(value)
    flow = Flow(definition, Answers(fields=fields), today)
    return flow.pruned(), flow.fee()


def make_submissions(app, form_id: str, count: int = 1, *, overrides: dict | None = None,
                     created_at: datetime | None = None, step: timedelta = timedelta(minutes=1),
                     channel: str = "online", status: str | None = None, assignee: str | None = None,
                     same_time_every: int = 1, paid: bool = True, payment_required: bool = True) -> list[str]:
    """``count`` submissions, ``step`` apart from ``created_at`` (``same_time_every`` share one time).

    ``paid``: a fee is paid, as the resident's payment step (online) or the counter's 収納 leaves it,
    so that 承認 is possible; False leaves it unpaid. ``payment_required``: a fee must be paid
    before the decision, as for an application sent through the payment step or at the counter
    (False: sent online without one, e.g. no provider configured, or before payments existed)."""
    numbers = []
    start = created_at or BASE_TIME
    with app.app_context(), database().transaction() as session:
        definition = published(session, form_id)
        answers, fee = example_answers(definition.definition, overrides)
        assignee_id = session.scalar(select(StaffUser.id).where(StaffUser.username == assignee)) \
            if assignee else None
        for index in range(count):
            draft = Draft(token=secrets.token_urlsafe(16), form_id=form_id, version_id=definition.version_id,
                          answers=answers.to_json(), expires_at=utcnow() + timedelta(hours=1))
            session.add(draft)
            session.flush()
            submission = submit(session, draft, answers, fee, channel=channel,
                                payment_required=payment_required and bool(fee and fee > 0))
            session.flush()
            values = {"created_at": start + step * (index // same_time_every)}
            if status:
                values["status"] = status
            if assignee_id:
                values["assignee_id"] = assignee_id
            session.execute(update(Submission).where(Submission.id == submission.id).values(**values)
                            .execution_options(synchronize_session=False))
            if paid and fee:
                session.add(paid_payment(submission, int(fee), values["created_at"]))
            numbers.append(submission.reception_number)
    return numbers


def paid_payment(submission: Submission, amount: int, when: datetime, provider: str = "test",
                 **values) -> payment_models.Payment:
    """A successful payment of ``submission``'s fee (card online, cash at the counter)."""
    counter = submission.channel == payment_models.COUNTER
    columns = {
        "reference": "T" + secrets.token_hex(6).upper(), "idempotency_key": secrets.token_urlsafe(24),
        "provider": "counter" if counter else provider,
        "provider_payment_id": None if counter else "pay_" + secrets.token_hex(8),
        "channel": payment_models.COUNTER if counter else payment_models.ONLINE,
        "method": payment_models.CASH if counter else payment_models.CARD, "form_id": submission.form_id,
        "submission_id": submission.id, "amount": amount, "status": payment_models.SUCCESS, "paid_at": when,
        **values}
    return payment_models.Payment(**columns)


def submission_row(app, number: str) -> Submission:
    with app.app_context(), database().transaction() as session:
        row = session.scalar(select(Submission).where(Submission.reception_number == number))
        session.expunge(row)
        return row


def staff_user(app, username: str) -> StaffUser:
    with app.app_context(), database().transaction() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.username == username))
        session.expunge(user)
        return user


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def lock_version_of(html: str) -> int:
    return int(re.search(r'name="lock_version" value="(\d+)"', html).group(1))


def numbers_on(html: str) -> list[str]:
    """Reception numbers of the queue's rows, in order (from the row links)."""
    return re.findall(r'href="/staff/submissions/([A-Z0-9]{8})" class="queue-table__number"', html)


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return found.group(1).replace("&amp;", "&") if found else None
