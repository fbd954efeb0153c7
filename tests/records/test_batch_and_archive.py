"""Several records as one PDF (render_batch), and the archive copy (render_archive, PDF/A-3)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from formsvc.records import RecordError, render_archive, render_batch, render_record
from formsvc.submissions.models import Submission
from tests.records.support import (
    MUNICIPALITY,
    SAMPLE_ANSWERS,
    SAMPLE_ITEMS,
    SODAI_FEE,
    SODAI_ITEMS,
    YAMAMOTO,
    footers,
    full_text,
    japan_datetime,
    page_texts,
    pdf_reader,
)
from tests.submissions.support import MEMBER_NUMBER, apply_with_my_numbers, digits_anywhere, publish_my_number_form


def display(number: str) -> str:
    return f"{number[:4]}-{number[4:]}"


def test_a_batch_is_one_pdf_with_each_record_from_a_new_page(sodai_gomi, records_form, apply, db_session):
    long = {**SAMPLE_ANSWERS, "reason": "転居のため。" * 400}  # a record of several pages
    submissions = [apply(sodai_gomi, YAMAMOTO, SODAI_ITEMS), apply(records_form, long, SAMPLE_ITEMS),
                   apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS)]
    # The third resident removed the items they had added (the page allows none).
    submissions[2].answers = {**submissions[2].answers, "items": {"items": []}}
    db_session.commit()
    singles = [len(pdf_reader(render_record(db_session, s, MUNICIPALITY)).pages) for s in submissions]

    pdf = render_batch(db_session, submissions, MUNICIPALITY)
    reader = pdf_reader(pdf)
    assert len(reader.pages) == sum(singles)
    text = full_text(pdf)
    for submission in submissions:
        assert display(submission.reception_number) in text
    # Each record starts on a page of its own and numbers its own pages: 1 / 2, 2 / 2, 1 / 3 ...
    assert footers(pdf) == [f"{n} / {pages}" for pages in singles for n in range(1, pages + 1)]
    texts = page_texts(pdf)
    first_pages = [sum(singles[:index]) for index in range(len(singles))]
    for submission, first in zip(submissions, first_pages, strict=True):
        assert "申請受付記録" in texts[first] and f"受付番号 {display(submission.reception_number)}" in texts[first]
        assert japan_datetime(submission.created_at) in texts[first]
    assert SODAI_FEE in texts[0]
    assert "品目はありません" in "".join(texts[first_pages[2]:])  # a repeating page left empty
    # Still tagged, in Japanese, with one outline entry per record.
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "ja"
    assert reader.metadata.title == f"申請受付記録 3件（{MUNICIPALITY}）"
    top = [entry["/Title"] for entry in reader.outline if not isinstance(entry, list)]
    assert top == [f"{display(s.reception_number)} {title}" for s, title in
                   zip(submissions, ["粗大ごみ収集の申込", "記録テスト用の交付申請", "記録テスト用の交付申請"],
                       strict=True)]


def test_an_empty_batch_is_refused():
    with pytest.raises(RecordError):
        render_batch(None, [], MUNICIPALITY)


def test_the_archive_is_pdf_a_3_with_the_answers_attached(records_form, apply, db_session):
    submission = apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS, signed_in=True)
    pdf = render_archive(db_session, submission, MUNICIPALITY)
    reader = pdf_reader(pdf)

    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="U"' in xmp
    assert pdf.startswith(b"%PDF-1.7")
    catalog = reader.trailer["/Root"]
    assert catalog["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    # The stored answers, attached as submission.json, associated with the document (/AF).
    assert list(reader.attachments) == ["submission.json"]
    [content] = reader.attachments["submission.json"]
    assert json.loads(content) == submission.answers
    assert "verified" in json.loads(content) and "identity" in json.loads(content)
    [file_spec] = [reference.get_object() for reference in catalog["/AF"]]
    assert file_spec["/UF"] == "submission.json"
    assert file_spec["/AFRelationship"] == "/Source"
    assert file_spec["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"  # the MIME type PDF/A-3 asks for
    # The same record as render_record, tagged too.
    assert display(submission.reception_number) in full_text(pdf)
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "ja"


def test_the_archive_attaches_the_answers_with_my_numbers_masked(app, db_session):
    publish_my_number_form(app)
    _, number = apply_with_my_numbers(app)
    submission = db_session.scalar(select(Submission).where(Submission.reception_number == number))
    with app.app_context():  # the number is decrypted with the application's keys to be masked
        archive = render_archive(db_session, submission, MUNICIPALITY)
        record = render_record(db_session, submission, MUNICIPALITY)
    [content] = pdf_reader(archive).attachments["submission.json"]
    attached = content.decode("utf-8")
    assert digits_anywhere(attached) == [] and "gAAAAA" not in attached
    answers = json.loads(attached)
    assert answers["fields"]["claimant_my_number"] == "********9018"
    assert answers["items"]["members"][0]["member_my_number"] == f"********{MEMBER_NUMBER[-4:]}"
    assert answers["fields"]["children"] == 1
    # The printed record shows the same masked number.
    assert "********9018" in full_text(record) and digits_anywhere(full_text(record)) == []
