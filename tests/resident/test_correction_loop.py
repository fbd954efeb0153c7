"""The correction (差し戻し) loop as the resident sees it: 申請履歴 leads to the application, every
page of the correction shows the clerk's message, the deadline and the questions to fix, and the
check page's button reads 「修正して再提出する」."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from formsvc import clock
from formsvc.submissions.reception import display
from tests.applicant import csrf_token
from tests.resident.my_support import (
    applicant,
    event_kinds,
    publish_card_form,
    request_correction,
    set_status,
    stored,
)

MESSAGE = "通数は2通でお願いします。\n<script>alert(1)</script>"
BANNER = "修正のお願いに回答しています"
TAG = "修正をお願いしている項目"


def sent(client, app) -> tuple[str, str]:
    form_id = publish_card_form(app)
    return form_id, applicant(client, app, form_id).submit()


def start_correction(client, number: str) -> str:
    page = client.get(f"/my/applications/{number}")
    response = client.post(f"/my/applications/{number}/correct", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    return urlsplit(response.location).path


def marked_rows(html: str) -> list[str]:
    """The check page's question labels that carry the correction tag."""
    return [re.sub(r"<[^>]+>", "", key).split(TAG)[0].strip()
            for key in re.findall(r'<dt class="summary-list__key">(.*?)</dt>', html, flags=re.S) if TAG in key]


def test_the_resident_is_led_through_the_correction_and_resubmits(app, client):
    form_id, number = sent(client, app)
    due = clock.today() + timedelta(days=14)
    request_correction(app, number, MESSAGE, fields=["copies"], due=due)
    due_text = f"{due.year}年{due.month}月{due.day}日"

    listing = client.get("/my/")
    assert "修正をお願いしている申請が1件あります。" in listing.text
    banner = listing.text.split("修正をお願いしている申請が1件あります。")[1].split("</div>")[0]
    assert f'href="/my/applications/{number}"' in banner and display(number) in banner

    page = client.get(f"/my/applications/{number}")
    assert "修正をお願いしている項目：通数" in page.text and due_text in page.text
    assert "<script>alert(1)</script>" not in page.text

    # The check page: the banner, the marked question, the button.
    assert start_correction(client, number) == f"/forms/{form_id}/check"
    check = client.get(f"/forms/{form_id}/check")
    assert f"{BANNER}（受付番号 {display(number)}）" in check.text
    assert "通数は2通でお願いします。" in check.text and "&lt;script&gt;" in check.text
    assert "<script>alert(1)</script>" not in check.text
    assert "回答の期限：" in check.text and due_text in check.text
    assert marked_rows(check.text) == ["通数"]
    assert "修正して再提出する" in check.text and "同意して申請する" not in check.text

    # A question page: the banner, and the tag right before the question asked to fix only.
    request_page = client.get(f"/forms/{form_id}/pages/request?return=check")
    assert BANNER in request_page.text and due_text in request_page.text
    assert request_page.text.count(f">{TAG}</p>") == 1
    assert request_page.text.index('id="copies-correction"') < request_page.text.index('for="copies"')
    first_page = client.get(f"/forms/{form_id}/pages/applicant")
    assert BANNER in first_page.text and f">{TAG}</p>" not in first_page.text

    response = client.post(f"/forms/{form_id}/pages/request", data={
        "csrf_token": csrf_token(request_page.text), "return": "check", "copies": "2", "purpose": "年金の手続き"})
    assert urlsplit(response.location).path == f"/forms/{form_id}/check"
    check = client.get(f"/forms/{form_id}/check")
    response = client.post(f"/forms/{form_id}/check", data={"csrf_token": csrf_token(check.text)})
    assert urlsplit(response.location).path == f"/forms/{form_id}/done/{number}"
    assert stored(app, number).status == "received"
    assert event_kinds(app, number)[-1] == "resubmitted"

    # A new application afterwards is an ordinary one again.
    fresh = applicant(client, app, form_id).apply()
    assert BANNER not in fresh.text and "同意して申請する" in fresh.text and "修正して再提出する" not in fresh.text


def test_a_request_without_fields_or_deadline_shows_the_message_alone(app, client):
    """As requests made before questions could be picked read (the event carries no data)."""
    form_id, number = sent(client, app)
    request_correction(app, number, "添付書類を確認してください。")
    start_correction(client, number)
    check = client.get(f"/forms/{form_id}/check")
    assert BANNER in check.text and "添付書類を確認してください。" in check.text
    assert "回答の期限：" not in check.text and marked_rows(check.text) == []
    page = client.get(f"/forms/{form_id}/pages/request")
    assert f">{TAG}</p>" not in page.text


def test_hostile_field_names_mark_nothing(app, client):
    form_id, number = sent(client, app)
    request_correction(app, number, "確認してください。",
                       fields=["<img src=x onerror=alert(1)>", "copies\u3000", "x" * 5000, ""])
    start_correction(client, number)
    check = client.get(f"/forms/{form_id}/check")
    assert check.status_code == 200 and marked_rows(check.text) == []
    assert "<img src=x" not in check.text
    page = client.get(f"/my/applications/{number}")
    assert page.status_code == 200 and "修正をお願いしている項目：" not in page.text


def test_a_repeat_style_field_name_marks_the_question(app, client):
    """``page_id.field_id`` (a question inside a repeat) marks that question by its id."""
    form_id, number = sent(client, app)
    request_correction(app, number, "使いみちを具体的に。", fields=["request.purpose"])
    start_correction(client, number)
    assert marked_rows(client.get(f"/forms/{form_id}/check").text) == ["使いみち"]
    page = client.get(f"/forms/{form_id}/pages/request")
    assert 'id="purpose-correction"' in page.text and 'id="copies-correction"' not in page.text


def test_once_the_office_no_longer_waits_the_message_is_gone(app, client):
    form_id, number = sent(client, app)
    request_correction(app, number, "通数を確認してください。", fields=["copies"])
    start_correction(client, number)
    set_status(app, number, "approved")
    check = client.get(f"/forms/{form_id}/check")
    assert "通数を確認してください。" not in check.text and marked_rows(check.text) == []
