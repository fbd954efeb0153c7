"""CPU time of the resident question page in-process, formsvc against the baseline (issue 17).

A script, not a test (see bench/README.md, resident_page.py's "Fifth round"). No HTTP server: each
app is driven through Flask's test client against a scratch PostgreSQL database (as
bench/resident_page.py), so that what is measured is the CPU of the request in Python — the part
the page's design decides — with the database round trips included but no sockets to the client.
Interleaved rounds; medians of the CPU time a request (``time.process_time``).

    .venv/bin/python bench/resident_cpu.py                          # GET and POST, 7 rounds × 300
    .venv/bin/python bench/resident_cpu.py --profile get            # cProfile of formsvc's GET
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.baseline_app import create_table  # noqa: E402
from bench.queue_page import scratch_database  # noqa: E402
from bench.resident_page import ANSWERS, CSRF, FORM, VENV  # noqa: E402


def formsvc_client(env: dict[str, str]):
    from formsvc import create_app

    app = create_app({"DATABASE_URL": env["DATABASE_URL"], "SECRET_KEY": "bench",
                      "INSTANCE_DIR": env["FORMSVC_INSTANCE_PATH"]})
    client = app.test_client()
    token = CSRF.search(client.get(f"/forms/{FORM}/").text).group(1)
    client.post(f"/forms/{FORM}/start", data={"csrf_token": token})
    client.post(f"/forms/{FORM}/pages/who", data={"requester": "self", "action": "continue", "csrf_token": token})
    path = f"/forms/{FORM}/pages/subject"
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return client, path, CSRF.search(page.text).group(1), page.text


def baseline_client():
    from bench.baseline_app import create_app

    app = create_app()
    client = app.test_client()
    token = client.get("/token").text
    client.post("/start", data={"csrf_token": token})
    page = client.get("/subject")
    assert page.status_code == 200, page.status_code
    return client, "/subject", CSRF.search(page.text).group(1), page.text


def one(client, path: str, token: str, method: str) -> None:
    if method == "get":
        response = client.get(path)
        assert response.status_code == 200, response.status_code
    else:
        response = client.post(path, data={**ANSWERS, "csrf_token": token})
        assert response.status_code == 302, response.status_code


def cpu_per_request(client, path, token, method, count) -> tuple[float, float]:
    """CPU and wall milliseconds a request (the wall time includes the database's answers)."""
    started, wall = time.process_time(), time.perf_counter()
    for _ in range(count):
        one(client, path, token, method)
    return ((time.process_time() - started) / count * 1000, (time.perf_counter() - wall) / count * 1000)


# Where psycopg waits for the server (the GIL released): left out of the samples.
WAITS = {"wait", "_exec_command"}


def sample(run, count: int, lines: int) -> None:
    """Inclusive share of samples per function (file:line name), and per template line."""
    import collections
    import threading

    main_id = threading.get_ident()
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    done = threading.Event()

    def sampler() -> None:
        nonlocal total
        while not done.is_set():
            time.sleep(0.0002)
            frame = sys._current_frames().get(main_id)
            if frame is None:
                continue
            if frame.f_code.co_name in WAITS:
                continue  # waiting for the database: not CPU of this process
            total += 1
            seen = set()
            first = True
            while frame is not None:
                code = frame.f_code
                where = code.co_filename.replace(str(ROOT), "").replace("/.venv/lib/python3.11/site-packages", "")
                key = f"{where}:{code.co_firstlineno} {code.co_name}"
                if first:
                    own[key] += 1
                    first = False
                if key not in seen:
                    inclusive[key] += 1
                    seen.add(key)
                frame = frame.f_back

    thread = threading.Thread(target=sampler)
    sys.setswitchinterval(0.00005)  # else the sampler runs only when the request waits for the database
    thread.start()
    try:
        for _ in range(count):
            run()
    finally:
        done.set()
        thread.join()
    print(f"{total} samples")
    print("-- inclusive")
    for key, n in inclusive.most_common(lines):
        print(f"{n / total * 100:5.1f}%  {key}")
    print("-- own")
    for key, n in own.most_common(lines):
        print(f"{n / total * 100:5.1f}%  {key}")
    by_file: collections.Counter[str] = collections.Counter()
    for key, n in own.items():
        by_file[key.split(":", 1)[0]] += n
    print("-- own, by file")
    for key, n in by_file.most_common(lines):
        print(f"{n / total * 100:5.1f}%  {key}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("TEST_DATABASE_URL",
                                                        "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--methods", nargs="+", default=["get", "post"])
    parser.add_argument("--profile", choices=["get", "post"], help="cProfile formsvc's GET or POST instead")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--sample", action="store_true",
                        help="with --profile: sample the stack (a thread, every 0.2 ms) instead of cProfile, "
                             "which inflates code that makes many small calls")
    parser.add_argument("--lines", type=int, default=45)
    parser.add_argument("--html", help="write formsvc's page to this file")
    parser.add_argument("--dump", help="write the profile's statistics to this file (pstats)")
    args = parser.parse_args()

    url, drop = scratch_database(args.url)
    instance = tempfile.mkdtemp(prefix="formsvc-bench-")
    env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "FORMSVC_INSTANCE_PATH": instance}
    os.environ.update(env)
    try:
        import subprocess

        subprocess.run([str(VENV / "formsvc"), "db", "upgrade"], cwd=ROOT, env={**os.environ, **env},
                       check=True, capture_output=True)
        subprocess.run([str(VENV / "formsvc"), "load-definitions", f"form_definitions/{FORM}.yaml"], cwd=ROOT,
                       env={**os.environ, **env}, check=True, capture_output=True)
        create_table(url)
        ours = formsvc_client(env)
        if args.html:
            Path(args.html).write_text(ours[3], encoding="utf-8")
        if args.profile:
            for _ in range(200):
                one(*ours[:3], args.profile)
            if args.sample:
                sample(lambda: one(*ours[:3], args.profile), args.requests, args.lines)
                return
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                one(*ours[:3], args.profile)
            profiler.disable()
            if args.dump:
                profiler.dump_stats(args.dump)
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)
            return
        theirs = baseline_client()
        for method in args.methods:
            for client in (ours, theirs):
                cpu_per_request(*client[:3], method, 100)  # warm
            times: dict[str, list[float]] = {"formsvc": [], "baseline": []}
            walls: dict[str, list[float]] = {"formsvc": [], "baseline": []}
            for round_ in range(args.rounds):
                pair = [("formsvc", ours), ("baseline", theirs)]
                if round_ % 2:
                    pair.reverse()
                for name, client in pair:
                    cpu, wall = cpu_per_request(*client[:3], method, args.requests)
                    times[name].append(cpu)
                    walls[name].append(wall)
            f, b = statistics.median(times["formsvc"]), statistics.median(times["baseline"])
            fw, bw = statistics.median(walls["formsvc"]), statistics.median(walls["baseline"])
            print(f"{method.upper():4}: formsvc {f:.2f} ms ({min(times['formsvc']):.2f}–{max(times['formsvc']):.2f}), "
                  f"baseline {b:.2f} ms ({min(times['baseline']):.2f}–{max(times['baseline']):.2f}) of CPU a "
                  f"request, baseline/formsvc {b / f:.2f}; wall {fw:.2f} vs {bw:.2f} ms, {bw / fw:.2f}  "
                  f"[load {os.getloadavg()[0]:.1f}]", flush=True)
    finally:
        drop()


if __name__ == "__main__":
    main()
