"""Staff passwords: more than a length. `formsvc create-user` says in Japanese what is wrong."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formsvc.cli import main
from formsvc.staff.models import StaffUser
from formsvc.staff.passwords import common_passwords
from tests.staff.support import PASSWORD

COMMON = "よく使われているもの"
REPEATED = "同じ文字や同じ並びの繰り返し"
SEQUENCE = "キーボードの並び"


def create_user(app, password: str, username: str = "shinsa"):
    return app.test_cli_runner().invoke(main, ["create-user", username, "--role", "reviewer",
                                               "--password", password])


@pytest.mark.parametrize(("password", "reason"), [
    ("password1234", COMMON),
    ("Password2024!", COMMON),
    ("P@ssw0rd2024!", COMMON),
    ("iloveyou!!!!", COMMON),
    ("dragon123456", COMMON),
    ("ＰＡＳＳＷＯＲＤ１２３４", COMMON),     # fullwidth is the same password
    ("aaaaaaaaaaaa", REPEATED),
    ("００００００００００００", REPEATED),
    ("abcabcabcabc", REPEATED),
    ("passwordpassword", REPEATED),
    ("aaaaaaaaaaa1", REPEATED),
    ("123456789012", SEQUENCE),
    ("098765432109", SEQUENCE),
    ("abcdefghijkl", SEQUENCE),
    ("qwertyuiopas", SEQUENCE),
    ("1q2w3e4r5t6y", SEQUENCE),
    ("qazwsxedcrfv", SEQUENCE),
    ("あいうえおかきくけこさし", SEQUENCE),
    ("shinsa-no-password", "ユーザー名を含めないでください"),
])
def test_create_user_refuses_a_guessable_password_and_says_why(app, db_session, password, reason):
    result = create_user(app, password)
    assert result.exit_code == 1 and reason in result.output, (password, result.output)
    assert db_session.scalars(select(StaffUser)).all() == []


@pytest.mark.parametrize("password", [PASSWORD, "sakura-no-hana-ga-saku", "9f3Kd!x8Qz2Lm", "きょうはいいてんきですね"])
def test_create_user_accepts_a_password_that_is_hard_to_guess(app, password):
    assert create_user(app, password).exit_code == 0


def test_resetting_a_password_applies_the_same_rules(app, db_session):
    assert create_user(app, PASSWORD).exit_code == 0
    refused = create_user(app, "asdfghjklzxc")
    assert refused.exit_code == 1 and SEQUENCE in refused.output
    user = db_session.scalars(select(StaffUser)).one()
    assert user.password_hash and "qwerty" not in user.password_hash


def test_a_user_name_longer_than_the_column_is_refused_clearly(app):
    result = create_user(app, PASSWORD, username="x" * 65)
    assert result.exit_code == 1 and "ユーザー名は64文字以内" in result.output


def test_the_list_is_the_common_passwords():
    common = common_passwords()
    assert len(common) >= 10_000
    assert {"password", "123456", "qwerty", "iloveyou", "letmein", "dragon"} <= common
