"""A small procedure written for these tests, so they do not depend on the shipped library."""

from __future__ import annotations

import pytest

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded

SAMPLE = """\
id: sample-permit
title: {ja: 見本の許可申請, en: Sample permit}
description: {ja: テスト用の手続きです。, en: A procedure for tests.}
department: {name: 市民課, contact: {phone: 03-1234-5678}}
life_events: [certificates]
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 審査の後、郵送します。, en: We will post the permit.}
retention: {years: 5}
fee:
  amount: {add: [{multiply: [{field: copies}, 300]}, {sum: {page: items, of: {amount: item_kind}}}]}
pages:
  - id: eligibility
    title: {ja: 対象の確認, en: Eligibility}
    fields:
      - {type: yes_no, id: resident, label: {ja: 市内にお住まいですか, en: Do you live in the city}}
  - id: not_eligible
    kind: exit
    title: {ja: この手続きは市内にお住まいの方が対象です, en: This is for residents}
    show_if: {field: resident, equals: false}
    fields:
      - {type: guidance, id: go_elsewhere, content: お住まいの市区町村にお問い合わせください。}
  - id: applicant
    title: {ja: 申請者, en: Applicant}
    fields:
      - {type: name, id: name, label: {ja: 氏名, en: Name}}
      - {type: kana, id: kana, label: フリガナ}
      - {type: date, id: birth_date, label: 生年月日, max: {days_from_today: 0}}
      - {type: postal_code, id: postal, label: 郵便番号, fills: home}
      - {type: address, id: home, label: 住所}
      - {type: radio, id: via, label: 申請者, choices: [{value: self, label: 本人}, {value: agent, label: 代理人}]}
  - id: agent
    title: 代理人
    show_if: {field: via, equals: agent}
    fields:
      - {type: text, id: agent_name, label: 代理人の氏名, max_length: 20}
      - {type: file, id: proxy_letter, label: 委任状, accept: [pdf], max_size_mb: 1}
  - id: request
    title: 請求内容
    fields:
      - {type: number, id: copies, label: 通数, min: 1, max: 5, unit: 通}
      - {type: text, id: agent_note, label: 代理人への連絡, required: false, show_if: {field: via, equals: agent}}
      - {type: date, id: pickup, label: 受取希望日, min: {days_from_today: 3}}
      - {type: date, id: pickup_last, label: 受取期限, required: false}
  - id: items
    title: 追加の品目
    repeat: {min: 0, max: 2, item_label: 品目, summary_field: item_kind}
    fields:
      - type: select
        id: item_kind
        label: 品目
        choices: [{value: a, label: 証明書A, amount: 200}, {value: b, label: 証明書B, amount: 450}]
rules:
  - id: last_after_pickup
    when: {field: pickup_last, answered: true}
    check: {field: pickup_last, gte: {field: pickup}}
    field: pickup_last
    message: 受取期限は受取希望日より後の日付にしてください
"""


@pytest.fixture
def sample_form(app):
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(SAMPLE, "sample.yaml"), actor="test")
    return "sample-permit"
