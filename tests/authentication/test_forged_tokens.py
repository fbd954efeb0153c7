"""Forged ID tokens signed with the provider's own key: each ends on the sign-in failure page.

The embedded mock signs what it is made to sign here (its claims changed, or its header), so
these tokens pass the signature check and reach every check after it, as a compromised or
buggy provider's tokens would. None may sign anyone in, and none may cause a 500.
"""

from __future__ import annotations

import time

import pytest

from formsvc.mock_idp import service, signing
from tests.authentication.support import REFUSED, logins, session_data, sign_in_with_card, sign_with_header

GONE = object()
TOKEN_REFUSED = "本人確認の結果を確かめられなかったため、安全のためにログインを中止しました。"
NOW = int(time.time())


def forge(monkeypatch, header: dict | None = None, **changes) -> None:
    """The mock's next ID tokens carry ``changes`` (GONE removes a claim) and ``header``."""
    original = service.id_token_claims

    def forged_claims(**kwargs) -> dict:
        claims = {**original(**kwargs), **changes}
        return {name: value for name, value in claims.items() if value is not GONE}

    monkeypatch.setattr(service, "id_token_claims", forged_claims)
    if header is not None:
        def sign(claims: dict) -> str:
            key = signing.signing_key()
            return sign_with_header(key.private_pem.decode("ascii"),
                                    {"alg": "RS256", "typ": "JWT", "kid": key.kid, **header}, claims)

        monkeypatch.setattr(signing, "sign", sign)


def test_the_forging_mock_signs_in_when_nothing_is_changed(client, app, db_session, monkeypatch):
    forge(monkeypatch, header={})
    response = sign_in_with_card(client)
    assert response.status_code == 302
    assert len(logins(db_session)) == 1


FORGERIES = {
    # the header
    "crit-unknown": {"header": {"crit": ["urn:example:must-understand"], "urn:example:must-understand": 1}},
    "crit-exp": {"header": {"crit": ["exp"]}},
    # audiences and the authorized party
    "extra-audience": {"aud": ["formsvc-demo", "another-relying-party"]},
    "extra-audience-with-azp": {"aud": ["formsvc-demo", "another-relying-party"], "azp": "formsvc-demo"},
    "another-azp": {"azp": "another-relying-party"},
    "several-audiences-without-azp": {"aud": ["formsvc-demo", "formsvc-demo"]},
    # times
    "issued-tomorrow": {"iat": NOW + 86400, "exp": NOW + 86400 + 300},
    "exp-digits": {"exp": str(NOW + 300)},
    "exp-infinity": {"exp": float("inf")},
    "iat-digits": {"iat": str(NOW)},
    "nbf-digits": {"nbf": str(NOW)},
    "nbf-true": {"nbf": True},
    "auth-time-text": {"auth_time": "yesterday"},
    "auth-time-huge": {"auth_time": 2**40},
    # the subject
    "sub-empty": {"sub": ""},
    "sub-overlong": {"sub": "s" * 256},
    "sub-nul": {"sub": "subject\x00admin"},
    "sub-control": {"sub": "subject\x1b[2J"},
    "sub-newline": {"sub": "subject\nadmin"},
    # the 基本4情報
    "name-list": {"name": ["山田 太郎"]},
    "name-number": {"name": 42},
    "name-object": {"name": {"family": "山田", "given": "太郎"}},
    "name-true": {"name": True},
    "name-overlong": {"name": "山田 " + "太" * 500},
    "name-nul": {"name": "山田\x00太郎"},
    "name-newline": {"name": "山田\n太郎"},
    "name-bidi": {"name": "山田 \u202e太郎"},
    "address-text": {"address": "埼玉県さいたま市浦和区高砂3-15-1"},
    "address-list": {"address": [{"region": "埼玉県"}]},
    "address-number": {"address": 330},
    "address-region-list": {"address": {"region": ["埼玉県"], "locality": "さいたま市浦和区",
                                        "street_address": "高砂3-15-1"}},
    "address-region-number": {"address": {"region": 11, "locality": "さいたま市浦和区"}},
    "address-locality-object": {"address": {"region": "埼玉県", "locality": {"ja": "さいたま市"}}},
    "address-street-control": {"address": {"region": "埼玉県", "locality": "さいたま市浦和区",
                                           "street_address": "高砂3-15-1\x07"}},
    "address-postal-number": {"address": {"region": "埼玉県", "postal_code": 3300063}},
    "address-overlong": {"address": {"region": "埼玉県", "locality": "さいたま市浦和区",
                                     "street_address": "高砂" + "1" * 5000}},
    "birthdate-list": {"birthdate": ["1980-04-01"]},
    "birthdate-number": {"birthdate": 19800401},
    "birthdate-object": {"birthdate": {"year": 1980}},
    "birthdate-30-february": {"birthdate": "1980-02-30"},
    "birthdate-slashes": {"birthdate": "1980/04/01"},
    "birthdate-basic-format": {"birthdate": "19800401"},
    "birthdate-year-only": {"birthdate": "1980"},
    "birthdate-year-zero": {"birthdate": "0000-04-01"},
    "birthdate-with-time": {"birthdate": "1980-04-01T00:00:00"},
    "birthdate-in-the-future": {"birthdate": "2999-01-01"},
    "birthdate-before-meiji": {"birthdate": "1600-01-01"},
    "birthdate-nul": {"birthdate": "1980-04-01\x00"},
    "gender-list": {"gender": ["male"]},
    "gender-number": {"gender": 1},
    "gender-object": {"gender": {"value": "male"}},
    "gender-overlong": {"gender": "male" * 100},
    "gender-control": {"gender": "male\x00"},
}


@pytest.mark.parametrize("forgery", list(FORGERIES.values()), ids=list(FORGERIES))
def test_a_forged_id_token_ends_on_the_sign_in_failure_page(client, app, db_session, monkeypatch, forgery):
    forge(monkeypatch, **forgery)
    response = sign_in_with_card(client)
    assert response.status_code == 400, response.text[:500]
    assert REFUSED in response.text and TOKEN_REFUSED in response.text
    assert "もう一度ログインする" in response.text
    assert logins(db_session) == []
    assert "login" not in session_data(app, client)


def test_null_or_empty_basic_facts_count_as_not_given(client, app, db_session, monkeypatch):
    """OIDC Core 5.3.2: an omitted claim may come as null or ""; the sign-in goes on without it."""
    forge(monkeypatch, name=None, gender="", address={"region": "埼玉県", "country": None})
    assert sign_in_with_card(client).status_code == 302
    [login] = logins(db_session)
    assert set(login.claims) == {"address", "birthdate"}
    assert login.claims["address"] == {"region": "埼玉県"}


def test_only_the_known_members_of_the_address_are_kept(client, app, db_session, monkeypatch):
    forge(monkeypatch, address={"region": "埼玉県", "locality": "さいたま市浦和区", "street_address": "高砂3-15-1",
                                "postal_code": "330-0063", "formatted": "埼玉県さいたま市浦和区高砂3-15-1",
                                "country": "JP", "extra": {"nested": ["x" * 100] * 100}})
    assert sign_in_with_card(client).status_code == 302
    [login] = logins(db_session)
    assert "extra" not in login.claims["address"]
    assert login.claims["address"]["country"] == "JP"
