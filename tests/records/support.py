"""What the records tests share: the procedures, the residents' answers and PDF reading helpers."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from tests.conftest import JAPAN_TODAY

MUNICIPALITY = "デモ市"

RECORDS_SAMPLE = """\
id: records-sample
title: {ja: 記録テスト用の交付申請, en: Records test permit}
description: {ja: 記録のテスト用の手続きです。, en: A procedure for the records tests.}
department: {name: {ja: 市民課 証明係, en: "Citizens Division, Certificates"}}
authentication: optional
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 審査の後、郵送します。, en: We will post it after review.}
retention: {years: 5}
fee:
  amount: {add: [{multiply: [{field: copies}, 300]}, {sum: {page: items, of: {amount: item_kind}}}]}
  description: {ja: 1通300円と品目ごとの手数料の合計, en: 300 yen a copy plus the fee for each item}
pages:
  - id: applicant
    title: {ja: 申請者, en: Applicant}
    fields:
      - {type: name, id: name, label: {ja: 氏名, en: Name}, prefill: name}
      - {type: date, id: birth_date, label: {ja: 生年月日, en: Date of birth}, max: {days_from_today: 0},
         prefill: birthdate}
      - {type: address, id: home, label: {ja: 住所, en: Address}, prefill: address}
      - {type: phone, id: phone, label: {ja: 電話番号, en: Phone number}}
  - id: request
    title: {ja: 請求内容, en: Your request}
    fields:
      - {type: number, id: copies, label: {ja: 通数, en: Copies}, min: 1, max: 5, unit: {ja: 通, en: " copies"}}
      - {type: textarea, id: reason, label: {ja: 請求の理由, en: Why you need it}, max_length: 4000}
  - id: items
    title: {ja: 追加の品目, en: Additional items}
    repeat: {min: 0, max: 3, item_label: {ja: 品目, en: item}, summary_field: item_kind}
    fields:
      - type: select
        id: item_kind
        label: {ja: 品目, en: Item}
        choices:
          - {value: a, label: {ja: 証明書A, en: Certificate A}, amount: 200}
          - {value: b, label: {ja: 証明書B, en: Certificate B}, amount: 450}
"""

SAMPLE_ANSWERS = {
    "name": {"family": "佐藤", "given": "花子"},
    "birth_date": date(1985, 4, 12),
    "home": {"prefecture": "東京都", "city": "港区", "town": "芝公園", "block": "4-2-8", "building": "デモハイツ101"},
    "phone": "090-1234-5678",
    "copies": 2,
    "reason": "銀行口座の開設に使います。\n窓口での受取を希望します。",
}
SAMPLE_ITEMS = {"items": [{"item_kind": "a"}, {"item_kind": "b"}]}
SAMPLE_FEE = 2 * 300 + 200 + 450

# 粗大ごみ: 山本さんがソファ・布団・自転車を出す (as in tests/resident/test_library_sodai_gomi.py).
YAMAMOTO = {
    "has_recycling_appliances": False,
    "applicant_name": {"family": "山本", "given": "健一"},
    "applicant_kana": {"family": "ヤマモト", "given": "ケンイチ"},
    "phone": "03-1234-5678",
    "email": "kenichi.yamamoto@example.jp",
    "collection_postal_code": "160-0023",
    "collection_address": {"prefecture": "東京都", "city": "新宿区", "town": "西新宿",
                           "block": "3-7-1", "building": "デモマンション203"},
    "put_out_place": "collection_point",
    "preferred_date": JAPAN_TODAY + timedelta(days=10),
}
SODAI_ITEMS = {"items": [{"item_kind": "sofa", "quantity": 1, "item_note": "3人掛け、幅180cm、布張り"},
                         {"item_kind": "futon", "quantity": 3},
                         {"item_kind": "bicycle", "quantity": 2}]}
SODAI_FEE = "2,900円"  # 1000×1 + 300×3 + 500×2


def pdf_reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pdf_reader(pdf).pages]


def full_text(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def compact(text: str) -> str:
    """Text without the line breaks and spaces that wrapping puts in the middle of long answers."""
    return "".join(text.split())


def japan_datetime(moment: datetime) -> str:
    """How a record writes a moment, computed here independently: 令和8年11月26日（2026年11月26日）14:05."""
    local = moment.astimezone(ZoneInfo("Asia/Tokyo"))
    assert local.year >= 2020
    return (f"令和{local.year - 2018}年{local.month}月{local.day}日"
            f"（{local.year}年{local.month}月{local.day}日）{local:%H:%M}")


def footers(pdf: bytes) -> list[str]:
    """The "i / N" page numbers printed at the foot of each page."""
    found = []
    for text in page_texts(pdf):
        numbers = re.findall(r"(?m)(\d+) / (\d+)", text)
        assert len(numbers) == 1, text
        found.append(" / ".join(numbers[0]))
    return found
