"""Deleting a draft from 申請履歴: a confirmation page, then the draft and its files are gone.
Only the owner's unsent draft can be deleted; anything else is not found."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from formsvc.db import database
from formsvc.submissions.models import Draft, Upload
from tests.applicant import csrf_token
from tests.identity import sign_in
from tests.resident.my_support import TITLE, applicant, drafts, publish_card_form


def attach_file(app, draft_id: int) -> None:
    """A file uploaded on the draft (as formsvc.resident.pages.uploads stores it)."""
    content = b"%PDF-1.4 test"
    with app.app_context(), database().transaction() as session:
        session.add(Upload(token="upload-token-for-delete-test", draft_id=draft_id, field_id="purpose",
                           filename="書類.pdf", content_type="application/pdf", size=len(content),
                           sha256=hashlib.sha256(content).hexdigest(), content=content))


def uploads(app) -> int:
    with app.app_context(), database().transaction() as session:
        return session.scalar(select(func.count()).select_from(Upload))


def started(client, app) -> tuple[str, Draft]:
    form_id = publish_card_form(app)
    applicant(client, app, form_id).apply(until="request")
    return form_id, drafts(app)[0]


def test_a_resident_deletes_a_draft_after_confirming(app, client):
    form_id, draft = started(client, app)
    attach_file(app, draft.id)

    listing = client.get("/my/")
    assert f'href="/my/drafts/{draft.id}/delete"' in listing.text and "削除" in listing.text

    confirm = client.get(f"/my/drafts/{draft.id}/delete")
    assert confirm.status_code == 200
    assert "下書き）を削除しますか" in confirm.text and TITLE in confirm.text
    assert "下書きを削除する" in confirm.text and "削除しない" in confirm.text
    assert 'href="/my/"' in confirm.text  # 削除しない goes back

    # Without the CSRF token nothing is deleted.
    assert client.post(f"/my/drafts/{draft.id}/delete").status_code == 400
    assert len(drafts(app)) == 1

    response = client.post(f"/my/drafts/{draft.id}/delete", data={"csrf_token": csrf_token(confirm.text)})
    assert response.status_code == 302 and response.location.endswith("/my/")
    assert drafts(app) == [] and uploads(app) == 0

    listing = client.get("/my/")
    assert "入力途中の申請（下書き）を削除しました。" in listing.text
    assert "入力途中の申請はありません。" in listing.text
    # Shown once.
    assert "を削除しました。" not in client.get("/my/").text

    # Deleting it again: not found.
    assert client.post(f"/my/drafts/{draft.id}/delete",
                       data={"csrf_token": csrf_token(confirm.text)}).status_code == 404

    # This browser pointed at the draft: it now starts afresh instead of failing.
    page = client.get(f"/forms/{form_id}/pages/request")
    assert page.status_code == 200 and "入力の途中の内容が見つかりません" in page.text
    start = client.get(f"/forms/{form_id}/")
    assert start.status_code == 200
    assert client.post(f"/forms/{form_id}/start", data={"csrf_token": csrf_token(start.text)}).status_code == 302
    assert len(drafts(app)) == 1



def test_only_the_owner_can_delete_an_unsent_draft(app, client):
    form_id, draft = started(client, app)
    other = app.test_client()
    sign_in(other, app, subject="resident-2")
    token = csrf_token(other.get("/my/").text)
    assert other.get(f"/my/drafts/{draft.id}/delete").status_code == 404
    assert other.post(f"/my/drafts/{draft.id}/delete", data={"csrf_token": token}).status_code == 404
    assert len(drafts(app)) == 1

    # Not signed in: to the sign-in page, nothing deleted.
    anonymous = app.test_client()
    response = anonymous.get(f"/my/drafts/{draft.id}/delete")
    assert response.status_code == 302 and "/auth/" in response.location
    assert len(drafts(app)) == 1

    # Forged and hostile ids.
    mine = csrf_token(client.get("/my/").text)
    for forged in ("0", "99999999", str(2**31), str(2**62), "9" * 400, "-1", "abc", "1%00", "%0a"):
        assert client.get(f"/my/drafts/{forged}/delete").status_code == 404, forged
        assert client.post(f"/my/drafts/{forged}/delete", data={"csrf_token": mine}).status_code == 404, forged
        assert client.post(f"/my/drafts/{forged}/resume", data={"csrf_token": mine}).status_code == 404, forged

    # Once sent, the draft is not a draft any more.
    applicant(client, app, form_id).send()
    sent = next(d for d in drafts(app) if d.submitted_at is not None)
    assert client.get(f"/my/drafts/{sent.id}/delete").status_code == 404
    assert client.post(f"/my/drafts/{sent.id}/delete", data={"csrf_token": mine}).status_code == 404
    assert len(drafts(app)) == 2  # the first, still unsent, and the sent one
