"""The printout the resident checks and signs (申請内容確認書（署名用）): what is on it and how it is made."""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest

from tests.counter.support import Procedure, counter_clerk, open_visit_by_typing
from tests.counter.test_counter_applications import DOG, INU
from tests.records.support import compact, page_texts, pdf_reader
from tests.resident.library_support import publish

A4_POINTS = (595.28, 841.89)
SATO = {
    "name": {"family": "佐藤", "given": "健"}, "name_kana": {"family": "サトウ", "given": "ケン"},
    "birthdate": date(1980, 1, 2), "gender": "male", "postal_code": "060-0001",
    "address": {"prefecture": "北海道", "city": "札幌市中央区", "town": "北一条西", "block": "2丁目1番地",
                "building": ""},
    "phone": "090-3456-7890",
}


@pytest.fixture
def printout(app):
    """(clerk, the signature page's path, the PDF) of a dog registration entered at the counter."""
    publish(app, INU)
    clerk = counter_clerk(app)
    visit_id = open_visit_by_typing(clerk, SATO, identification="documents", document="運転免許証")
    signature_path = Procedure(clerk, app, visit_id, INU, answers=DOG).enter()
    response = clerk.get(f"{signature_path}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    return clerk, signature_path, response.data


def test_the_printout_shows_the_answers_a_signature_box_and_the_staff_box(printout):
    _, _, pdf = printout
    text = compact("".join(page_texts(pdf)))

    for expected in ("デモ市", "申請内容確認書（署名用）", "犬の登録と狂犬病予防注射済票の交付申請", "申請者佐藤健様",
                     # answers under their page titles and labels
                     "犬の所有者", "所有者の氏名", "佐藤健", "サトウケン", "〒060-0001",
                     "北海道札幌市中央区北一条西2丁目1番地",
                     "090-3456-7890", "犬について", "犬の名前", "こむぎ", "柴", "メス",
                     # fee
                     "手数料", "3,000円",
                     # the resident's declaration and signature
                     "上記の内容に相違ありません。", "署名欄", "記入日令和年月日", "氏名（自署）",
                     # the staff box
                     "職員記入欄", "受付職員", "窓口花子", "本人確認方法", "本人確認書類（運転免許証）", "確認日",
                     "確認印"):
        assert expected in text, expected
    assert "受付番号" not in text  # nothing is received yet


def test_the_printout_is_a4_tagged_and_titled(printout, caplog):
    clerk, signature_path, pdf = printout
    reader = pdf_reader(pdf)
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4_POINTS
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "ja"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert 'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data().decode()
    assert reader.metadata.title == "申請内容確認書（署名用） 犬の登録と狂犬病予防注射済票の交付申請"
    # Every page's footer names the document and numbers the pages.
    pages = page_texts(pdf)
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"{number} /\s*{len(pages)}\s*デモ市\s*$", page), page[-200:]
        assert "申請内容確認書（署名用）" in page
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        clerk.get(f"{signature_path}.pdf")
    assert [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")] == []


def test_the_font_is_biz_ud_gothic(printout):
    _, _, pdf = printout
    fonts = {str(font.get_object()["/BaseFont"]) for page in pdf_reader(pdf).pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts and all(name.split("+", 1)[1].replace("-", "").startswith("BIZUDGothic") for name in fonts)
