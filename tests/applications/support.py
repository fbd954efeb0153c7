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
department: {name: {ja: 市民課, en: Citizens Division}}
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 審査の後、郵送します。, en: We will post it.}
retention: {years: 5}
pages:
  - id: applicant
    title: {ja: 申請者, en: Applicant}
    fields:
      - {type: name, id: name, label: {ja: 氏名, en: Name}, prefill: name}
      - {type: date, id: birth, label: {ja: 生年月日, en: Date of birth}, prefill: birthdate}
      - {type: address, id: home, label: {ja: 住所, en: Address}, prefill: address}
      - {type: yes_no, id: from_abroad, label: {ja: 国外からの転入ですか, en: Are you moving in from abroad}}
      - {type: yes_no, id: with_family, label: {ja: 家族と一緒に転入しますか, en: Is your family moving in with you}}
  - id: abroad
    kind: exit
    title: {ja: 国外からの転入は窓口で届け出てください, en: Moving in from abroad is notified at the counter}
    show_if: {field: from_abroad, equals: true}
    fields:
      - type: guidance
        id: come_to_the_counter
        content: {ja: 市民課の窓口にお越しください。, en: Please come to the Citizens Division counter.}
  - id: family
    title: {ja: 家族, en: Family}
    show_if: {field: with_family, equals: true}
    repeat: {min: 1, max: 3, item_label: {ja: 家族, en: Family member}}
    fields:
      - {type: text, id: member, label: {ja: 家族の氏名, en: Family member's name}, max_length: 20}
      - {type: file, id: member_document, label: {ja: 家族の書類, en: Family member's document}, required: false}
  - id: documents
    title: {ja: 書類, en: Documents}
    fields:
      - {type: file, id: certificate, label: {ja: 転出証明書, en: Certificate of moving out}, max_files: 2}
      - {type: text, id: note, label: {ja: 備考, en: Notes}, required: false}
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
