"""Failed staff sign-ins are throttled per account and, more loosely, per client address;
concurrent guesses cannot slip past the limit, and a proxy's address header counts only
when the deployment says there is a proxy (FORMSVC_PROXY_COUNT)."""

from __future__ import annotations

import threading

import pytest

from formsvc import create_app
from formsvc.staff import throttling
from tests.applicant import csrf_token
from tests.conftest import database_of, empty_all_tables
from tests.staff.support import PASSWORD, make_staff

WRONG = "ユーザー名またはパスワードが正しくありません"
WAIT = "15分ほど待って"


def sign_in(client, username: str, password: str, address: str | None = None, forwarded_for: str | None = None):
    environ = {"REMOTE_ADDR": address} if address else {}
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    page = client.get("/staff/login", environ_base=environ, headers=headers)
    return client.post("/staff/login", environ_base=environ, headers=headers,
                       data={"csrf_token": csrf_token(page.text), "username": username, "password": password})


def test_the_address_limit_is_looser_than_the_account_limit():
    assert throttling.ADDRESS_LIMIT > 2 * throttling.ACCOUNT_LIMIT
    assert throttling.ACCOUNT_LIMIT == 5


def test_one_persons_typos_do_not_lock_out_the_office_behind_one_address(app, client):
    # Five failures with a mistyped name (one colleague) from the office's single address.
    for _ in range(throttling.ACCOUNT_LIMIT):
        assert WRONG in sign_in(client, "shinsa-typo", "whatever password").text
    assert WAIT in sign_in(client, "shinsa-typo", "whatever password").text
    make_staff(app, "shinsa", "reviewer")
    assert sign_in(client, "shinsa", PASSWORD).status_code == 302  # another colleague


def test_an_account_is_locked_whichever_address_the_guesses_come_from(app, client):
    make_staff(app, "shinsa", "reviewer")
    for index in range(throttling.ACCOUNT_LIMIT):
        assert WRONG in sign_in(client, "shinsa", "wrong password!!", address=f"198.51.100.{index}").text
    refused = sign_in(client, "shinsa", PASSWORD, address="198.51.100.200")
    assert refused.status_code == 400 and WAIT in refused.text


def test_many_failures_from_one_address_lock_that_address(app, client, monkeypatch):
    monkeypatch.setattr(throttling, "ADDRESS_LIMIT", 8)  # the real one takes long to reach (argon2)
    make_staff(app, "shinsa", "reviewer")
    for index in range(throttling.ADDRESS_LIMIT):
        assert WRONG in sign_in(client, f"guess{index}", "whatever password").text
    refused = sign_in(client, "shinsa", PASSWORD)
    assert refused.status_code == 400 and WAIT in refused.text
    assert sign_in(client, "shinsa", PASSWORD, address="192.0.2.77").status_code == 302


def test_a_right_password_clears_the_accounts_failures(app, client):
    make_staff(app, "shinsa", "reviewer")
    for _ in range(throttling.ACCOUNT_LIMIT - 1):
        sign_in(client, "shinsa", "wrong password!!")
    assert sign_in(client, "shinsa", PASSWORD).status_code == 302
    other = app.test_client()
    for _ in range(throttling.ACCOUNT_LIMIT - 1):
        assert WRONG in sign_in(other, "shinsa", "wrong password!!").text


def test_concurrent_guesses_are_evaluated_at_most_the_limit(app):
    make_staff(app, "shinsa", "reviewer")
    guesses = 40
    clients = [app.test_client() for _ in range(guesses)]
    tokens = [csrf_token(client.get("/staff/login").text) for client in clients]
    barrier = threading.Barrier(guesses)
    answers: list[tuple[int, str]] = []
    failures: list[BaseException] = []

    def guess(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = clients[index].post("/staff/login", data={
                "csrf_token": tokens[index], "username": "shinsa", "password": f"wrong password {index}"})
            answers.append((response.status_code, response.text))
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=guess, args=(index,)) for index in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == [] and len(answers) == guesses
    assert {status for status, _ in answers} == {400}
    evaluated = sum(WRONG in text for _, text in answers)
    refused = sum(WAIT in text for _, text in answers)
    assert evaluated + refused == guesses
    assert evaluated <= throttling.ACCOUNT_LIMIT, f"{evaluated} guesses were checked"
    # Guesses one after another get only what is left of the limit, then the account is locked.
    later = 0
    while later <= throttling.ACCOUNT_LIMIT and WRONG in sign_in(app.test_client(), "shinsa", "wrong again!!").text:
        later += 1
    assert evaluated + later == throttling.ACCOUNT_LIMIT
    assert WAIT in sign_in(app.test_client(), "shinsa", PASSWORD).text


def test_a_very_long_user_name_is_an_ordinary_failure(app, client):
    for length in (124, 200, 5000):
        response = sign_in(client, "x" * length, "whatever password")
        assert response.status_code == 400 and WRONG in response.text


@pytest.fixture
def proxied_app(database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
                      "INSTANCE_DIR": str(tmp_path), "PROXY_COUNT": 1})
    yield app
    empty_all_tables(app)
    database_of(app).engine.dispose()


def test_behind_a_configured_proxy_each_client_address_counts_separately(proxied_app, monkeypatch):
    monkeypatch.setattr(throttling, "ADDRESS_LIMIT", 3)
    make_staff(proxied_app, "shinsa", "reviewer")
    client = proxied_app.test_client()
    for index in range(3):
        sign_in(client, f"guess{index}", "whatever password", forwarded_for="203.0.113.1")
    assert WAIT in sign_in(client, "shinsa", PASSWORD, forwarded_for="203.0.113.1").text
    assert sign_in(client, "shinsa", PASSWORD, forwarded_for="203.0.113.2").status_code == 302


def test_without_a_configured_proxy_the_forwarded_header_is_ignored(app, client, monkeypatch):
    assert app.config["PROXY_COUNT"] == 0
    monkeypatch.setattr(throttling, "ADDRESS_LIMIT", 3)
    make_staff(app, "shinsa", "reviewer")
    for index in range(3):
        sign_in(client, f"guess{index}", "whatever password", forwarded_for=f"203.0.113.{index}")
    # A client cannot escape the address limit by making up a new X-Forwarded-For each time.
    assert WAIT in sign_in(client, "shinsa", PASSWORD, forwarded_for="203.0.113.99").text
