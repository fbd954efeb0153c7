"""The application skeleton: configuration, health check, the `formsvc` command."""

from __future__ import annotations

import os
import stat
from functools import partial

import pytest
from flask import Flask

from formsvc import create_app
from formsvc.cli import main
from formsvc.config import load_or_create_secret_key, settings_from_environment


def test_healthz_answers_200_when_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_not(tmp_path):
    # Port 9 (discard) on loopback has nothing listening: a connection error, quickly.
    app = create_app({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none",
                      "TESTING": True})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_or_create_secret_key(tmp_path)
    second = load_or_create_secret_key(tmp_path)
    assert first == second and len(first) >= 40
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert load_or_create_secret_key(tmp_path) == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_defaults_are_safe(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMSVC_INSTANCE_PATH", str(tmp_path))
    for name in ("DATABASE_URL", "FORMSVC_DEMO", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = settings_from_environment()
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'formsvc.sqlite3'}"
    assert settings["FORMSVC_DEMO"] is False
    assert settings["SESSION_COOKIE_HTTPONLY"] is True


def test_demo_mode_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("FORMSVC_DEMO", "1")
    assert settings_from_environment()["FORMSVC_DEMO"] is True


def test_formsvc_routes_lists_the_health_check(app):
    result = app.test_cli_runner().invoke(main, ["routes"])
    assert result.exit_code == 0, result.output
    assert "/healthz" in result.output


def test_a_real_payment_providers_origin_is_allowed_as_a_form_target(monkeypatch, tmp_path):
    """支払いへ進む redirects to the provider after a POST: browsers check that against form-action."""
    from formsvc.config import payment_provider_origin

    assert payment_provider_origin("https://pay.example.jp") == "https://pay.example.jp"
    assert payment_provider_origin(None) is None
    for bad in ("http://pay.example.jp", "https://pay.example.jp; script-src *", "*", "https://a b"):
        with pytest.raises(ValueError):
            payment_provider_origin(bad)
    app = create_app({"TESTING": True, "PAYMENT_PROVIDER_ORIGIN": "https://pay.example.jp",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'csp.sqlite3'}"})
    policy = app.test_client().get("/healthz").headers["Content-Security-Policy"]
    assert "form-action 'self' https://pay.example.jp;" in policy



class Handler:
    def plain(self):
        return "plain"

    async def waiting(self):
        return "waiting"


async def waiting_function():
    return "waiting"


def judged_by(ensure_sync, func):
    """What ensure_sync does with ``func``: returns it as it is, wraps it, or refuses it (async
    views need Flask's async extra)."""
    try:
        made = ensure_sync(func)
    except RuntimeError as refused:
        return ("refused", str(refused))
    return ("as it is",) if made is func else ("wrapped", type(made))


def test_the_functions_flask_calls_are_judged_as_flask_judges_them(tmp_path):
    """create_app reads whether a function is a coroutine function itself (~150 lines of Python
    a request less: formsvc.plain_functions_as_they_are), with Flask's answer for each."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'sync.sqlite3'}"})
    handler = Handler()
    for func in (test_healthz_answers_200_when_the_database_is_reachable, handler.plain, len, Handler,
                 partial(judged_by, len), waiting_function, handler.waiting,
                 partial(waiting_function)):
        assert judged_by(app.ensure_sync, func) == judged_by(partial(Flask.ensure_sync, app), func), func
    assert judged_by(app.ensure_sync, handler.plain) == ("as it is",)
    assert judged_by(app.ensure_sync, waiting_function) != ("as it is",)
