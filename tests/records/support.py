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
description: {ja: 記録のテスト用の手続きです。}
department: {name: 市民課 証明係}
authentication: optional
declaration: {ja: 上記の内容に相違ありません。}
next_steps: {ja: 審査の後、郵送します。}
retention: {years: 5}
fee:
  amount: {add: [{multiply: [{field: copies}, 300]}, {sum: {page: items, of: {amount: item_kind}}}]}
  description: {ja: 1通300円と品目ごとの手数料の合計}
pages:
  - id: applicant
    title: {ja: 申請者}
    fields:
      - {type: name, id: name, label: {ja: 氏名}, prefill: name}
      - {type: date, id: birth_date, label: 生年月日, max: {days_from_today: 0}, prefill: birthdate}
      - {type: address, id: home, label: 住所, prefill: address}
      - {type: phone, id: phone, label: 電話番号}
  - id: request
    title: 請求内容
    fields:
      - {type: number, id: copies, label: 通数, min: 1, max: 5, unit: 通}
      - {type: textarea, id: reason, label: 請求の理由, max_length: 4000}
  - id: items
    title: 追加の品目
    repeat: {min: 0, max: 3, item_label: 品目, summary_field: item_kind}
    fields:
      - type: select
        id: item_kind
        label: 品目
        choices: [{value: a, label: 証明書A, amount: 200}, {value: b, label: 証明書B, amount: 450}]
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
