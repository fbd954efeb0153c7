"""Benchmark: what saving an edit in the browser costs, against `formsvc validate` itself.

    .venv/bin/python bench/definition_editing.py [--rounds 5] [--repeat 20]

For each definition in form_definitions/ it times, in the same run and process:

* baseline: load_text (exactly what `formsvc validate` does for one file: YAML with positions,
            the pydantic schema, the semantic checks);
* save:     what the structured editor does when a question's label is changed: edit the YAML
            text in place (formsvc.admin.editing.update_field) and validate the result with the
            same load_text (the database write is left out: it is one row);
* diff:     the publish page's "what changed" list and the YAML text diff between the two
            versions (formsvc.admin.diff.describe_changes + source_diff).

It prints milliseconds per call (best round) and the ratios save / baseline and diff / baseline.
A save ratio near 1 means the editor costs little beyond the validation it must do anyway.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formsvc.admin import editing  # noqa: E402
from formsvc.admin.diff import describe_changes, source_diff  # noqa: E402
from formsvc.definitions.loader import load_text  # noqa: E402


def best_ms(action: Callable[[], object], rounds: int, repeat: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            action()
        times.append((time.perf_counter() - start) / repeat)
    return min(times) * 1000


def first_labelled_field(definition):
    for page in definition.pages:
        for spec in page.fields:
            if spec.label is not None:
                return page.id, spec
    raise ValueError(f"{definition.id} has no labelled question")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    print(f"{'definition':<20} {'lines':>5} {'validate ms':>12} {'save ms':>9} {'diff ms':>9}"
          f" {'save/validate':>14} {'diff/validate':>14}")
    for path in sorted((ROOT / "form_definitions").glob("*.yaml")):
        source = path.read_text(encoding="utf-8")
        old = load_text(source, path.name)
        page_id, spec = first_labelled_field(old.definition)
        label = {"ja": spec.label.ja + "（改）"}

        def save(source=source, page_id=page_id, field_id=spec.id, label=label, name=path.name):
            return load_text(editing.update_field(source, page_id, field_id, {"label": label}), name)

        new = save()

        def diff(old=old, new=new):
            describe_changes(old.definition, new.definition)
            source_diff(old.source, new.source, "v1", "v2")

        assert describe_changes(old.definition, new.definition), "the edit changed nothing"
        baseline = best_ms(lambda source=source, name=path.name: load_text(source, name), args.rounds, args.repeat)
        saving = best_ms(save, args.rounds, args.repeat)
        diffing = best_ms(diff, args.rounds, args.repeat)
        print(f"{path.stem:<20} {source.count(chr(10)):>5} {baseline:>12.2f} {saving:>9.2f} {diffing:>9.2f}"
              f" {saving / baseline:>14.2f} {diffing / baseline:>14.2f}")


if __name__ == "__main__":
    main()
