"""Approval before publishing (決裁), driven as the administrator and the approver use it."""

from __future__ import annotations

import re
from html import unescape

from formsvc.db import database
from formsvc.forms.models import ApprovalRequest
from tests.admin.support import (
    FORM,
    admin_client,
    csrf_of,
    events,
    form_row,
    form_values,
    hidden,
    notices,
    publish_sample,
    submit,
    summary_of,
    text_of,
)
from tests.staff.support import make_staff, staff_client

PROCEDURE = f"/admin/forms/{FORM}"
YAML = f"{PROCEDURE}/yaml"
SETTING = f"{PROCEDURE}/approval/setting"
REQUEST = f"{PROCEDURE}/approval/request"


def edit(client, old: str = "1通300円", new: str = "1通400円") -> None:
    page = client.get(YAML)
    source = re.search(r'<textarea[^>]*name="source"[^>]*>(.*?)</textarea>', page.text, flags=re.S).group(1)
    assert submit(client, YAML, YAML, {"source": unescape(source).replace(old, new)}).status_code == 302


def turn_on(admin) -> None:
    response = submit(admin, PROCEDURE, SETTING, {"required": "on"})
    assert response.status_code == 302


def ask(admin, comment: str = "手数料の改定です。") -> object:
    return submit(admin, PROCEDURE, REQUEST, {"comment": comment})


def request_ids(app) -> list[int]:
    with app.app_context(), database().transaction() as session:
        return [row.id for row in session.query(ApprovalRequest).order_by(ApprovalRequest.id)]


def decide(client, request_id: int, decision: str, comment: str = ""):
    url = f"/admin/approvals/{request_id}"
    page = client.get(url)
    assert page.status_code == 200, page.text[:300]
    data = form_values(page.text, f"{url}/decide")
    data.update({"decision": decision, "comment": comment})
    return client.post(f"{url}/decide", data=data)


def publish(admin):
    """公開する as the page offers it. While approval holds publishing back the page has no
    publish form; a POST sent anyway (from a tab opened earlier) is refused by the server."""
    page = admin.get(PROCEDURE).text
    if f'action="{PROCEDURE}/publish"' in page:
        return submit(admin, PROCEDURE, f"{PROCEDURE}/publish", {"note": "手数料の改定"})
    yaml_page = admin.get(YAML).text
    return admin.post(f"{PROCEDURE}/publish", data={
        "csrf_token": csrf_of(yaml_page), "revision": hidden(yaml_page, "revision"), "note": "手数料の改定"})


def said(html: str) -> str:
    """The page's notices, as read (errors begin with ＊)."""
    return " ".join(notices(html))


def setup(app):
    publish_sample(app)
    admin = admin_client(app)
    make_staff(app, "shonin", "approver", name="承認 三郎")
    approver = staff_client(app, "shonin2", "approver")
    return admin, approver


def test_off_by_default_publishing_needs_no_approval(app):
    publish_sample(app)
    admin = admin_client(app)
    edit(admin)
    page = admin.get(PROCEDURE)
    assert "この手続きは承認なしで公開できます" in text_of(page.text)
    assert "公開前に承認を必要とする" in text_of(page.text)
    assert publish(admin).status_code == 302
    assert [v.number for v in form_row(app).versions] == [1, 2]


def test_the_whole_flow_request_approve_publish(app):
    admin, approver = setup(app)
    turn_on(admin)
    assert form_row(app).approval_required
    edit(admin)
    held_back = admin.get(PROCEDURE).text
    assert "公開するには、承認者の承認が必要です" in text_of(held_back)
    assert f'action="{PROCEDURE}/publish"' not in held_back  # no 公開する button to press

    refused = publish(admin)
    page = admin.get(refused.location)
    assert "公開前に承認が必要です" in said(page.text), notices(page.text)
    assert [v.number for v in form_row(app).versions] == [1]

    asked = ask(admin)
    assert asked.status_code == 302
    page = admin.get(PROCEDURE)
    assert "承認者の承認を待っています" in text_of(page.text)
    assert "承認を依頼しました" in said(page.text)

    listing = approver.get("/admin/approvals")
    assert listing.status_code == 200
    assert "見本の証明書交付申請" in text_of(listing.text) and "手数料の改定です。" in text_of(listing.text)
    assert "承認待ちの依頼" in approver.get("/staff/").text  # the menu entry
    (request_id,) = request_ids(app)
    detail = approver.get(f"/admin/approvals/{request_id}")
    text = text_of(detail.text)
    assert "公開中の版からの変更点 手数料の説明を「1通300円」から「1通400円」に変更" in text
    assert "削除： - description: 1通300円 追加： + description: 1通400円" in text  # the YAML diff
    assert "下書き" in text  # what is being approved: the working copy against the published version

    approved = decide(approver, request_id, "approve", "確認しました")
    assert approved.status_code == 302
    assert "承認しました" in said(approver.get(approved.location).text)
    page = admin.get(PROCEDURE)
    assert "この下書きは承認されています。公開できます" in text_of(page.text)
    assert "確認しました" in text_of(page.text)
    assert "shonin2" in text_of(page.text)

    assert publish(admin).status_code == 302
    assert [v.number for v in form_row(app).versions] == [1, 2]
    kinds = [kind for kind, _, _ in events(app)]
    assert kinds == ["approval_required", "edited", "approval_requested", "approved", "published"]
    assert ("approved", "shonin2", None) in events(app)
    history = text_of(admin.get(PROCEDURE).text)
    assert "承認を依頼" in history and "公開前の承認を必要にする" in history
    # The request is closed by publishing: nothing waits for the approver any more.
    assert "承認待ちの依頼はありません" in text_of(approver.get("/admin/approvals").text)


def test_sending_back_needs_a_comment_and_the_requester_sees_it(app):
    admin, approver = setup(app)
    turn_on(admin)
    edit(admin)
    ask(admin)
    (request_id,) = request_ids(app)
    empty = decide(approver, request_id, "send_back", "  ")
    assert empty.status_code == 400
    assert summary_of(empty.text) == ["差し戻すときは、直してほしいことをコメントに書いてください"]
    assert 'aria-invalid="true"' in empty.text
    sent_back = decide(approver, request_id, "send_back", "金額の根拠を書いてください")
    assert sent_back.status_code == 302
    page = text_of(admin.get(PROCEDURE).text)
    assert "差し戻し" in page and "金額の根拠を書いてください" in page
    refused = publish(admin)
    assert "承認者が差し戻しました" in said(admin.get(refused.location).text)
    assert ("sent_back", "shonin2", None) in events(app)


def test_the_requester_cannot_approve_their_own_request(app):
    publish_sample(app)
    both = staff_client(app, "kanri-shonin", "admin", "approver")
    turn_on(both)
    edit(both)
    ask(both)
    (request_id,) = request_ids(app)
    page = both.get(f"/admin/approvals/{request_id}")
    assert "ご自身が依頼した承認はできません" in text_of(page.text)
    assert f"/admin/approvals/{request_id}/decide" not in page.text
    forged = both.post(f"/admin/approvals/{request_id}/decide",
                       data={"csrf_token": csrf_of(page.text), "decision": "approve", "comment": ""})
    assert forged.status_code == 302
    assert "ご自身が依頼した承認はできません。別の承認者に依頼してください" in said(both.get(forged.location).text)
    refused = publish(both)
    assert "承認者の承認を待っています" in said(both.get(refused.location).text)


def test_a_save_after_approval_makes_it_stale(app):
    admin, approver = setup(app)
    turn_on(admin)
    edit(admin)
    ask(admin)
    (request_id,) = request_ids(app)
    decide(approver, request_id, "approve")
    edit(admin, "1通400円", "1通500円")
    page = text_of(admin.get(PROCEDURE).text)
    assert "承認後に変更されたため、もう一度承認が必要です" in page
    refused = publish(admin)
    assert "承認後に変更されたため、もう一度承認が必要です" in said(admin.get(refused.location).text)
    assert [v.number for v in form_row(app).versions] == [1]
    # Asking again approves the new text.
    ask(admin, "")
    new_id = request_ids(app)[-1]
    assert new_id != request_id
    decide(approver, new_id, "approve")
    assert publish(admin).status_code == 302
    assert [v.number for v in form_row(app).versions] == [1, 2]


def test_a_save_while_pending_cannot_be_approved(app):
    admin, approver = setup(app)
    turn_on(admin)
    edit(admin)
    ask(admin)
    (request_id,) = request_ids(app)
    page = approver.get(f"/admin/approvals/{request_id}")
    edit(admin, "1通400円", "1通500円")
    late = approver.post(f"/admin/approvals/{request_id}/decide",
                         data={"csrf_token": csrf_of(page.text), "decision": "approve", "comment": ""})
    assert "この依頼は承認できません" in said(approver.get(late.location).text)
    assert "承認待ちの依頼はありません" in text_of(approver.get("/admin/approvals").text)


def test_discarding_closes_the_request(app):
    admin, approver = setup(app)
    turn_on(admin)
    edit(admin)
    ask(admin)
    (request_id,) = request_ids(app)
    assert submit(admin, PROCEDURE, f"{PROCEDURE}/discard").status_code == 302
    assert "承認待ちの依頼はありません" in text_of(approver.get("/admin/approvals").text)
    detail = text_of(approver.get(f"/admin/approvals/{request_id}").text)
    assert "下書きの破棄により終了" in detail


def test_only_an_approver_can_turn_it_off(app):
    admin, approver = setup(app)
    turn_on(admin)
    page = admin.get(PROCEDURE)
    assert "承認を不要にできるのは承認者だけです" in text_of(page.text)
    forged = admin.post(SETTING, data={"csrf_token": csrf_of(page.text), "required": "off"})
    assert "公開前の承認を不要にできるのは承認者だけです。承認者に依頼してください" in \
        said(admin.get(forged.location).text)
    assert form_row(app).approval_required
    off = submit(approver, f"{PROCEDURE}/approval", SETTING, {"required": "off"})
    assert off.status_code == 302 and off.location.endswith(f"{PROCEDURE}/approval")
    assert "公開前の承認を不要にしました" in said(approver.get(off.location).text)
    assert not form_row(app).approval_required
    assert ("approval_not_required", "shonin2", None) in events(app)


def test_roles_approvers_read_but_cannot_edit_and_others_are_refused(app):
    admin, approver = setup(app)
    turn_on(admin)
    edit(admin)
    ask(admin)
    (request_id,) = request_ids(app)
    assert approver.get(f"{PROCEDURE}/approval").status_code == 200
    for url in [PROCEDURE, YAML, f"{PROCEDURE}/edit", "/admin/"]:
        assert approver.get(url).status_code == 403, url
    token = csrf_of(approver.get("/admin/approvals").text)
    assert approver.post(f"{PROCEDURE}/publish", data={"csrf_token": token}).status_code == 403
    assert approver.post(REQUEST, data={"csrf_token": token}).status_code == 403
    # Administrators do not decide, nor see the approvers' list.
    assert admin.get("/admin/approvals").status_code == 403
    assert admin.post(f"/admin/approvals/{request_id}/decide",
                      data={"csrf_token": csrf_of(admin.get(PROCEDURE).text), "decision": "approve"}).status_code == 403
    assert admin.get(f"/admin/approvals/{request_id}").status_code == 200  # but may read their request
    reviewer = staff_client(app, "shinsa", "reviewer")
    for url in ["/admin/approvals", f"/admin/approvals/{request_id}", f"{PROCEDURE}/approval"]:
        assert reviewer.get(url).status_code == 403, url
    assert "承認待ちの依頼" not in reviewer.get("/staff/").text


def test_forged_and_hostile_input_gets_a_clear_answer(app):
    admin, approver = setup(app)
    turn_on(admin)
    edit(admin)
    page = admin.get(PROCEDURE)
    token = csrf_of(page.text)
    hidden_revision = hidden(page.text, "approval_revision")
    assert approver.get("/admin/approvals/999999").status_code == 404
    assert approver.get("/admin/approvals/abc").status_code == 404
    assert admin.get("/admin/forms/no-such-form/approval").status_code == 404
    stale = admin.post(REQUEST, data={"csrf_token": token, "approval_revision": "forged", "comment": ""})
    assert "下書きが別の画面で変更されました" in said(admin.get(stale.location).text)
    huge = submit(admin, PROCEDURE, REQUEST, {"comment": "あ" * 5000})
    assert huge.status_code == 400
    assert summary_of(huge.text) == ["コメントは2000文字以内にしてください"]
    assert "あ" * 5000 in huge.text  # what was typed is kept
    nul = admin.post(REQUEST, data={"csrf_token": token, "approval_revision": "x", "comment": "a\x00b"})
    assert nul.status_code == 400 and "制御文字" in nul.text
    odd = admin.post(SETTING, data={"csrf_token": token, "required": "maybe"})
    assert "「必要にする」か「不要にする」のボタンを押してください" in said(admin.get(odd.location).text)
    ask(admin)
    (request_id,) = request_ids(app)
    approver_page = approver.get(f"/admin/approvals/{request_id}")
    weird = approver.post(f"/admin/approvals/{request_id}/decide",
                          data={"csrf_token": csrf_of(approver_page.text), "decision": "delete"})
    assert "「承認する」か「差し戻す」のどちらかのボタンを押してください" in \
        said(approver.get(weird.location).text)
    page = admin.get(PROCEDURE)
    assert REQUEST not in page.text  # nothing to ask while it waits
    twice = admin.post(REQUEST, data={"csrf_token": token, "approval_revision": hidden_revision, "comment": ""})
    assert "この下書きはすでに承認を依頼しています。承認者の判断を待ってください" in \
        said(admin.get(twice.location).text)


def test_create_user_makes_an_approver_shown_as_承認者(app):
    from formsvc.cli import main

    result = app.test_cli_runner().invoke(main, ["create-user", "shonin3", "--role", "approver", "--name", "承認 四郎",
                                                 "--password", "correct horse battery staple"])
    assert result.exit_code == 0, result.output
    client = staff_client(app, "shonin4", "approver")
    home = client.get("/staff/")
    assert home.status_code == 200 and "承認者" in text_of(home.text)


# --- a second person: who edited the working copy cannot approve it -------------------------------

def test_an_approver_who_saved_the_working_copy_cannot_approve_it(app):
    publish_sample(app)
    both = staff_client(app, "kanri-shonin", "admin", "approver")
    admin = admin_client(app)
    approver = staff_client(app, "shonin2", "approver")
    turn_on(admin)
    edit(both)  # the approver (also an administrator) changes the text…
    edit(admin, "1通400円", "1通500円")  # …and another administrator saves and asks
    ask(admin)
    (request_id,) = request_ids(app)
    page = both.get(f"/admin/approvals/{request_id}")
    assert "この下書きを編集した方は承認できません" in text_of(page.text)
    assert f"/admin/approvals/{request_id}/decide" not in page.text
    forged = both.post(f"/admin/approvals/{request_id}/decide",
                       data={"csrf_token": csrf_of(page.text), "decision": "approve", "comment": ""})
    assert forged.status_code == 302
    assert "この下書きを編集した方は承認できません" in said(both.get(forged.location).text)
    assert "承認者の承認を待っています" in said(admin.get(publish(admin).location).text)
    # an approver who did not edit it can
    assert decide(approver, request_id, "approve").status_code == 302
    assert publish(admin).status_code == 302
    assert [v.number for v in form_row(app).versions] == [1, 2]


def test_edits_before_the_last_publish_do_not_count(app):
    publish_sample(app)
    both = staff_client(app, "kanri-shonin", "admin", "approver")
    admin = admin_client(app)
    edit(both)
    assert submit(both, PROCEDURE, f"{PROCEDURE}/publish", {"note": "改定"}).status_code == 302
    turn_on(admin)
    edit(admin, "1通400円", "1通500円")
    ask(admin)
    (request_id,) = request_ids(app)
    assert decide(both, request_id, "approve").status_code == 302
    assert ("approved", "kanri-shonin", None) in events(app)


def test_asking_again_for_the_text_that_was_sent_back_is_refused(app):
    admin, approver = setup(app)
    turn_on(admin)
    edit(admin)
    ask(admin)
    (request_id,) = request_ids(app)
    decide(approver, request_id, "send_back", "金額の根拠を書いてください")
    again = ask(admin, "もう一度お願いします")
    assert "差し戻された内容のままです。修正してから依頼してください" in said(admin.get(again.location).text)
    assert request_ids(app) == [request_id]
    edit(admin, "1通400円", "1通350円")
    ask(admin, "直しました")
    assert len(request_ids(app)) == 2


# --- rollback does not get around approval -----------------------------------------------------------

def test_rollback_with_approval_required_puts_the_old_text_into_the_working_copy(app):
    admin, approver = setup(app)
    edit(admin)
    assert submit(admin, PROCEDURE, f"{PROCEDURE}/publish", {"note": "改定"}).status_code == 302
    turn_on(admin)
    version_page = f"{PROCEDURE}/versions/1"
    assert "この版の内容を下書きにする" in text_of(admin.get(version_page).text)  # not 「…で公開する」
    response = submit(admin, version_page, f"{version_page}/rollback", {"note": "元に戻す"})
    assert response.status_code == 302
    flashed = said(admin.get(response.location).text)
    assert "第1版の内容を下書きにしました。承認を依頼してから公開してください" in flashed
    row = form_row(app)
    assert [v.number for v in row.versions] == [1, 2] and row.published_version == 2
    assert "1通300円" in admin.get(YAML).text
    assert events(app)[-1] == ("edited", "kanri", None)
    # a working copy exists now: a second rollback is refused, nothing changes
    again = submit(admin, version_page, f"{version_page}/rollback", {"note": "元に戻す"})
    assert "下書きがあります。先に公開するか破棄してください" in said(admin.get(again.location).text)
    # it is published like any edit: after approval
    assert "承認" in said(admin.get(publish(admin).location).text)
    ask(admin)
    decide(approver, request_ids(app)[-1], "approve")
    assert publish(admin).status_code == 302
    assert [v.number for v in form_row(app).versions] == [1, 2, 3]


def test_rollback_without_approval_still_publishes_at_once(app):
    publish_sample(app)
    admin = admin_client(app)
    edit(admin)
    assert submit(admin, PROCEDURE, f"{PROCEDURE}/publish", {"note": "改定"}).status_code == 302
    version_page = f"{PROCEDURE}/versions/1"
    response = submit(admin, version_page, f"{version_page}/rollback", {"note": "元に戻す"})
    assert "第1版の内容を第3版として公開しました" in said(admin.get(response.location).text)
