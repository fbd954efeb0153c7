"""A small おくやみ手続き案内 (bereavement guide) written for these tests: outcomes with deadlines,
a benefit, conditional next steps and documents. The shipped library is not used, so that these
tests do not change when its definitions do.
"""

from __future__ import annotations

from datetime import date, timedelta

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from tests.conftest import JAPAN_TODAY

OKUYAMI = """\
id: okuyami-sample
title: {ja: おくやみ手続き案内（テスト）, en: Bereavement guide (test)}
description:
  ja: ご家族が亡くなった後の手続きをご案内します。
  en: A guide to the procedures after a family member dies.
department: {name: {ja: 市民課 おくやみ窓口, en: "Citizens Division, Bereavement Desk"}, contact: {phone: 03-1234-5678}}
life_events: [death]
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
retention: {years: 5}
next_steps:
  - text: {ja: 受付の後、おくやみ窓口から来庁の日時をご相談します。, en: We will call you to arrange a visit.}
  - text:
      ja: 代理人の方は、来庁の際に委任状の原本をお持ちください。
      en: If you are an agent, bring the original letter of proxy when you visit.
    show_if: {field: requester, equals: agent}
documents:
  - {name: {ja: 届出をする方の本人確認書類, en: Proof of identity of the person notifying}, how: bring}
  - name: {ja: 亡くなった方の国民健康保険証, en: Health insurance card of the person who died}
    how: bring
    show_if: {field: insurance, equals: kokuho}
  - name: {ja: 委任状, en: Letter of proxy}
    how: bring
    show_if: {field: requester, equals: agent}
computed:
  - id: nhi_deadline
    label: {ja: 国民健康保険の資格喪失届の期限, en: Deadline for the health insurance notice}
    expression: {add_days: {to: {field: death_date}, days: 14}}
    role: deadline
    show_if: {field: insurance, equals: kokuho}
  - id: pension_deadline
    label: {ja: 年金受給者死亡届の期限, en: Deadline for the pension notice}
    expression: {add_days: {to: {field: death_date}, days: 10}}
    role: deadline
  - id: funeral_grant
    label: {ja: 葬祭費, en: Funeral grant}
    expression: {multiply: [50000, 1]}
    unit: {ja: 円, en: " yen"}
    role: benefit
    show_if: {field: insurance, equals: kokuho}
  - id: procedures
    label: {ja: 手続きの数, en: Number of procedures}
    expression: {add: [{field: pension}, 1]}
    unit: {ja: 件, en: " procedures"}
outcomes_title: {ja: あなたに必要な手続き, en: What you need to do}
outcomes:
  - id: nhi_loss
    title: {ja: 国民健康保険の資格喪失届, en: Health insurance notice}
    body:
      ja: 本庁舎1階 保険年金課 5番窓口。保険証をお持ちください。
      en: Main building, 1st floor, Insurance and Pension Division, counter 5. Bring the insurance card.
    show_if: {field: insurance, equals: kokuho}
    deadline: nhi_deadline
  - id: pension_death
    title: {ja: 年金受給者死亡届, en: Pension notice}
    body: {ja: 年金事務所へ届け出てください。, en: Notify the pension office.}
    show_if: {field: pension, equals: true}
    deadline: pension_deadline
  - id: resident_record
    title: {ja: 世帯主の変更届, en: Change of head of household}
pages:
  - id: deceased
    title: {ja: 亡くなった方, en: The person who died}
    fields:
      - {type: name, id: deceased_name, label: {ja: 亡くなった方の氏名, en: Name of the person who died}}
      - {type: date, id: death_date, label: {ja: 亡くなった日, en: Date of death}, max: {days_from_today: 0}}
      - type: radio
        id: insurance
        label: {ja: 加入していた健康保険, en: Health insurance}
        choices:
          - {value: kokuho, label: {ja: 国民健康保険, en: National Health Insurance}}
          - {value: other, label: {ja: その他の健康保険, en: Other}}
      - {type: yes_no, id: pension, label: {ja: 年金を受け取っていましたか, en: Did they receive a pension}}
  - id: requester_page
    title: {ja: 届出をする方, en: You}
    fields:
      - {type: name, id: requester_name, label: {ja: 氏名, en: Name}}
      - {type: email, id: email, label: {ja: メールアドレス, en: Email address}, required: false}
      - type: radio
        id: requester
        label: {ja: 届出をする方, en: Who is notifying}
        choices:
          - {value: family, label: {ja: ご家族, en: A family member}}
          - {value: agent, label: {ja: 代理人, en: An agent}}
"""
FORM = "okuyami-sample"
DEATH = JAPAN_TODAY - timedelta(days=3)


def deadline(days: int) -> date:
    return DEATH + timedelta(days=days)


def japanese(day: date) -> str:
    """How a computed date reads in Japanese: 西暦, with 和暦 beside it (helper A's display)."""
    return f"{day.year}年{day.month}月{day.day}日"


ANSWERS = {
    "deceased_name": {"family": "山田", "given": "太郎"},
    "death_date": DEATH,
    "insurance": "kokuho",
    "pension": True,
    "requester_name": {"family": "山田", "given": "花子"},
    "email": "hanako@example.jp",
    "requester": "family",
}


def publish_okuyami(app, text: str = OKUYAMI) -> str:
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(text, "okuyami-sample.yaml"), actor="test")
    return FORM
