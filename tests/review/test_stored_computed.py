"""Computed values stored with a submission, and the outcomes and documents that apply, as staff,
other systems (CSV, API) and the resident's e-mail get them: the stored values, never computed again."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select, update

from formsvc.review.models import OutboxMessage
from formsvc.submissions.models import Submission
from tests.applicant import Applicant
from tests.resident.okuyami_sample import ANSWERS, FORM, deadline, japanese, publish_okuyami
from tests.review.test_api import bearer, new_token
from tests.staff.support import staff_client


@pytest.fixture
def okuyami(app) -> str:
    return publish_okuyami(app)


def _submit(app, **answers) -> str:
    return Applicant(app.test_client(), app, FORM, answers={**ANSWERS, **answers}).submit()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def test_the_staff_detail_shows_the_stored_values_by_role_and_what_the_resident_was_told(app, okuyami):
    number = _submit(app, requester="agent")
    page = staff_client(app, "shinsa", "reviewer").get(f"/staff/submissions/{number}")
    assert page.status_code == 200
    text = _text(page.text)
    # The heading, the note that review may change the amount, then the amount.
    assert re.search(r"給付額・補助金額の見込み 申請の内容から計算した見込みです。[^ ]* 葬祭費 50,000円", text)
    assert f"国民健康保険の資格喪失届の期限 {japanese(deadline(14))}" in text
    assert "計算結果 手続きの数 2件" in text
    assert "申請者に案内した手続き（あなたに必要な手続き）" in text
    assert f"国民健康保険の資格喪失届 期限： {japanese(deadline(14))}" in text
    assert "委任状（窓口に持参）" in text  # the agent's document applies


def test_the_staff_detail_does_not_compute_again(app, okuyami, db_session):
    number = _submit(app)
    db_session.execute(update(Submission).where(Submission.reception_number == number)
                       .values(computed={"funeral_grant": "30000"}))
    db_session.commit()
    text = _text(staff_client(app, "shinsa", "reviewer").get(f"/staff/submissions/{number}").text)
    assert "葬祭費 30,000円" in text and "50,000円" not in text
    assert "手続きの数" not in text  # not stored: not shown, not computed


def test_the_csv_has_a_labelled_column_per_computed_value_with_the_stored_value(app, okuyami, db_session):
    first = _submit(app)
    second = _submit(app, insurance="other", pension=False)
    # A submission from before values were stored has empty cells, not values computed now.
    old = _submit(app)
    db_session.execute(update(Submission).where(Submission.reception_number == old).values(computed={}))
    db_session.commit()
    response = staff_client(app, "shinsa", "reviewer").get(f"/staff/queue/export.csv?form={FORM}&status=all")
    assert response.status_code == 200
    rows = {row["受付番号"]: row for row in _rows(response.data)}
    headers = list(next(iter(rows.values())))
    # The computed values come after the answers, before the payment columns (the last five).
    assert headers[-9:-5] == ["国民健康保険の資格喪失届の期限", "年金受給者死亡届の期限",
                              "葬祭費（給付額・補助金額）（円）", "手続きの数（件）"]
    assert rows[first]["国民健康保険の資格喪失届の期限"] == deadline(14).isoformat()
    assert rows[first]["葬祭費（給付額・補助金額）（円）"] == "50000"
    assert rows[first]["手続きの数（件）"] == "2"
    assert rows[second]["葬祭費（給付額・補助金額）（円）"] == "" and rows[second]["手続きの数（件）"] == "1"
    assert all(rows[old][header] == "" for header in headers[-9:-5])


def test_a_forged_stored_value_is_not_written_to_the_csv(app, okuyami, db_session):
    number = _submit(app)
    db_session.execute(update(Submission).where(Submission.reception_number == number).values(
        computed={"funeral_grant": "=HYPERLINK(\"http://x\")", "procedures": "9" * 400,
                  "nhi_deadline": "2027-13-01"}))
    db_session.commit()
    response = staff_client(app, "shinsa", "reviewer").get(f"/staff/queue/export.csv?form={FORM}&status=all")
    [row] = _rows(response.data)
    assert row["葬祭費（給付額・補助金額）（円）"] == "" and row["国民健康保険の資格喪失届の期限"] == ""
    assert "HYPERLINK" not in response.data.decode()


def test_the_api_gives_the_stored_values_and_the_outcomes(app, okuyami):
    number = _submit(app)
    body = app.test_client().get(f"/api/v1/submissions/{number}", headers=bearer(new_token(app))).json
    computed = {entry["id"]: entry for entry in body["computed"]}
    assert computed["funeral_grant"] == {"id": "funeral_grant", "label": "葬祭費", "role": "benefit",
                                         "value": "50000", "text": "50,000円"}
    assert computed["nhi_deadline"]["role"] == "deadline"
    assert computed["nhi_deadline"]["value"] == deadline(14).isoformat()
    assert computed["procedures"]["value"] == "2" and computed["procedures"]["role"] == "value"
    assert body["outcomes"] == [
        {"id": "nhi_loss", "title": "国民健康保険の資格喪失届", "deadline": deadline(14).isoformat()},
        {"id": "pension_death", "title": "年金受給者死亡届", "deadline": deadline(10).isoformat()},
        {"id": "resident_record", "title": "世帯主の変更届", "deadline": None},
    ]


def test_the_openapi_description_names_the_computed_values_and_outcomes(app):
    document = app.test_client().get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    assert schemas["ComputedValue"]["properties"]["role"]["enum"] == ["value", "benefit", "deadline"]
    properties = schemas["Submission"]["allOf"][1]["properties"]
    assert properties["computed"]["items"] == {"$ref": "#/components/schemas/ComputedValue"}
    assert properties["outcomes"]["items"] == {"$ref": "#/components/schemas/Outcome"}


def test_the_receipt_e_mail_tells_the_procedures_deadlines_documents_and_next_steps(app, okuyami, db_session):
    _submit(app, requester="agent")
    [message] = db_session.scalars(select(OutboxMessage)).all()
    body = message.body
    assert "【給付額・補助金額の見込み】\n葬祭費：50,000円" in body
    assert f"【あなたに必要な手続き】\n・国民健康保険の資格喪失届（期限：{japanese(deadline(14))}" in body
    assert "　本庁舎1階 保険年金課 5番窓口。保険証をお持ちください。" in body
    assert "・世帯主の変更届\n" in body
    assert ("【必要な書類】\n・届出をする方の本人確認書類（窓口に持参）\n・亡くなった方の国民健康保険証（窓口に持参）\n"
            "・委任状（窓口に持参）") in body
    assert ("【今後の流れ】\n受付の後、おくやみ窓口から来庁の日時をご相談します。\n"
            "代理人の方は、来庁の際に委任状の原本をお持ちください。") in body


def test_the_e_mail_leaves_out_what_does_not_apply(app, okuyami, db_session):
    _submit(app, insurance="other", pension=False)
    [message] = db_session.scalars(select(OutboxMessage)).all()
    assert "国民健康保険" not in message.body
    assert "・年金受給者死亡届" not in message.body  # the outcome; its deadline has no show_if, so it is told
    assert "委任状" not in message.body and "給付額" not in message.body
    assert "・世帯主の変更届" in message.body


def test_a_definition_with_plain_next_steps_and_no_outcomes_mails_as_before(app, review_form, db_session):
    Applicant(app.test_client(), app, review_form, answers={"email": "hanako@example.jp"}).submit()
    [message] = db_session.scalars(select(OutboxMessage)).all()
    assert "【今後の流れ】\n審査の後、郵送します。" in message.body
    assert "【必要な書類】" not in message.body and "【あなたに必要な手続き】" not in message.body
