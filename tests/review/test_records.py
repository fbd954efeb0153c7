"""Staff PDF routes: one record, the queue's selection as one batch, the PDF/A-3 archive.

They call formsvc.records (render_record, render_batch, render_archive); the PDFs themselves
are tested in tests/records. Skipped only where that package is not there at all.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from formsvc.review.models import AccessLog
from tests.jobrunner import run_jobs
from tests.review.support import csrf_of, make_submissions
from tests.staff.support import staff_client

pytest.importorskip("formsvc.records", reason="formsvc.records (PDF rendering) is not in this tree")


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("role", ["reviewer", "counter"])
def test_one_record_and_the_archive(app, review_form, db_session, role):
    number = make_submissions(app, review_form, 1)[0]
    client = staff_client(app, f"user-{role}", role)
    page = client.get(f"/staff/submissions/{number}")
    assert f"/staff/submissions/{number}/record.pdf" in page.text
    record = client.get(f"/staff/submissions/{number}/record.pdf")
    assert record.status_code == 200 and record.mimetype == "application/pdf"
    assert record.data.startswith(b"%PDF-") and record.headers["X-Content-Type-Options"] == "nosniff"
    assert record.headers["Content-Disposition"].startswith("inline;")
    # The archive is made by a worker: the button starts it, its page offers it when ready.
    assert "保存用PDF（PDF/A-3）を作る" in page.text
    started = client.post(f"/staff/submissions/{number}/archive", data={"csrf_token": csrf_of(page.text)})
    assert started.status_code == 302 and "/staff/queue/jobs/" in started.location
    waiting = client.get(started.location)
    assert "順番を待っています" in waiting.text and "PDFを開く" not in waiting.text
    assert client.get(started.location + "/file").status_code == 302  # not ready: back to its page
    assert run_jobs(app) == 1
    ready = client.get(started.location)
    assert "PDFができあがりました" in ready.text
    archive = client.get(started.location + "/file")
    assert archive.status_code == 200 and archive.mimetype == "application/pdf"
    disposition = archive.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and number in disposition
    from pypdf import PdfReader

    assert "submission.json" in PdfReader(io.BytesIO(archive.data)).attachments  # the answers attached
    actions = db_session.scalars(select(AccessLog.action).order_by(AccessLog.id)).all()
    assert actions == ["detail", "pdf", "pdf_archive"]  # written when it is opened, not when it is made


def test_the_selected_queue_rows_print_as_one_pdf(app, review_form, db_session):
    numbers = make_submissions(app, review_form, 3)
    client = staff_client(app, "shinsa", "reviewer")
    queue = client.get("/staff/queue")
    assert queue.text.count('form="batch-print"') == 3 and 'id="batch-print"' in queue.text
    response = client.post("/staff/queue/print", data={"csrf_token": csrf_of(queue.text),
                                                       "number": [numbers[0], numbers[2].lower()]})
    assert response.status_code == 302 and "/staff/queue/jobs/" in response.location
    page = client.get(response.location)
    assert "対象: 2件" in page.text and "0 / 2件" in page.text
    assert run_jobs(app) == 2  # the one chunk, then the batch that joins the parts
    page = client.get(response.location)
    assert "PDFができあがりました" in page.text
    assert db_session.scalars(select(AccessLog).where(AccessLog.action == "pdf_batch")).all() == []
    assert response.location.endswith("?back=/staff/queue")  # its page leads back to the queue
    pdf = client.get(response.location.split("?")[0] + "/file")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert numbers[0][:4] in text and numbers[2][:4] in text and numbers[1][:4] not in text
    logged = db_session.scalars(select(AccessLog).where(AccessLog.action == "pdf_batch")).one()
    assert len(logged.submission_ids) == 2
    nothing = client.post("/staff/queue/print", data={"csrf_token": csrf_of(queue.text), "back": "/staff/queue"})
    assert nothing.status_code == 302 and "notice=nothing_selected" in nothing.location


def test_a_print_job_is_its_starters_own(app, review_form):
    numbers = make_submissions(app, review_form, 1)
    starter = staff_client(app, "shinsa", "reviewer")
    queue = starter.get("/staff/queue")
    location = starter.post("/staff/queue/print", data={"csrf_token": csrf_of(queue.text), "number": numbers}
                            ).location.split("?")[0]
    run_jobs(app)
    other = staff_client(app, "betsu", "reviewer")
    assert other.get(location).status_code == 404
    assert other.get(location + "/file").status_code == 404
    assert starter.get(location + "/file").status_code == 200
    for forged in ("999999", "0/file", "-1", "abc", "1%00", "1/file/.."):
        forged = f"/staff/queue/jobs/{forged}"
        assert starter.get(forged).status_code == 404


def test_administrators_without_a_desk_role_get_no_pdf(app, review_form):
    number = make_submissions(app, review_form, 1)[0]
    admin = staff_client(app, "kanri", "admin")
    assert admin.get(f"/staff/submissions/{number}/record.pdf").status_code == 403
    assert "record.pdf" not in admin.get(f"/staff/submissions/{number}").text
