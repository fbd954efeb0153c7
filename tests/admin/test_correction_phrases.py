"""差し戻しの定型文 of a procedure, kept by an administrator (issue 16) and offered to reviewers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formsvc.db import database
from formsvc.forms.models import FormEvent
from formsvc.review import corrections
from formsvc.submissions import status
from tests.admin.support import admin_client, csrf_of, errors_on, notices, summary_of, text_of
from tests.review.conftest import REVIEW_FORM, REVIEW_SAMPLE, publish
from tests.review.support import make_submissions
from tests.staff.support import staff_client


@pytest.fixture
def review_form(app) -> str:
    publish(app, REVIEW_SAMPLE, "review.yaml")
    return REVIEW_FORM


def page_of(form_id: str) -> str:
    return f"/admin/forms/{form_id}/correction-phrases"


def own(app, form_id: str) -> list[str]:
    with app.app_context(), database().transaction() as session:
        return corrections.own_phrases(session, form_id)


def save(client, form_id: str, text: str | None = None, **extra):
    page = client.get(page_of(form_id)).text
    data = {"csrf_token": csrf_of(page), **extra}
    if text is not None:
        data["phrases"] = text
    return client.post(page_of(form_id), data=data)


def test_an_administrator_changes_the_phrases_and_reviewers_pick_from_them(app, review_form):
    admin = admin_client(app)
    overview = admin.get(f"/admin/forms/{review_form}").text
    assert f'href="{page_of(review_form)}"' in overview and "差し戻しの定型文" in overview  # linked from its tabs
    page = admin.get(page_of(review_form))
    assert page.status_code == 200
    assert "既定の定型文を使っています" in text_of(page.text)
    assert corrections.DEFAULT_PHRASES[0] in page.text  # in the box, to start from
    response = save(admin, review_form, "住民票の写しを添付してください。\r\n\r\n  印鑑の押し忘れがあります。  \n")
    assert response.status_code == 302
    after = admin.get(response.location).text
    assert "差し戻しの定型文を保存しました（2件）" in notices(after)
    assert own(app, review_form) == ["住民票の写しを添付してください。", "印鑑の押し忘れがあります。"]
    with app.app_context(), database().transaction() as session:
        kinds = session.scalars(select(FormEvent.kind).where(FormEvent.form_id == review_form)).all()
    assert "correction_phrases_changed" in kinds  # in the procedure's history
    # The reviewer's 差し戻し form offers these, in this order, and no built-in one.
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa")[0]
    detail = reviewer.get(f"/staff/submissions/{number}").text
    assert detail.index("住民票の写しを添付してください。") < detail.index("印鑑の押し忘れがあります。")
    assert corrections.DEFAULT_PHRASES[0] not in detail
    # Saving the same again changes nothing.
    same = save(admin, review_form, "住民票の写しを添付してください。\n印鑑の押し忘れがあります。")
    assert "変更はありませんでした" in notices(admin.get(same.location).text)


def test_back_to_the_built_in_phrases(app, review_form):
    admin = admin_client(app)
    save(admin, review_form, "独自の文です。")
    response = save(admin, review_form, reset="1")
    assert response.status_code == 302 and own(app, review_form) == []
    assert "差し戻しの定型文を既定の文に戻しました" in notices(admin.get(response.location).text)
    save(admin, review_form, "独自の文です。")
    assert save(admin, review_form, "  \n \n").status_code == 302  # an empty box: the built-in ones too
    assert own(app, review_form) == []


def test_too_long_or_too_many_phrases_are_explained_and_kept(app, review_form):
    admin = admin_client(app)
    long_line = "あ" * (corrections.TEXT_MAX + 1)
    response = save(admin, review_form, "短い文です。\n" + long_line)
    assert response.status_code == 400
    assert "<title>エラー：" in response.text
    expected = "2行目の定型文は500文字以内にしてください（今は501文字です）"
    assert any(expected in item for item in summary_of(response.text))
    assert any("2行目" in error for error in errors_on(response.text))
    assert long_line in response.text  # what was typed is kept
    many = "\n".join(f"定型文{n}" for n in range(corrections.PHRASES_MAX + 1))
    assert "定型文は30件までにしてください（今は31件です）" in text_of(save(admin, review_form, many).text)
    huge = save(admin, review_form, "い" * 100_000)
    assert huge.status_code == 400 and "長すぎます" in text_of(huge.text)
    assert own(app, review_form) == []


def test_hostile_requests_are_refused(app, review_form):
    admin = admin_client(app)
    # Control characters never reach the table.
    assert save(admin, review_form, "文\x00です").status_code == 400
    # No CSRF token, an unknown procedure, a role that is not administrator.
    assert admin.post(page_of(review_form), data={"phrases": "x"}).status_code == 400
    assert admin.get(page_of("no-such-form")).status_code == 404
    reviewer = staff_client(app, "shinsa", "reviewer")
    assert reviewer.get(page_of(review_form)).status_code == 403
    anonymous = app.test_client().get(page_of(review_form))
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.location
    assert own(app, review_form) == []
