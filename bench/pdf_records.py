"""Benchmark: printable records (formsvc.records) against bare WeasyPrint, in the same run.

    .venv/bin/python bench/pdf_records.py [--records 20] [--rounds 3]

Makes its own temporary SQLite database (migrated with formsvc.migrate.upgrade), imports the
粗大ごみ procedure from form_definitions/ and stores N submissions with three items each. Then,
for single records and for one batch of N, it times

* ours:     render_record / render_batch (database reads, view model, QR code, template,
            tagged PDF/UA-1 with BIZ UD Gothic embedded and subset);
* baseline: bare WeasyPrint writing the same answers as plain <p> paragraphs in the same font
            (@font-face BIZ UD Gothic, no tags, no QR code, HTML prepared before timing);

and prints records per second and the ratio ours / baseline (1.0 = as fast as bare WeasyPrint).
The best of the rounds counts (the least disturbed by other work on the machine).
See bench/README.md for the numbers on the development machine.
"""

from __future__ import annotations

import argparse
import html
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from formsvc import clock  # noqa: E402
from formsvc.applications.flow import Flow, StoredAnswers  # noqa: E402
from formsvc.db import Database  # noqa: E402
from formsvc.forms.catalog import published  # noqa: E402
from formsvc.forms.loading import import_definitions  # noqa: E402
from formsvc.migrate import upgrade  # noqa: E402
from formsvc.records import render_archive, render_batch, render_record  # noqa: E402
from formsvc.records.context import build_record  # noqa: E402
from formsvc.records.pdf import font_face_css  # noqa: E402
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
        flow = Flow(definition, StoredAnswers(definition, answers, today))
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
            fee = Flow(definition, StoredAnswers(definition, answers, today)).fee()
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


def baseline_pdf(bodies: list[str]) -> bytes:
    """What a plain WeasyPrint call costs for the same text: new font configuration, no extras."""
    font_config = FontConfiguration()
    css = CSS(string=font_face_css() + BASELINE_CSS, font_config=font_config)
    body = '<div style="break-before: page"></div>'.join(bodies)
    return HTML(string=f'<html lang="ja"><body>{body}</body></html>').write_pdf(
        stylesheets=[css], font_config=font_config)


# --- timing -----------------------------------------------------------------------------------

def best_rate(rounds: int, records: int, work: Callable[[], None]) -> tuple[float, list[float]]:
    """Records per second of the fastest round, and every round's seconds."""
    seconds = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return records / min(seconds), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20, help="records per round and per batch (20)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each measurement (3)")
    options = parser.parse_args()
    began = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="formsvc-bench-") as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        database = Database(url)
        ids = make_data(database, options.records)
        with database.session_factory() as session:
            submissions = list(session.scalars(select(Submission).where(Submission.id.in_(ids))
                                               .order_by(Submission.id)))
            bodies = [baseline_paragraphs(session, submission) for submission in submissions]
            # Warm up both (font files into the page cache, Python caches, compiled definition).
            render_record(session, submissions[0], MUNICIPALITY)
            baseline_pdf(bodies[:1])

            def ours_single():
                session.expire_all()  # read the version and the events again, as a request would
                for submission in submissions:
                    render_record(session, submission, MUNICIPALITY)

            def ours_batch():
                session.expire_all()
                render_batch(session, submissions, MUNICIPALITY)

            def ours_archive():
                session.expire_all()
                for submission in submissions:
                    render_archive(session, submission, MUNICIPALITY)

            def baseline_single():
                for body in bodies:
                    baseline_pdf([body])

            def baseline_batch():
                baseline_pdf(bodies)

            n, rounds = options.records, options.rounds
            results = {
                "single": (best_rate(rounds, n, ours_single), best_rate(rounds, n, baseline_single)),
                f"batch of {n}": (best_rate(rounds, n, ours_batch), best_rate(rounds, n, baseline_batch)),
                "archive (PDF/A-3u)": (best_rate(rounds, n, ours_archive), best_rate(rounds, n, baseline_single)),
            }
            sizes = (len(render_record(session, submissions[0], MUNICIPALITY)), len(baseline_pdf(bodies[:1])))

    print(f"PDF records: {options.records} 粗大ごみ submissions (3 items each), best of {options.rounds} rounds")
    print(f"{'':<20}{'ours rec/s':>12}{'baseline rec/s':>16}{'ours/baseline':>15}   rounds (s): ours | baseline")
    for name, ((ours, ours_s), (base, base_s)) in results.items():
        print(f"{name:<20}{ours:>12.1f}{base:>16.1f}{ours / base:>15.2f}   "
              f"{' '.join(f'{s:.2f}' for s in ours_s)} | {' '.join(f'{s:.2f}' for s in base_s)}")
    print(f"one record: ours {sizes[0] / 1024:.0f} KiB, baseline {sizes[1] / 1024:.0f} KiB; "
          f"median single record ours {statistics.median(results['single'][0][1]) / options.records * 1000:.0f} ms")
    print(f"whole run: {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
