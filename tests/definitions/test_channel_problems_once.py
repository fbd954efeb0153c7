"""The channels' checks run once per definition: a channel's definition is checked only for what
it can change (formsvc.definitions.channels._channel_semantic_problems), and the loader hands
the definition's own problems over instead of finding them again. The problems reported, and
where, are exactly those of checking every channel's whole definition (the list below is what
the code before this change reported for the same text)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from formsvc.definitions.channels import channel_problems
from formsvc.definitions.checks import MISSING_ENGLISH, semantic_problems
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.definitions.schema import FormDefinition

# English throughout but for a few texts, and channels that change texts (with and without
# English), omit questions and a rule, replace the declaration and documents, and leave out a
# page another page's condition reads.
DEFINITION = """\
id: channel-once
title: {ja: 証明書の交付申請, en: Certificate request}
description: {ja: テスト用の手続きです。, en: A test procedure.}
department: {name: {ja: 市民課, en: Citizens Division}}
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 審査の後、郵送します。, en: We mail it after review.}
retention: {years: 5, basis: 文書管理規程}
pages:
  - id: who
    title: {ja: あなたについて, en: About you}
    fields:
      - {type: name, id: name, label: {ja: あなたの氏名, en: Your name}, hint: 戸籍のとおり}
      - type: radio
        id: via
        label: {ja: 申請する方, en: Who applies}
        choices: [{value: self, label: {ja: 本人, en: Yourself}}, {value: agent, label: 代理人}]
  - id: request
    title: {ja: 請求の内容, en: Request}
    fields:
      - {type: number, id: copies, label: {ja: 通数, en: Copies}, min: 1, max: 5}
      - {type: date, id: pickup_date, label: {ja: 受取希望日, en: Pickup date}, min: {days_from_today: 3}}
  - id: receive
    title: {ja: 受け取り方法, en: How to receive}
    fields:
      - type: radio
        id: method
        label: {ja: 受け取り方法, en: How}
        choices: [{value: mail, label: {ja: 郵送, en: Mail}}, {value: desk, label: {ja: 窓口, en: Desk}}]
  - id: mail
    title: 郵送先
    show_if: {field: method, equals: mail}
    fields:
      - {type: address, id: mail_address, label: {ja: 郵送先の住所, en: Mailing address}}
rules:
  - id: self_only_one
    when: {field: via, equals: self}
    check: {field: copies, lte: 3}
    field: copies
    message: {ja: 本人の請求は3通までです, en: Up to 3 copies}
channels:
  online:
    pages:
      who: {title: 申請者について}
      request: {description: {ja: 通数を選びます, en: Choose how many}}
    fields:
      name: {label: 申請者の氏名, hint: {ja: 本人確認書類のとおり, en: As on your ID}}
      copies: {max: 2, label: {ja: 通数, en: Copies}}
      pickup_date: {omit: true}
      via: {label: {ja: 申請者, en: Applicant}}
      mail_address: {label: 送付先の住所}
    rules:
      self_only_one: {omit: true}
    declaration: 申請者が内容を確認しました。
    documents:
      - {name: 本人確認書類, how: bring}
  counter:
    same_day_issue: true
    pages:
      who: {title: 申請者について, description: 窓口に来た方の情報です。}
      receive: {omit: true}
    fields:
      name: {label: 申請者の氏名, hint: 本人確認書類のとおりに入力します}
      pickup_date: {omit: true}
      copies: {max: 10, hint: null}
    next_steps: この場で交付します。
"""

_ONLINE = "オンライン (channels.online) の定義で "
REPORTED = [
    f"channel-once.yaml:12:74: pages[0].fields[0].hint: {MISSING_ENGLISH}",
    f"channel-once.yaml:16:87: pages[0].fields[1].choices[1].label: {MISSING_ENGLISH}",
    f"channel-once.yaml:30:12: pages[3].title: {MISSING_ENGLISH}",
    f"channel-once.yaml:43:20: channels.online.pages.who.title: {_ONLINE}ページ 'who' (pages[0].title): "
    f"{MISSING_ENGLISH}",
    f"channel-once.yaml:43:20: channels.online.pages.who.title: {MISSING_ENGLISH}",
    f"channel-once.yaml:46:21: channels.online.fields.name.label: {_ONLINE}項目 'name' (pages[0].fields[0].label): "
    f"{MISSING_ENGLISH}",
    f"channel-once.yaml:50:29: channels.online.fields.mail_address.label: {_ONLINE}項目 'mail_address' "
    f"(pages[3].fields[0].label): {MISSING_ENGLISH}",
    f"channel-once.yaml:53:18: channels.online.declaration: {_ONLINE}declaration: {MISSING_ENGLISH}",
    f"channel-once.yaml:53:18: channels.online.declaration: {MISSING_ENGLISH}",
    f"channel-once.yaml:55:16: channels.online.documents[0].name: {_ONLINE}documents[0].name: {MISSING_ENGLISH}",
    f"channel-once.yaml:55:16: channels.online.documents[0].name: {MISSING_ENGLISH}",
    "channel-once.yaml:60:23: channels.counter.pages.receive.omit: 窓口 (channels.counter) では 'receive' を省略して"
    "いますが (項目 'method' を含みます)、ページ 'mail' (pages[3].show_if.field) が 'method' を参照しています。"
    "参照している側も窓口で省略・変更するか、'receive' を省略しないでください",
]


def test_a_definition_with_channel_differences_reports_the_same_problems_at_the_same_places():
    with pytest.raises(DefinitionInvalid) as invalid:
        load_text(DEFINITION, "channel-once.yaml")
    assert [str(error) for error in invalid.value.errors] == REPORTED


def _definition() -> FormDefinition:
    from formsvc.definitions.yaml_source import parse

    return FormDefinition.model_validate(parse(DEFINITION)[0])


def test_the_definitions_problems_handed_over_or_found_again_give_the_same_channel_problems():
    definition = _definition()
    known = list(semantic_problems(definition))
    assert list(channel_problems(definition, known=known)) == list(channel_problems(definition))


def test_without_english_in_the_title_a_channel_needs_no_english_either():
    text = DEFINITION.replace("title: {ja: 証明書の交付申請, en: Certificate request}", "title: 証明書の交付申請", 1)
    with pytest.raises(DefinitionInvalid) as invalid:
        load_text(text, "channel-once.yaml")
    assert [str(error) for error in invalid.value.errors] == [REPORTED[-1]]


def test_validate_loads_neither_sqlalchemy_nor_the_payment_service():
    # Every `formsvc` command imports the command modules; validate must not pay for the database.
    code = ("import sys; from formsvc.cli import main; from formsvc.definitions import loader; "
            "print(sorted(m for m in ('sqlalchemy', 'formsvc.db', 'formsvc.payments.service') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
