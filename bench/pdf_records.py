"""Benchmark: printable records (formsvc.records) against bare WeasyPrint, in the same run.

    .venv/bin/python bench/pdf_records.py [--records 20] [--rounds 3] [--batch 200] [--batch-rounds 2]
    .venv/bin/python bench/pdf_records.py --compare-in-process   # also the old in-worker batch

Makes its own temporary SQLite database (migrated with formsvc.migrate.upgrade), imports the
粗大ごみ procedure from form_definitions/ and stores submissions with three items each. Then:

* single record: render_record (database reads, view model, QR code, template, tagged PDF/UA-1
  with BIZ UD Gothic embedded and subset, page footer) against a fair baseline: bare WeasyPrint
  writing the same answers as plain <p> paragraphs in the same font, its FontConfiguration and
  stylesheet made ONCE and shared by every call (as ours are), HTML prepared before timing.
  Each record is timed right after its baseline (interleaved), rounds repeated; the ratio is
  median baseline time / median ours (records per second, ours / baseline: 1.0 = as fast).
* batch: render_batch of --batch records (child processes, formsvc.records.batch) against
  render_record of the same records one by one in this process, interleaved rounds; the ratio
  is singles' time / batch's time (how many times faster the batch is). During the first batch
  the RSS of this process (the web worker) and of its children is sampled every 10 ms: the
  worker's peak growth, what it keeps afterwards (after gc.collect()), the children's peak.

See bench/README.md for the numbers on the development machine.
"""

from __future__ import annotations

import argparse
import gc
import html
import io
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402
from sqlalchemy import select  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from formsvc import clock  # noqa: E402
from formsvc.applications.answers import Answers  # noqa: E402
from formsvc.applications.flow import Flow  # noqa: E402
from formsvc.db import Database  # noqa: E402
from formsvc.forms.catalog import published  # noqa: E402
from formsvc.forms.loading import import_definitions  # noqa: E402
from formsvc.migrate import upgrade  # noqa: E402
from formsvc.records import batch as batch_module  # noqa: E402
from formsvc.records import render_archive, render_batch, render_record  # noqa: E402
from formsvc.records.context import build_record  # noqa: E402
from formsvc.records.pdf import _one_pdf, font_face_css  # noqa: E402
from formsvc.submissions.models import Submission, SubmissionEvent  # noqa: E402
from formsvc.submissions.reception import new_reception_number  # noqa: E402

FORM = "sodai-gomi"
MUNICIPALITY = "デモ市"
PEOPLE = [
    ({"family": "山本", "given": "健一"}, {"family": "ヤマモト", "given": "ケンイチ"}),
    ({"family": "佐藤", "given": "花子"}, {"family": "サトウ", "given": "ハナコ"}),
    ({"family": "高橋", "given": "誠"}, {"family": "タカハシ", "given": "マコト"}),
    ({"family": "田中", "given": "美咲"}, {"family": "タナカ", "given": "ミサキ"}),
]
ITEMS = [
    {"item_kind": "sofa", "quantity": 1, "item_note": "3人掛け、幅180cm、布張り。階段が狭いので2人で運び出します。"},
    {"item_kind": "futon", "quantity": 3},
    {"item_kind": "bicycle", "quantity": 2, "item_note": "電動アシスト自転車（バッテリーは外してあります）"},
]


def answers_for(definition, overrides: dict, items: list[dict], today: date) -> dict:
    """Stored answers as the resident pages would store them: page by page, conditions applied."""
    answers: dict = {"fields": {}, "items": {}}
    for page in definition.pages:
        flow = Flow(definition, Answers.from_json(answers), today)
        if page.kind == "exit" or not flow.is_page_shown(page):
            continue
        specs = [spec for spec in flow.visible_fields(page) if spec.has_answer]
        if page.repeat is not None:
            answers["items"][page.id] = [
                {spec.id: spec.to_json(item.get(spec.id, spec.example_answer())) for spec in specs
                 if spec.id in item or spec.required}
                for item in items]
            continue
        for spec in specs:
            if spec.id in overrides or spec.required:
                answers["fields"][spec.id] = spec.to_json(overrides.get(spec.id, spec.example_answer()))
    return answers


def make_data(database: Database, count: int) -> list[int]:
    with database.transaction() as session:
        report = import_definitions(session, [ROOT / "form_definitions" / f"{FORM}.yaml"], actor="bench")
        assert not report.errors, report.errors
    today = clock.today()
    ids = []
    with database.transaction() as session:
        compiled = published(session, FORM)
        definition = compiled.definition
        for n in range(count):
            name, kana = PEOPLE[n % len(PEOPLE)]
            answers = answers_for(definition, {
                "has_recycling_appliances": False, "applicant_name": name, "applicant_kana": kana,
                "phone": "03-1234-5678", "email": f"resident{n}@example.jp",
                "collection_postal_code": "160-0023",
                "collection_address": {"prefecture": "東京都", "city": "新宿区", "town": "西新宿",
                                       "block": f"3-7-{n + 1}", "building": "デモマンション203"},
                "put_out_place": "collection_point", "preferred_date": today + timedelta(days=10),
            }, ITEMS, today)
            fee = Flow(definition, Answers.from_json(answers), today).fee()
            submission = Submission(reception_number=new_reception_number(), form_id=FORM,
                                    version_id=compiled.version_id, answers=answers, fee=int(fee),
                                    channel="online", status="in_review")
            session.add(submission)
            session.flush()
            session.add_all([
                SubmissionEvent(submission_id=submission.id, kind="submitted", actor="resident"),
                SubmissionEvent(submission_id=submission.id, kind="claimed", actor="鈴木一郎",
                                comment="収集日を調整します。"),
            ])
            ids.append(submission.id)
    return ids


# --- the baseline: bare WeasyPrint, the same answers as plain paragraphs ----------------------

BASELINE_CSS = "@page { size: A4; margin: 18mm } html { font-family: BIZUDGothic; font-size: 10pt }"


def baseline_paragraphs(session, submission) -> str:
    record = build_record(session, submission, MUNICIPALITY)
    lines = [record.municipality, record.title, record.reception_display, record.submitted_at]
    for section in record.sections:
        lines.append(section.title)
        lines += [f"{entry.label}: {entry.text}" for entry in section.entries]
        for item in section.items:
            lines.append(item.title)
            lines += [f"{entry.label}: {entry.text}" for entry in item.entries]
    lines.append(f"手数料: {record.fee}")
    lines += [f"{event.when} {event.label} {event.actor}" for event in record.history]
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


class Baseline:
    """Bare WeasyPrint with what any application would share between calls: one
    FontConfiguration and the parsed stylesheet (the old baseline made both per call)."""

    def __init__(self):
        self.font_config = FontConfiguration()
        self.css = CSS(string=font_face_css() + BASELINE_CSS, font_config=self.font_config)

    def pdf(self, body: str) -> bytes:
        return HTML(string=f'<html lang="ja"><body>{body}</body></html>').write_pdf(
            stylesheets=[self.css], font_config=self.font_config)


# --- memory -----------------------------------------------------------------------------------

PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 1024 * 1024


def rss(pid: int | str = "self") -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError, ValueError):
        return 0.0


class Sampler(threading.Thread):
    """Every 10 ms: the peak RSS of this process and of the sum of its children, and the CPU
    time each child has used (children of the fork server: not in getrusage's RUSAGE_CHILDREN)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.peak = self.children_peak = 0
        self.children_cpu: dict[int, float] = {}

    def run(self):
        while not self.stop.wait(0.01):
            self.peak = max(self.peak, rss())
            children = [child.pid for child in multiprocessing.active_children() if child.pid]
            self.children_peak = max(self.children_peak, sum(rss(pid) for pid in children))
            for pid in children:
                self.children_cpu[pid] = max(self.children_cpu.get(pid, 0.0), cpu_seconds(pid))

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.join()


def measured_batch(work) -> dict:
    gc.collect()
    before = rss()
    with Sampler() as sampler:
        start, cpu = time.perf_counter(), time.process_time()
        work()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    gc.collect()
    return {"seconds": seconds, "cpu": cpu, "children_cpu": sum(sampler.children_cpu.values()),
            "peak": max(sampler.peak, before) - before, "kept": rss() - before,
            "children_peak": sampler.children_peak}


# --- main -------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20, help="single records per round (20)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of single records (3)")
    parser.add_argument("--batch", type=int, default=200, help="records in the batch (200; 0: no batch)")
    parser.add_argument("--batch-rounds", type=int, default=2, help="rounds of batch vs singles (2)")
    parser.add_argument("--compare-in-process", action="store_true",
                        help="also time the old batch: all records laid out in this process")
    options = parser.parse_args()
    began = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="formsvc-bench-") as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        database = Database(url)
        ids = make_data(database, max(options.records, options.batch))
        with database.session_factory() as session:
            submissions = list(session.scalars(select(Submission).where(Submission.id.in_(ids))
                                               .order_by(Submission.id)))
            singles = submissions[:options.records]
            bodies = [baseline_paragraphs(session, submission) for submission in singles]
            baseline = Baseline()
            # Warm up both (font files into the page cache, Python caches, compiled definition).
            render_record(session, singles[0], MUNICIPALITY)
            baseline.pdf(bodies[0])

            ours_s, base_s, archive_s, ours_cpu, base_cpu = [], [], [], [], []
            for _ in range(options.rounds):
                session.expire_all()  # read the version and the events again, as a request would
                for submission, body in zip(singles, bodies, strict=True):
                    start, start_cpu = time.perf_counter(), time.process_time()
                    render_record(session, submission, MUNICIPALITY)
                    middle, middle_cpu = time.perf_counter(), time.process_time()
                    baseline.pdf(body)
                    end, end_cpu = time.perf_counter(), time.process_time()
                    ours_cpu.append(middle_cpu - start_cpu)
                    base_cpu.append(end_cpu - middle_cpu)
                    render_archive(session, submission, MUNICIPALITY)
                    archive_s.append(time.perf_counter() - end)
                    ours_s.append(middle - start)
                    base_s.append(end - middle)
            pages = len(PdfReader(io.BytesIO(render_record(session, singles[0], MUNICIPALITY))).pages)
            sizes = (len(render_record(session, singles[0], MUNICIPALITY)), len(baseline.pdf(bodies[0])))

            batch_rows = []
            if options.batch:
                chosen = submissions[:options.batch]
                render_batch(session, chosen[:5], MUNICIPALITY)  # starts the fork server (once a worker)

                def batch():
                    session.expire_all()
                    render_batch(session, chosen, MUNICIPALITY)

                def one_by_one():
                    session.expire_all()
                    for submission in chosen:
                        render_record(session, submission, MUNICIPALITY)

                def in_process():  # the batch before issue 17: every record laid out here
                    session.expire_all()
                    printed_at = clock.now()
                    _one_pdf([build_record(session, s, MUNICIPALITY, printed_at) for s in chosen],
                             "record.html", "bench")

                for round_ in range(options.batch_rounds):
                    row = {"batch": measured_batch(batch)}
                    start, cpu = time.perf_counter(), time.process_time()
                    one_by_one()
                    row["singles"], row["singles_cpu"] = time.perf_counter() - start, time.process_time() - cpu
                    if options.compare_in_process and round_ == 0:
                        row["in_process"] = measured_batch(in_process)
                    batch_rows.append(row)

    median = statistics.median
    print(f"PDF records: 粗大ごみ submissions (3 items each); {options.records} single records x "
          f"{options.rounds} rounds, interleaved with the baseline; medians")
    print(f"single record: ours {median(ours_s) * 1000:.0f} ms, baseline {median(base_s) * 1000:.0f} ms, "
          f"ours/baseline {median(base_s) / median(ours_s):.2f} (rate ratio)")
    print(f"  by CPU time (less disturbed by other work on the machine): ours {median(ours_cpu) * 1000:.0f} ms, "
          f"baseline {median(base_cpu) * 1000:.0f} ms, ours/baseline {median(base_cpu) / median(ours_cpu):.2f}")
    print(f"archive (PDF/A-3u): {median(archive_s) * 1000:.0f} ms, ours/baseline "
          f"{median(base_s) / median(archive_s):.2f}")
    print(f"one record: {pages} page(s), ours {sizes[0] / 1024:.0f} KiB, baseline {sizes[1] / 1024:.0f} KiB")
    for number, row in enumerate(batch_rows, 1):
        b = row["batch"]
        print(f"batch of {options.batch}, round {number}: {b['seconds']:.1f} s vs {row['singles']:.1f} s of singles "
              f"= {row['singles'] / b['seconds']:.2f}x; worker RSS +{b['peak'] / MIB:.0f} MiB peak, "
              f"+{b['kept'] / MIB:.0f} MiB kept; children's RSS peak {b['children_peak'] / MIB:.0f} MiB")
        # On two otherwise idle cores the batch would take about its serial part (the worker's CPU)
        # plus the children's CPU shared by the workers.
        idle = b["cpu"] + b["children_cpu"] / batch_module.WORKERS
        print(f"  CPU: worker {b['cpu']:.1f} s + children {b['children_cpu']:.1f} s "
              f"(singles {row['singles_cpu']:.1f} s): on {batch_module.WORKERS} idle cores about {idle:.1f} s "
              f"= {row['singles_cpu'] / idle:.2f}x singles")
        if "in_process" in row:
            old = row["in_process"]
            print(f"  old in-worker batch: {old['seconds']:.1f} s = {row['singles'] / old['seconds']:.2f}x singles; "
                  f"worker RSS +{old['peak'] / MIB:.0f} MiB peak, +{old['kept'] / MIB:.0f} MiB kept")
    print(f"whole run: {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
