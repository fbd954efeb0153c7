"""A batch laid out in child processes (formsvc.records.batch): the same PDF as one made in the
worker, records in order, still tagged with QR codes and page numbers, and a child's failure
stops the batch instead of leaving records out."""

from __future__ import annotations

import multiprocessing
import os
import re
from datetime import UTC, datetime

import pytest

from formsvc.records import ForbiddenURL, RecordError, batch, render_batch, render_record
from formsvc.records import pdf as records_pdf
from formsvc.records.context import build_record
from tests.records.support import (
    MUNICIPALITY,
    SAMPLE_ANSWERS,
    SAMPLE_ITEMS,
    SODAI_ITEMS,
    YAMAMOTO,
    footers,
    page_texts,
    pdf_reader,
)
from tests.records.test_record import _structure_elements

PRINTED_AT = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


@pytest.fixture
def five(sodai_gomi, records_form, apply, db_session):
    """Five submissions of two procedures; one record runs over two pages."""
    long = {**SAMPLE_ANSWERS, "reason": "転居のため。" * 500}
    return [apply(sodai_gomi, YAMAMOTO, SODAI_ITEMS), apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS),
            apply(records_form, long, SAMPLE_ITEMS), apply(sodai_gomi, YAMAMOTO, SODAI_ITEMS),
            apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS)]


@pytest.fixture
def in_children(monkeypatch):
    """Every batch of more than one record goes to the children, two records a chunk."""
    monkeypatch.setattr(records_pdf, "utcnow", lambda: PRINTED_AT)  # the same 出力日時 in every run
    monkeypatch.setattr(batch, "IN_PROCESS_UP_TO", 1)
    monkeypatch.setattr(batch, "CHUNK_RECORDS", 2)


def display(number: str) -> str:
    return f"{number[:4]}-{number[4:]}"


def test_a_batch_from_the_children_is_the_batch_the_worker_would_print(five, in_children, db_session, monkeypatch):
    joined = render_batch(db_session, five, MUNICIPALITY)  # three chunks, joined
    monkeypatch.setattr(batch, "IN_PROCESS_UP_TO", 100)
    here = render_batch(db_session, five, MUNICIPALITY)

    assert page_texts(joined) == page_texts(here)
    singles = [len(pdf_reader(render_record(db_session, s, MUNICIPALITY)).pages) for s in five]
    assert singles[2] >= 2
    # Records in the order chosen, each from a new page, numbering its own pages.
    assert footers(joined) == [f"{n} / {pages}" for pages in singles for n in range(1, pages + 1)]
    texts = page_texts(joined)
    first_pages = [sum(singles[:index]) for index in range(len(singles))]
    for submission, first in zip(five, first_pages, strict=True):
        assert f"受付番号 {display(submission.reception_number)}" in texts[first]
    reader = pdf_reader(joined)
    # The QR code drawn on each record's first page, nowhere else.
    drawn = [len(re.findall(rb"/\S+ Do\b", page.get_contents().get_data())) for page in reader.pages]
    assert drawn == [1 if n in first_pages else 0 for n in range(len(reader.pages))]
    # One outline entry per record, in order; the batch's title; PDF/UA metadata and language.
    top = [entry["/Title"] for entry in reader.outline if not isinstance(entry, list)]
    assert [title.split()[0] for title in top] == [display(s.reception_number) for s in five]
    assert reader.metadata.title == f"申請受付記録 5件（{MUNICIPALITY}）"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "ja" and catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert 'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data().decode()
    assert pdf_reader(joined).pdf_header == "%PDF-1.7"


def test_the_joined_structure_tree_reaches_every_tagged_content(five, in_children, db_session):
    reader = pdf_reader(render_batch(db_session, five, MUNICIPALITY))
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    [document] = [reference.get_object() for reference in root["/K"]]
    assert document["/S"] == "/Document"
    reachable = _structure_elements(root)
    kinds = {element["/S"] for element in reachable.values()}
    assert {"/H1", "/H2", "/H3", "/P", "/Figure", "/L", "/LI"} <= kinds
    assert sum(1 for element in reachable.values() if element["/S"] == "/H1") == len(five)
    nums = root["/ParentTree"]["/Nums"]
    parents = dict(zip(nums[0::2], nums[1::2], strict=True))
    for index, page in enumerate(reader.pages):
        content = page.get_contents().get_data().decode("latin-1")
        mcids = [int(mcid) for mcid in re.findall(r"/MCID (\d+)", content)]
        assert mcids
        mapping = parents[page["/StructParents"]]
        for mcid in mcids:
            element = mapping[mcid]
            assert element.idnum in reachable, (index, mcid)
            assert element.get_object().raw_get("/Pg").idnum == page.indirect_reference.idnum
        # The footer is still a pagination artifact.
        assert len(re.findall(r"/Artifact\s*<<\s*/Type /Pagination\s*>>\s*BDC", content)) == 1


def test_no_child_process_is_left_after_a_batch(five, in_children, db_session):
    render_batch(db_session, five, MUNICIPALITY)
    assert multiprocessing.active_children() == []


def test_an_error_in_a_child_is_raised_not_hidden(five, in_children, db_session, monkeypatch):
    def forbidden_qr(session, submission, municipality, printed_at=None):
        view = build_record(session, submission, municipality, printed_at)
        if submission is five[3]:
            view.qr_uri = "file:///etc/passwd"  # refused by the child's URL fetcher
        return view

    monkeypatch.setattr(records_pdf, "build_record", forbidden_qr)
    with pytest.raises(ForbiddenURL, match="/etc/passwd"):
        render_batch(db_session, five, MUNICIPALITY)
    assert multiprocessing.active_children() == []


class _DiesWhenUnpickled:
    """Stands for a record; the child that receives it exits at once (as if killed)."""

    def __reduce__(self):
        return os._exit, (3,)


def test_a_child_that_dies_fails_the_batch(five, in_children, db_session, monkeypatch):
    def dying(session, submission, municipality, printed_at=None):
        if submission is five[4]:
            return _DiesWhenUnpickled()
        return build_record(session, submission, municipality, printed_at)

    monkeypatch.setattr(records_pdf, "build_record", dying)
    with pytest.raises(RecordError, match="stopped unexpectedly"):
        render_batch(db_session, five, MUNICIPALITY)
    assert multiprocessing.active_children() == []


def test_the_staff_batch_print_comes_out_of_the_workers_in_the_order_chosen(app, records_form, apply, db_session):
    """The queue's 印刷 (issue 18): chunks laid out by job workers (batch.render_chunk), joined in
    the order the staff member chose (batch.join_parts), as the children's parts are here."""
    from tests.jobrunner import run_jobs
    from tests.staff.support import staff_client

    submissions = [apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS) for _ in range(batch.CHUNK_RECORDS + 2)]
    chosen = [s.reception_number for s in reversed(submissions)]
    client = staff_client(app, "shinsa", "reviewer")
    queue = client.get("/staff/queue")
    token = re.search(r'name="csrf_token" value="([^"]+)"', queue.text).group(1)
    started = client.post("/staff/queue/print", data={"csrf_token": token, "number": chosen})
    assert started.status_code == 302
    assert run_jobs(app) == 3  # two chunks, then the batch
    response = client.get(started.location.split("?")[0] + "/file")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    texts = page_texts(response.data)
    firsts = [re.search(r"受付番号 (\w{4}-\w{4})", text).group(1).replace("-", "") for text in texts
              if "申請受付記録" in text]
    assert firsts == chosen
    assert multiprocessing.active_children() == []
