"""Messages to residents: written to the outbox with each change, delivered by `send-outbox`."""

from __future__ import annotations

import email
import email.policy
import logging
import smtplib
import stat
from pathlib import Path
from typing import ClassVar

from sqlalchemy import select

from formsvc.cli import main
from formsvc.review.models import OutboxMessage
from tests.applicant import Applicant
from tests.review.support import csrf_of, lock_version_of, make_submissions
from tests.staff.support import staff_client


def outbox(db_session) -> list[OutboxMessage]:
    db_session.expire_all()
    return db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def move(client, number: str, name: str, comment: str = "") -> None:
    page = client.get(f"/staff/submissions/{number}")
    response = client.post(f"/staff/submissions/{number}/moves/{name}", data={
        "csrf_token": csrf_of(page.text), "lock_version": lock_version_of(page.text), "comment": comment})
    assert response.status_code == 302, response.text[:500]


def test_a_submission_is_confirmed_to_the_address_the_resident_gave(app, review_form, db_session):
    number = Applicant(app.test_client(), app, review_form, answers={"email": "hanako@example.jp"}).submit()
    [message] = outbox(db_session)
    assert message.kind == "received" and message.state == "pending" and message.recipient == "hanako@example.jp"
    assert message.subject == f"【デモ市】申請を受け付けました（受付番号 {number[:4]}-{number[4:]}）"
    assert "山田　太郎 様" in message.body and "手続き：審査用の見本申請" in message.body
    assert "市民課（電話 03-1234-5678）" in message.body


def test_without_an_email_question_the_message_is_recorded_as_undeliverable(app, plain_form, db_session):
    Applicant(app.test_client(), app, plain_form).submit()
    [message] = outbox(db_session)
    assert message.state == "undeliverable" and message.recipient is None


def test_each_decision_the_resident_should_know_about_is_queued(app, review_form, db_session):
    number = make_submissions(app, review_form, 1, overrides={"email": "taro@example.jp"})[0]
    reviewer = staff_client(app, "shinsa", "reviewer")
    move(reviewer, number, "claim")
    move(reviewer, number, "release")
    move(reviewer, number, "claim")
    move(reviewer, number, "request_correction", "住所の番地が抜けています。")
    assert [m.kind for m in outbox(db_session)] == ["received", "correction_requested"]
    correction = outbox(db_session)[-1]
    assert "【修正をお願いしたい点】\n住所の番地が抜けています。" in correction.body
    assert "「申請履歴」から修正できます" in correction.body

    second = make_submissions(app, review_form, 1, overrides={"email": "taro@example.jp"})[0]
    move(reviewer, second, "claim")
    move(reviewer, second, "approve")
    move(reviewer, second, "complete", "窓口でお渡ししました。")
    third = make_submissions(app, review_form, 1, overrides={"email": "taro@example.jp"})[0]
    move(reviewer, third, "claim")
    move(reviewer, third, "reject", "市外にお住まいのため対象外です。")
    kinds = [m.kind for m in outbox(db_session)]
    assert kinds == ["received", "correction_requested", "received", "approved", "completed", "received", "rejected"]
    approved, completed, _, rejected = outbox(db_session)[3:]
    assert "【今後の流れ】\n審査の後、郵送します。" in approved.body
    assert "【担当からの連絡事項】\n窓口でお渡ししました。" in completed.body
    assert "【理由】\n市外にお住まいのため対象外です。" in rejected.body and "正式な通知書" in rejected.body


def test_send_outbox_writes_eml_files_by_default_and_never_logs_the_body(app, review_form, db_session, caplog):
    make_submissions(app, review_form, 2, overrides={"email": "taro@example.jp"})
    make_submissions(app, review_form, 1)  # no address given: not sent
    caplog.set_level(logging.DEBUG)
    result = app.test_cli_runner().invoke(main, ["send-outbox"])
    assert result.exit_code == 0, result.output
    assert "送信 2 件" in result.output and "（file）" in result.output
    folder = Path(app.config["INSTANCE_DIR"]) / "outbox"
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["To"] == "taro@example.jp" and "申請を受け付けました" in parsed["Subject"]
    assert "手続き：審査用の見本申請" in parsed.get_content()
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    states = [m.state for m in outbox(db_session)]
    assert states == ["sent", "sent", "undeliverable"]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "outbox message" in logged and "手続き" not in logged and "taro@example.jp" not in logged
    again = app.test_cli_runner().invoke(main, ["send-outbox"])
    assert "送信 0 件" in again.output and len(list(folder.glob("*.eml"))) == 2  # nothing twice


def test_the_console_backend_prints_the_message(app, review_form):
    make_submissions(app, review_form, 1, overrides={"email": "taro@example.jp"})
    app.config["MAIL_BACKEND"] = "console"
    result = app.test_cli_runner().invoke(main, ["send-outbox"])
    assert result.exit_code == 0 and "To: taro@example.jp" in result.stdout


class FakeSMTP:
    sent: ClassVar[list] = []
    fail: ClassVar[bool] = False

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port

    def starttls(self):
        pass

    def login(self, user, password):
        self.user = user

    def send_message(self, message):
        if FakeSMTP.fail:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no")})
        FakeSMTP.sent.append(message)

    def quit(self):
        pass


def test_smtp_is_used_when_a_host_is_configured_and_failures_are_retried(app, review_form, db_session,
                                                                         monkeypatch):
    make_submissions(app, review_form, 1, overrides={"email": "taro@example.jp"})
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail = [], True
    app.config.update(SMTP_HOST="mail.example.test", SMTP_USER="formsvc", SMTP_PASSWORD="x")
    failed = app.test_cli_runner().invoke(main, ["send-outbox"])
    assert failed.exit_code == 1 and "再試行待ち 1 件" in failed.output and "（smtp）" in failed.output
    [message] = outbox(db_session)
    assert message.state == "pending" and message.attempts == 1
    assert message.last_error.startswith("SMTPRecipientsRefused") and "taro" not in message.last_error
    FakeSMTP.fail = False
    sent = app.test_cli_runner().invoke(main, ["send-outbox"])
    assert sent.exit_code == 0 and len(FakeSMTP.sent) == 1
    assert FakeSMTP.sent[0]["To"] == "taro@example.jp"
    assert outbox(db_session)[0].state == "sent"
