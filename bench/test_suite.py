"""How long a subset of the test suite takes here, against a baseline copy of the tree.

    .venv/bin/python bench/test_suite.py --baseline /tmp/base [--rounds 2] [--postgres URL] [pytest args]

The baseline is a copy of the working tree whose test infrastructure (tests/conftest.py …) is
the one to compare with. Rounds alternate between the two trees (A/B, so both see the same load
on this shared machine); printed are the medians of wall-clock and CPU time (user + system of
pytest and its children: less disturbed by the other processes) and their ratios.
Default subset: tests/review/test_workflow.py and tests/resident/test_application_flow.py.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TESTS = ["tests/review/test_workflow.py", "tests/resident/test_application_flow.py"]


def run(tree: Path, args: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                            cwd=tree, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"pytest failed in {tree}:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--postgres", help="TEST_DATABASE_URL: run the PostgreSQL half instead of SQLite")
    options, pytest_args = parser.parse_known_args()
    env = dict(os.environ)
    if options.postgres:
        env["TEST_DATABASE_URL"] = options.postgres
    selection = ["-k", "postgresql" if options.postgres else "sqlite"]
    args = (pytest_args or DEFAULT_TESTS) + selection
    results: dict[str, list[tuple[float, float]]] = {"baseline": [], "current": []}
    for round_number in range(options.rounds):
        for name, tree in (("baseline", options.baseline), ("current", ROOT)):
            wall, cpu = run(tree, args, env)
            results[name].append((wall, cpu))
            print(f"round {round_number + 1} {name:8}: wall {wall:7.1f} s  cpu {cpu:7.1f} s", flush=True)
    medians = {name: (statistics.median(w for w, _ in rows), statistics.median(c for _, c in rows))
               for name, rows in results.items()}
    for name, (wall, cpu) in medians.items():
        print(f"median {name:8}: wall {wall:7.1f} s  cpu {cpu:7.1f} s")
    print(f"current/baseline: wall {medians['current'][0] / medians['baseline'][0]:.2f}  "
          f"cpu {medians['current'][1] / medians['baseline'][1]:.2f}")


if __name__ == "__main__":
    main()
