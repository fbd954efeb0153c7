"""HEIC photos, Excel and Word files, and min_files: recognised by content, refused when hostile."""

from __future__ import annotations

import io
import time

import pytest
from werkzeug.datastructures import FileStorage

from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.fields.file_content import MAX_ZIP_ENTRIES, identify, sniff
from tests.fields import filekinds
from tests.fields.fieldkit import CTX, EN, make, submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(filename: str, content: bytes) -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=filename, content_type="application/octet-stream")


def posted(*files: FileStorage) -> list[tuple[str, FileStorage]]:
    return [("answer", f) for f in files]


def kind_of(content: bytes):
    return identify(io.BytesIO(content))


# --- recognising --------------------------------------------------------------------------------

def test_a_heic_photo_written_by_pillow_heif_is_recognised():
    content = filekinds.heic()
    assert content[4:12] == b"ftypheic"
    assert kind_of(content).kind == "heic"


@pytest.mark.parametrize("brands", [b"heic", b"heix", b"mif1heic", b"msf1hevc"])
def test_heif_brands_are_sniffed(brands):
    major, compatible = brands[:4], brands[4:]
    box = major + b"\x00\x00\x00\x00" + compatible
    head = (8 + len(box)).to_bytes(4, "big") + b"ftyp" + box
    assert sniff(head + b"\x00" * 16) == "heic"


def test_an_avif_picture_is_not_taken_for_heic():
    box = b"avif\x00\x00\x00\x00mif1miafavif"
    assert sniff((8 + len(box)).to_bytes(4, "big") + b"ftyp" + box) is None


def test_an_mp4_video_is_not_a_photo():
    box = b"isom\x00\x00\x02\x00isomiso2mp41"
    assert sniff((8 + len(box)).to_bytes(4, "big") + b"ftyp" + box) is None


@pytest.mark.parametrize(("content", "kind"), [
    (filekinds.xlsx(), "xlsx"),
    (filekinds.docx(), "docx"),
    (PDF, "pdf"),
    (filekinds.jpeg(), "jpeg"),
])
def test_office_files_are_recognised_by_their_parts(content, kind):
    assert kind_of(content).kind == kind


@pytest.mark.parametrize(("content", "refusal"), [
    (filekinds.plain_zip(), "not_office"),
    (filekinds.xlsm(), "macro"),
    (filekinds.xlsx(main=filekinds.XLSM_TYPES), "macro"),      # macro workbook type, no VBA part
    (filekinds.xlsx(extra_parts={"xl/vbaProject.bin": b"\xd0\xcf"}), "macro"),  # VBA part, plain workbook type
    (filekinds.xlsx(main="application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"),
     "not_office"),
    (filekinds.real_bomb_zip(), "not_office"),
    (filekinds.many_entries_zip(), "not_office"),
    (filekinds.xlsx()[:-30], "not_office"),   # cut off inside the end record
    (filekinds.xlsx()[:200], "not_office"),   # cut off long before the directory
    (b"PK\x03\x04" + b"\x00" * 100, "not_office"),
])
def test_other_zips_and_macro_files_are_refused(content, refusal):
    finding = kind_of(content)
    assert (finding.kind, finding.refusal) == (None, refusal)


def test_a_zip_bomb_is_judged_without_decompressing_it():
    lying, real = filekinds.bomb_zip(), filekinds.real_bomb_zip()
    started = time.perf_counter()
    assert kind_of(lying).kind == "xlsx"  # its 4 GB sheet is never read
    assert kind_of(real).kind is None  # 64 MB of content types: not decompressed
    assert time.perf_counter() - started < 0.5


def test_the_number_of_parts_is_bounded():
    assert kind_of(filekinds.many_entries_zip(MAX_ZIP_ENTRIES + 1)).kind is None


def test_a_part_name_with_a_nul_is_refused():
    content = bytearray(filekinds.xlsx())
    # Overwrite a letter of a part's name in the central directory (not the local header).
    at = content.rfind(b"xl/worksheets/sheet1.xml")
    content[at + 3] = 0
    assert kind_of(bytes(content)).kind is None


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_heic_photo_is_refused_as_broken(cut):
    content = filekinds.heic(320, 240)
    finding = kind_of(content[:int(len(content) * cut)])
    assert (finding.kind, finding.refusal) == (None, "broken")


def test_a_heic_photo_claiming_too_many_pixels_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr("formsvc.fields.file_content.MAX_IMAGE_PIXELS", 100)
    assert kind_of(filekinds.heic()).refusal == "too_large_image"


def test_identifying_keeps_the_stream_position():
    stream = io.BytesIO(filekinds.xlsx())
    stream.seek(7)
    identify(stream)
    assert stream.tell() == 7


# --- the question ------------------------------------------------------------------------------

PHOTO = {"label": "住宅の写真", "accept": ["jpeg", "png", "heic"], "max_files": 3}
CERTIFICATE = {"label": "就労証明書", "accept": ["pdf", "xlsx", "docx"]}


def test_an_iphone_photo_is_accepted_where_heic_is():
    result = submit(make("file", **PHOTO), posted(upload("IMG_0001.HEIC", filekinds.heic())))
    assert result.errors == []


def test_heic_is_not_accepted_unless_the_question_says_so():
    result = submit(make("file", label="写真"), posted(upload("IMG_0001.HEIC", filekinds.heic())))
    assert result.errors == ["IMG_0001.HEICはPDF・JPEG・PNGのファイルではありません。"
                             "PDF・JPEG・PNGのファイルを選択してください"]


def test_a_truncated_photo_gets_a_message_saying_so():
    content = filekinds.heic(320, 240)
    result = submit(make("file", **PHOTO), posted(upload("IMG_0002.HEIC", content[: len(content) // 2])))
    assert result.errors == ["IMG_0002.HEICは壊れているか、途中までしか送られていないため読めません。"
                             "元の写真をもう一度選択してください"]


@pytest.mark.parametrize(("name", "content"), [("就労証明書.xlsx", filekinds.xlsx()),
                                               ("就労証明書.docx", filekinds.docx())])
def test_the_standard_employment_certificate_is_accepted_as_excel_or_word(name, content):
    assert submit(make("file", **CERTIFICATE), posted(upload(name, content))).errors == []


def test_a_macro_workbook_gets_a_message_saying_how_to_save_it():
    result = submit(make("file", **CERTIFICATE), posted(upload("就労証明書.xlsx", filekinds.xlsm())))
    assert result.errors == ["就労証明書.xlsxはマクロを含むファイルのため受け付けられません。"
                             "マクロを含まない形式（Excelブック .xlsx または Word文書 .docx）で保存し直してください"]


def test_another_zip_is_not_an_excel_file():
    result = submit(make("file", **CERTIFICATE), posted(upload("就労証明書.xlsx", filekinds.plain_zip())))
    assert result.errors == ["就労証明書.xlsxはPDF・Excel（xlsx）・Word（docx）のファイルではありません。"
                             "PDF・Excel（xlsx）・Word（docx）のファイルを選択してください"]


def test_messages_in_english_name_the_kinds_in_english():
    result = submit(make("file", **CERTIFICATE), posted(upload("cert.xlsx", filekinds.plain_zip())), EN)
    assert result.errors == ["cert.xlsx must be a PDF, Excel (xlsx), Word (docx) file"]


def test_a_nul_in_the_file_name_is_dropped_from_the_message():
    result = submit(make("file", **CERTIFICATE), posted(upload("証明\x00書.xlsx", filekinds.plain_zip())))
    assert result.errors[0].startswith("証明書.xlsxは")


def test_the_chooser_offers_the_accepted_kinds():
    spec = make("file", **CERTIFICATE)
    assert spec.chooser_types() == (
        ".pdf,application/pdf,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
        ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def test_the_default_kinds_are_unchanged():
    assert make("file", label="写真").accept == ["pdf", "jpeg", "png"]


# --- min_files ---------------------------------------------------------------------------------

BOTH_SIDES = {"label": "本人確認書類（表・裏）", "accept": ["jpeg", "heic"], "min_files": 2, "max_files": 2}


def test_fewer_files_than_min_files_are_refused_with_a_clear_message():
    result = submit(make("file", **BOTH_SIDES), posted(upload("表.jpg", filekinds.jpeg())))
    assert result.errors == ["本人確認書類（表・裏）を2ファイル以上添付してください（いまは1ファイルです）"]


def test_min_files_counts_files_attached_on_an_earlier_visit():
    spec = make("file", **BOTH_SIDES)
    stored = {"upload": "t1", "filename": "表.jpg", "content_type": "image/jpeg", "size": 600}
    assert spec.validate_answer([stored], CTX) == [
        "本人確認書類（表・裏）を2ファイル以上添付してください（いまは1ファイルです）"]
    assert spec.validate_answer([stored, upload("裏.heic", filekinds.heic())], CTX) == []


def test_min_files_in_english():
    result = submit(make("file", **BOTH_SIDES), posted(upload("front.jpg", filekinds.jpeg())), EN)
    assert result.errors == ["Attach at least 2 files for 本人確認書類（表・裏） (there are 1 now)"]


def test_a_file_that_is_wrong_is_named_before_the_count():
    result = submit(make("file", **BOTH_SIDES), posted(upload("表.jpg", b"not a picture")))
    assert result.errors[0].startswith("表.jpgは")


def test_the_hint_says_how_many_files():
    spec = make("file", **BOTH_SIDES)
    assert spec.automatic_hint(CTX) == "JPEG・HEIC形式、1ファイル10MBまで、2〜2ファイル"
    assert spec.automatic_hint(EN) == "JPEG, HEIC, up to 10MB each, 2 to 2 files"


DEFINITION = """\
id: min-files
title: 添付の数
department: {{name: 市民課}}
description: 添付の数の見本です。
declaration: 申請内容に誤りはありません。
next_steps: 審査します。
retention: {{years: 1}}
pages:
  - id: p
    title: 書類
    fields:
      - id: papers
        type: file
        label: 書類
{keys}
"""


def test_the_checker_refuses_min_files_above_max_files():
    text = DEFINITION.format(keys="        min_files: 3\n        max_files: 2")
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(text, "min.yaml")
    assert ("min.yaml:15:20: pages[0].fields[0].min_files: min_files (3) が max_files (2) "
            "より大きくなっています。max_files を min_files 以上にしてください") in str(raised.value)


def test_a_forged_heic_photo_is_refused_never_a_crash():
    # Bytes changed here and there (a box of an unknown version, no primary image…): pillow-heif
    # raises SyntaxError or IndexError for some of them. Every one is a readable photo or refused.
    import random

    original = filekinds.heic(64, 64)
    chance = random.Random(13)
    for _ in range(300):
        forged = bytearray(original)
        forged[chance.randrange(len(forged))] = chance.randrange(256)
        finding = kind_of(bytes(forged))
        assert finding.kind == "heic" or (finding.kind is None and finding.refusal), finding


def test_an_office_file_with_two_content_type_parts_is_refused():
    # zipfile opens the last of two parts with one name: the macro declared in the first would
    # otherwise go unchecked.
    import warnings
    import zipfile

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", filekinds.content_types(
                "application/vnd.ms-excel.sheet.macroEnabled.main+xml"))
            archive.writestr("[Content_Types].xml", filekinds.content_types(filekinds.XLSX_TYPES))
            archive.writestr("xl/workbook.xml", "<workbook/>")
    assert kind_of(buffer.getvalue()).kind is None
