"""差し戻し as a reviewer sends it (issue 16): the questions to fix by page, standard phrases added
to the message without JavaScript, a reply deadline; stored in the event, read back through
formsvc.submissions.corrections, and written into the resident's e-mail."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import select, update

from formsvc import clock
from formsvc.review.corrections import DEFAULT_PHRASES
from formsvc.review.models import OutboxMessage
from formsvc.submissions import corrections, status
from formsvc.submissions.models import Submission, SubmissionEvent
from tests.conftest import hold_clock
from tests.review.support import csrf_of, lock_version_of, make_submissions, submission_row
from tests.staff.support import make_staff, staff_client

MOVE = "request_correction"


def in_review(app, form_id: str, assignee: str = "shinsa", **overrides) -> str:
    return make_submissions(app, form_id, 1, status=status.IN_REVIEW, assignee=assignee,
                            overrides={"email": "taro@example.jp", **overrides})[0]


def send(client, number: str, page_text: str | None = None, **data):
    page_text = page_text or client.get(f"/staff/submissions/{number}").text
    form = {"csrf_token": csrf_of(page_text), "lock_version": lock_version_of(page_text), "comment": "", **data}
    return client.post(f"/staff/submissions/{number}/moves/{MOVE}", data=form)


def correction_event(db_session, number: str) -> SubmissionEvent:
    db_session.expire_all()
    submission = db_session.scalar(select(Submission).where(Submission.reception_number == number))
    return [event for event in submission.events if event.kind == "correction_requested"][-1]


def correction_mail(db_session) -> OutboxMessage:
    return db_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "correction_requested")).one()


def test_the_form_lists_the_answered_questions_by_page_the_phrases_and_a_deadline(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = in_review(app, review_form)
    page = reviewer.get(f"/staff/submissions/{number}").text
    form = page[page.index(f"/moves/{MOVE}"):]
    form = form[:form.index("</form>")]
    assert "修正してほしい項目（任意）" in form
    # Grouped by page (the page titles as legends), each question by its label.
    legends = re.findall(r'<legend class="label">([^<]+)</legend>', form)
    assert legends[0] == "修正してほしい項目（任意）" and {"申請者", "請求内容"} <= set(legends)
    applicant = form[form.index(">申請者</legend>"):form.index(">請求内容</legend>")]
    assert 'value="name"' in applicant and 'value="copies"' not in applicant  # under its own page
    assert re.search(r'name="fields" value="copies"[^>]*>\s*<label[^>]*>通数</label>', form)
    assert re.search(r'name="fields" value="name"[^>]*>\s*<label[^>]*>氏名</label>', form)
    assert 'value="proxy_letter"' not in form  # not answered: not offered
    # The built-in phrases (the procedure has none of its own) and the deadline box.
    for index, phrase in enumerate(DEFAULT_PHRASES):
        assert f'id="move-request_correction-phrase-{index}" name="phrase" value="{phrase}"' in form
    assert 'type="date" id="move-request_correction-due" name="due"' in form
    assert 'name="csrf_token"' in form and 'name="lock_version"' in form


def test_the_suggested_deadline_is_counted_in_business_days(app, review_form, monkeypatch):
    """Issue 20: the example deadline is 10開庁日後, so 年末年始 does not eat the resident's days."""
    hold_clock(monkeypatch, date(2026, 12, 18))  # a Friday: 12/29–1/3 the office is closed
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = in_review(app, review_form)
    page = reviewer.get(f"/staff/submissions/{number}").text
    hint = unescape(page[page.index('id="move-request_correction-due-hint"'):])
    assert hint[:hint.index("</")].endswith("入力の例：2027-01-07（10開庁日後）")


def test_a_correction_stores_the_questions_and_deadline_and_mails_them(app, review_form, db_session):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = in_review(app, review_form)
    due = clock.today() + timedelta(days=14)
    response = send(reviewer, number, comment="通数を確認してください。", fields=["copies", "name"],
                    phrase=[DEFAULT_PHRASES[0]], due=due.isoformat())
    assert response.status_code == 302
    event = correction_event(db_session, number)
    assert event.comment == "通数を確認してください。\n" + DEFAULT_PHRASES[0]  # the phrase added on the server
    assert event.data["fields"] == ["copies", "name"] and event.data["due"] == due.isoformat()
    # Everyone reads it through the one reader.
    submission = db_session.scalar(select(Submission).where(Submission.reception_number == number))
    request = corrections.latest(submission)
    assert request.fields == ("copies", "name") and request.due == due and request.marks("copies")
    # The resident's e-mail: the message, the questions by label, the deadline in Japanese.
    mail = correction_mail(db_session)
    assert mail.recipient == "taro@example.jp"
    assert "通数を確認してください。" in mail.body and DEFAULT_PHRASES[0] in mail.body
    assert "【修正をお願いしたい項目】\n・通数\n・氏名" in mail.body
    assert f"{due.year}年{due.month}月{due.day}日までに修正して再度お送りください。" in mail.body
    # The history says what was asked besides the message.
    detail = reviewer.get(f"/staff/submissions/{number}").text
    assert f"修正を依頼した項目 2件、期限 {due.year}年{due.month}月{due.day}日" in detail


def test_a_phrase_alone_is_a_message_and_nothing_else_is_required(app, review_form, db_session):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = in_review(app, review_form)
    assert send(reviewer, number, phrase=[DEFAULT_PHRASES[2], DEFAULT_PHRASES[0]]).status_code == 302
    event = correction_event(db_session, number)
    assert event.comment == "\n".join([DEFAULT_PHRASES[2], DEFAULT_PHRASES[0]])
    assert "fields" not in event.data and "due" not in event.data  # both optional
    mail = correction_mail(db_session)
    assert "【修正をお願いしたい項目】" not in mail.body and "【修正の期限】" not in mail.body


def test_neither_message_nor_phrase_is_refused(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = in_review(app, review_form)
    response = send(reviewer, number, comment="  ", fields=["copies"])
    assert response.status_code == 400 and "修正してほしい点を入力してください" in response.text
    assert submission_row(app, number).status == status.IN_REVIEW
    assert re.search(r'name="fields" value="copies" checked', response.text)  # the ticks are kept


@pytest.mark.parametrize(("typed", "message"), [
    ("yesterday", "回答の期限は、今日以降の日付にしてください"),
    ("2026-02-30", "正しい日付で入力してください"),
    ("99999-01-01", "正しい日付で入力してください"),
    ("9" * 5000, "正しい日付で入力してください"),
    ("far", "1年以内の日付にしてください"),
])
def test_a_deadline_in_the_past_or_not_a_date_is_explained_and_nothing_is_sent(app, review_form, db_session,
                                                                               typed, message):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = in_review(app, review_form)
    today = clock.today()
    typed = {"yesterday": (today - timedelta(days=1)).isoformat(),
             "far": (today + timedelta(days=800)).isoformat()}.get(typed, typed)
    response = send(reviewer, number, comment="住所を確認してください。", fields=["home"], due=typed)
    assert response.status_code == 400
    assert "<title>エラー：" in response.text and message in response.text
    assert 'href="#move-request_correction-due"' in response.text  # the summary links to the box
    assert "住所を確認してください。" in unescape(response.text)  # what was typed is kept
    assert '<details class="move move--request_correction" open>' in response.text
    assert submission_row(app, number).status == status.IN_REVIEW
    assert db_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "correction_requested")).all() == []


def test_today_and_a_japanese_style_date_are_accepted(app, review_form, db_session):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = in_review(app, review_form)
    today = clock.today()
    assert send(reviewer, number, comment="確認してください", due=f"{today.year}年{today.month}月{today.day}日"
                ).status_code == 302
    assert correction_event(db_session, number).data["due"] == today.isoformat()


def test_forged_questions_and_phrases_ask_nothing(app, review_form, db_session):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = in_review(app, review_form)
    forged_phrases = ["0", "99", DEFAULT_PHRASES[0][:-1], DEFAULT_PHRASES[0] + "悪", "x" * 10_000]
    response = send(reviewer, number, comment="確認してください。", phrase=forged_phrases,
                    fields=["copies", "no_such_question", "../copies", "copies ", "proxy_letter", "x" * 10_000,
                            "copies"])
    assert response.status_code == 302
    event = correction_event(db_session, number)
    assert event.comment == "確認してください。"  # no phrase added
    assert event.data["fields"] == ["copies"]  # only what the form offered, once


@pytest.mark.parametrize("field", ["comment", "due", "fields", "phrase"])
def test_control_characters_are_refused_before_anything_is_stored(app, review_form, field):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = in_review(app, review_form)
    values = {"comment": "確認してください", "due": clock.today().isoformat(), "fields": "copies",
              "phrase": DEFAULT_PHRASES[0]}
    values[field] = values[field] + "\x00\x1b"
    assert send(reviewer, number, **values).status_code == 400
    assert submission_row(app, number).status == status.IN_REVIEW


def test_a_question_on_a_repeating_page_is_named_with_its_page(app, review_form, db_session):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = in_review(app, review_form)
    db_session.execute(update(Submission).where(Submission.reception_number == number).values(
        answers={**submission_row(app, number).answers, "items": {"items": [{"item_kind": "a"}, {"item_kind": "b"}]}}))
    db_session.commit()
    page = reviewer.get(f"/staff/submissions/{number}").text
    assert page.count('name="fields" value="items.item_kind"') == 1  # once for every item
    assert send(reviewer, number, page, comment="品目を確認してください", fields=["items.item_kind"]).status_code == 302
    assert correction_event(db_session, number).data["fields"] == ["items.item_kind"]
    mail = correction_mail(db_session)
    assert "・品目（追加の品目）" in mail.body


def test_a_stale_page_keeps_the_chosen_questions_and_deadline(app, review_form, db_session):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = in_review(app, review_form)
    opened = reviewer.get(f"/staff/submissions/{number}").text
    db_session.execute(update(Submission).where(Submission.reception_number == number)
                       .values(lock_version=Submission.lock_version + 1))
    db_session.commit()
    due = (clock.today() + timedelta(days=7)).isoformat()
    response = send(reviewer, number, opened, comment="確認してください", phrase=[DEFAULT_PHRASES[1]],
                    fields=["copies"], due=due)
    assert response.status_code == 409 and "画面を表示した後に" in response.text
    assert re.search(r'name="fields" value="copies" checked', response.text)
    assert f'value="{due}"' in response.text
    # The phrase is now part of the message shown again (sending it again adds it only once).
    retry = send(reviewer, number, response.text, comment=unescape(re.search(
        r'<textarea[^>]*id="move-request_correction"[^>]*>([^<]*)</textarea>', response.text).group(1)),
        phrase=[DEFAULT_PHRASES[1]], fields=["copies"], due=due)
    assert retry.status_code == 302
    assert correction_event(db_session, number).comment == "確認してください\n" + DEFAULT_PHRASES[1]


def test_another_reviewer_is_refused_before_the_form_is_read(app, review_form):
    make_staff(app, "tanto", "reviewer")
    number = in_review(app, review_form, assignee="tanto")
    other = staff_client(app, "betsu", "reviewer")
    page = other.get(f"/staff/submissions/{number}").text
    assert "修正してほしい項目" not in page  # not offered
    response = other.post(f"/staff/submissions/{number}/moves/{MOVE}", data={
        "csrf_token": csrf_of(page), "lock_version": submission_row(app, number).lock_version,
        "comment": "x", "due": "not a date", "fields": "copies"})
    assert response.status_code == 403 and "担当者だけが操作できます" in response.text
    assert submission_row(app, number).status == status.IN_REVIEW
