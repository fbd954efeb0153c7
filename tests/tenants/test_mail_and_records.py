"""What a municipality sends and prints carries its own name, and its mail links lead to its own
pages (its path prefix, or its host name) on FORMSVC_PUBLIC_URL."""

from __future__ import annotations

import email
import email.policy
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from formsvc.db import database
from formsvc.review import notification_settings as ns
from formsvc.review.models import OutboxMessage
from formsvc.review.notification_settings import DEFAULT_TEXTS, KINDS, Settings
from formsvc.tenants.context import all_municipalities
from tests.jobrunner import run_jobs
from tests.review.conftest import REVIEW_FORM, REVIEW_SAMPLE, publish
from tests.review.support import csrf_of, make_submissions
from tests.tenants.signin import tenant_staff_client
from tests.tenants.support import in_tenant, make_tenant

KAMAKURA_FORM = f"kamakura-{REVIEW_FORM}"
HAYAMA_FORM = f"hayama-{REVIEW_FORM}"


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def towns(app) -> dict[str, int]:
    """鎌倉市 at /kamakura/ and 葉山町 on a host name of its own, each with a procedure that mails."""
    found = {"kamakura": make_tenant(app, "kamakura", "鎌倉市", first_five="14204"),
             "hayama": make_tenant(app, "hayama", "葉山町", first_five="14301", host="shinsei.town.hayama.lg.jp")}
    for slug, form_id in (("kamakura", KAMAKURA_FORM), ("hayama", HAYAMA_FORM)):
        with in_tenant(app, found[slug]):
            publish(app, REVIEW_SAMPLE.replace(f"id: {REVIEW_FORM}", f"id: {form_id}"), "review.yaml")
            with database().transaction() as session:
                ns.save(session, form_id, Settings(resident_kinds=frozenset(KINDS), texts=dict(DEFAULT_TEXTS),
                                                   staff_mailbox=f"madoguchi@{slug}.example.lg.jp"), "kanri")
    return found


def messages(app) -> dict[tuple[int, str], OutboxMessage]:
    with app.app_context(), all_municipalities(), database().session_factory() as session:
        found = session.scalars(select(OutboxMessage)).all()
        session.expunge_all()
    return {(message.tenant_id, message.kind): message for message in found}


def test_mails_are_from_the_municipality_and_link_to_its_pages(app, towns):
    app.config["PUBLIC_URL"] = "https://shinsei.example.lg.jp/apply"
    numbers = {}
    for slug, form_id in (("kamakura", KAMAKURA_FORM), ("hayama", HAYAMA_FORM)):
        with in_tenant(app, towns[slug]):
            (numbers[slug],) = make_submissions(app, form_id, 1, overrides={"email": "taro@example.jp"})
    sent = messages(app)
    kamakura, hayama = towns["kamakura"], towns["hayama"]
    assert sent[(kamakura, "received")].subject.startswith("【鎌倉市】申請を受け付けました")
    assert "鎌倉市です。" in sent[(kamakura, "received")].body
    assert sent[(hayama, "received")].subject.startswith("【葉山町】")
    assert "デモ市" not in "".join(m.subject + m.body for m in sent.values())
    assert (f"https://shinsei.example.lg.jp/apply/kamakura/staff/submissions/{numbers['kamakura']}\n"
            in sent[(kamakura, "staff_received")].body)
    assert (f"https://shinsei.town.hayama.lg.jp/apply/staff/submissions/{numbers['hayama']}\n"
            in sent[(hayama, "staff_received")].body)
    # The worker sends every municipality's mail, each from its municipality's name.
    app.config["MAIL_FROM"] = "デモ市 <no-reply@shinsei.example.lg.jp>"
    assert run_jobs(app) == 4
    assert {message.state for message in messages(app).values()} == {"sent"}
    senders = set()
    for path in (Path(app.config["INSTANCE_DIR"]) / "outbox").glob("*.eml"):
        mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        senders.add((mail["From"].addresses[0].display_name, mail["From"].addresses[0].addr_spec))
    assert senders == {("鎌倉市", "no-reply@shinsei.example.lg.jp"), ("葉山町", "no-reply@shinsei.example.lg.jp")}


def test_records_printed_for_a_municipality_carry_its_name(app, towns):
    with in_tenant(app, towns["kamakura"]):
        (number,) = make_submissions(app, KAMAKURA_FORM, 1)
    client = tenant_staff_client(app, towns["kamakura"], "kamakura", "shinsa", "reviewer")
    record = client.get(f"/kamakura/staff/submissions/{number}/record.pdf")
    assert record.status_code == 200
    text = pdf_text(record.data)
    assert "鎌倉市" in text and "デモ市" not in text
    queue = client.get("/kamakura/staff/queue")
    started = client.post("/kamakura/staff/queue/print", data={"csrf_token": csrf_of(queue.text), "number": [number]})
    assert started.status_code == 302
    assert run_jobs(app) == 3  # the staff mailbox's mail, the chunk, then the batch
    job_page = started.location.split("?")[0]
    batch = client.get(job_page + "/file")
    assert batch.status_code == 200
    text = pdf_text(batch.data)
    assert "鎌倉市" in text and "デモ市" not in text
