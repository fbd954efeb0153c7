"""A resident's question page under gunicorn, against a hand-written Flask page (issue 17).

A script, not a test (see bench/README.md). It creates a scratch PostgreSQL database next to
the one named by TEST_DATABASE_URL (or --url), migrates it, loads juminhyo-copy, and serves:

* formsvc  — ``formsvc:create_app()``, the `subject` page of juminhyo-copy (氏名, フリガナ,
             生年月日, 郵便番号, 住所) of a draft that answered the first page;
* baseline — ``bench.baseline_app`` (a minimal Flask + Flask-WTF app with the same inputs,
             names, validation and CSRF; one draft read per GET, save + redirect per POST);

each under gunicorn with 2 sync workers and ``--preload`` (the documented command). A small
load generator (threads, http.client, a new connection per request as sync workers close it)
drives each with GET of the page and with a valid POST (save, 302), at concurrency 1 and 8, in
interleaved A/B rounds of a few seconds; it prints the median requests/s of each and their ratio,
and each worker's memory (PSS) after the run.

    .venv/bin/python bench/resident_page.py                        # about 3 minutes
    .venv/bin/python bench/resident_page.py --rounds 7 --seconds 4 --concurrency 1 8

With --template it measures only the rendering of that page's template (resident/page.html and the
field templates, no HTTP, no database), with the working tree's templates/ against those committed at
HEAD (or --before: a templates directory, or a file taken as components/form.html), in interleaved
rounds of the same process, and says whether the HTML is identical:

    .venv/bin/python bench/resident_page.py --template            # about 20 seconds
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.baseline_app import TABLE, create_table  # noqa: E402
from bench.queue_page import scratch_database  # noqa: E402

VENV = ROOT / ".venv" / "bin"
FORM = "juminhyo-copy"
HOST = "127.0.0.1"
# A valid answer to the subject page (the same body to both apps: the same input names).
ANSWERS = {
    "subject_name-family": "佐藤", "subject_name-given": "花子",
    "subject_kana-family": "サトウ", "subject_kana-given": "ハナコ",
    "subject_birth_date-year": "1985", "subject_birth_date-month": "4", "subject_birth_date-day": "12",
    "subject_postal_code": "105-0011",
    "subject_address-prefecture": "東京都", "subject_address-city": "港区", "subject_address-town": "芝公園",
    "subject_address-block": "４－２－８", "subject_address-building": "デモハイツ101",
    "action": "continue",
}
CSRF = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """One app under gunicorn (2 workers, --preload)."""

    def __init__(self, name: str, app: str, env: dict[str, str]):
        self.name, self.port = name, free_port()
        self.process = subprocess.Popen(
            [str(VENV / "gunicorn"), "--workers", "2", "--preload", "--bind", f"{HOST}:{self.port}",
             "--log-level", "warning", app],
            cwd=ROOT, env={**os.environ, **env}, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{name} did not start")

    def worker_pss_mib(self) -> list[float]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        sizes = []
        for pid in children:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            sizes.append(int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


class Browser:
    """A cookie jar and a CSRF token: one resident with one draft."""

    def __init__(self, port: int):
        self.port, self.cookies, self.token = port, {}, ""

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode({**body, "csrf_token": self.token}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, data, headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        found = CSRF.search(text)
        if found:
            self.token = found.group(1)
        return response.status, response.headers.get("Location", ""), text


def formsvc_browser(port: int) -> tuple[Browser, str]:
    browser = Browser(port)
    browser.request("GET", f"/forms/{FORM}/")
    status, location, _ = browser.request("POST", f"/forms/{FORM}/start", {})
    assert status == 302, status
    status, location, _ = browser.request("POST", f"/forms/{FORM}/pages/who",
                                          {"requester": "self", "action": "continue"})
    assert location.endswith("/pages/subject"), location
    path = f"/forms/{FORM}/pages/subject"
    status, _, _ = browser.request("GET", path)
    assert status == 200, status
    return browser, path


def baseline_browser(port: int) -> tuple[Browser, str]:
    browser = Browser(port)
    # The start POST needs a token made for this browser's session (/token, as a start page would).
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    connection.request("GET", "/token")
    response = connection.getresponse()
    browser.token = response.read().decode()
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        browser.cookies[name] = rest.split(";", 1)[0]
    connection.close()
    status, _, _ = browser.request("POST", "/start", {})
    assert status == 302, status
    status, _, _ = browser.request("GET", "/subject")
    assert status == 200, status
    return browser, "/subject"


def drive(browsers: list[tuple[Browser, str]], method: str, seconds: float) -> float:
    """Requests per second with one thread per browser for ``seconds``."""
    counts = [0] * len(browsers)
    stop = time.monotonic() + seconds
    errors: list[str] = []

    def run(i: int) -> None:
        browser, path = browsers[i]
        while time.monotonic() < stop:
            status, location, _ = browser.request(method, path, ANSWERS if method == "POST" else None)
            expected = 200 if method == "GET" else 302
            if status != expected:
                errors.append(f"{method} {path}: {status} {location}")
                return
            counts[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(browsers))]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(counts) / (time.monotonic() - started)


def earlier_templates(before: str | None, instance: str):
    """The loader of the templates to compare with: HEAD's templates/ (exported with git archive),
    a templates directory, or one file taken as components/form.html over the working tree's."""
    from jinja2 import BaseLoader, ChoiceLoader, DictLoader, FileSystemLoader

    if before and Path(before).is_file():
        return lambda current: ChoiceLoader(
            [DictLoader({"components/form.html": Path(before).read_text(encoding="utf-8")}), current])
    folder = before
    if folder is None:
        archive = subprocess.run(["git", "archive", "HEAD", "templates"], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", instance], input=archive, check=True)
        folder = str(Path(instance) / "templates")

    def loader(_current: BaseLoader) -> BaseLoader:
        return FileSystemLoader(folder)
    return loader


def template_benchmark(before_file: str | None, rounds: int, renders: int) -> None:
    """Render the subject page's template with the current templates and with the earlier ones."""
    from flask import template_rendered

    from formsvc import create_app
    from formsvc.migrate import upgrade

    instance = tempfile.mkdtemp(prefix="formsvc-bench-")
    before = earlier_templates(before_file, instance)
    url = f"sqlite:///{instance}/bench.sqlite3"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_DIR": instance})
    subprocess.run([str(VENV / "formsvc"), "load-definitions", f"form_definitions/{FORM}.yaml"], cwd=ROOT,
                   env={**os.environ, "DATABASE_URL": url, "FORMSVC_INSTANCE_PATH": instance}, check=True,
                   capture_output=True)
    client = app.test_client()
    found = CSRF.search(client.get(f"/forms/{FORM}/").text)
    assert found, "the start page has no CSRF token"
    token = found.group(1)
    client.post(f"/forms/{FORM}/start", data={"csrf_token": token})
    client.post(f"/forms/{FORM}/pages/who", data={"requester": "self", "action": "continue", "csrf_token": token})
    path = f"/forms/{FORM}/pages/subject"
    seen: list[tuple[str, dict]] = []

    def note(_app, template, context, **_):
        seen.append((template.name, dict(context)))

    with template_rendered.connected_to(note, app):
        assert client.get(path).status_code == 200
    name, context = seen[0]
    loader = app.jinja_env.loader
    assert loader is not None
    envs = {"after": app.jinja_env, "before": app.jinja_env.overlay(loader=before(loader))}
    html = {}
    with app.test_request_context(path):
        for label, env in envs.items():
            html[label] = env.get_template(name).render(context)  # compiled before the timing
        times: dict[str, list[float]] = {label: [] for label in envs}
        for round_ in range(rounds):
            order = list(envs) if round_ % 2 == 0 else list(reversed(envs))
            for label in order:
                template = envs[label].get_template(name)
                started = time.perf_counter()
                for _ in range(renders):
                    template.render(context)
                times[label].append((time.perf_counter() - started) / renders * 1000)
    same = "identical" if html["before"] == html["after"] else "DIFFERENT"
    b, a = statistics.median(times["before"]), statistics.median(times["after"])
    print(f"{name} of {path}: before {b:.2f} ms, after {a:.2f} ms a render "
          f"(after/before {a / b:.2f}, medians of {rounds} rounds of {renders}); HTML {same}")


def print_updates_in_place(url: str) -> None:
    """How many of each app's draft saves PostgreSQL made in place (HOT: no index written again),
    from the server's statistics (PostgreSQL 15+; the servers' last reports may be a moment late)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            time.sleep(1.5)  # each server process reports its counts at most once a second
            connection.execute(text("SELECT pg_stat_force_next_flush()"))
            for table, updated, in_place in connection.execute(text(
                    "SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables "
                    f"WHERE relname IN ('drafts', '{TABLE}') ORDER BY relname")):
                print(f"{table}: {updated} updates, {in_place} in place (HOT)")
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("TEST_DATABASE_URL",
                                                        "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--template", action="store_true", help="time only the page template's rendering")
    parser.add_argument("--before", help="the earlier templates directory, or components/form.html "
                                         "(default: HEAD's templates/)")
    parser.add_argument("--renders", type=int, default=200)
    args = parser.parse_args()
    if args.template:
        template_benchmark(args.before, args.rounds, args.renders)
        return

    url, drop = scratch_database(args.url)
    instance = tempfile.mkdtemp(prefix="formsvc-bench-")
    env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "FORMSVC_INSTANCE_PATH": instance}
    servers: list[Server] = []
    try:
        subprocess.run([str(VENV / "formsvc"), "db", "upgrade"], cwd=ROOT, env={**os.environ, **env},
                       check=True, capture_output=True)
        subprocess.run([str(VENV / "formsvc"), "load-definitions", f"form_definitions/{FORM}.yaml"], cwd=ROOT,
                       env={**os.environ, **env}, check=True, capture_output=True)
        create_table(url)
        formsvc = Server("formsvc", "formsvc:create_app()", env)
        servers.append(formsvc)
        baseline = Server("baseline", "bench.baseline_app:create_app()", env)
        servers.append(baseline)
        most = max(args.concurrency)
        ours = [formsvc_browser(formsvc.port) for _ in range(most)]
        theirs = [baseline_browser(baseline.port) for _ in range(most)]
        for method in ("GET", "POST"):
            for concurrency in args.concurrency:
                drive(ours[:concurrency], method, 1.0)  # warm both
                drive(theirs[:concurrency], method, 1.0)
                rates: dict[str, list[float]] = {"formsvc": [], "baseline": []}
                ratios = []
                for round_ in range(args.rounds):
                    pair = [("formsvc", ours), ("baseline", theirs)]
                    if round_ % 2:
                        pair.reverse()  # A/B then B/A: neither always runs second
                    got = {name: drive(browsers[:concurrency], method, args.seconds) for name, browsers in pair}
                    for name, rate in got.items():
                        rates[name].append(rate)
                    ratios.append(got["formsvc"] / got["baseline"])
                print(f"{method:4} c={concurrency}: formsvc {statistics.median(rates['formsvc']):7.1f} req/s, "
                      f"baseline {statistics.median(rates['baseline']):7.1f} req/s, ratio "
                      f"{statistics.median(ratios):.2f} (rounds {min(ratios):.2f}–{max(ratios):.2f})", flush=True)
        for server in servers:
            print(f"{server.name} workers PSS: " + ", ".join(f"{size:.0f} MiB" for size in server.worker_pss_mib()))
        print_updates_in_place(url)
    finally:
        for server in servers:
            server.stop()
        drop()


if __name__ == "__main__":
    main()
