"""A CSV export of more applications than a page should stream (issue 18) is made by a worker:
the options page says so and posts the same choices; the job's page offers the file when ready,
or says which characters Shift_JIS lacks and offers 〓 or UTF-8 — nothing is lost either way."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlparse

import pytest
from sqlalchemy import select

from formsvc.review import export_views
from formsvc.review.models import AccessLog
from formsvc.submissions import reception
from tests.jobrunner import run_jobs
from tests.review.support import csrf_of
from tests.review.test_export_options import REVIEW_FORM, apply, options_page, read
from tests.staff.support import staff_client


@pytest.fixture(autouse=True)
def _small_limit(monkeypatch):
    monkeypatch.setattr(export_views, "IN_PAGE_LIMIT", 2)  # three applications are "many" here


def post_fields(html: str) -> dict[str, str]:
    """What the options page's POST form sends as shown: hidden inputs and checked radios."""
    form = html[html.index('<form method="post" action="/staff/queue/export/job"'):]
    sent = {}
    for tag in re.findall(r"<input[^>]*>", form[:form.index("</form>")]):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and value and ('type="hidden"' in tag or " checked" in tag):
            sent[name.group(1)] = unescape(value.group(1))
    return sent


def test_many_applications_are_exported_by_a_worker_and_downloaded_from_the_job_page(app, review_form, db_session):
    numbers = [apply(app, name={"family": family, "given": "花子"}) for family in ("山田", "田中", "佐藤")]
    exporter = staff_client(app, "shinsa", "reviewer")
    page = options_page(exporter, status="all")
    assert "件数が多いため、CSVは順番に作成します" in page.text and "CSVを作成する" in page.text
    sent = post_fields(page.text)
    # The download link of the small case sends them back to this page rather than stream 5,000+ rows.
    query = urlencode({name: value for name, value in sent.items() if name != "csrf_token"})
    streamed = exporter.get(f"/staff/queue/export.csv?{query}")
    assert streamed.status_code == 302 and "/staff/queue/export?" in streamed.location
    started = exporter.post("/staff/queue/export/job", data=sent)
    assert started.status_code == 302 and "/staff/queue/jobs/" in started.location
    job_page = started.location.split("?")[0]
    waiting = exporter.get(started.location)
    assert "CSVの出力" in waiting.text and "順番を待っています" in waiting.text
    assert db_session.scalars(select(AccessLog).where(AccessLog.action == "csv")).all() == []
    assert run_jobs(app) == 1
    ready = exporter.get(job_page)
    assert "CSVファイルができあがりました" in ready.text and "対象: 3件" in ready.text
    file = exporter.get(job_page + "/file")
    assert file.status_code == 200 and file.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert file.headers["Content-Disposition"].startswith("attachment;")
    rows = read(file.data)
    assert sorted(row["受付番号"] for row in rows) == sorted(reception.display(n) for n in numbers)
    (logged,) = db_session.scalars(select(AccessLog).where(AccessLog.action == "csv")).all()
    assert len(logged.submission_ids) == 3 and logged.detail == f"{REVIEW_FORM} v1"
    # Another member cannot collect it.
    assert staff_client(app, "betsu", "reviewer").get(job_page + "/file").status_code == 404


def test_characters_shift_jis_lacks_stop_the_file_and_the_page_offers_the_way_out(app, review_form):
    apply(app, name={"family": "𠮷田", "given": "花子"})
    apply(app, name={"family": "山田", "given": "花子"})
    apply(app, name={"family": "田中", "given": "一郎"})
    exporter = staff_client(app, "shinsa", "reviewer")
    page = options_page(exporter, status="all")
    started = exporter.post("/staff/queue/export/job", data={**post_fields(page.text), "encoding": "cp932"})
    run_jobs(app)
    refused = exporter.get(started.location)
    assert "＊Shift_JISで表せない文字が1か所にあるため、CSVを作っていません" in refused.text
    assert exporter.get(started.location.split("?")[0] + "/file").status_code == 302  # no file to give
    replace = unescape(re.search(r'href="([^"]+)">「〓」に置き換えて作り直す', refused.text).group(1))
    assert dict(parse_qsl(urlparse(replace).query))["unencodable"] == "replace"
    again = exporter.get(replace)
    sent = post_fields(again.text)
    assert sent["unencodable"] == "replace" and sent["encoding"] == "cp932"
    made = exporter.post("/staff/queue/export/job", data=sent)
    run_jobs(app)
    file = exporter.get(made.location.split("?")[0] + "/file")
    assert file.headers["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert "〓田" in [row["氏名（氏）"] for row in read(file.data, "cp932")]


def test_a_forged_export_job_is_refused_without_a_job(app, review_form, db_session):
    from formsvc.jobs.models import Job

    exporter = staff_client(app, "shinsa", "reviewer")
    token = csrf_of(options_page(exporter, status="all").text)
    assert exporter.post("/staff/queue/export/job", data={"csrf_token": token}).status_code == 302  # no procedure
    assert exporter.post("/staff/queue/export/job", data={"csrf_token": token, "form": REVIEW_FORM,
                                                          "version": "99"}).status_code == 404
    assert exporter.post("/staff/queue/export/job", data={"csrf_token": token, "form": REVIEW_FORM,
                                                          "version": "1", "file": "no-such-page"}).status_code == 404
    assert exporter.post("/staff/queue/export/job", data={"form": REVIEW_FORM, "version": "1"}).status_code == 400
    assert db_session.scalars(select(Job)).all() == []


def test_the_job_keeps_the_choices_as_read_not_the_form_as_sent(app, review_form, db_session):
    from formsvc.jobs.models import Job

    for family in ("山田", "田中", "佐藤"):
        apply(app, name={"family": family, "given": "花子"})
    exporter = staff_client(app, "shinsa", "reviewer")
    sent = {**post_fields(options_page(exporter, status="all").text), "encoding": "x" * 10_000,
            "junk": "y" * 100_000, "name": "z" * 5_000}
    assert exporter.post("/staff/queue/export/job", data=sent).status_code == 302
    args = db_session.scalars(select(Job)).one().payload["args"]
    assert "junk" not in args and args["encoding"] == "utf-8-sig"  # an unknown encoding is the default
    assert max(len(value) for value in args.values()) <= 100
