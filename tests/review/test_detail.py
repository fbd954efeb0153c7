"""The detail page: answers with the version's labels, verified marks, files, corrections, audit."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote, urlparse

import pytest
from sqlalchemy import select, update

from formsvc.review.models import AccessLog
from formsvc.submissions.models import Upload
from tests.applicant import TINY_PDF, Applicant, csrf_token
from tests.identity import sign_in
from tests.review.conftest import REVIEW_SAMPLE, publish
from tests.review.support import csrf_of, lock_version_of, submission_row
from tests.staff.support import staff_client


def apply_signed_in(app, form_id: str, **answers) -> tuple[object, str]:
    client = app.test_client()
    sign_in(client, app)  # the card holder 山田 太郎: the name is filled in and verified
    applicant = Applicant(client, app, form_id, answers=answers)
    return client, applicant.submit()


def test_detail_shows_every_answer_with_the_labels_of_the_version_used(app, review_form, db_session):
    _, number = apply_signed_in(app, review_form, copies=2, note="一行目\n二行目")
    # A new version renames questions after the resident applied.
    publish(app, REVIEW_SAMPLE.replace("{ja: 通数,", "{ja: 必要な通数,").replace("{ja: 連絡事項,", "{ja: 備考,"),
            "review-v2.yaml")
    reviewer = staff_client(app, "shinsa", "reviewer")
    page = reviewer.get(f"/staff/submissions/{number}")
    assert page.status_code == 200
    text = page.text
    assert "（第1版の定義で申請）" in text
    assert ">通数</dt>" in text and "必要な通数" not in text and ">連絡事項</dt>" in text and "備考" not in text
    labels = re.findall(r'<dt class="summary-list__key">([^<]+)</dt>', text)
    assert labels[:5] == ["市内にお住まいですか", "氏名", "フリガナ", "メールアドレス", "生年月日"]
    assert "山田　太郎" in text and "マイナンバーカードで確認済み" in text  # verified name
    # In words, not the sign-in's acr value (issue 16).
    assert "マイナンバーカード（公的個人認証）でログインして申請" in text and "aal3" not in text
    assert text.count("verified-tag") == 1  # only the card's answers carry the mark
    assert page.headers["Cache-Control"] == "no-store"
    logged = db_session.scalars(select(AccessLog).where(AccessLog.action == "detail")).all()
    row = submission_row(app, number)
    assert [(log.staff_username, log.submission_ids) for log in logged] == [("shinsa", [row.id])]
    assert "山田" not in str([log.detail for log in logged])  # the log holds no personal data


def test_attachments_download_through_an_access_check(app, review_form, db_session):
    _, number = apply_signed_in(app, review_form, via="agent", agent_name="代理 花子", proxy_letter=True)
    upload = db_session.scalars(select(Upload)).one()
    reviewer = staff_client(app, "shinsa", "reviewer")
    page = reviewer.get(f"/staff/submissions/{number}")
    url = f"/staff/submissions/{number}/attachments/{upload.token}"
    assert f'href="{url}"' in page.text and "document.pdf" in page.text and "委任状" in page.text
    download = reviewer.get(url)
    assert download.status_code == 200 and download.data == TINY_PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "document.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    logged = db_session.scalars(select(AccessLog).where(AccessLog.action == "attachment")).one()
    assert logged.detail == f"upload:{upload.id}" and logged.staff_username == "shinsa"
    # Someone else's file through this submission's address, an unknown token: not found.
    _, other = apply_signed_in(app, review_form)
    assert reviewer.get(f"/staff/submissions/{other}/attachments/{upload.token}").status_code == 404
    assert reviewer.get(f"/staff/submissions/{number}/attachments/nothing-here").status_code == 404
    # Not signed in, or a resident: never the file.
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.location
    resident = app.test_client()
    sign_in(resident, app)
    assert resident.get(url).status_code == 302


@pytest.mark.parametrize(("stored", "shown", "plain"), [
    ("委任\r\n状.pdf", "委任状.pdf", "file.pdf"),       # stored before names were cleaned
    ("gpj.\u202epdf", "gpj.pdf", "gpj.pdf"),
    ('a"b;c\\d.pdf', 'd.pdf', "d.pdf"),
    ('say "hi".pdf', 'say "hi".pdf', "say__hi.pdf"),
])
def test_an_attachment_with_an_unsafe_stored_name_still_downloads(app, review_form, db_session, stored, shown,
                                                                   plain):
    _, number = apply_signed_in(app, review_form, via="agent", agent_name="代理 花子", proxy_letter=True)
    db_session.execute(update(Upload).values(filename=stored))
    db_session.commit()
    upload = db_session.scalars(select(Upload)).one()
    reviewer = staff_client(app, "shinsa", "reviewer")
    page = reviewer.get(f"/staff/submissions/{number}")
    assert shown in unescape(page.text) and "\u202e" not in page.text
    download = reviewer.get(f"/staff/submissions/{number}/attachments/{upload.token}")
    assert download.status_code == 200 and download.data == TINY_PDF
    assert download.headers["Content-Disposition"] == (
        f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(shown, safe='')}")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_number_is_not_found(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    assert reviewer.get("/staff/submissions/ABCD2345").status_code == 404


def test_a_correction_shows_the_earlier_answers_beside_the_new_ones(app, review_form, db_session):
    resident, number = apply_signed_in(app, review_form, copies=1)
    reviewer = staff_client(app, "shinsa", "reviewer")
    for move, comment in (("claim", ""), ("request_correction", "通数を確認してください。")):
        page = reviewer.get(f"/staff/submissions/{number}")
        response = reviewer.post(f"/staff/submissions/{number}/moves/{move}", data={
            "csrf_token": csrf_of(page.text), "lock_version": lock_version_of(page.text), "comment": comment})
        assert response.status_code == 302
    # The resident reads the request in /my/ and corrects the number of copies.
    mine = resident.get(f"/my/applications/{number}")
    assert "通数を確認してください。" in mine.text
    check = resident.post(f"/my/applications/{number}/correct", data={"csrf_token": csrf_token(mine.text)})
    assert check.status_code == 302
    applicant = Applicant(resident, app, review_form)
    definition = applicant.definition()
    request_page = f"/forms/{review_form}/pages/request"
    response = applicant.post(request_page + "?return=check",
                              applicant.inputs_for(definition.page_by_id("request"), {"copies": 3}))
    assert response.status_code == 302
    check_page = resident.get(urlparse(response.location).path)
    done = resident.post(f"/forms/{review_form}/check", data={"csrf_token": csrf_token(check_page.text)})
    assert done.status_code == 302
    row = submission_row(app, number)
    assert row.status == "received" and row.assignee_id is not None  # back to the same reviewer
    detail = reviewer.get(f"/staff/submissions/{number}")
    assert "修正の前後" in detail.text and "変更された回答：1件" in detail.text
    changed = re.findall(r'<tr class="comparison-table__changed">\s*<th scope="row">([^<]+)</th>', detail.text)
    assert changed == ["通数"]
    assert "<del>1通</del>" in detail.text and "<ins>3通</ins>" in detail.text
    assert "修正後の再申請を受付" in detail.text and "差し戻し（修正依頼）" in detail.text
    # The reviewer who asked claims it again (nobody else can).
    assert "担当する（審査を始める）" in detail.text


@pytest.mark.parametrize("role", ["reviewer", "counter", "admin"])
def test_every_staff_role_can_read_an_application(app, review_form, role):
    _, number = apply_signed_in(app, review_form)
    client = staff_client(app, f"user-{role}", role)
    assert client.get(f"/staff/submissions/{number}").status_code == 200
    # The number as people type it (lower case, with the hyphen) finds it too.
    assert client.get(f"/staff/submissions/{number.lower()[:4]}-{number.lower()[4:]}").status_code == 200
