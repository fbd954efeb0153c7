"""The correction (差し戻し) loop, deleting a draft and withdrawing, in a real browser: what a signed-in
resident sees on each page, by accessible names, and that each kind of page passes axe."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from formsvc.db import database
from formsvc.submissions.models import Submission, SubmissionEvent
from tests.browser.support import Shortcut, assert_accessible, send_application


def sign_in(page, holder: str = "佐藤 花子") -> None:
    page.goto("/auth/login?next=/my/")
    page.get_by_label(holder, exact=False).check(force=True)
    page.get_by_label("利用者証明用電子証明書の暗証番号").fill("1234")
    page.get_by_role("button", name="認証する").click()
    page.wait_for_url("**/my/")


def request_correction(app, number: str, fields: list[str]) -> None:
    """What the reviewer's 差し戻し records (formsvc.review.workflow: the event and its data)."""
    with app.app_context(), database().transaction() as session:
        submission = session.scalars(select(Submission).where(Submission.reception_number == number)).one()
        submission.status = "correction_requested"
        session.add(SubmissionEvent(submission_id=submission.id, kind="correction_requested", actor="reviewer",
                                    comment="必要な通数をもう一度確認してください。",
                                    data={"fields": fields, "due": "2099-01-31"}))


def test_a_resident_answers_a_correction_deletes_a_draft_and_withdraws(axe_page, live_server):
    page = axe_page
    sign_in(page)
    definition = live_server.definition("juminhyo-copy")
    page.goto(Shortcut(page, definition).until())
    send_application(page)
    page.wait_for_url(re.compile(r"/done/"))
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    shown = f"{number[:4]}-{number[4:]}"
    request_correction(live_server.app, number, ["copies"])

    # 申請履歴's banner leads to the application.
    page.goto("/my/")
    banner = page.locator(".notice").filter(has_text="修正をお願いしている申請が")
    banner.get_by_role("link", name=re.compile(shown)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(shown)
    expect(page.get_by_text("修正をお願いしている項目：必要な通数")).to_be_visible()
    page.get_by_role("button", name="申請内容を修正する").click()

    # The check page: this is a correction, the clerk's message and deadline, the button.
    expect(page.get_by_role("heading", level=1)).to_have_text("申請内容の確認")
    expect(page.get_by_text(f"修正のお願いに回答しています（受付番号 {shown}）")).to_be_visible()
    expect(page.get_by_text("必要な通数をもう一度確認してください。")).to_be_visible()
    expect(page.get_by_text("2099年1月31日", exact=False)).to_be_visible()
    expect(page.locator(".summary-list__key .correction-tag")).to_have_count(1)
    expect(page.get_by_role("button", name="修正して再提出する")).to_be_visible()
    assert_accessible(page, "check page of a correction")

    # The question asked about is marked on its page.
    page.goto("/forms/juminhyo-copy/pages/copies_purpose?return=check")  # as its 変更 link does
    expect(page.locator("#copies-correction")).to_have_text("修正をお願いしている項目")
    expect(page.get_by_text("修正のお願いに回答しています", exact=False)).to_be_visible()
    expect(page.get_by_text("入力内容は自動で保存されます", exact=False)).to_be_visible()
    assert_accessible(page, "question page of a correction")
    page.get_by_role("button", name="次へ進む").click()
    page.get_by_role("button", name="修正して再提出する").click()
    page.wait_for_url(re.compile(rf"/done/{number}"))

    # A draft, deleted from 申請履歴 after confirming.
    Shortcut(page, definition).until("copies_purpose")
    page.goto("/my/")
    page.get_by_role("link", name=re.compile("^削除")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("入力途中の申請（下書き）を削除しますか")
    assert_accessible(page, "deleting a draft")
    page.get_by_role("button", name="下書きを削除する").click()
    expect(page.get_by_text("入力途中の申請（下書き）を削除しました。")).to_be_visible()

    # Withdrawing: a confirmation page, then the message.
    page.goto(f"/my/applications/{number}")
    page.get_by_role("link", name="この申請を取り下げる").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("この申請を取り下げますか")
    expect(page.get_by_role("link", name="取り下げない")).to_be_visible()
    assert_accessible(page, "withdrawal confirmation")
    page.get_by_role("button", name="申請を取り下げる").click()
    expect(page.get_by_text("申請を取り下げました。")).to_be_visible()
    assert_accessible(page, "an application just withdrawn")
