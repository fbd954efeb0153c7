"""Demo accounts a newcomer can find again: passwords kept in instance/ (mode 0600) from one
`formsvc demo-accounts` to the next, shown on /staff/login in demo mode and never otherwise."""

from __future__ import annotations

import json
import re
import stat

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from formsvc import create_app
from formsvc.cli import main
from formsvc.staff.demo_accounts import ACCOUNTS, FILENAME
from formsvc.staff.models import StaffUser
from tests.staff.test_staff_accounts import sign_in


@pytest.fixture
def demo(database_url, tmp_path, app):  # `app` empties the tables afterwards
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_DIR": str(tmp_path),
                       "SECRET_KEY": "test-secret-key", "FORMSVC_DEMO": True,
                       "MOCK_IDP_ENABLED": False, "MOCK_PAYMENTS_ENABLED": False})


def printed_passwords(output: str) -> dict[str, str]:
    found = re.findall(r"^\s+(demo-[a-z]+)\s+(\S+)\s+\(", output, flags=re.M)
    return dict(found)


def demo_accounts(app, *arguments: str) -> dict[str, str]:
    result = app.test_cli_runner().invoke(main, ["demo-accounts", *arguments])
    assert result.exit_code == 0, result.output
    return printed_passwords(result.output)


def shown_on_login_page(client) -> dict[str, str]:
    page = BeautifulSoup(client.get("/staff/login").text, "html.parser")
    heading = page.find("h2", id="demo-accounts")
    if heading is None:
        return {}
    table = page.find("div", attrs={"aria-labelledby": "demo-accounts"}).find("table")
    rows = [[cell.get_text(strip=True) for cell in row.find_all("td")] for row in table.find("tbody").find_all("tr")]
    return {row[0]: row[1] for row in rows}


def test_passwords_stay_the_same_from_one_run_to_the_next(demo, tmp_path, db_session):
    first = demo_accounts(demo)
    assert set(first) == {account.username for account in ACCOUNTS}
    kept = tmp_path / FILENAME
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert json.loads(kept.read_text()) == first
    nonces = {user.username: user.session_nonce for user in db_session.scalars(select(StaffUser))}
    assert demo_accounts(demo) == first
    db_session.expire_all()
    # Left alone the second time: not hashed again, and a signed-in demo user stays signed in.
    assert {user.username: user.session_nonce for user in db_session.scalars(select(StaffUser))} == nonces
    assert sign_in(demo.test_client(), "demo-reviewer", first["demo-reviewer"]).status_code == 302


def test_new_passwords_on_request_and_the_old_ones_stop_working(demo, tmp_path):
    first = demo_accounts(demo)
    renewed = demo_accounts(demo, "--new-passwords")
    assert all(renewed[name] != first[name] for name in first)
    assert json.loads((tmp_path / FILENAME).read_text()) == renewed
    assert sign_in(demo.test_client(), "demo-admin", first["demo-admin"]).status_code == 400
    assert sign_in(demo.test_client(), "demo-admin", renewed["demo-admin"]).status_code == 302


def test_a_password_changed_in_the_database_is_set_back_to_the_kept_one(demo, db_session):
    first = demo_accounts(demo)
    demo.test_cli_runner().invoke(main, ["create-user", "demo-counter", "--role", "counter",
                                         "--password", "another long passphrase"])
    assert demo_accounts(demo) == first
    assert sign_in(demo.test_client(), "demo-counter", first["demo-counter"]).status_code == 302


@pytest.mark.parametrize("content", [
    b"not json at all",
    b'["a list"]',
    b'{"demo-reviewer": "short"}',
    b'{"demo-reviewer": "with\\u0000nul-character-inside"}',
    b'{"demo-reviewer": "with\\u001b[31m-escape-inside"}',
    b'{"demo-reviewer": "<script>alert(1)</script>"}',
    b'{"demo-reviewer": 12345678901234567890}',
    b"\xff\xfe not UTF-8",
])
def test_a_damaged_or_hostile_file_gets_new_well_formed_passwords(demo, tmp_path, content):
    (tmp_path / FILENAME).write_bytes(content)
    (tmp_path / FILENAME).chmod(0o644)
    printed = demo_accounts(demo)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{16}", password) for password in printed.values())
    assert json.loads((tmp_path / FILENAME).read_text()) == printed
    assert stat.S_IMODE((tmp_path / FILENAME).stat().st_mode) == 0o600


def test_a_huge_file_is_not_read(demo, tmp_path):
    (tmp_path / FILENAME).write_text(json.dumps({"demo-reviewer": "A" * 20, "padding": "x" * 100_000}))
    assert demo_accounts(demo)["demo-reviewer"] != "A" * 20


def test_without_demo_mode_it_refuses_and_says_why(app, tmp_path):
    refused = app.test_cli_runner().invoke(main, ["demo-accounts"])
    assert refused.exit_code == 1
    message = refused.output.strip()
    assert message.startswith("＊") and "デモモード" in message and "FORMSVC_DEMO=1" in message
    assert "本番" in message  # why: the passwords are shown
    assert not (tmp_path / FILENAME).exists()


def test_the_login_page_shows_the_demo_accounts_in_demo_mode(demo):
    printed = demo_accounts(demo)
    client = demo.test_client()
    assert shown_on_login_page(client) == printed
    # Also beside an error, where a newcomer who mistyped looks again.
    failed = sign_in(client, "demo-reviewer", "wrong password!!")
    assert failed.status_code == 400 and printed["demo-reviewer"] in failed.text


def test_in_demo_mode_before_any_account_the_login_page_says_how_to_make_them(demo):
    page = demo.test_client().get("/staff/login").text
    assert "FORMSVC_DEMO=1 formsvc demo-accounts" in page and "<table" not in page


def test_outside_demo_mode_the_login_page_never_shows_them(demo, database_url, tmp_path):
    printed = demo_accounts(demo)  # the file is there, in the same instance folder
    production = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_DIR": str(tmp_path),
                             "SECRET_KEY": "test-secret-key", "FORMSVC_DEMO": False})
    page = production.test_client().get("/staff/login").text
    assert "デモ用アカウント" not in page and "demo-reviewer" not in page
    assert not any(password in page for password in printed.values())
