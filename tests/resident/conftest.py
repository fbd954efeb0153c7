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
department: {name: {ja: 市民課, en: Citizens Division}, contact: {phone: 03-1234-5678}}
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
      - type: guidance
        id: go_elsewhere
        content: {ja: お住まいの市区町村にお問い合わせください。, en: Please contact the city or town where you live.}
  - id: applicant
    title: {ja: 申請者, en: Applicant}
    fields:
      - {type: name, id: name, label: {ja: 氏名, en: Name}}
      - {type: kana, id: kana, label: {ja: フリガナ, en: Name in kana}}
      - {type: date, id: birth_date, label: {ja: 生年月日, en: Date of birth}, max: {days_from_today: 0}}
      - {type: postal_code, id: postal, label: {ja: 郵便番号, en: Postcode}, fills: home}
      - {type: address, id: home, label: {ja: 住所, en: Address}}
      - type: radio
        id: via
        label: {ja: 申請者, en: Who is applying}
        choices:
          - {value: self, label: {ja: 本人, en: Yourself}}
          - {value: agent, label: {ja: 代理人, en: An agent}}
  - id: agent
    title: {ja: 代理人, en: Agent}
    show_if: {field: via, equals: agent}
    fields:
      - {type: text, id: agent_name, label: {ja: 代理人の氏名, en: Agent's name}, max_length: 20}
      - {type: file, id: proxy_letter, label: {ja: 委任状, en: Letter of proxy}, accept: [pdf], max_size_mb: 1}
  - id: request
    title: {ja: 請求内容, en: Your request}
    fields:
      - {type: number, id: copies, label: {ja: 通数, en: Copies}, min: 1, max: 5, unit: {ja: 通, en: " copies"}}
      - {type: text, id: agent_note, label: {ja: 代理人への連絡, en: Note for the agent}, required: false,
         show_if: {field: via, equals: agent}}
      - {type: date, id: pickup, label: {ja: 受取希望日, en: Preferred pickup date}, min: {days_from_today: 3}}
      - {type: date, id: pickup_last, label: {ja: 受取期限, en: Latest pickup date}, required: false}
  - id: items
    title: {ja: 追加の品目, en: Additional items}
    repeat: {min: 0, max: 2, item_label: {ja: 品目, en: item}, summary_field: item_kind}
    fields:
      - type: select
        id: item_kind
        label: {ja: 品目, en: Item}
        choices:
          - {value: a, label: {ja: 証明書A, en: Certificate A}, amount: 200}
          - {value: b, label: {ja: 証明書B, en: Certificate B}, amount: 450}
rules:
  - id: last_after_pickup
    when: {field: pickup_last, answered: true}
    check: {field: pickup_last, gte: {field: pickup}}
    field: pickup_last
    message:
      ja: 受取期限は受取希望日より後の日付にしてください
      en: The latest pickup date must be after the preferred pickup date
"""


@pytest.fixture
def sample_form(app):
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(SAMPLE, "sample.yaml"), actor="test")
    return "sample-permit"
