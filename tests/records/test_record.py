"""One printed record (render_record): what the counter reads on it, and how the PDF is made."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
import shutil
import subprocess

import pytest
import segno
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf.generic import IndirectObject

from formsvc.db import database, utcnow
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.records import RecordURLFetcher, render_record
from formsvc.records import pdf as records_pdf
from formsvc.records.context import QR_MASK, build_record
from formsvc.records.fonts import record_fonts
from formsvc.records.images import PrintedAttachment, jpeg_data_uri
from formsvc.submissions.models import SubmissionEvent
from tests.records.support import (
    MUNICIPALITY,
    RECORDS_SAMPLE,
    SAMPLE_ANSWERS,
    SAMPLE_FEE,
    SAMPLE_ITEMS,
    SODAI_FEE,
    SODAI_ITEMS,
    YAMAMOTO,
    compact,
    footers,
    full_text,
    japan_datetime,
    page_texts,
    pdf_reader,
)
from tests.resident.library_support import reiwa

A4 = (595.28, 841.89)  # points


def test_the_record_shows_the_application_as_the_resident_made_it(sodai_gomi, apply, db_session):
    submission = apply(sodai_gomi, YAMAMOTO, SODAI_ITEMS)
    text = full_text(render_record(db_session, submission, MUNICIPALITY))

    number = submission.reception_number
    assert MUNICIPALITY in text
    assert "粗大ごみ収集の申込" in text
    assert "申請受付記録" in text
    assert f"{number[:4]}-{number[4:]}" in text
    # Submitted on: 和暦 first, 西暦 beside it, Japan time.
    assert japan_datetime(submission.created_at) in text
    assert "オンライン申請" in text
    # Answers under the page titles and labels of the version used; items numbered.
    for heading in ("出したいもの", "収集を申し込む品目", "申込者", "収集する場所", "収集の希望日"):
        assert heading in text
    for label, answer in [("品目 1", "ソファ（2人掛け以上）"), ("品目 2", "布団・毛布（1枚）"), ("品目 3", "自転車")]:
        assert label in text and answer in text
    assert "3人掛け、幅180cm、布張り" in text
    assert "3点" in text and "2点" in text
    assert "山本　健一" in text and "ヤマモト　ケンイチ" in text
    assert "東京都新宿区西新宿3-7-1　デモマンション203" in text
    assert "集合住宅のごみ集積所" in text
    assert reiwa(YAMAMOTO["preferred_date"]) in text  # a date answer, as its field type shows it
    # The fee, how it was worked out, and the computed total.
    assert SODAI_FEE in text
    assert "品目ごとの手数料 × 点数の合計" in text
    assert "収集する点数の合計" in text and "6点" in text
    # Status and history.
    assert "受付" in text
    assert "申請を受け付けました" in text and "（申請者）" in text
    assert "マイナンバーカードによる本人確認はありません" in text
    assert "上記の内容に相違ありません。" in text


def test_the_record_is_a4_with_page_numbers_in_the_footer(records_form, apply, db_session):
    long_reason = "引っ越しの手続きで必要です。" * 280  # the longest answer allowed: more than a page
    submission = apply(records_form, {**SAMPLE_ANSWERS, "reason": long_reason}, SAMPLE_ITEMS)
    pdf = render_record(db_session, submission, MUNICIPALITY)

    reader = pdf_reader(pdf)
    pages = len(reader.pages)
    assert pages >= 2  # the record's compact layout (issue 17) fits it on two pages
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4
    assert footers(pdf) == [f"{n} / {pages}" for n in range(1, pages + 1)]
    # The long answer breaks across pages and nothing of it is lost ("引" and "必" are only in it).
    text = full_text(pdf)
    assert text.count("引") == text.count("必") == 280
    assert all("引っ越しの手続きで必要です。" in compact(page) for page in page_texts(pdf)[:-1])


def test_the_font_is_biz_ud_gothic_embedded_and_subset(records_form, apply, db_session):
    submission = apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS)
    reader = pdf_reader(render_record(db_session, submission, MUNICIPALITY))
    original_size = record_fonts().regular.stat().st_size

    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for base_font, font in fonts.items():
        prefix, _, name = base_font.removeprefix("/").partition("+")
        assert re.fullmatch(r"[A-Z]{6}", prefix), base_font  # a subset
        assert name.replace("-", "").startswith("BIZUDGothic"), base_font
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        embedded = descriptor["/FontFile2"].get_object().get_data()
        assert 0 < len(embedded) < original_size / 10  # subset, not the whole 4.6 MB font
        assert TTFont(io.BytesIO(embedded))["name"].getDebugName(1) == "BIZ UDGothic"


def test_the_record_is_tagged_for_screen_readers(records_form, apply, db_session, caplog):
    submission = apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        reader = pdf_reader(render_record(db_session, submission, MUNICIPALITY))
    # WeasyPrint reports what PDF/UA lacks (an image without alt, no lang, a failed fetch): nothing here.
    assert [record.getMessage() for record in caplog.records] == []

    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "ja"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == f"記録テスト用の交付申請 受付番号 {submission.reception_number[:4]}-" \
                                    f"{submission.reception_number[4:]}"
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfuaid:part="1"' in xmp

    structure = _structure_types(catalog["/StructTreeRoot"])
    assert {"/Document", "/H1", "/H2", "/H3", "/L", "/LI", "/P", "/Figure"} <= set(structure)
    # The QR code is a figure with a text alternative.
    figures = [element for kind, element in structure.items() if kind == "/Figure"]
    assert figures and "QRコード" in figures[0]["/Alt"]
    assert submission.reception_number[4:] in figures[0]["/Alt"]


def _structure_types(root) -> dict:
    """Every structure element type in the tree, with one element of each."""
    return {element["/S"]: element for element in reversed(_structure_elements(root).values())}


def _structure_elements(root) -> dict:
    """The structure elements reachable from the root, by object number."""
    found, stack = {}, list(root["/K"]) if isinstance(root["/K"], list) else [root["/K"]]
    while stack:
        reference = stack.pop()
        if not isinstance(reference, IndirectObject) or reference.idnum in found:
            continue  # a marked-content id, or seen
        element = found[reference.idnum] = reference.get_object()
        kids = element.get("/K", [])
        stack.extend(kids if isinstance(kids, list) else [kids])
    return found


def test_all_page_content_is_tagged_or_a_pagination_artifact(records_form, apply, db_session):
    """PDF/UA-1: the footer is marked as pagination (skipped by screen readers); the rest is in the tree."""
    submission = apply(records_form, {**SAMPLE_ANSWERS, "reason": "転居のため。" * 300}, SAMPLE_ITEMS)
    reader = pdf_reader(render_record(db_session, submission, MUNICIPALITY))
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    reachable = _structure_elements(root)
    nums = root["/ParentTree"]["/Nums"]
    parents = dict(zip(nums[0::2], nums[1::2], strict=True))
    assert len(reader.pages) >= 2
    for index, page in enumerate(reader.pages):
        content = page.get_contents().get_data().decode("latin-1")
        mcids = [int(mcid) for mcid in re.findall(r"/MCID (\d+)", content)]
        assert mcids
        for mcid in mcids:
            assert parents[index][mcid].idnum in reachable, (index, mcid)
        # One footer (reception number, "i / N", municipality) in one margin box (issue 17).
        assert len(re.findall(r"/Artifact\s*<<\s*/Type /Pagination\s*>>\s*BDC", content)) == 1
    assert footers(render_record(db_session, submission, MUNICIPALITY))  # still printed


def test_the_qr_code_holds_the_reception_number(records_form, apply, db_session):
    submission = apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS)
    reader = pdf_reader(render_record(db_session, submission, MUNICIPALITY))

    images = reader.pages[0].images
    assert len(images) == 1
    picture = images[0].image.convert("L")
    # The code drawn is exactly the QR code (not Micro QR) of the reception number, quiet zone
    # included, one image pixel per module (segno's decoder-free way of checking it), with the
    # record's fixed data mask (issue 17: segno no longer scores all eight for each record).
    expected = segno.make_qr(submission.reception_number, error="m", boost_error=False, mask=QR_MASK)
    assert not expected.is_micro and expected.mask == QR_MASK and expected.designator == "1-M"
    width, height = expected.symbol_size(scale=1, border=4)
    assert picture.size == (width, height)
    modules = [[picture.getpixel((x, y)) < 128 for x in range(width)] for y in range(height)]
    border = [[False] * width for _ in range(4)]
    symbol = [[False] * 4 + [bool(bit) for bit in row] + [False] * 4 for row in expected.matrix]
    assert modules == border + symbol + border
    # What a reader sees first, read from the printed picture (not from segno): the format
    # information says error correction M and mask QR_MASK, and its BCH check holds.
    assert _format_information([row[4:-4] for row in modules[4:-4]]) == (FORMAT_LEVEL_M, QR_MASK, True)


FORMAT_LEVEL_M = 0b00  # ISO/IEC 18004: L 01, M 00, Q 11, H 10


def _format_information(matrix: list[list[bool]]) -> tuple[int, int, bool]:
    """(error correction level bits, mask, BCH check holds) from the copy of the 15 format bits
    beside the top-left finder pattern (ISO/IEC 18004 7.9), given the symbol's modules by row."""
    positions = [(8, row) for row in range(6)] + [(8, 7), (8, 8), (7, 8)] + [(14 - i, 8) for i in range(9, 15)]
    bits = sum(int(matrix[y][x]) << i for i, (x, y) in enumerate(positions)) ^ 0x5412
    data, check = bits >> 10, bits & 0x3FF
    remainder = data
    for _ in range(10):
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
    return data >> 3, data & 0b111, remainder == check


def test_the_format_information_reader_tells_every_mask_and_level_apart():
    # The check above could not fail if _format_information always said (M, QR_MASK, True).
    for mask in range(8):
        for level, bits in (("l", 0b01), ("m", 0b00), ("q", 0b11), ("h", 0b10)):
            matrix = segno.make_qr("AB23CD45", error=level, boost_error=False, mask=mask).matrix
            assert _format_information([[bool(bit) for bit in row] for row in matrix]) == (bits, mask, True)
    broken = [[bool(bit) for bit in row] for row in segno.make_qr("AB23CD45", error="m", mask=QR_MASK).matrix]
    broken[8][0] = not broken[8][0]
    assert _format_information(broken)[2] is False


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="needs zbarimg (Debian: zbar-tools)")
def test_a_qr_decoder_reads_the_reception_number_from_the_record(records_form, apply, db_session, tmp_path):
    submission = apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS)
    picture = pdf_reader(render_record(db_session, submission, MUNICIPALITY)).pages[0].images[0].image
    # One pixel per module is too small for a camera-oriented decoder: enlarged, as printed.
    picture.convert("L").resize((picture.width * 8, picture.height * 8), Image.NEAREST).save(tmp_path / "qr.png")
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "qr.png")],
                             capture_output=True, text=True, timeout=30, check=True).stdout.strip()
    assert decoded == submission.reception_number


def test_answers_verified_with_the_my_number_card_are_marked_with_the_assurance_level(
        records_form, apply, db_session):
    submission = apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS, signed_in=True)
    assert set(submission.answers["verified"]) == {"name", "birth_date", "home"}
    text = full_text(render_record(db_session, submission, MUNICIPALITY))

    assert "山田　太郎" in text  # from the card (tests/identity.py), not what was typed
    assert compact(text).count("［マイナンバーカードで確認済み］") == 3
    assert "マイナンバーカード（デジタル認証アプリ）" in text
    # In words staff use, not the acr value (issue 16).
    assert "マイナンバーカード（公的個人認証）" in compact(text) and "AAL3" not in text and "aal3" not in text
    assert "氏名（公的個人認証" in compact(text) and "生年月日（公的個人認証" in compact(text) \
        and "住所（公的個人認証" in compact(text)
    assert f"{SAMPLE_FEE:,}円" in text
    assert "品目 1" in text and "証明書A" in text and "品目 2" in text and "証明書B" in text


def test_the_status_history_is_in_japanese_with_who_and_when(records_form, apply, db_session):
    submission = apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS)
    claimed, asked = utcnow(), utcnow()
    db_session.add_all([
        SubmissionEvent(submission_id=submission.id, kind="claimed", actor="鈴木一郎", created_at=claimed),
        SubmissionEvent(submission_id=submission.id, kind="correction_requested", actor="鈴木一郎",
                        comment="住所の番地を確認してください。", created_at=asked),
    ])
    submission.status = "correction_requested"
    db_session.commit()
    db_session.refresh(submission)

    text = full_text(render_record(db_session, submission, MUNICIPALITY))
    assert "差し戻し（修正をお願いしています）" in text
    history = compact(text[text.index("処理の経過"):])
    received = japan_datetime(submission.events[0].created_at)
    assert compact(f"{received} 申請を受け付けました （申請者）") in history
    assert compact(f"{japan_datetime(claimed)} 審査を始めました （鈴木一郎）") in history
    assert compact(f"{japan_datetime(asked)} 修正のお願いをお送りしました （鈴木一郎）"
                   "住所の番地を確認してください。") in history


def _laid_out(document) -> list[tuple]:
    """Every box of every page: its kind, element, position, size and text (WeasyPrint 70's boxes)."""
    found = []
    stack = [page._page_box for page in document.pages]
    while stack:
        box = stack.pop()
        found.append((type(box).__name__, getattr(box, "element_tag", None), round(box.position_x, 3),
                      round(box.position_y, 3), round(box.width, 3), round(box.height, 3),
                      getattr(box, "text", None)))
        stack.extend(reversed(getattr(box, "children", [])))
    return found


def test_the_records_own_user_agent_stylesheet_lays_it_out_as_weasyprints_does(
        records_form, apply, db_session):
    # static/records/record_ua.css stands in for WeasyPrint's html5_ua.css (issue 17): a record
    # using every part of the template (card-verified answers, items, fee, a comment in the
    # history) has the same boxes at the same places with either.
    submission = apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS, signed_in=True)
    db_session.add(SubmissionEvent(submission_id=submission.id, kind="correction_requested", actor="鈴木一郎",
                                   comment="住所の番地を確認してください。\n至急お願いします。", created_at=utcnow()))
    db_session.commit()
    db_session.refresh(submission)
    view = build_record(db_session, submission, MUNICIPALITY)
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(picture, format="JPEG")
    view.attachments = [PrintedAttachment("写真", "photo.jpg", "JPEG画像", jpeg_data_uri(picture.getvalue())),
                        PrintedAttachment("書類", "scan.heic", "HEIC画像", unreadable=True)]
    renderer = records_pdf._Renderer(pdf_variant=records_pdf.RECORD_VARIANT)
    html = renderer.html(view)
    assert html.user_agent is not None
    ours = renderer.document(view)
    html.user_agent = None  # WeasyPrint's own
    weasyprints = html.render(font_config=renderer.font_config,
                              stylesheets=renderer.styles.for_template("record.html"), **renderer.options)
    assert len(_laid_out(ours)) > 100
    assert _laid_out(ours) == _laid_out(weasyprints)
    tags = {tag for *_, tag in (entry[:2] for entry in _laid_out(ours))}
    assert {"h1", "h2", "h3", "p", "ol", "ul", "li", "img"} <= tags
    # The comment starts a line of its own (white-space: pre-wrap in the list item).
    lines = full_text(renderer.write(ours)).splitlines()
    assert any(line.strip().startswith("住所の番地を確認してください。") for line in lines)
    assert any(line.strip().startswith("至急お願いします。") for line in lines)


def test_control_characters_in_answers_are_printed_as_geta_and_the_text_stays_readable(
        records_form, apply, db_session):
    # A form feed or a NEL has a glyph in no font: WeasyPrint drew .notdef and then no text of the
    # page could be extracted (by screen readers either: the whole record read as garbage).
    submission = apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS)
    view = build_record(db_session, submission, MUNICIPALITY)
    section = view.sections[0]
    section.entries[0] = dataclasses.replace(section.entries[0], text="佐藤\x0c花子\x85\x00\x1b\x7f\t様\r\n以上")
    renderer = records_pdf._Renderer(pdf_variant=records_pdf.RECORD_VARIANT)
    text = compact(full_text(renderer.write(renderer.document(view))))
    assert "佐藤〓花子〓〓〓〓様以上" in text
    assert "品目1" in text and "申請受付記録" in text


def test_a_page_the_xml_parser_refuses_is_parsed_as_html_with_the_given_user_agent_stylesheet():
    renderer = records_pdf._Renderer(pdf_variant=records_pdf.RECORD_VARIANT)
    user_agent = renderer.styles.user_agent("record.html")
    assert user_agent is not None
    html = records_pdf.parse_html("<p>未閉じの<br>段落", renderer.fetcher, user_agent)  # not XML
    assert isinstance(html, records_pdf._HTML) and html.user_agent is user_agent
    assert html._ua_stylesheets() is user_agent
    assert records_pdf.parse_html("<p>閉じた段落</p>", renderer.fetcher)._ua_stylesheets() != user_agent


def test_the_record_uses_the_definition_version_the_resident_used(app, records_form, apply, db_session):
    submission = apply(records_form, SAMPLE_ANSWERS, SAMPLE_ITEMS)
    changed = RECORDS_SAMPLE.replace("記録テスト用の交付申請", "新しい名前の申請").replace("請求の理由", "利用目的")
    with app.app_context(), database().transaction() as session:
        assert publish_loaded(session, load_text(changed, "records-sample.yaml"), actor="test") == "updated"

    text = full_text(render_record(db_session, submission, MUNICIPALITY))
    assert "記録テスト用の交付申請" in text and "請求の理由" in text and "第1版" in text
    assert "新しい名前の申請" not in text and "利用目的" not in text


def test_markup_in_answers_is_printed_as_text_and_fetches_nothing(records_form, apply, db_session, monkeypatch):
    hostile = ('<img src="http://example.invalid/tracker.png"> <link rel="stylesheet" href="file:///etc/passwd">'
               '<style>@import url(https://example.invalid/x.css);</style><p style="background: url(file:///etc/shadow)">')
    submission = apply(records_form, {**SAMPLE_ANSWERS, "reason": hostile}, SAMPLE_ITEMS)
    requested = []
    fetch = RecordURLFetcher.fetch

    def spy(self, url, headers=None):
        requested.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(RecordURLFetcher, "fetch", spy)
    monkeypatch.setattr(records_pdf._per_thread, "styles", None, raising=False)  # load the fonts again
    pdf = render_record(db_session, submission, MUNICIPALITY)

    fonts = {path.as_uri() for path in record_fonts().files}
    assert {url for url in requested if not url.startswith("data:image/png;base64,")} == fonts, requested
    assert len(requested) == len(fonts) + 1  # the fonts and the QR code: nothing else was asked for
    text = compact(full_text(pdf))
    assert compact(hostile) in text  # escaped by the template: shown, not obeyed
    assert len(pdf_reader(pdf).pages[0].images) == 1  # the QR code only
