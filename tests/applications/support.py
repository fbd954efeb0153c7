"""A small procedure for the tests of the domain core: questions the card can answer, a question
that leads to another page or ends the application, a repeating page and attachments."""

from __future__ import annotations

from datetime import date

from formsvc.applications.answers import Answers
from formsvc.applications.flow import Flow
from formsvc.definitions.loader import load_text
from formsvc.definitions.schema import FormDefinition

MOVING_IN = """\
id: moving-in
title: {ja: 転入の届出, en: Moving in}
description: {ja: テスト用の手続きです。, en: A procedure for tests.}
department: {name: 市民課}
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 審査の後、郵送します。, en: We will post it.}
retention: {years: 5}
pages:
  - id: applicant
    title: {ja: 申請者, en: Applicant}
    fields:
      - {type: name, id: name, label: {ja: 氏名, en: Name}, prefill: name}
      - {type: date, id: birth, label: 生年月日, prefill: birthdate}
      - {type: address, id: home, label: 住所, prefill: address}
      - {type: yes_no, id: from_abroad, label: 国外からの転入ですか}
      - {type: yes_no, id: with_family, label: 家族と一緒に転入しますか}
  - id: abroad
    kind: exit
    title: 国外からの転入は窓口で届け出てください
    show_if: {field: from_abroad, equals: true}
    fields:
      - {type: guidance, id: come_to_the_counter, content: 市民課の窓口にお越しください。}
  - id: family
    title: {ja: 家族, en: Family}
    show_if: {field: with_family, equals: true}
    repeat: {min: 1, max: 3, item_label: {ja: 家族, en: Family member}}
    fields:
      - {type: text, id: member, label: 家族の氏名, max_length: 20}
      - {type: file, id: member_document, label: 家族の書類, required: false}
  - id: documents
    title: 書類
    fields:
      - {type: file, id: certificate, label: 転出証明書, max_files: 2}
      - {type: text, id: note, label: 備考, required: false}
"""

DEFINITION: FormDefinition = load_text(MOVING_IN, "moving-in.yaml").definition
TODAY = date(2026, 4, 1)

NAME = {"family": "山田", "given": "太郎"}
HOME = {"prefecture": "東京都", "city": "港区", "town": "芝公園", "block": "4-2-8", "building": ""}


def upload(token: str, filename: str = "証明書.pdf") -> dict:
    """An attached file as the answers keep it."""
    return {"upload": token, "filename": filename, "content_type": "application/pdf", "size": 1024}


def flow_of(document: dict) -> Flow:
    return Flow(DEFINITION, Answers.from_json(document), TODAY)
