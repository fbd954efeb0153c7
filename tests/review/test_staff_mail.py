"""The procedure's staff mailbox (管理者が「通知」で指定) is e-mailed of every new application and
every corrected one, through the outbox: which procedure and which 受付番号, never who applied or
what they answered. The reviewer a corrected application comes back to is also told in the app."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from sqlalchemy import select

from formsvc.cli import main
from formsvc.review.notices import StaffNotice
from formsvc.submissions.reception import display
from tests.review.support import make_submissions
from tests.review.test_notification_settings import applicant_name, configure
from tests.review.test_notifications import outbox
from tests.staff.resubmission import resubmit_number
from tests.staff.support import staff_client

MAILBOX = "shiminka@city.example.lg.jp"


def staff_mails(db_session):
    return [message for message in outbox(db_session) if message.kind.startswith("staff_")]


def test_a_new_application_is_mailed_to_the_procedures_mailbox(app, review_form, db_session):
    configure(app, review_form, staff_mailbox=MAILBOX)
    [number] = make_submissions(app, review_form, 1, overrides={"email": "taro@example.jp"})
    [mail] = staff_mails(db_session)
    assert (mail.kind, mail.recipient, mail.state) == ("staff_received", MAILBOX, "pending")
    assert "新しい申請が届きました" in mail.subject and display(number) in mail.subject
    assert "手続き：審査用の見本申請" in mail.body and f"受付番号：{display(number)}" in mail.body


def test_a_corrected_application_is_mailed_as_one_without_personal_data(app, review_form, db_session):
    configure(app, review_form, staff_mailbox=MAILBOX)
    staff_client(app, "shinsa", "reviewer")
    [number] = make_submissions(app, review_form, 1, status="correction_requested", assignee="shinsa",
                                overrides={"email": "taro@example.jp", "note": "二階の奥の部屋です"})
    resubmit_number(app, number)
    first, second = staff_mails(db_session)
    assert first.kind == "staff_received"
    assert (second.kind, second.recipient) == ("staff_resubmitted", MAILBOX)
    assert f"【デモ市】修正された申請が届きました（審査用の見本申請・受付番号 {display(number)}）" == second.subject
    assert "修正された申請が届きました。" in second.body and f"受付番号：{display(number)}" in second.body
    name = applicant_name(db_session, number)
    for personal in (name, name.replace(" ", "　"), "taro@example.jp", "二階の奥の部屋です", "様"):
        assert personal not in second.body and personal not in second.subject
    assert "このメールには申請者の個人情報を含めていません。" in second.body
    # And in the app, for the reviewer it comes back to.
    [notice] = db_session.scalars(select(StaffNotice)).all()
    assert notice.kind == "resubmitted"


def test_without_a_mailbox_nobody_is_mailed_but_the_assignee_is_still_told(app, review_form, db_session):
    reviewer = staff_client(app, "shinsa", "reviewer")
    [number] = make_submissions(app, review_form, 1, status="correction_requested", assignee="shinsa")
    resubmit_number(app, number)
    assert staff_mails(db_session) == []
    assert "お知らせ（1件）" in reviewer.get("/staff/notices").text


def test_the_corrected_applications_mail_is_delivered(app, review_form, db_session):
    configure(app, review_form, staff_mailbox=MAILBOX, resident_kinds=frozenset())
    [number] = make_submissions(app, review_form, 1, status="correction_requested")
    resubmit_number(app, number)
    result = app.test_cli_runner().invoke(main, ["send-outbox"])
    assert result.exit_code == 0 and "送信 2 件" in result.output
    subjects = []
    for path in sorted((Path(app.config["INSTANCE_DIR"]) / "outbox").glob("*.eml")):
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert parsed["To"] == MAILBOX
        subjects.append(str(parsed["Subject"]))
    assert any("修正された申請が届きました" in subject for subject in subjects)


def test_the_admin_page_says_corrected_applications_are_mailed_too(app, review_form):
    admin = staff_client(app, "kanri", "admin")
    page = admin.get(f"/admin/forms/{review_form}/notifications")
    assert page.status_code == 200 and "差し戻して修正された申請" in page.text
