"""A 保険証 page as residents fill it in (on both databases): the insurer number's check digit,
a rule that asks 6 digits for 国民健康保険 and 8 for the others (``matches``), and a
「該当なし」 checkbox that cannot be combined; ticked boxes stored in the page's order."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.submissions.models import Draft, Submission
from tests.applicant import Applicant, csrf_token
from tests.resident.library_support import assert_error, error_summary, message_beside

KOKUHO_KOGAKU = """\
id: kogaku-ryoyohi
title: {ja: 高額療養費の支給申請（見本）, en: High-cost medical expense benefit (sample)}
description: {ja: テスト用の手続きです。, en: For tests.}
department: {name: {ja: 国保年金課, en: National Health Insurance and Pension Division}}
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 審査の後、支給額をお知らせします。, en: We will tell you the amount.}
retention: {years: 5}
pages:
  - id: card
    title: {ja: 保険証, en: Health insurance card}
    fields:
      - type: radio
        id: insurance_type
        label: {ja: 加入している健康保険, en: Your health insurance}
        choices:
          - {value: 国民健康保険, label: {ja: 国民健康保険, en: National Health Insurance}}
          - value: 社会保険
            label: {ja: 社会保険（協会けんぽ・健康保険組合・共済組合）, en: Employee health insurance}
      - type: text
        id: insurer_number
        label: {ja: 保険者番号, en: Insurer number}
        check_digit: insurer_number
      - type: checkboxes
        id: certificates
        label: {ja: お持ちの受給者証, en: Certificates you hold}
        choices:
          - {value: gendogaku, label: {ja: 限度額適用認定証, en: Limit certificate}}
          - {value: tokutei, label: {ja: 特定疾病療養受療証, en: Specified disease certificate}}
          - {value: marucho, label: {ja: 重度心身障害者医療証, en: Disability medical certificate}}
          - {value: none, label: {ja: 該当なし, en: None of these}, exclusive: true}
rules:
  - id: kokuho_six_digits
    when: {field: insurance_type, equals: 国民健康保険}
    check: {field: insurer_number, matches: '[0-9]{6}'}
    field: insurer_number
    message:
      ja: 国民健康保険の保険者番号は6桁です。保険証の「保険者番号」欄を確認してください
      en: A National Health Insurance insurer number has 6 digits
  - id: others_eight_digits
    when: {field: insurance_type, not_equals: 国民健康保険}
    check: {field: insurer_number, matches: '[0-9]{8}'}
    field: insurer_number
    message:
      ja: 社会保険の保険者番号は8桁です。保険証の「保険者番号」欄を確認してください
      en: An employee health insurance number has 8 digits
"""
PAGE = "/forms/kogaku-ryoyohi/pages/card"
WRONG = "保険者番号が正しくありません。保険証に記載の番号を確認してください"
SIX = "国民健康保険の保険者番号は6桁です。保険証の「保険者番号」欄を確認してください"
EIGHT = "社会保険の保険者番号は8桁です。保険証の「保険者番号」欄を確認してください"
ALONE = "「該当なし」と他の選択肢は同時に選べません"


@pytest.fixture
def kogaku(app):
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(KOKUHO_KOGAKU, "kogaku.yaml"), actor="test")
    return "kogaku-ryoyohi"


@pytest.fixture
def person(client, app, kogaku) -> Applicant:
    applicant = Applicant(client, app, kogaku)
    applicant.apply(until="card")
    return applicant


def send(person: Applicant, insurance_type="国民健康保険", number="138016", certificates=("none",)):
    return person.post(PAGE, {"insurance_type": insurance_type, "insurer_number": number,
                              "certificates": list(certificates)})


def stored(db_session) -> dict:
    db_session.expire_all()
    return db_session.scalars(select(Draft)).one().answers.get("fields", {})


@pytest.mark.parametrize(("insurance_type", "number"), [
    ("国民健康保険", "138016"),
    ("国民健康保険", "１３８０１６"),   # typed with a Japanese IME
    ("社会保険", "01130012"),          # 協会けんぽ東京支部
    ("社会保険", "0104-0013"),         # 協会けんぽ宮城支部, with a hyphen
    ("社会保険", "33120015"),          # 千葉県警察共済
])
def test_a_right_number_for_the_insurance_goes_on(person, db_session, insurance_type, number):
    response = send(person, insurance_type, number)
    assert response.status_code == 302, error_summary(response.text)
    assert stored(db_session)["insurer_number"] == number.replace("-", "").translate(
        {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)})


@pytest.mark.parametrize(("insurance_type", "number", "message"), [
    ("国民健康保険", "138017", WRONG),           # one digit wrong: the check digit catches it
    ("社会保険", "01130013", WRONG),
    ("国民健康保険", "01130012", SIX),           # a real number, but 8 digits for 国保: the rule
    ("社会保険", "138016", EIGHT),               # a real 国保 number given as 社会保険
    ("国民健康保険", "13801",
     "保険者番号は6桁（国民健康保険）または8桁の数字で入力してください。保険証に記載の番号を確認してください"),
])
def test_a_wrong_number_is_explained_beside_the_field_and_not_stored(
        person, db_session, insurance_type, number, message):
    response = send(person, insurance_type, number)
    assert_error(response, "insurer_number", message)
    assert f'value="{number}"' in response.text  # what was typed, to correct it
    assert "insurer_number" not in stored(db_session)


def test_the_number_box_asks_for_digits(person):
    page = person.client.get(PAGE).text
    assert 'inputmode="numeric"' in page
    assert "保険証に記載の6桁または8桁の数字" in page
    assert 'id="insurer_number-hint"' in page


def test_none_of_these_cannot_be_ticked_with_a_certificate(person, db_session):
    response = send(person, certificates=["tokutei", "none"])
    assert_error(response, "certificates", ALONE, target="certificates-0")
    # Both boxes come back ticked so the resident sees what to untick; the hint said it before.
    assert response.text.count("checked") >= 2
    assert "「該当なし」は他の選択肢と一緒には選べません" in response.text
    assert "data-exclusive-choices='[\"none\"]'" in response.text
    assert "certificates" not in stored(db_session)


def test_ticked_boxes_are_stored_and_shown_in_the_order_of_the_page(person, db_session):
    response = send(person, certificates=["marucho", "gendogaku"])  # sent in the other order
    assert response.status_code == 302, error_summary(response.text)
    assert stored(db_session)["certificates"] == ["gendogaku", "marucho"]
    check = person.client.get("/forms/kogaku-ryoyohi/check")
    assert "限度額適用認定証、重度心身障害者医療証" in check.text


def test_the_whole_application_is_received_with_the_right_number(person, db_session):
    assert send(person, "社会保険", "０１１３００１２", ["none"]).status_code == 302
    check = person.client.get("/forms/kogaku-ryoyohi/check")
    assert "01130012" in check.text
    response = person.client.post("/forms/kogaku-ryoyohi/check", data={"csrf_token": csrf_token(check.text)})
    assert response.status_code == 302
    db_session.expire_all()
    submission = db_session.scalars(select(Submission)).one()
    assert submission.answers["fields"]["insurer_number"] == "01130012"
    assert submission.answers["fields"]["certificates"] == ["none"]


@pytest.mark.parametrize("number", ["138016\x00", "\x1b138016", "9" * 100_000, "' OR 1=1 --", "<script>"])
def test_hostile_numbers_get_a_message_not_an_error_page(person, db_session, number):
    response = send(person, "国民健康保険", number)
    assert response.status_code == 200
    assert message_beside(response.text, "insurer_number")
    assert "insurer_number" not in stored(db_session)


def test_a_forged_certificate_value_is_refused(person, db_session):
    response = send(person, certificates=["none", "forged"])
    assert_error(response, "certificates", "お持ちの受給者証は表示された選択肢から選んでください",
                 target="certificates-0")


def test_in_english_the_messages_are_english(person, client):
    client.get("/language/en?next=/")
    response = send(person, "社会保険", "138016")
    assert response.status_code == 200
    assert message_beside(response.text, "insurer_number") == "An employee health insurance number has 8 digits"
    response = send(person, "社会保険", "01130013", ["none", "gendogaku"])
    assert message_beside(response.text, "insurer_number") == \
        "The insurer number is not correct. Check the number on your health insurance card"
    assert message_beside(response.text, "certificates") == \
        "You cannot select “None of these” together with other choices"
