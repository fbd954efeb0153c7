"""Demo mode: mail is written to instance/outbox/ as soon as it is queued, and /demo/outbox shows
it; outside demo mode the page does not exist and mail waits for `formsvc send-outbox`."""

from __future__ import annotations

import email
import email.policy
import stat

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from formsvc import create_app
from formsvc.demo import outbox as demo_outbox
from formsvc.review.models import OutboxMessage
from tests.applicant import Applicant
from tests.review.conftest import REVIEW_FORM, REVIEW_SAMPLE, publish


def demo_app(database_url, instance, **overrides):
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_DIR": str(instance),
                       "SECRET_KEY": "test-secret-key", "FORMSVC_DEMO": True,
                       "MOCK_IDP_ENABLED": False, "MOCK_PAYMENTS_ENABLED": False, **overrides})


@pytest.fixture
def demo(database_url, tmp_path, app):  # `app` empties the tables afterwards
    demo = demo_app(database_url, tmp_path)
    publish(demo, REVIEW_SAMPLE, "review.yaml")
    return demo


def outbox_rows(db_session) -> list[OutboxMessage]:
    db_session.expire_all()
    return list(db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def shown(client) -> list[dict[str, str]]:
    """The messages on /demo/outbox, as a person reads them: heading, then the listed facts."""
    response = client.get("/demo/outbox")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    messages = []
    for section in page.find("main").find_all("section"):
        heading = section.find("h2")
        assert section["aria-labelledby"] == heading["id"]
        facts = {row.find("dt").get_text(strip=True): row.find("dd").get_text(strip=True)
                 for row in section.find_all("div", class_="summary-list__row")}
        body = section.find("div", class_="pre-line")
        messages.append({"subject": heading.get_text(strip=True), **facts,
                         "body": body.get_text() if body else None})
    return messages


def test_a_submission_in_demo_mode_is_mailed_at_once_into_the_instance_folder(demo, tmp_path, db_session):
    number = Applicant(demo.test_client(), demo, REVIEW_FORM, answers={"email": "hanako@example.jp"}).submit()
    rows = outbox_rows(db_session)
    received = next(row for row in rows if row.kind == "received")
    assert received.state == "sent" and received.sent_at is not None
    assert all(row.state in ("sent", "undeliverable") for row in rows)  # nothing left for send-outbox
    path = tmp_path / "outbox" / f"{received.id:08d}-received.eml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "hanako@example.jp" and f"{number[:4]}-{number[4:]}" in message["Subject"]


def test_the_demo_outbox_page_shows_the_mail_a_resident_gets(demo, db_session):
    client = demo.test_client()
    Applicant(client, demo, REVIEW_FORM, answers={"email": "hanako@example.jp"}).submit()
    received = next(row for row in outbox_rows(db_session) if row.kind == "received")
    [message] = [message for message in shown(client) if message["宛先"] == "hanako@example.jp"]
    assert message["subject"] == received.subject
    assert message["ファイル"] == f"{received.id:08d}-received.eml"
    assert "山田　太郎 様" in message["body"] and "手続き：審査用の見本申請" in message["body"]
    assert message["日時"].startswith("20")


def test_outside_demo_mode_there_is_no_outbox_page_and_mail_waits(app, client, tmp_path, db_session):
    publish(app, REVIEW_SAMPLE, "review.yaml")
    Applicant(client, app, REVIEW_FORM, answers={"email": "hanako@example.jp"}).submit()
    assert client.get("/demo/outbox").status_code == 404
    assert [row.state for row in outbox_rows(db_session) if row.kind == "received"] == ["pending"]
    assert not (tmp_path / "outbox").exists()


def test_in_demo_mode_a_configured_mail_server_is_never_used(database_url, tmp_path, app, db_session):
    demo = demo_app(database_url, tmp_path, MAIL_BACKEND="smtp", SMTP_HOST="mail.example.invalid")
    publish(demo, REVIEW_SAMPLE, "review.yaml")
    Applicant(demo.test_client(), demo, REVIEW_FORM, answers={"email": "hanako@example.jp"}).submit()
    assert [row.state for row in outbox_rows(db_session) if row.kind == "received"] == ["sent"]
    assert len(list((tmp_path / "outbox").glob("*-received.eml"))) == 1


def test_reading_pages_does_not_deliver(demo, tmp_path, db_session):
    db_session.add(OutboxMessage(kind="received", recipient="a@example.jp", subject="件名", body="本文"))
    db_session.commit()
    demo.test_client().get("/")
    assert [row.state for row in outbox_rows(db_session)] == ["pending"]
    demo.test_client().post("/staff/login", data={})  # any form sent (even a refused one) delivers
    assert [row.state for row in outbox_rows(db_session)] == ["sent"]


def test_before_any_mail_the_page_says_how_to_get_one(demo):
    response = demo.test_client().get("/demo/outbox")
    assert response.status_code == 200 and "まだメールはありません" in response.text
    assert "<section" not in response.text


def write(folder, name: str, content: bytes) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(content)


def test_the_newest_are_shown_first_and_the_page_stays_short(demo, tmp_path, monkeypatch):
    monkeypatch.setattr(demo_outbox, "SHOWN", 3)
    for number in range(1, 6):
        write(tmp_path / "outbox", f"{number:08d}-received.eml",
              f"To: r{number}@example.jp\nSubject: 件名{number}\n\n本文{number}\n".encode())
    client = demo.test_client()
    assert [message["subject"] for message in shown(client)] == ["件名5", "件名4", "件名3"]
    assert "全5通のうち、最新の3通" in client.get("/demo/outbox").text


def test_hostile_files_are_escaped_or_not_read(demo, tmp_path):
    folder = tmp_path / "outbox"
    write(folder, "00000001-received.eml",
          b"To: <script>alert(1)</script>@example.jp\nSubject: =?utf-8?b?PHNjcmlwdD4=?= \x00\x1b[31m\n\n"
          b"<img src=x onerror=alert(1)>\n\x00\x07\n")
    write(folder, "00000002-received.eml", b"\xff\xfe\x00 not a mail at all")
    write(folder, "00000003-received.eml", b"Subject: big\n\n" + b"x" * (demo_outbox.MAX_MESSAGE_BYTES + 1))
    write(folder, "00000004-received.eml", b"Date: 31 Feb 2026 99:99:99 +0000\nSubject: odd date\n\nbody\n")
    (folder / "not-a-mail.txt").write_text("ignored")
    (folder / "00000005-dir.eml").mkdir()
    response = demo.test_client().get("/demo/outbox")
    assert response.status_code == 200
    assert "<script>" not in response.text and "<img" not in response.text
    messages = {message["ファイル"]: message for message in shown(demo.test_client())}
    assert set(messages) == {f"0000000{number}-received.eml" for number in (1, 2, 3, 4)}
    assert messages["00000003-received.eml"]["body"] is None  # too large: listed, not read
    assert messages["00000004-received.eml"]["日時"] == "（不明）"
