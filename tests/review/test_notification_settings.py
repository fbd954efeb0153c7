"""Notification settings per procedure, as the mails show them: which status changes e-mail the
resident, the texts (with placeholders) and the staff mailbox told of new applications."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from sqlalchemy import select

from formsvc.cli import main
from formsvc.db import database
from formsvc.forms.models import FormEvent
from formsvc.review import notification_settings as ns
from formsvc.review.models import OutboxMessage
from formsvc.review.notification_settings import DEFAULT_TEXTS, KINDS, MailText, NotificationSetting, Settings
from formsvc.submissions.models import Submission
from tests.review.support import make_submissions
from tests.review.test_notifications import move, outbox
from tests.staff.support import staff_client


def configure(app, form_id: str, **changes) -> None:
    settings = Settings(**{"resident_kinds": frozenset(KINDS), "staff_mailbox": None,
                           "texts": dict(DEFAULT_TEXTS), **changes})
    with app.app_context(), database().transaction() as session:
        ns.save(session, form_id, settings, "kanri")


def applicant_name(db_session, number: str) -> str:
    return db_session.scalar(select(Submission.applicant_name).where(Submission.reception_number == number))


def test_without_settings_every_mail_goes_as_before_and_no_staff_mail(app, review_form, db_session):
    make_submissions(app, review_form, 1, overrides={"email": "taro@example.jp"})
    [message] = outbox(db_session)
    assert message.kind == "received" and message.subject.startswith("【デモ市】申請を受け付けました（受付番号 ")
    opening = "デモ市です。次の申請を受け付けました。審査の結果は、あらためてお知らせします。"
    assert f"{opening}\n\n手続き：審査用の見本申請\n" in message.body


def test_a_status_change_turned_off_sends_nothing_and_the_others_still_go(app, review_form, db_session):
    configure(app, review_form, resident_kinds=frozenset(KINDS) - {"received", "rejected"})
    number = make_submissions(app, review_form, 1, overrides={"email": "taro@example.jp"})[0]
    assert outbox(db_session) == []  # 受付 is off
    reviewer = staff_client(app, "shinsa", "reviewer")
    move(reviewer, number, "claim")
    move(reviewer, number, "reject", "市外にお住まいのため対象外です。")
    assert outbox(db_session) == []  # 却下 is off: the decision itself was made
    assert db_session.scalar(select(Submission.status).where(Submission.reception_number == number)) == "rejected"
    second = make_submissions(app, review_form, 1, overrides={"email": "taro@example.jp"})[0]
    move(reviewer, second, "claim")
    move(reviewer, second, "request_correction", "番地が抜けています。")
    assert [m.kind for m in outbox(db_session)] == ["correction_requested"]


def test_the_procedures_texts_are_sent_with_the_placeholders_filled_in(app, review_form, db_session):
    texts = dict(DEFAULT_TEXTS)
    texts["received"] = MailText("{手続き名}を受け付けました（{受付番号}）",
                                 "あなたの申請（{受付番号}）は「{状況}」です。\n申請日：{申請日}\n窓口は平日9時から17時です。")
    configure(app, review_form, texts=texts)
    number = make_submissions(app, review_form, 1, overrides={"email": "taro@example.jp"})[0]
    [message] = outbox(db_session)
    shown = f"{number[:4]}-{number[4:]}"
    assert message.subject == f"【デモ市】審査用の見本申請を受け付けました（{shown}）"
    assert f"デモ市です。あなたの申請（{shown}）は「受付」です。\n申請日：" in message.body
    assert "窓口は平日9時から17時です。" in message.body
    assert "{" not in message.body and "}" not in message.body
    # What the service adds around the text is still there: the addressee, the contact, the footer.
    assert f"{applicant_name(db_session, number).replace(' ', '　')} 様" in message.body
    assert "市民課（電話 03-1234-5678）" in message.body and "返信はできません" in message.body


def test_the_staff_comment_still_follows_a_changed_text(app, review_form, db_session):
    texts = dict(DEFAULT_TEXTS)
    texts["rejected"] = MailText("審査結果（{受付番号}）", "申請は{状況}となりました。")
    configure(app, review_form, texts=texts)
    number = make_submissions(app, review_form, 1, overrides={"email": "taro@example.jp"})[0]
    reviewer = staff_client(app, "shinsa", "reviewer")
    move(reviewer, number, "claim")
    move(reviewer, number, "reject", "市外にお住まいのため対象外です。")
    rejected = outbox(db_session)[-1]
    assert "申請は却下となりました。" in rejected.body
    assert "【理由】\n市外にお住まいのため対象外です。" in rejected.body


def test_the_staff_mailbox_gets_number_procedure_and_link_but_no_personal_data(app, review_form, db_session):
    configure(app, review_form, staff_mailbox="shiminka@city.example.lg.jp")
    number = make_submissions(app, review_form, 1, overrides={"email": "taro@example.jp"})[0]
    resident, staff = outbox(db_session)
    assert resident.kind == "received"
    assert staff.kind == "staff_received" and staff.recipient == "shiminka@city.example.lg.jp"
    assert staff.state == "pending"
    shown = f"{number[:4]}-{number[4:]}"
    assert staff.subject == f"【デモ市】新しい申請が届きました（審査用の見本申請・受付番号 {shown}）"
    assert f"受付番号：{shown}" in staff.body and "手続き：審査用の見本申請" in staff.body
    assert f"受付番号 {shown}" in staff.body
    name = applicant_name(db_session, number)
    assert name and name not in staff.body and name.replace(" ", "　") not in staff.body
    assert "taro@example.jp" not in staff.body and "様" not in staff.body


def test_the_staff_mailbox_is_told_even_when_the_resident_mail_is_off(app, review_form, db_session):
    configure(app, review_form, resident_kinds=frozenset(), staff_mailbox="shiminka@city.example.lg.jp")
    make_submissions(app, review_form, 2)
    assert [m.kind for m in outbox(db_session)] == ["staff_received", "staff_received"]


def test_send_outbox_delivers_the_staff_mail(app, review_form, db_session):
    configure(app, review_form, staff_mailbox="shiminka@city.example.lg.jp")
    make_submissions(app, review_form, 1)  # the resident gave no address: only the staff mail goes
    result = app.test_cli_runner().invoke(main, ["send-outbox"])
    assert result.exit_code == 0 and "送信 1 件" in result.output
    [path] = sorted((Path(app.config["INSTANCE_DIR"]) / "outbox").glob("*.eml"))
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["To"] == "shiminka@city.example.lg.jp" and "新しい申請が届きました" in parsed["Subject"]


def test_saving_is_noted_in_the_history_in_words_and_only_when_something_changed(app, review_form, db_session):
    configure(app, review_form, resident_kinds=frozenset(KINDS) - {"completed"},
              staff_mailbox="shiminka@city.example.lg.jp")
    configure(app, review_form, resident_kinds=frozenset(KINDS) - {"completed"},
              staff_mailbox="shiminka@city.example.lg.jp")  # the same again: nothing to note
    events = db_session.scalars(select(FormEvent).where(FormEvent.kind == "notifications_changed")).all()
    assert len(events) == 1 and events[0].actor == "kanri"
    assert events[0].detail["change"] == ("「完了」のメールを送らない、"
                                          "職員への通知先を shiminka@city.example.lg.jp にする")


def test_only_changed_texts_are_stored(app, review_form, db_session):
    texts = dict(DEFAULT_TEXTS)
    texts["approved"] = MailText("承認しました（{受付番号}）", "承認しました。")
    configure(app, review_form, texts=texts)
    row = db_session.get(NotificationSetting, review_form)
    assert set(row.texts) == {"approved"} and row.resident_kinds == list(KINDS)


def test_a_stored_text_that_does_not_check_is_not_sent_half_filled(app, review_form, db_session):
    configure(app, review_form, staff_mailbox="shiminka@city.example.lg.jp")
    with app.app_context(), database().transaction() as session:
        session.get(NotificationSetting, review_form).texts = {
            "received": {"subject": "{氏名}様", "body": "{氏名}様の申請を受け付けました"}}
    make_submissions(app, review_form, 1, overrides={"email": "taro@example.jp"})
    received = db_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "received")).one()
    assert "{氏名}" not in received.subject + received.body
    assert received.subject.startswith("【デモ市】申請を受け付けました")


# --- checking a text's placeholders -----------------------------------------------------------------

def test_known_placeholders_pass():
    assert ns.template_problem("{受付番号} {手続き名} {状況} {申請日} { 受付番号 }") is None
    assert ns.template_problem("括弧のない文") is None


def test_an_unknown_placeholder_is_named():
    problem = ns.template_problem("{氏名}様、{受付番号}の{住所}について")
    assert problem is not None and "{氏名}" in problem and "{住所}" in problem
    assert "{受付番号} {手続き名} {状況} {申請日}" in problem


def test_unbalanced_braces_are_explained():
    assert "閉じられていません" in ns.template_problem("受付番号は{受付番号です")
    assert "閉じられていません" in ns.template_problem("{受付番号{手続き名}")
    assert "対応する「{」がありません" in ns.template_problem("受付番号}です")
    assert "名前がありません" in ns.template_problem("{}")


def test_full_width_braces_count_as_braces():
    text = ns.normalise_braces("｛受付番号｝")
    assert text == "{受付番号}" and ns.template_problem(text) is None
    assert ns.render(text, {"受付番号": "ABCD-2345"}) == "ABCD-2345"


def test_values_are_not_read_again_as_placeholders():
    assert ns.render("{手続き名}", {"手続き名": "{受付番号}の申請", "受付番号": "X"}) == "{受付番号}の申請"


# --- the staff mail's link: from FORMSVC_PUBLIC_URL, never from the request's Host -----------------

def _staff_mail_with_forged_host(app, form_id, db_session):
    configure(app, form_id, staff_mailbox="shiminka@city.example.lg.jp")
    with app.test_request_context("/", base_url="https://evil.example", headers={"Host": "evil.example"}):
        number = make_submissions(app, form_id, 1)[0]
    [staff] = [m for m in outbox(db_session) if m.kind == "staff_received"]
    return number, staff


def test_the_staff_mail_link_is_never_built_from_a_forged_host(app, review_form, db_session):
    app.config["PUBLIC_URL"] = None
    number, staff = _staff_mail_with_forged_host(app, review_form, db_session)
    shown = f"{number[:4]}-{number[4:]}"
    assert "evil.example" not in staff.body and "http" not in staff.body
    assert f"職員画面の申請一覧で受付番号 {shown} を開いて" in staff.body


def test_the_staff_mail_link_uses_the_configured_public_url(app, review_form, db_session):
    app.config["PUBLIC_URL"] = "https://shinsei.example.lg.jp"
    number, staff = _staff_mail_with_forged_host(app, review_form, db_session)
    assert "evil.example" not in staff.body
    assert f"https://shinsei.example.lg.jp/staff/submissions/{number}\n" in staff.body


def test_the_public_url_setting_accepts_only_a_plain_http_address():
    import pytest

    from formsvc.config import public_url

    assert public_url(None) is None and public_url(" ") is None
    assert public_url("https://shinsei.example.lg.jp/") == "https://shinsei.example.lg.jp"
    assert public_url("http://localhost:8000/formsvc") == "http://localhost:8000/formsvc"
    for bad in ("javascript:alert(1)", "ftp://example.jp", "https://a.example@evil.example",
                "https://example.jp/?x=1", "https://example.jp/#top", "https://exa mple.jp", "example.jp"):
        with pytest.raises(ValueError):
            public_url(bad)
