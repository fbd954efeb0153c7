"""One printed record (render_record): what the counter reads on it, and how the PDF is made."""

from __future__ import annotations

import io
import logging
import re

import segno
from fontTools.ttLib import TTFont
from pypdf.generic import IndirectObject

from formsvc.db import database, utcnow
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.records import RecordURLFetcher, render_record
from formsvc.records import pdf as records_pdf
from formsvc.records.fonts import record_fonts
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
    # included, one image pixel per module (segno's decoder-free way of checking it).
    expected = segno.make_qr(submission.reception_number, error="m", boost_error=False)
    assert not expected.is_micro
    width, height = expected.symbol_size(scale=1, border=4)
    assert picture.size == (width, height)
    modules = [[picture.getpixel((x, y)) < 128 for x in range(width)] for y in range(height)]
    border = [[False] * width for _ in range(4)]
    symbol = [[False] * 4 + [bool(bit) for bit in row] + [False] * 4 for row in expected.matrix]
    assert modules == border + symbol + border


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
