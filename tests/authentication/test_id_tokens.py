"""ID tokens, refused for every reason a relying party must refuse them (tokens.verify_id_token).

The tokens are crafted here: RS256 with ``tokens.sign`` and keys made with `cryptography`, and
``none`` / HS256 by hand. None of this touches the database.
"""

from __future__ import annotations

import time

import pytest

from formsvc.authentication.tokens import LEEWAY_SECONDS, Expected, TokenRefused, token_hash, verify_id_token
from tests.authentication.support import RsaKey, b64url_json, hmac_token, unsigned_token, with_payload

ISSUER = "https://idp.example.test"
CLIENT = "formsvc-demo"
NONCE = "n-0S6_WzA2Mj"
ACCESS = "access-token-of-this-sign-in"
KID = "key-1"
GONE = object()


@pytest.fixture(scope="module")
def provider_key() -> RsaKey:
    return RsaKey.generate()


@pytest.fixture(scope="module")
def other_key() -> RsaKey:
    return RsaKey.generate()


class Keys:
    """The provider's JWKS as the relying party sees it; remembers what it was asked."""

    def __init__(self, *pairs: tuple[str, RsaKey]):
        self.jwks = {kid: key.jwk(kid) for kid, key in pairs}
        self.asked: list[tuple[str, bool]] = []

    def __call__(self, kid: str, refresh: bool) -> dict | None:
        self.asked.append((kid, refresh))
        return self.jwks.get(kid)


@pytest.fixture
def keys(provider_key) -> Keys:
    return Keys((KID, provider_key))


def claims(**changes) -> dict:
    now = int(time.time())
    base = {"iss": ISSUER, "sub": "pairwise-subject-1", "aud": CLIENT, "exp": now + 300, "iat": now,
            "auth_time": now, "nonce": NONCE, "acr": "aal3", "amr": ["hwk", "pin"],
            "at_hash": token_hash(ACCESS), "name": "山田 太郎"}
    base.update(changes)
    return {key: value for key, value in base.items() if value is not GONE}


EXPECTED = Expected(issuer=ISSUER, audience=CLIENT, nonce=NONCE, access_token=ACCESS)


def refused(token: str, keys, expected: Expected = EXPECTED) -> str:
    with pytest.raises(TokenRefused) as refusal:
        verify_id_token(token, keys, expected)
    reason = refusal.value.reason
    assert "山田" not in str(refusal.value)  # the reason is a code, never a claim
    return reason


def test_a_good_token_is_accepted(provider_key, keys):
    verified = verify_id_token(provider_key.sign(claims(), KID), keys, EXPECTED)
    assert verified["sub"] == "pairwise-subject-1" and verified["name"] == "山田 太郎"
    assert keys.asked == [(KID, False)]


# --- the algorithm ------------------------------------------------------------------------------

@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE", ""])
def test_an_unsigned_token_is_refused(keys, alg):
    assert refused(unsigned_token(claims(), alg=alg), keys) == "algorithm"
    assert keys.asked == []  # refused before any key is looked up


def test_hs256_made_with_the_providers_public_key_is_refused(provider_key, keys):
    """The classic key-confusion attack: the public key (it is public) used as an HMAC secret."""
    for secret in (provider_key.public_pem.encode(), provider_key.public_pem.strip().encode()):
        assert refused(hmac_token(claims(), secret, kid=KID), keys) == "algorithm"
        # The same MAC under a header that claims RS256 fails the RSA signature check.
        assert refused(hmac_token(claims(), secret, kid=KID, alg="RS256"), keys) == "signature"


@pytest.mark.parametrize("alg", ["HS384", "HS512", "RS512", "PS256", "ES256", "rs256"])
def test_any_other_algorithm_is_refused(provider_key, keys, alg):
    assert refused(hmac_token(claims(), provider_key.public_pem.encode(), kid=KID, alg=alg), keys) == "algorithm"


# --- the key ------------------------------------------------------------------------------------

def test_a_token_signed_by_another_key_with_the_providers_kid_is_refused(other_key, keys):
    assert refused(other_key.sign(claims(), KID), keys) == "signature"


def test_a_token_signed_by_an_unknown_key_is_refused_after_asking_for_fresh_keys(other_key, keys):
    assert refused(other_key.sign(claims(), "key-of-an-attacker"), keys) == "unknown-key"
    assert keys.asked == [("key-of-an-attacker", False), ("key-of-an-attacker", True)]


def test_a_rotated_key_is_found_when_the_keys_are_fetched_again(provider_key, other_key):
    class Rotating(Keys):
        def __call__(self, kid, refresh):
            if refresh:
                self.jwks["key-2"] = other_key.jwk("key-2")
            return super().__call__(kid, refresh)

    keys = Rotating((KID, provider_key))
    assert verify_id_token(other_key.sign(claims(), "key-2"), keys, EXPECTED)["sub"]
    assert keys.asked == [("key-2", False), ("key-2", True)]


def test_a_token_without_a_kid_is_refused(provider_key, keys):
    header = {"alg": "RS256", "typ": "JWT"}
    signed = provider_key.sign(claims(), KID)
    token = b64url_json(header) + signed[signed.index("."):]
    assert refused(token, keys) == "no-kid"


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "...", "eyJhbGciOiJSUzI1NiJ9", "e30.e30.e30",
                                   "W10.e30.", "eyJhbGciOiJSUzI1NiIsImtpZCI6MX0.e30.AA"])
def test_garbage_is_refused(keys, token):
    assert refused(token, keys) in {"malformed", "no-kid", "algorithm", "unknown-key", "signature"}


# --- the claims ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "reason"), [
    ({"iss": "https://evil.example.test"}, "issuer"),
    ({"iss": ISSUER + "/"}, "issuer"),
    ({"aud": "another-relying-party"}, "audience"),
    ({"aud": ["another-relying-party"]}, "audience"),
    ({"iss": GONE}, "missing-claim"),
    ({"aud": GONE}, "missing-claim"),
    ({"exp": GONE}, "missing-claim"),
    ({"iat": GONE}, "missing-claim"),
    ({"sub": GONE}, "missing-claim"),
    ({"nonce": "nonce-of-another-sign-in"}, "nonce"),
    ({"nonce": GONE}, "nonce"),
    ({"nonce": 12345}, "nonce"),
    ({"nonce": "ノンス"}, "nonce"),
    ({"at_hash": GONE}, "missing-claim"),
    ({"at_hash": token_hash("another-access-token")}, "at-hash"),
], ids=["iss", "iss-slash", "aud", "aud-list", "no-iss", "no-aud", "no-exp", "no-iat", "no-sub",
        "nonce", "no-nonce", "nonce-number", "nonce-not-ascii", "no-at-hash", "at-hash"])
def test_a_token_with_wrong_claims_is_refused(provider_key, keys, changes, reason):
    assert refused(provider_key.sign(claims(**changes), KID), keys) == reason


def test_an_expired_token_is_refused_beyond_the_leeway(provider_key, keys):
    now = int(time.time())
    assert refused(provider_key.sign(claims(exp=now - LEEWAY_SECONDS - 10, iat=now - 600), KID), keys) == "expired"


def test_an_expired_token_is_accepted_within_the_leeway(provider_key, keys):
    """Clocks differ a little between the provider and us: 30 seconds are forgiven."""
    assert LEEWAY_SECONDS == 30
    now = int(time.time())
    token = provider_key.sign(claims(exp=now - LEEWAY_SECONDS + 10, iat=now - 600), KID)
    assert verify_id_token(token, keys, EXPECTED)["sub"] == "pairwise-subject-1"


@pytest.mark.parametrize("changes", [{"exp": "soon"}, {"exp": [1]}, {"exp": {"at": 1}}, {"exp": None},
                                     {"iat": [1]}, {"iat": None}, {"nbf": [1]}, {"aud": 42}, {"iss": ["x"]}],
                         ids=["exp-text", "exp-list", "exp-object", "exp-null", "iat-list", "iat-null",
                              "nbf-list", "aud-number", "iss-list"])
def test_a_token_with_nonsense_claim_types_is_refused(provider_key, keys, changes):
    """Signed by the provider but malformed: a refusal, not an exception (which would be a 500)."""
    assert refused(provider_key.sign(claims(**changes), KID), keys)


@pytest.mark.parametrize("changes", [{"sub": "someone-else"}, {"name": "佐藤 花子"}, {"acr": "aal1"},
                                     {"exp": 4102444800}, {"nonce": NONCE, "extra": True}])
def test_claims_changed_after_signing_are_refused(provider_key, keys, changes):
    token = with_payload(provider_key.sign(claims(), KID), claims(**changes))
    assert refused(token, keys) == "signature"


# --- the header's crit -------------------------------------------------------------------------

def header(**extra) -> dict:
    return {"alg": "RS256", "typ": "JWT", "kid": KID, **extra}


def test_a_token_under_a_hand_made_header_is_accepted(provider_key, keys):
    """The signer the crit tests use makes tokens we accept when nothing is wrong with them."""
    assert verify_id_token(provider_key.sign_with_header(header(), claims()), keys, EXPECTED)["sub"]


@pytest.mark.parametrize("crit", [["urn:example:must-understand"], ["exp"], ["b64"], [], "b64", None],
                         ids=["unknown", "registered-name", "b64", "empty", "not-a-list", "null"])
def test_a_token_with_a_critical_header_extension_is_refused(provider_key, keys, crit):
    """RFC 7515 4.1.11: extensions listed in crit must be understood; we understand none."""
    token = provider_key.sign_with_header(header(crit=crit, **{"urn:example:must-understand": True}), claims())
    assert refused(token, keys) == "crit"


# --- audiences and the authorized party --------------------------------------------------------

@pytest.mark.parametrize(("changes", "reason"), [
    ({"aud": [CLIENT, "another-relying-party"]}, "audience"),
    ({"aud": ["another-relying-party", CLIENT], "azp": CLIENT}, "audience"),
    ({"aud": [CLIENT, "another-relying-party"], "azp": "another-relying-party"}, "audience"),
    ({"aud": [CLIENT, ["nested"]]}, "claims"),
    ({"aud": []}, "audience"),
    ({"azp": "another-relying-party"}, "azp"),
    ({"aud": [CLIENT], "azp": "another-relying-party"}, "azp"),
    ({"azp": 42}, "azp"),
    ({"azp": [CLIENT]}, "azp"),
    ({"azp": ""}, "azp"),
    ({"aud": [CLIENT, CLIENT]}, "azp"),
], ids=["extra-audience", "extra-audience-with-azp", "extra-audience-its-azp", "nested-audience",
        "no-audience", "azp", "azp-with-aud-list", "azp-number", "azp-list", "azp-empty", "several-without-azp"])
def test_a_token_for_other_audiences_or_another_authorized_party_is_refused(provider_key, keys, changes, reason):
    assert refused(provider_key.sign(claims(**changes), KID), keys) == reason


@pytest.mark.parametrize("changes", [{"aud": [CLIENT]}, {"azp": CLIENT}, {"aud": [CLIENT], "azp": CLIENT},
                                     {"aud": [CLIENT, CLIENT], "azp": CLIENT}],
                         ids=["aud-list", "azp", "aud-list-azp", "several-with-azp"])
def test_a_token_for_us_alone_is_accepted(provider_key, keys, changes):
    assert verify_id_token(provider_key.sign(claims(**changes), KID), keys, EXPECTED)["sub"]


# --- times ---------------------------------------------------------------------------------------

def test_a_token_issued_in_the_future_is_refused_beyond_the_leeway(provider_key, keys):
    now = int(time.time())
    assert refused(provider_key.sign(claims(iat=now + LEEWAY_SECONDS + 60), KID), keys) == "iat"
    assert refused(provider_key.sign(claims(iat=now + 86400, exp=now + 86400 + 300), KID), keys) == "iat"


def test_a_token_issued_a_little_in_the_future_is_accepted_within_the_leeway(provider_key, keys):
    now = int(time.time())
    assert verify_id_token(provider_key.sign(claims(iat=now + LEEWAY_SECONDS - 10), KID), keys, EXPECTED)["sub"]


@pytest.mark.parametrize("changes", [
    {"exp": "4102444800"}, {"exp": " 4102444800 "}, {"exp": True}, {"exp": float("inf")}, {"exp": float("nan")},
    {"iat": "1700000000"}, {"iat": False}, {"iat": float("inf")}, {"iat": float("-inf")},
    {"nbf": "0"}, {"nbf": True}, {"nbf": float("-inf")}, {"nbf": None},
    {"auth_time": "yesterday"}, {"auth_time": True}, {"auth_time": 2**40}, {"auth_time": -1},
    {"auth_time": float("nan")}, {"auth_time": int(time.time()) + 86400},
], ids=["exp-digits", "exp-padded", "exp-true", "exp-infinity", "exp-nan", "iat-digits", "iat-false",
        "iat-infinity", "iat-minus-infinity", "nbf-digits", "nbf-true", "nbf-minus-infinity", "nbf-null",
        "auth-time-text", "auth-time-true", "auth-time-huge", "auth-time-negative", "auth-time-nan",
        "auth-time-future"])
def test_a_token_whose_times_are_not_numbers_is_refused(provider_key, keys, changes):
    """NumericDate is a JSON number: "4102444800", true and Infinity are not (python-jose's int()
    takes them, and int(Infinity) raises OverflowError, which would be a 500). python-jose reads
    exp = true as 1970: expired."""
    assert refused(provider_key.sign(claims(**changes), KID), keys) in {"claims", "expired"}


def test_fractional_times_are_numbers_too(provider_key, keys):
    now = time.time()
    token = provider_key.sign(claims(exp=now + 300.5, iat=now - 0.25, nbf=now - 1.5, auth_time=int(now) - 60), KID)
    assert verify_id_token(token, keys, EXPECTED)["sub"]


# --- the subject ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sub", ["", "x" * 256, "abc\x00def", "abc\ndef", "abc\tdef", "abc\x7f", "abc\x85",
                                 "abc\u202edef", " ", "サブジェクト"],
                         ids=["empty", "overlong", "nul", "newline", "tab", "delete", "c1-control",
                              "bidi-override", "space", "not-ascii"])
def test_a_token_with_an_unusable_subject_is_refused(provider_key, keys, sub):
    """OIDC Core 2: sub is at most 255 ASCII characters; we store it in a 255-character column."""
    assert refused(provider_key.sign(claims(sub=sub), KID), keys) == "sub"


@pytest.mark.parametrize("sub", ["x" * 255, "AItOawmwtWwcT0k51BayewNvutrJUqsvl6qs7A4", "248289761001",
                                 "urn:example:user/1"])
def test_a_subject_of_up_to_255_visible_ascii_characters_is_accepted(provider_key, keys, sub):
    assert verify_id_token(provider_key.sign(claims(sub=sub), KID), keys, EXPECTED)["sub"] == sub
