"""File uploads: checked by their content and size, never by their name alone."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from formsvc.fields.file import clean_filename, content_disposition
from tests.fields.fieldkit import CTX, make, submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 32


def upload(filename: str, content: bytes) -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=filename, content_type="application/octet-stream")


def posted(*files: FileStorage) -> list[tuple[str, FileStorage]]:
    return [("answer", f) for f in files]


LETTER = {"label": "委任状", "accept": ["pdf"], "max_size_mb": 1}


@pytest.mark.parametrize(
    ("name", "content"), [("委任状.pdf", PDF), ("scan.png", PNG), ("photo.jpg", JPEG), ("写真", JPEG)]
)
def test_files_of_an_accepted_kind_are_kept(name, content):
    result = submit(make("file", label="本人確認書類"), posted(upload(name, content)))
    assert result.errors == []
    assert [f.filename for f in result.data] == [name]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("委任状.pdf", PNG, "委任状.pdfはPDFのファイルではありません。PDFのファイルを選択してください"),
        ("委任状.pdf", EXE, "委任状.pdfはPDFのファイルではありません。PDFのファイルを選択してください"),
        ("委任状.pdf", b"", "委任状.pdfは空のファイルです"),
        ("委任状.pdf", PDF + b"\x00" * (1024 * 1024),
         "委任状.pdfは1MBを超えています。1MB以下のファイルを選択してください"),
    ],
)
def test_a_file_is_judged_by_its_content_and_size(name, content, message):
    result = submit(make("file", **LETTER), posted(upload(name, content)))
    assert result.errors == [message]


def test_a_file_exactly_at_the_limit_is_accepted():
    content = PDF + b"\x00" * (1024 * 1024 - len(PDF))
    assert submit(make("file", **LETTER), posted(upload("委任状.pdf", content))).errors == []


def test_the_accepted_kinds_are_named_in_the_message():
    spec = make("file", label="写真", accept=["jpeg", "png"])
    assert submit(spec, posted(upload("写真.pdf", PDF))).errors == [
        "写真.pdfはJPEG・PNGのファイルではありません。JPEG・PNGのファイルを選択してください"
    ]


def test_no_more_than_max_files():
    spec = make("file", label="本人確認書類", max_files=2)
    files = [upload(f"{side}.png", PNG) for side in ("表", "裏", "追加")]
    assert submit(spec, posted(*files[:2])).errors == []
    assert submit(spec, posted(*files)).errors == ["本人確認書類は2ファイルまで添付できます"]


def test_every_file_is_checked_not_only_the_first():
    spec = make("file", label="本人確認書類", max_files=2)
    result = submit(spec, posted(upload("表.png", PNG), upload("裏.png", b"")))
    assert result.errors == ["裏.pngは空のファイルです"]


def test_the_empty_part_a_browser_sends_without_a_file_is_no_answer():
    spec = make("file", label="本人確認書類")
    result = submit(spec, posted(upload("", b"")))
    assert result.data is None
    assert result.errors == ["本人確認書類のファイルを選択してください"]


def test_checking_a_file_leaves_it_readable_from_the_start():
    letter = upload("委任状.pdf", PDF)
    assert submit(make("file", **LETTER), posted(letter)).errors == []
    assert letter.stream.read() == PDF


def test_stored_files_are_listed_by_name():
    spec = make("file", label="本人確認書類", max_files=2)
    stored = [{"filename": "表.png", "content_type": "image/png", "size": 40},
              {"filename": "裏.png", "content_type": "image/png", "size": 40}]
    assert spec.display(stored) == "表.png、裏.png"
    assert spec.csv_values(stored) == ["表.png、裏.png"]
    assert spec.validate_answer(stored, CTX) == []  # checked when they were uploaded


@pytest.mark.parametrize(("name", "cleaned"), [
    ("委任状.pdf", "委任状.pdf"),
    ("山田　太郎 の 委任状.pdf", "山田　太郎 の 委任状.pdf"),   # spaces inside a name are the resident's
    ("C:\\fakepath\\委任状.pdf", "委任状.pdf"),
    ("委任\r\n状\x00.pdf", "委任状.pdf"),
    ("\u202efdp.exe", "fdp.exe"),
    ("\u2066x\u2069\u200e.pdf\u2028", "x.pdf"),
    (".hidden.pdf.", "hidden.pdf"),
    ("", "file"),
    (None, "file"),
    ("\u202e", "file"),
    ("a" * 300, "a" * 240),
    ("あ" * 100 + ".jpeg", "あ" * 78 + ".jpeg"),
    ("x" * 250 + ".averyveryverylongextension", ("x" * 250 + ".averyveryverylongextension")[:240]),
])
def test_attachment_names_are_cleaned(name, cleaned):
    assert clean_filename(name) == cleaned
    assert len(clean_filename(name).encode()) <= 240


@pytest.mark.parametrize(("name", "header"), [
    ("scan.png", "attachment; filename=\"scan.png\"; filename*=UTF-8''scan.png"),
    ("委任状.pdf", "attachment; filename=\"file.pdf\"; filename*=UTF-8''%E5%A7%94%E4%BB%BB%E7%8A%B6.pdf"),
    ("café menu.pdf", "attachment; filename=\"cafe_menu.pdf\"; filename*=UTF-8''caf%C3%A9%20menu.pdf"),
    ('a";b\r\nSet-Cookie: x.pdf', "attachment; filename=\"a__bSet-Cookie__x.pdf\"; "
                                  "filename*=UTF-8''a%22%3BbSet-Cookie%3A%20x.pdf"),
])
def test_a_download_header_carries_the_name_encoded(name, header):
    assert content_disposition(name) == header


def test_a_message_about_a_file_shows_its_cleaned_name():
    result = submit(make("file", **LETTER), posted(upload("gpj.\u202eexe", EXE)))
    assert result.errors == ["gpj.exeはPDFのファイルではありません。PDFのファイルを選択してください"]
