"""Staff accounts: argon2 passwords, sign-in with throttling, roles, demo accounts."""

from __future__ import annotations

import re

from sqlalchemy import select

from formsvc import create_app
from formsvc.cli import main
from formsvc.staff.models import StaffUser
from tests.applicant import csrf_token
from tests.staff.support import PASSWORD, make_staff


def sign_in(client, username: str, password: str):
    page = client.get("/staff/login")
    return client.post("/staff/login", data={"csrf_token": csrf_token(page.text),
                                             "username": username, "password": password})


def test_create_user_stores_an_argon2_hash_never_the_password(app, db_session):
    result = app.test_cli_runner().invoke(main, [
        "create-user", "shinsa", "--role", "reviewer", "--role", "counter", "--name", "審査 花子",
        "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    user = db_session.scalars(select(StaffUser)).one()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert user.roles == ["counter", "reviewer"] and user.display_name == "審査 花子"


def test_create_user_refuses_a_short_password_and_unknown_roles(app):
    short = app.test_cli_runner().invoke(main, ["create-user", "x", "--role", "reviewer", "--password", "short"])
    assert short.exit_code == 1 and "12文字以上" in short.output
    unknown = app.test_cli_runner().invoke(main, ["create-user", "x", "--role", "mayor", "--password", PASSWORD])
    assert unknown.exit_code != 0


def test_staff_sign_in_and_out(app, client):
    make_staff(app, "shinsa", "reviewer", name="審査 花子")
    response = sign_in(client, "shinsa", PASSWORD)
    assert response.status_code == 302 and response.location.endswith("/staff/")
    home = client.get("/staff/")
    assert home.status_code == 200 and "審査 花子" in home.text and "審査担当" in home.text
    client.post("/staff/logout", data={"csrf_token": csrf_token(home.text)})
    assert client.get("/staff/").status_code == 302


def test_a_wrong_password_gets_a_clear_error_and_no_session(app, client):
    make_staff(app, "shinsa", "reviewer")
    response = sign_in(client, "shinsa", "wrong password!!")
    assert response.status_code == 400
    assert "<title>エラー：職員ログイン" in response.text
    assert "ユーザー名またはパスワードが正しくありません" in response.text
    assert client.get("/staff/").status_code == 302


def test_sign_in_is_throttled_after_five_failures(app, client):
    make_staff(app, "shinsa", "reviewer")
    for _ in range(5):
        assert "正しくありません" in sign_in(client, "shinsa", "wrong password!!").text
    refused = sign_in(client, "shinsa", PASSWORD)  # even the right password, for now
    assert refused.status_code == 400 and "15分ほど待って" in refused.text


def test_demo_accounts_exist_only_in_demo_mode(app, database_url, tmp_path):
    refused = app.test_cli_runner().invoke(main, ["demo-accounts"])
    assert refused.exit_code == 1 and "デモモード" in refused.output
    demo = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_DIR": str(tmp_path),
                       "FORMSVC_DEMO": True})
    printed = demo.test_cli_runner().invoke(main, ["demo-accounts"])
    assert printed.exit_code == 0, printed.output
    line = next(line for line in printed.output.splitlines() if "demo-reviewer" in line)
    password = re.split(r"\s+", line.strip())[1]
    response = sign_in(demo.test_client(), "demo-reviewer", password)
    assert response.status_code == 302
