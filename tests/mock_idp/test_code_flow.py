"""The whole authorization code flow, the ID token and its claims, userinfo, pairwise subjects."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import date, timedelta

import pytest
from cryptography.exceptions import InvalidSignature
from sqlalchemy import update

from formsvc.db import utcnow
from formsvc.mock_idp.cards import TEST_CARDS, VALID, age_on, today_in_japan
from formsvc.mock_idp.models import MockIdpAccessToken
from tests.mock_idp.conftest import TWO_CLIENTS
from tests.mock_idp.oidc_support import (
    CALLBACK,
    TWELVE_DIGITS,
    Login,
    b64url,
    code_for,
    demo_secret,
    full_login,
    redirect_base,
    redirect_params,
    submit_card,
    token_request,
    verify_jws,
)


def test_the_card_step_page_is_japanese_accessible_and_shows_what_is_shared(client):
    response = client.get(Login().url())
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert "マイナンバーカードで本人確認" in html
    assert "基本4情報：氏名・住所・生年月日・性別" in html
    assert "個人番号（マイナンバー）は提供されません" in html
    assert '<legend class="label">使用するテスト用カード' in html
    assert '<label class="label" for="pin">' in html
    for card in TEST_CARDS:
        assert f'id="card-{card.id}"' in html and card.name in html
    assert "暗証番号：1234" in html
    assert 'value="authenticate">認証する</button>' in html
    assert 'value="cancel">キャンセル</button>' in html
    assert "テスト用カードをすべて元に戻す" in html
    assert html.count('name="csrf_token"') == 2


def test_the_whole_code_flow_gives_a_signed_id_token_with_the_basic_four_facts(client, app):
    login = Login()
    response = submit_card(client, login, "sato-hanako", "1234")
    assert redirect_base(response) == CALLBACK
    params = redirect_params(response)
    assert params["state"] == login.state
    assert params["iss"] == "http://localhost/mock-idp"
    assert set(params) == {"code", "state", "iss"}

    before = int(time.time())
    token_response = token_request(client, login, params["code"], secret=demo_secret(app))
    assert token_response.status_code == 200, token_response.get_json()
    assert token_response.headers["Cache-Control"] == "no-store"
    body = token_response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 600
    assert body["scope"] == "openid name address birthdate gender"
    assert len(body["access_token"]) >= 40

    jwks = client.get("/mock-idp/jwks").get_json()
    header, claims = verify_jws(body["id_token"], jwks)
    assert header == {"alg": "RS256", "kid": jwks["keys"][0]["kid"], "typ": "JWT"}
    assert claims["iss"] == "http://localhost/mock-idp"
    assert claims["aud"] == "formsvc-demo"
    assert claims["nonce"] == login.nonce
    assert claims["acr"] == "aal3"
    assert before - 1 <= claims["iat"] <= int(time.time()) + 1
    assert claims["exp"] - claims["iat"] == 300
    assert claims["auth_time"] <= claims["iat"]
    left_half = hashlib.sha256(body["access_token"].encode("ascii")).digest()[:16]
    assert claims["at_hash"] == b64url(left_half)
    assert len(claims["sub"]) == 43 and "sato" not in claims["sub"]

    assert claims["name"] == "佐藤 花子"
    assert claims["address"] == {
        "formatted": "東京都港区芝公園4-2-8 タワーマンション1205号",
        "postal_code": "105-0011",
        "region": "東京都",
        "locality": "港区",
        "street_address": "芝公園4-2-8 タワーマンション1205号",
    }
    assert claims["gender"] == "female"
    birthdate = date.fromisoformat(claims["birthdate"])
    assert claims["birthdate"] == birthdate.isoformat()
    assert age_on(birthdate, today_in_japan()) == 26


def test_a_tampered_id_token_does_not_verify(client, app):
    body, claims = full_login(client, app)
    header_part, _, signature_part = body["id_token"].split(".")
    forged = b64url(json.dumps({**claims, "name": "別人 次郎"}).encode())
    with pytest.raises(InvalidSignature):
        verify_jws(f"{header_part}.{forged}.{signature_part}", client.get("/mock-idp/jwks").get_json())


def test_client_secret_post_is_accepted_too(client, app):
    login = Login()
    code = code_for(client, login)
    response = token_request(client, login, code, secret=demo_secret(app), basic=False)
    assert response.status_code == 200, response.get_json()


def test_only_the_granted_scopes_are_released(client, app):
    _, claims = full_login(client, app, login=Login(scope="openid name email"))
    assert claims["name"] == "山田 太郎"
    assert not {"address", "birthdate", "gender", "email"} & set(claims)

    page = client.get(Login(scope="openid").url()).get_data(as_text=True)
    assert "このサービス専用の利用者識別子のみ" in page
    body, claims = full_login(client, app, login=Login(scope="openid"))
    assert body["scope"] == "openid"
    assert not {"name", "address", "birthdate", "gender"} & set(claims)


@pytest.mark.parametrize("card", [card for card in TEST_CARDS if card.status == VALID], ids=lambda card: card.id)
def test_every_usable_test_card_signs_in_and_never_carries_a_twelve_digit_number(client, app, card):
    body, claims = full_login(client, app, card=card.id)
    today = today_in_japan()
    assert claims["name"] == f"{card.family_name} {card.given_name}"
    assert claims["name"].count(" ") == 1
    assert age_on(date.fromisoformat(claims["birthdate"]), today) == card.age
    assert claims["address"]["region"] + claims["address"]["locality"] + claims["address"]["street_address"] \
        == claims["address"]["formatted"]
    userinfo = client.get("/mock-idp/userinfo",
                          headers={"Authorization": f"Bearer {body['access_token']}"}).get_json()
    for document in (claims, userinfo, body):
        text = json.dumps(document, ensure_ascii=False)
        assert not TWELVE_DIGITS.search(text), text
        assert "my_number" not in text and "個人番号" not in text


def test_the_test_cards_cover_the_cases_relying_parties_must_handle():
    today = today_in_japan()
    by_id = {card.id: card for card in TEST_CARDS}
    assert by_id["yamada-taro"].name == "山田 太郎" and by_id["yamada-taro"].gender == "male"
    assert 40 <= age_on(by_id["yamada-taro"].birthdate(today), today) < 50
    assert 20 <= age_on(by_id["sato-hanako"].birthdate(today), today) < 30
    assert age_on(by_id["suzuki-shota"].birthdate(today), today) == 17
    assert age_on(by_id["takahashi-ume"].birthdate(today), today) >= 75
    assert len(by_id["kadenokoji"].name) >= 15
    assert {card.status for card in TEST_CARDS} == {"valid", "expired", "revoked"}
    # Ages hold on any day, including 29 February and the day before a birthday.
    for day in (date(2028, 2, 29), date(2027, 3, 1), today + timedelta(days=1)):
        for card in TEST_CARDS:
            assert age_on(card.birthdate(day), day) == card.age


def test_userinfo_returns_the_same_claims_for_a_valid_bearer_token(client, app):
    body, claims = full_login(client, app, card="sato-hanako")
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    response = client.get("/mock-idp/userinfo", headers=headers)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    userinfo = response.get_json()
    assert userinfo == {key: claims[key] for key in ("sub", "name", "address", "birthdate", "gender")}
    assert client.post("/mock-idp/userinfo", headers=headers).get_json() == userinfo


def test_userinfo_refuses_a_missing_wrong_or_expired_token(client, app, db_session):
    missing = client.get("/mock-idp/userinfo")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="mock-idp"'

    wrong = client.get("/mock-idp/userinfo", headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401
    assert wrong.get_json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]

    body, _ = full_login(client, app)
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/mock-idp/userinfo", headers=headers).status_code == 200
    db_session.execute(update(MockIdpAccessToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db_session.commit()
    assert client.get("/mock-idp/userinfo", headers=headers).status_code == 401


def test_access_tokens_and_codes_are_stored_only_as_hashes(client, app, db_session):
    body, _ = full_login(client, app)
    stored = db_session.query(MockIdpAccessToken).one()
    assert stored.token_hash == hashlib.sha256(body["access_token"].encode()).hexdigest()
    assert body["access_token"] not in json.dumps([stored.token_hash, stored.subject])


def test_pairwise_subjects_are_stable_per_client_and_differ_between_clients(two_client_app):
    client = two_client_app.test_client()
    portal = {"client_id": "city-portal", "redirect_uri": TWO_CLIENTS["city-portal"]["redirect_uris"][0]}
    library = {"client_id": "library", "redirect_uri": TWO_CLIENTS["library"]["redirect_uris"][0]}

    def sub(rp: dict, card: str) -> str:
        secret = TWO_CLIENTS[rp["client_id"]]["secret"]
        _, claims = full_login(client, two_client_app, card=card, login=Login(**rp), secret=secret)
        assert claims["aud"] == rp["client_id"]
        return claims["sub"]

    first = sub(portal, "yamada-taro")
    assert sub(portal, "yamada-taro") == first
    assert sub(library, "yamada-taro") != first
    assert sub(portal, "sato-hanako") != first
    assert "yamada" not in first


def test_an_explicit_client_is_named_on_the_consent_line(two_client_app):
    login = Login(client_id="city-portal", redirect_uri=TWO_CLIENTS["city-portal"]["redirect_uris"][0])
    response = two_client_app.test_client().get(login.url())
    html = response.get_data(as_text=True)
    assert '<strong lang="ja">市民ポータル</strong>' in html
    # 認証する redirects to another origin: the page's form-action allows exactly that origin.
    assert "form-action 'self' https://portal.example.jp;" in response.headers["Content-Security-Policy"]


def test_the_card_step_follows_the_residents_language(client):
    login = Login()
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.get(login.url()).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "The four basic facts: Name, Address, Date of birth, Gender" in html
    assert '<span lang="ja">山田 太郎</span> (45, male)' in html
    assert '<strong lang="ja">デモ市 オンライン申請</strong>' in html


def test_the_cards_page_lists_every_card_with_its_pin(client):
    response = client.get("/mock-idp/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for card in TEST_CARDS:
        assert card.name in html
    assert html.count("<dt>暗証番号</dt><dd>1234</dd>") == len(TEST_CARDS)
    assert "有効期限切れ" in html and "失効" in html
