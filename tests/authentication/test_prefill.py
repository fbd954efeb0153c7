"""Answers filled from the card's 基本4情報: shown read-only, marked verified, kept verified only
while they are what the card said."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from formsvc.definitions.loader import load_text
from formsvc.japanese.era import format_date_both
from formsvc.mock_idp.cards import card_by_id
from formsvc.submissions.models import Draft, Submission
from tests.applicant import csrf_token
from tests.authentication.support import VERIFIED, definition_yaml, logins, sign_in_with_card

FORM = "card-certificate"
PAGE = f"/forms/{FORM}/pages/applicant"
SPECS = load_text(definition_yaml(FORM, "required", "x"), "x.yaml").definition


def locked_answers(html: str) -> list[str]:
    return re.findall(r'<p class="locked-answer"><span class="answer-text">(.*?)</span> '
                      r'<span class="verified-tag">', html)


def start(client, card: str) -> None:
    sign_in_with_card(client, card, next_path=f"/forms/{FORM}/")
    page = client.get(f"/forms/{FORM}/")
    response = client.post(f"/forms/{FORM}/start", data={"csrf_token": csrf_token(page.text)})
    assert urlsplit(response.location).path == PAGE


def inputs(**values) -> dict:
    data = {}
    for field_id, value in values.items():
        data.update(SPECS.field_by_id(field_id).form_inputs(value))
    return data


def the_draft(db_session) -> Draft:
    db_session.expire_all()
    return db_session.scalars(select(Draft)).one()


def test_the_card_fills_name_address_birth_date_and_gender_read_only(client, app, db_session, card_form):
    start(client, "sato-hanako")
    card = card_by_id("sato-hanako")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert locked_answers(page.text) == [
        "佐藤\u3000花子", "東京都港区芝公園4-2-8\u3000タワーマンション1205号",
        format_date_both(card.birthdate()), "女性"]
    assert "マイナンバーカードの情報から入力しました。" in page.text
    # Locked answers are text, not inputs; the editable postal code is an input holding the card's.
    for name in ("name-family", "name-given", "home-prefecture", "home-building", "birth-year", "gender"):
        assert f'name="{name}"' not in page.text
    assert re.search(r'name="postal"[^>]*value="105-?0011"|value="105-?0011"[^>]*name="postal"', page.text)

    fields = the_draft(db_session).answers["fields"]
    assert fields["name"] == {"family": "佐藤", "given": "花子"}
    assert fields["home"] == {"prefecture": "東京都", "city": "港区", "town": "芝公園", "block": "4-2-8",
                              "building": "タワーマンション1205号"}
    assert fields["birth"] == card.birthdate().isoformat()
    assert fields["gender"] == "f"
    assert fields["postal"] in ("1050011", "105-0011")


def test_posting_other_values_for_locked_answers_changes_nothing(client, app, db_session, card_form):
    start(client, "sato-hanako")
    before = the_draft(db_session).answers
    page = client.get(PAGE)
    forged = inputs(name={"family": "偽", "given": "名前"},
                    home={"prefecture": "大阪府", "city": "大阪市北区", "town": "梅田", "block": "1-1-1",
                          "building": ""},
                    birth=date(1990, 1, 1), gender="m", postal="1050011")
    response = client.post(PAGE, data={**forged, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    after = the_draft(db_session).answers
    assert after["fields"] == before["fields"]
    assert after["verified"] == before["verified"]
    assert set(after["verified"]) == {"name", "postal", "home", "birth", "gender"}


def answer_request_page(client):
    page = client.get(f"/forms/{FORM}/pages/request")
    response = client.post(f"/forms/{FORM}/pages/request", data={
        "csrf_token": csrf_token(page.text), "copies": "2", "purpose": "年金の手続き"})
    assert urlsplit(response.location).path == f"/forms/{FORM}/check"


def test_verified_answers_are_marked_on_the_check_page_and_in_the_submission(client, app, db_session, card_form):
    start(client, "sato-hanako")
    page = client.get(PAGE)
    response = client.post(PAGE, data={**inputs(postal="1050011"), "csrf_token": csrf_token(page.text)})
    assert urlsplit(response.location).path == f"/forms/{FORM}/pages/request"
    answer_request_page(client)
    check = client.get(f"/forms/{FORM}/check")
    assert check.text.count(VERIFIED) == 5
    assert "佐藤\u3000花子" in check.text and "タワーマンション1205号" in check.text

    done = client.post(f"/forms/{FORM}/check", data={"csrf_token": csrf_token(check.text)})
    assert done.status_code == 302
    submission = db_session.scalars(select(Submission)).one()
    answers = submission.answers
    assert set(answers["verified"]) == {"name", "postal", "home", "birth", "gender"}
    for mark in answers["verified"].values():
        assert mark == {"source": "mynumber_card", "acr": "aal3"}
    assert answers["identity"] == {"issuer": "http://localhost/mock-idp", "acr": "aal3"}
    assert submission.resident_subject == logins(db_session)[0].subject
    assert answers["fields"]["home"]["building"] == "タワーマンション1205号"


def test_an_editable_answer_loses_its_mark_when_changed(client, app, db_session, card_form):
    """prefill_editable: the resident may correct the card's postal code; then it is theirs,
    no longer what the card said."""
    start(client, "sato-hanako")
    page = client.get(PAGE)
    client.post(PAGE, data={**inputs(postal="1000001"), "csrf_token": csrf_token(page.text)})
    draft = the_draft(db_session)
    assert draft.answers["fields"]["postal"] == "1000001"
    assert set(draft.answers["verified"]) == {"name", "home", "birth", "gender"}

    answer_request_page(client)
    check = client.get(f"/forms/{FORM}/check")
    assert check.text.count(VERIFIED) == 4
    postal_row = re.search(r"郵便番号</dt>\s*<dd[^>]*>(.*?)</dd>", check.text, flags=re.S).group(1)
    assert "〒100-0001" in postal_row and VERIFIED not in postal_row
    client.post(f"/forms/{FORM}/check", data={"csrf_token": csrf_token(check.text)})
    stored = db_session.scalars(select(Submission)).one().answers
    assert "postal" not in stored["verified"] and stored["fields"]["postal"] == "1000001"


def test_setting_an_editable_answer_back_does_not_make_it_verified_again(client, app, db_session, card_form):
    start(client, "sato-hanako")
    for postal in ("1000001", "1050011"):
        page = client.get(PAGE)
        client.post(PAGE, data={**inputs(postal=postal), "csrf_token": csrf_token(page.text)})
    assert "postal" not in the_draft(db_session).answers["verified"]


@pytest.mark.parametrize(("card", "name", "home", "gender"), [
    ("yamada-taro", {"family": "山田", "given": "太郎"},
     {"prefecture": "埼玉県", "city": "さいたま市浦和区", "town": "高砂", "block": "3-15-1", "building": ""}, "m"),
    ("takahashi-ume", {"family": "高橋", "given": "ウメ"},
     {"prefecture": "島根県", "city": "松江市", "town": "殿町", "block": "1番地", "building": ""}, "f"),
    ("kadenokoji", {"family": "勘解由小路", "given": "左衛門三郎之丞龍之介"},
     {"prefecture": "沖縄県", "city": "島尻郡南風原町", "town": "兼城", "block": "123-45",
      "building": "ニューサンシャインガーデンヒルズ南風原ステーションフロントタワー第二期棟3001号"}, "m"),
    ("suzuki-shota", {"family": "鈴木", "given": "翔太"},
     {"prefecture": "北海道", "city": "札幌市中央区", "town": "大通西", "block": "1-2-3", "building": ""}, "m"),
])
def test_each_card_is_split_into_the_parts_of_the_questions(client, app, db_session, card_form,
                                                             card, name, home, gender):
    start(client, card)
    fields = the_draft(db_session).answers["fields"]
    assert fields["name"] == name
    assert fields["home"] == home
    assert fields["gender"] == gender
    assert fields["birth"] == card_by_id(card).birthdate().isoformat()
    page = client.get(PAGE)
    assert page.status_code == 200 and len(locked_answers(page.text)) == 4


def test_the_card_fills_nothing_for_someone_not_signed_in(client, app, db_session, optional_form):
    page = client.get(f"/forms/{optional_form}/")
    client.post(f"/forms/{optional_form}/start", data={"csrf_token": csrf_token(page.text)})
    assert "verified" not in the_draft(db_session).answers or not the_draft(db_session).answers["verified"]


def test_a_card_value_the_question_would_not_accept_is_asked_instead(client, app, db_session, card_form):
    """A name without a space between 氏 and 名, an address without a 番地: the card's value would
    make an incomplete answer that the resident could not change. It is asked instead."""
    from tests import identity

    claims = {**identity.CARD_HOLDER, "name": "ジョンスミス",
              "address": {"region": "沖縄県", "locality": "島尻郡座間味村", "street_address": "字阿嘉",
                          "postal_code": "901-3311", "formatted": "沖縄県島尻郡座間味村字阿嘉"}}
    identity.sign_in(client, app, claims=claims)
    page = client.get(f"/forms/{FORM}/")
    client.post(f"/forms/{FORM}/start", data={"csrf_token": csrf_token(page.text)})
    question = client.get(PAGE)
    assert 'name="name-family"' in question.text and 'name="home-block"' in question.text
    answers = the_draft(db_session).answers
    assert "name" not in answers["verified"] and "home" not in answers["verified"]
    assert {"birth", "gender"} <= set(answers["verified"])


MALFORMED_CLAIMS = {
    "name-list": ("name", {"name": ["山田 太郎"]}),
    "name-number": ("name", {"name": 42}),
    "name-object": ("name", {"name": {"family": "山田", "given": "太郎"}}),
    "name-control": ("name", {"name": "山田\x1b 太郎"}),  # PostgreSQL cannot even store a NUL
    "name-overlong": ("name", {"name": "山田 " + "太" * 5000}),
    "address-text": ("home", {"address": "東京都港区芝公園4-2-8"}),
    "address-region-list": ("home", {"address": {"region": ["東京都"], "locality": "港区",
                                                 "street_address": "芝公園4-2-8"}}),
    "address-street-number": ("home", {"address": {"region": "東京都", "locality": "港区",
                                                   "street_address": 428}}),
    "birthdate-number": ("birth", {"birthdate": 19850401}),
    "birthdate-bad-date": ("birth", {"birthdate": "1985-02-30"}),
    "birthdate-list": ("birth", {"birthdate": ["1985-04-01"]}),
    "gender-list": ("gender", {"gender": ["male"]}),
    "gender-object": ("gender", {"gender": {"value": "male"}}),
}


@pytest.mark.parametrize(("field", "claims"), list(MALFORMED_CLAIMS.values()), ids=list(MALFORMED_CLAIMS))
def test_a_malformed_claim_is_asked_instead_of_breaking_the_form(client, app, db_session, card_form,
                                                                field, claims):
    """A sign-in stored before the callback checked the 基本4情報 (or by any other way) may hold
    malformed claims: prefill treats such a claim as absent and fills the others."""
    from tests import identity

    identity.sign_in(client, app, claims={**identity.CARD_HOLDER, **claims})
    page = client.get(f"/forms/{FORM}/")
    response = client.post(f"/forms/{FORM}/start", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302 and urlsplit(response.location).path == PAGE
    question = client.get(PAGE)
    assert question.status_code == 200
    asked = {"name": 'name="name-family"', "home": 'name="home-prefecture"', "birth": 'name="birth-year"',
             "gender": 'name="gender"'}
    assert asked[field] in question.text
    verified = the_draft(db_session).answers["verified"]
    assert field not in verified
    assert {"name", "home", "birth", "gender"} - {field} <= set(verified)
