"""`formsvc validate` of 100 definitions, the whole process, against YAML + pydantic alone.

A script, not a test (see bench/README.md). It writes 100 definitions into a temporary folder
(copies of the shipped ones, each with its own id, and the shipped shared/ blocks and lists),
then times whole processes in interleaved rounds (ours, baseline, ours, baseline …):

* ours     — ``.venv/bin/formsvc validate DIR`` (what an author or CI runs);
* baseline — a process that only reads each file with libyaml (``yaml.load(…, CSafeLoader)``)
             and validates it with the schema model (``FormDefinition.model_validate``): no
             source map, no shared blocks, no semantic checks, no error locations;
* with --before, also the way it was before issue 17: the pure-Python YAML parser and the app
  created first (``create_app()`` then validate, as the Flask command group did);
* with --compare DIR, also ours and the baseline with the ``formsvc`` package found in DIR first
  (PYTHONPATH), e.g. an earlier commit: ``git archive HEAD formsvc | tar -x -C DIR``.

    .venv/bin/python bench/validate.py                  # 100 definitions, 7 rounds (about a minute)
    .venv/bin/python bench/validate.py --copies 200 --rounds 9 --before
    .venv/bin/python bench/validate.py --compare /tmp/formsvc-head

Wall time is what a person waits; CPU seconds (user + system of the child) are less disturbed
by other work on a shared machine. Medians, with the spread (min–max) in brackets.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "form_definitions"

BASELINE = """\
import sys
from pathlib import Path

import yaml
from pydantic import ValidationError

from formsvc.definitions.schema import FormDefinition

valid = invalid = 0
for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    try:
        FormDefinition.model_validate(data)
        valid += 1
    except ValidationError:
        invalid += 1  # shared blocks (use:) are not expanded here: less work than ours
print(f"{valid} valid, {invalid} invalid")
"""

BEFORE = """\
import sys

from formsvc import create_app
from formsvc.cli import main
from formsvc.definitions import yaml_source

yaml_source._CParser = None  # the pure-Python parser, as before
create_app()  # every command built the app first
main(["validate", sys.argv[1]])
"""

# Ours with an earlier formsvc (--compare): its console script's entry point, whichever it had.
ENTRY = """\
import sys
from pathlib import Path

import formsvc

# (the editable install's finder would find the working tree's command_line.py: look in DIR)
if (Path(formsvc.__file__).parent / "command_line.py").exists():
    from formsvc.command_line import main
else:  # before `validate` ran without Flask's command line
    from formsvc.cli import main
sys.argv = ["formsvc", *sys.argv[1:]]
main()
"""

_ID_LINE = re.compile(r"^id: (?P<id>[a-z0-9-]+)$", re.MULTILINE)


def write_definitions(folder: Path, copies: int) -> None:
    """``copies`` definitions: the shipped ones in turn, each copy with its own id."""
    shipped = sorted(SHIPPED.glob("*.yaml"))
    shutil.copytree(SHIPPED / "shared", folder / "shared")
    for number in range(copies):
        source = shipped[number % len(shipped)]
        text = source.read_text(encoding="utf-8")
        text, replaced = _ID_LINE.subn(rf"id: \g<id>-{number:03d}", text, count=1)
        assert replaced == 1, source
        (folder / f"{source.stem}-{number:03d}.yaml").write_text(text, encoding="utf-8")


def run(command: list[str], code: Path | None = None) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system) and output of one child process; ``code``: the
    folder whose formsvc package it imports (PYTHONPATH, and the working folder, which
    ``python -c`` puts first), else this checkout's."""
    env = None if code is None else {**os.environ, "PYTHONPATH": str(code)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=code or ROOT, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return wall, cpu, (done.stdout + done.stderr).strip().splitlines()[-1]


def summary(samples: list[float]) -> str:
    return f"{statistics.median(samples):.2f} s ({min(samples):.2f}–{max(samples):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--before", action="store_true", help="also time the pre-issue-17 way")
    parser.add_argument("--compare", type=Path, metavar="DIR",
                        help="also time ours and the baseline with the formsvc package in DIR (PYTHONPATH)")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="formsvc-validate-") as scratch:
        folder = Path(scratch)
        write_definitions(folder, arguments.copies)
        commands = {
            "ours": [str(Path(sys.executable).parent / "formsvc"), "validate", str(folder)],
            "baseline": [sys.executable, "-c", BASELINE, str(folder)],
        }
        if arguments.before:
            commands["before"] = [sys.executable, "-c", BEFORE, str(folder)]
        codes: dict[str, Path | None] = {name: None for name in commands}
        if arguments.compare:
            commands["ours@DIR"] = [sys.executable, "-c", ENTRY, "validate", str(folder)]
            commands["baseline@DIR"] = commands["baseline"]
            codes["ours@DIR"] = codes["baseline@DIR"] = arguments.compare.resolve()
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        for name, command in commands.items():  # warm the file cache and .pyc files
            print(f"{name}: {run(command, codes[name])[2]}")
        for _ in range(arguments.rounds):
            for name, command in commands.items():
                wall, cpu, _ = run(command, codes[name])
                walls[name].append(wall)
                cpus[name].append(cpu)

    print(f"\n{arguments.copies} definitions, {arguments.rounds} interleaved rounds, medians (min–max):")
    print(f"{'':10} {'wall':>22} {'CPU':>22}")
    for name in commands:
        print(f"{name:10} {summary(walls[name]):>22} {summary(cpus[name]):>22}")
    for name in [name for name in commands if not name.startswith("baseline")]:
        against = "baseline@DIR" if name.endswith("@DIR") else "baseline"
        wall = statistics.median(walls[name]) / statistics.median(walls[against])
        cpu = statistics.median(cpus[name]) / statistics.median(cpus[against])
        print(f"{name} / {against}: wall {wall:.2f}, CPU {cpu:.2f}")
    if arguments.compare:
        wall = statistics.median(walls["ours"]) / statistics.median(walls["ours@DIR"])
        cpu = statistics.median(cpus["ours"]) / statistics.median(cpus["ours@DIR"])
        print(f"ours / ours@DIR: wall {wall:.2f}, CPU {cpu:.2f}")


if __name__ == "__main__":
    main()
