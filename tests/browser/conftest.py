"""Browser fixtures: the real app on a local port, Debian's chromium through Playwright.

The app runs in a background thread (werkzeug's threaded server) against its own migrated
SQLite database with every definition in form_definitions/ loaded. Browser tests run on
SQLite only: how the pages behave does not depend on the database, and the database
behaviour itself is covered on SQLite and PostgreSQL by the test-client suite.

One chromium per test session; every test gets new browser contexts (fresh cookies, so a
fresh session and no drafts). Outside CI a missing chromium or axe-core skips these tests
with the command that installs it; in CI (CI=true) it is an error, so nothing is skipped.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from formsvc import create_app
from formsvc.db import database
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_file
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.loading import import_definitions
from formsvc.migrate import upgrade
from tests.backends import IN_CI
from tests.browser.support import AXE_SCRIPT, ROOT

DEFINITIONS_DIR = ROOT / "form_definitions"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # This machine has no internet: keep chromium from trying to reach Google's services.
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 10_000  # for every Playwright action and expect(); generous for a busy 2-core CI


def unavailable(reason: str):
    """Skip locally with the reason; fail in CI, where every browser test must run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI must run the browser tests)", pytrace=False)
    pytest.skip(reason)


# --- the app on a real port ---------------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    app: object = field(repr=False)
    definitions: dict[str, FormDefinition] = field(repr=False)
    definition_errors: dict[str, str] = field(repr=False)
    server_errors: list[str] = field(default_factory=list, repr=False)

    def definition(self, form_id: str) -> FormDefinition:
        """The loaded definition; fails with the file's errors when it could not be loaded."""
        if form_id not in self.definitions:
            problem = self.definition_errors.get(form_id, "no such file in form_definitions/")
            pytest.fail(f"form definition {form_id!r} is not available: {problem}", pytrace=False)
        return self.definitions[form_id]


class _ErrorLog(logging.Handler):
    """Collects what the live server logs at ERROR (e.g. the traceback behind a 500 page).

    Every app's logger is the same "formsvc" logger, so only records from the server's request
    threads are kept (the test-client suite logs from the main thread).
    """

    def __init__(self, sink: list[str]):
        super().__init__(logging.ERROR)
        self.sink = sink
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if record.threadName != threading.main_thread().name:
            self.sink.append(self.format(record))


def _load_definitions(app) -> tuple[dict[str, FormDefinition], dict[str, str]]:
    """Publish each definition file on its own, so one file being edited cannot hide the rest."""
    loaded: dict[str, FormDefinition] = {}
    errors: dict[str, str] = {}
    for path in sorted(DEFINITIONS_DIR.glob("*.yaml")):
        try:
            definition = load_file(path).definition
        except DefinitionInvalid as invalid:
            errors[path.stem] = "; ".join(str(error) for error in invalid.errors)
            continue
        with app.app_context(), database().transaction() as session:
            report = import_definitions(session, [path], actor="browser-tests")
        if report.errors:
            errors[path.stem] = "; ".join(str(error) for error in report.errors)
        else:
            loaded[definition.id] = definition
    return loaded, errors


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    from werkzeug.serving import make_server

    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'formsvc.sqlite3'}"
    upgrade(url)
    app = create_app({
        "DATABASE_URL": url,
        "SECRET_KEY": "browser-test-secret-key",
        "INSTANCE_DIR": str(folder),
        # Demo mode mounts the mock My Number card, so sign-in is tested in the browser too.
        "FORMSVC_DEMO": True,
    })
    definitions, definition_errors = _load_definitions(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = LiveServer(f"http://127.0.0.1:{server.server_port}", app, definitions, definition_errors)
    handler = _ErrorLog(live.server_errors)
    app.logger.addHandler(handler)
    thread = threading.Thread(target=server.serve_forever, name="formsvc-live-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=10)
    app.logger.removeHandler(handler)
    with app.app_context():
        database().engine.dispose()


# --- chromium and axe-core ----------------------------------------------------------------

def chromium_executable() -> str | None:
    configured = os.environ.get("FORMSVC_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (it is in requirements.lock: run make test)")
    executable = chromium_executable()
    if executable is None:
        unavailable("chromium is not installed: apt-get install -y chromium (or run make test as root)")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE_SCRIPT.exists():
        unavailable("axe-core is not installed: run npm ci --no-audit --no-fund (make test does)")
    return AXE_SCRIPT


# --- contexts and pages -------------------------------------------------------------------

class PageProblems:
    """Uncaught script errors and Content-Security-Policy refusals seen by a page."""

    def __init__(self):
        self.messages: list[str] = []

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.messages.append(f"uncaught error: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.messages.append(f"CSP: {message.text}")


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable]:
    """Open a page in a new browser context: new_page(javascript=True, bypass_csp=False).

    bypass_csp is only for the accessibility checks, which inject axe-core as an inline script
    that the app's Content-Security-Policy (rightly) refuses.
    """
    contexts = []
    problems = PageProblems()
    errors_before = len(live_server.server_errors)

    def open_page(javascript: bool = True, bypass_csp: bool = False):
        context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript,
                                      bypass_csp=bypass_csp, locale="ja-JP",
                                      viewport={"width": 1024, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    server_errors = live_server.server_errors[errors_before:]
    assert not server_errors, "the app logged errors:\n" + "\n\n".join(server_errors)
    assert not problems.messages, "problems in the browser:\n" + "\n".join(problems.messages)


@pytest.fixture
def page(new_page):
    """A page with JavaScript on (the app's own CSP enforced)."""
    return new_page(javascript=True)


@pytest.fixture
def nojs_page(new_page):
    """A page with JavaScript off: every page must work without it."""
    return new_page(javascript=False)


@pytest.fixture
def axe_page(new_page, axe_script):
    """A page for the accessibility checks (JavaScript on, CSP bypassed to inject axe-core)."""
    return new_page(javascript=True, bypass_csp=True)
