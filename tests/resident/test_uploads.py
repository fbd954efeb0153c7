"""File uploads: checked by content and size, kept across pages, removable, stored with the submission."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from sqlalchemy import select

from formsvc.submissions.models import Draft, Submission, Upload
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


def test_a_refused_post_removes_no_file_and_keeps_what_was_typed(client, app, sample_form, db_session):
    person = at_agent_page(client, app)
    url = "/forms/sample-permit/pages/agent"
    stored = person.post(url, {"agent_name": "代理花子", "proxy_letter": (io.BytesIO(TINY_PDF), "委任状.pdf")})
    assert stored.status_code == 302
    upload = db_session.scalars(select(Upload)).one()
    # 削除 pressed on a page whose token is no longer valid (or a forged request without one).
    refused = client.post(url, data={"action": f"remove-file:proxy_letter:{upload.token}",
                                     "agent_name": "代理次郎"}, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "安全のため、送信を受け付けられませんでした" in refused.text
    assert 'value="代理次郎"' in refused.text  # what was typed is shown again…
    assert "委任状.pdf" in refused.text  # …and the file is still attached
    db_session.expire_all()
    draft = db_session.scalars(select(Draft)).one()
    assert [entry["upload"] for entry in draft.answers["fields"]["proxy_letter"]] == [upload.token]
    assert draft.answers["fields"]["agent_name"] == "代理花子"  # nothing typed was saved either
    # A refused post that attaches a new file stores nothing and moves on nowhere.
    again = client.post(url, data={"agent_name": "代理次郎", "proxy_letter": (io.BytesIO(TINY_PDF), "別.pdf")},
                        content_type="multipart/form-data")
    assert again.status_code == 400 and "安全のため" in again.text
    assert db_session.scalars(select(Upload)).all() == [upload]


def post_file_named(person: Applicant, url: str, fields: dict[str, str], field_id: str, name: str):
    """A multipart POST whose file part is named ``name`` exactly, whatever characters it holds
    (RFC 2231 ``filename*``, as a hand-made request can send it; werkzeug decodes it)."""
    boundary = "formsvc-test-boundary"
    fields = {**fields, "csrf_token": csrf_token(person.client.get(url).text)}
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
             for key, value in fields.items()]
    parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field_id}\"; "
                 f"filename*=UTF-8''{quote(name, safe='')}\r\nContent-Type: application/pdf\r\n\r\n".encode()
                 + TINY_PDF + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return person.client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize(("sent", "kept"), [
    ("委任\r\n状.pdf", "委任状.pdf"),
    ("委任状\x00.pdf", "委任状.pdf"),
    ("gpj.\u202epdf", "gpj.pdf"),                       # a right-to-left override disguising the type
    ("\u200b委任\u200d状\ufeff.pdf", "委任状.pdf"),     # zero-width and other format characters
    ("C:\\fakepath\\委任状.pdf", "委任状.pdf"),         # the path some browsers send
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("\r\n\u202e", "file"),                             # nothing readable left: a default name
    ("あ" * 300 + ".pdf", "あ" * 78 + ".pdf"),          # bounded (240 bytes), the extension kept
])
def test_attachment_names_are_cleaned_when_they_are_uploaded(client, app, sample_form, db_session, sent, kept):
    person = at_agent_page(client, app)
    url = "/forms/sample-permit/pages/agent"
    response = post_file_named(person, url, {"agent_name": "代理花子"}, "proxy_letter", sent)
    assert response.status_code == 302
    upload = db_session.scalars(select(Upload)).one()
    assert upload.filename == kept
    draft = db_session.scalars(select(Draft)).one()
    assert draft.answers["fields"]["proxy_letter"][0]["filename"] == kept
    assert kept in client.get(url).text
