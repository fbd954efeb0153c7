"""File uploads: checked by content and size, kept across pages, removable, stored with the submission."""

from __future__ import annotations

import io

from sqlalchemy import select

from formsvc.submissions.models import Submission, Upload
from tests.applicant import TINY_PDF, Applicant, csrf_token

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def at_agent_page(client, app) -> Applicant:
    person = Applicant(client, app, "sample-permit",
                       answers={"resident": True, "via": "agent", "copies": 1})
    person.apply(until="agent")
    return person


def test_a_file_is_checked_by_its_content_not_its_name(client, app, sample_form):
    person = at_agent_page(client, app)
    response = person.post("/forms/sample-permit/pages/agent", {
        "agent_name": "代理花子", "proxy_letter": (io.BytesIO(PNG), "委任状.pdf")})
    assert response.status_code == 200
    assert "委任状.pdfはPDFのファイルではありません" in response.text


def test_a_file_over_the_size_limit_is_refused(client, app, sample_form):
    person = at_agent_page(client, app)
    big = TINY_PDF + b"0" * (1024 * 1024)
    response = person.post("/forms/sample-permit/pages/agent", {
        "agent_name": "代理花子", "proxy_letter": (io.BytesIO(big), "big.pdf")})
    assert "big.pdfは1MBを超えています" in response.text


def test_an_upload_is_kept_across_pages_removable_and_stored_with_the_submission(
        client, app, sample_form, db_session):
    person = at_agent_page(client, app)
    response = person.post("/forms/sample-permit/pages/agent", {
        "agent_name": "代理花子", "proxy_letter": (io.BytesIO(TINY_PDF), "委任状.pdf")})
    assert response.status_code == 302
    # Back to the page: the file is listed, and need not be chosen again.
    page = client.get("/forms/sample-permit/pages/agent")
    assert "委任状.pdf" in page.text and "削除" in page.text
    assert person.post("/forms/sample-permit/pages/agent", {"agent_name": "代理花子"}).status_code == 302
    # Remove it: the field is required again.
    upload = db_session.scalars(select(Upload)).one()
    person.post("/forms/sample-permit/pages/agent",
                {"action": f"remove-file:proxy_letter:{upload.token}", "agent_name": "代理花子"})
    again = person.post("/forms/sample-permit/pages/agent", {"agent_name": "代理花子"})
    assert "委任状のファイルを選択してください" in again.text
    # Attach again and submit: the stored upload belongs to the submission.
    person.post("/forms/sample-permit/pages/agent", {
        "agent_name": "代理花子", "proxy_letter": (io.BytesIO(TINY_PDF), "委任状2.pdf")})
    person.answers["agent_name"] = "代理花子"
    client.get("/forms/sample-permit/pages/request")
    data = person.inputs_for(person.definition().page_by_id("request"), person.answers)
    person.post("/forms/sample-permit/pages/request", data)
    person.post("/forms/sample-permit/pages/items/items", {"action": "continue"})
    check = client.get("/forms/sample-permit/check")
    assert "委任状2.pdf" in check.text
    client.post("/forms/sample-permit/check", data={"csrf_token": csrf_token(check.text)})
    submission = db_session.scalars(select(Submission)).one()
    stored = db_session.scalars(select(Upload).where(Upload.submission_id == submission.id)).all()
    assert [u.filename for u in stored] == ["委任状2.pdf"]
    assert stored[0].content == TINY_PDF and stored[0].content_type == "application/pdf"
    assert submission.answers["fields"]["proxy_letter"][0]["upload"] == stored[0].token
