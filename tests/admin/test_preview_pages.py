"""Preview: an administrator goes through a procedure as residents will, and nothing is sent."""

from __future__ import annotations

from sqlalchemy import func, select

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.models import FormWorkingCopy
from formsvc.submissions.models import Draft, Submission
from tests.applicant import Applicant, csrf_token
from tests.resident.library_support import LIBRARY, publish
from tests.staff.support import staff_client

FORM = "inu-touroku"
OLD_TITLE = "犬の登録と狂犬病予防注射済票の交付申請"
NEW_TITLE = "犬の登録申請（プレビュー確認用）"


def save_working_copy(app, source: str) -> None:
    """A working copy as the editor stores it (the editor itself is tested in test_views)."""
    loaded = load_text(source, f"{FORM}.yaml")
    with app.app_context(), database().transaction() as session:
        session.merge(FormWorkingCopy(form_id=FORM, source=source, checksum=loaded.checksum,
                                      based_on=1, updated_by="test-admin"))


def count(app, model) -> int:
    with app.app_context(), database().transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_preview_goes_through_every_page_and_sends_nothing(app):
    publish(app, FORM)
    admin = staff_client(app, "preview-admin", "admin")
    applicant = Applicant(admin, app, FORM, prefix="/admin/preview",
                          answers={"registered_elsewhere": False, "vaccinated": False})
    check = applicant.apply()
    assert check.status_code == 200
    assert "プレビュー" in check.text and "送信されません" in check.text
    assert "同意して申請する（プレビュー：送信されません）" in check.text

    finished = admin.post(f"/admin/preview/forms/{FORM}/check", data={"csrf_token": csrf_token(check.text)})

    assert finished.status_code == 200
    assert "プレビューを終了しました" in finished.text
    assert "申請は送信されていません" in finished.text
    assert count(app, Submission) == 0
    assert count(app, Draft) == 0  # the preview's answers were thrown away


def test_the_preview_shows_the_working_copy_and_residents_still_see_the_published_version(app, client):
    publish(app, FORM)
    save_working_copy(app, (LIBRARY / f"{FORM}.yaml").read_text().replace(OLD_TITLE, NEW_TITLE))
    admin = staff_client(app, "preview-admin", "admin")

    preview = admin.get(f"/admin/preview/forms/{FORM}/")
    resident = client.get(f"/forms/{FORM}/")

    assert NEW_TITLE in preview.text and OLD_TITLE not in preview.text
    assert OLD_TITLE in resident.text and NEW_TITLE not in resident.text
    first_page = Applicant(admin, app, FORM, prefix="/admin/preview").start()
    assert NEW_TITLE in admin.get(first_page).text


def test_preview_answers_are_not_a_residents_draft(app, client):
    publish(app, FORM)
    admin = staff_client(app, "preview-admin", "admin")
    first_page = Applicant(admin, app, FORM, prefix="/admin/preview").start()
    page_path = first_page.removeprefix("/admin/preview")

    # The resident pages never pick up a preview draft, even in the same browser.
    assert "最初から申請する" in admin.get(page_path).text
    assert "最初から申請する" in client.get(page_path).text


def test_preview_is_for_administrators_only(app):
    publish(app, FORM)
    reviewer = staff_client(app, "preview-reviewer", "reviewer", "counter")
    assert reviewer.get(f"/admin/preview/forms/{FORM}/").status_code == 403
    anonymous = app.test_client().get(f"/admin/preview/forms/{FORM}/")
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.location


def test_an_exit_page_in_the_preview_leads_back_into_the_preview(app):
    publish(app, FORM)
    admin = staff_client(app, "preview-admin", "admin")
    exit_page = Applicant(admin, app, FORM, prefix="/admin/preview",
                          answers={"registered_elsewhere": True}).apply()
    assert "登録事項の変更届をしてください" in exit_page.text
    assert f'<a href="/admin/preview/forms/{FORM}/">プレビューを最初からやり直す</a>' in exit_page.text
