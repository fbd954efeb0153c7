"""The confirmation (done) page: the e-mail that was sent, what happens next, 再提出."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formsvc.resident.confirmation import masked_address
from formsvc.review.models import OutboxMessage
from formsvc.review.notification_settings import KINDS, NotificationSetting
from tests.identity import sign_in
from tests.resident.confirmation_support import ADDRESS, apply, done_url, publish_mail_form, resubmit
from tests.resident.library_support import publish


@pytest.fixture
def mail_form(app):
    return publish_mail_form(app)


MAIL_SENTENCE = "確認のメールを ta***@example.jp あてに送りました。"


def test_the_done_page_says_where_the_confirmation_mail_went(client, app, mail_form, db_session):
    number = apply(client, app)
    page = client.get(done_url(number))
    assert page.status_code == 200
    assert MAIL_SENTENCE in page.text
    assert ADDRESS not in page.text  # masked: someone behind the resident reads no address
    assert "迷惑メール" in page.text
    mail = db_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "received")).one()
    assert mail.recipient == ADDRESS


def test_no_mail_sentence_without_an_email_answer(client, app, mail_form, db_session):
    number = apply(client, app, email="")
    page = client.get(done_url(number))
    assert page.status_code == 200 and "確認のメール" not in page.text
    # The outbox records it as undeliverable (staff see the resident was not told): not "sent".
    assert db_session.scalars(select(OutboxMessage.state)).all() == ["undeliverable"]


def test_no_mail_sentence_when_the_procedure_sends_no_receipt_mail(client, app, mail_form, db_session):
    db_session.add(NotificationSetting(form_id=mail_form, resident_kinds=[k for k in KINDS if k != "received"]))
    db_session.commit()
    number = apply(client, app)
    page = client.get(done_url(number))
    assert page.status_code == 200 and "確認のメール" not in page.text
    assert db_session.scalars(select(OutboxMessage)).all() == []


def test_the_reception_number_sentence_is_about_enquiries(client, app, mail_form):
    page = client.get(done_url(apply(client, app)))
    assert "受付番号は、お問い合わせの際に必要です。" in page.text
    assert "窓口でのお受け取り" not in page.text
    assert "審査の後、証明書を郵送します。" in page.text  # the procedure's own next steps
    assert "1通300円" in page.text  # how the fee was worked out, with the fee


def test_a_resubmission_says_so_and_names_the_mail_of_this_sending(client, app, mail_form, db_session):
    sign_in(client, app)
    number = apply(client, app)
    assert "再提出" not in client.get(done_url(number)).text
    # The 修正の受付 mail is turned off: the earlier 受付 mail must not be taken for this one's.
    db_session.add(NotificationSetting(form_id=mail_form,
                                       resident_kinds=[k for k in KINDS if k != "resubmitted"]))
    db_session.commit()
    page = client.get(resubmit(client, db_session, number))
    assert "修正した申請を受け付けました（再提出）" in page.text
    assert "確認のメール" not in page.text


def test_a_resubmission_with_its_mail(client, app, mail_form, db_session):
    sign_in(client, app)
    number = apply(client, app)
    page = client.get(resubmit(client, db_session, number))
    assert "修正した申請を受け付けました（再提出）" in page.text
    assert MAIL_SENTENCE in page.text
    kinds = db_session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["received", "resubmitted"]


def test_a_signed_in_resident_is_offered_their_applications(client, app, mail_form):
    sign_in(client, app)
    page = client.get(done_url(apply(client, app)))
    assert 'href="/my/"' in page.text and "申請履歴を見る" in page.text


def test_the_done_page_links_to_the_copy(client, app, mail_form):
    number = apply(client, app)
    page = client.get(done_url(number))
    assert f'href="/forms/mail-permit/done/{number}/copy"' in page.text


def test_masked_addresses():
    assert masked_address("taro.yamada@example.jp") == "ta***@example.jp"
    assert masked_address("abc@example.jp") == "a***@example.jp"
    assert masked_address("a@b.jp") == "a***@b.jp"
    assert masked_address("not-an-address") == "***"
    assert masked_address("@example.jp") == "***"


def test_hoiku_and_sodai_gomi_say_what_happens_next(app):
    from formsvc.db import session as db_session
    from formsvc.forms.catalog import published

    publish(app, "hoiku-riyou")
    publish(app, "sodai-gomi")
    with app.app_context():
        hoiku = " ".join(step.text.ja for step in published(db_session(), "hoiku-riyou").definition.next_steps)
        gomi = " ".join(step.text.ja for step in published(db_session(), "sodai-gomi").definition.next_steps)
    for words in ("利用調整", "前月20日ごろに郵送でお知らせします", "支給認定証", "面接と健康診断"):
        assert words in hoiku
    for words in ("収集日は、2日以内", "処理券の購入は不要です", "1点ごとに", "朝8時30分まで", "前日17時まで"):
        assert words in gomi
    assert "窓口" not in hoiku + gomi  # neither is collected at the counter
