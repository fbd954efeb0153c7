"""Last touches on the PDF objects (formsvc.records.finishing): streams compressed at level 6, and
what it costs nothing to check on a whole record; plus the collector told once about WeasyPrint."""

from __future__ import annotations

import gc
import zlib

import pydyf

from formsvc.records import pdf as records_pdf
from formsvc.records import render_record
from formsvc.records.finishing import COMPRESSION_LEVEL, compress_streams
from tests.records.support import MUNICIPALITY, SAMPLE_ANSWERS, SAMPLE_ITEMS, full_text, pdf_reader


def test_streams_pydyf_would_compress_are_compressed_once_and_read_back_the_same():
    pdf = pydyf.PDF()
    content = pydyf.Stream([b"BT", "/F1 12 Tf", 1.5, b"(\x00\x1f) Tj", b"ET"], compress=True)
    plain = pydyf.Stream([b"raw bytes"], {"Filter": "/DCTDecode"}, compress=False)
    pdf.add_object(content)
    pdf.add_object(plain)

    assert compress_streams(pdf) == 1
    assert content.compress is False and content.extra["Filter"] == "/FlateDecode"
    assert zlib.decompress(content.stream[0]) == b"BT\n/F1 12 Tf\n1.5\n(\x00\x1f) Tj\nET"  # as pydyf joins them
    assert plain.stream == [b"raw bytes"] and plain.extra["Filter"] == "/DCTDecode"  # left alone
    assert compress_streams(pdf) == 0  # never twice


def test_the_record_font_is_compressed_at_level_6_and_reads_back(records_form, apply, db_session):
    submission = apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS)
    pdf = render_record(db_session, submission, MUNICIPALITY)
    reader = pdf_reader(pdf)
    font = next(iter(reader.pages[0]["/Resources"]["/Font"].values())).get_object()
    stream = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]["/FontFile2"].get_object()
    assert stream["/Filter"] == "/FlateDecode"
    glyphs = stream.get_data()  # decompressed by pypdf
    assert len(glyphs) > 10_000
    # pydyf alone writes level 9, whose bytes differ for a font this size.
    assert stream._data == zlib.compress(glyphs, COMPRESSION_LEVEL) != zlib.compress(glyphs, 9)
    assert "佐藤" in full_text(pdf)


def test_what_weasyprint_loaded_is_frozen_out_of_the_collectors_sight_once(records_form, apply, db_session):
    submission = apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS)
    render_record(db_session, submission, MUNICIPALITY)
    assert records_pdf._frozen and gc.get_freeze_count() > 0
    frozen = gc.get_freeze_count()
    render_record(db_session, submission, MUNICIPALITY)
    assert gc.get_freeze_count() == frozen  # once per process, not per record
