"""Documents with show_if, and next steps that depend on the answers, as residents see them.

Defect: ``documents[].show_if`` was validated but never applied, so a 委任状 was listed to every
resident. The start page now lists every document (a conditional one marked 「該当する方のみ」 with
its condition in words); the check page and the done page list only those that apply.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from tests.applicant import Applicant

DOCUMENTS_SAMPLE = """\
id: documents-sample
title: {ja: 書類の見本申請, en: Documents sample}
description: {ja: テスト用の手続きです。, en: A procedure for tests.}
department: {name: {ja: 市民課, en: Citizens Division}}
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps:
  - text: {ja: 審査の後、結果を郵送します。, en: We will post the result.}
  - text: {ja: 代理人の方は、委任状の原本を窓口でお見せください。, en: Agents show the original letter of proxy.}
    show_if: {field: via, equals: agent}
  - text: {ja: 住所の確認のため、担当から電話することがあります。, en: We may call you to confirm your address.}
    show_if: {all: [{field: moved, equals: true}, {field: via, equals: self}]}
retention: {years: 5}
documents:
  - {name: {ja: 本人確認書類, en: Proof of identity}, how: bring}
  - name: {ja: 委任状, en: Letter of proxy}
    how: attach
    note: {ja: 本人が自署したもの, en: Signed by the applicant in person}
    show_if: {field: via, equals: agent}
  - name: {ja: 転居前の住所が分かる書類, en: A document showing your previous address}
    how: either
    show_if: {field: moved, equals: true}
  - name: {ja: 在留カード, en: Residence card}
    show_if: {field: birth_date, lt: 2000-01-01}
pages:
  - id: applicant
    title: {ja: 申請者, en: Applicant}
    fields:
      - {type: name, id: name, label: {ja: 氏名, en: Name}}
      - {type: date, id: birth_date, label: {ja: 生年月日, en: Date of birth}, max: {days_from_today: 0}}
      - type: radio
        id: via
        label: {ja: 申請する人, en: Who is applying}
        choices: [{value: self, label: {ja: 本人, en: Yourself}}, {value: agent, label: {ja: 代理人, en: An agent}}]
      - {type: yes_no, id: moved, label: {ja: 最近引っ越しましたか, en: Did you move recently}}
"""
FORM = "documents-sample"


@pytest.fixture
def documents_form(app) -> str:
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(DOCUMENTS_SAMPLE, "documents-sample.yaml"), actor="test")
    return FORM


def _section(html: str, heading: str) -> str:
    """The text of the section under ``heading`` (to the next <h2>), tags removed."""
    match = re.search(rf"<h2[^>]*>{re.escape(heading)}</h2>(.*?)(?=<h2|</main>)", html, flags=re.S)
    assert match, f"no section {heading!r}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def _apply(client, app, **answers):
    return Applicant(client, app, FORM, answers={"birth_date": date(1990, 5, 1), **answers})


def test_the_start_page_lists_every_document_and_marks_the_conditional_ones(client, documents_form):
    page = client.get(f"/forms/{FORM}/").text
    listed = _section(page, "用意するもの")
    assert "本人確認書類（窓口に持参）" in listed
    assert "委任状（申請時に添付）" in listed
    assert "該当する方のみ（「申請する人」が「代理人」である場合）" in listed
    assert "該当する方のみ（「最近引っ越しましたか」が「はい」である場合）" in listed
    # A condition that cannot be put simply in words is only marked.
    in_words = re.search(r"在留カード（窓口に持参） 該当する方のみ(.)", listed)
    assert in_words and in_words.group(1) != "（"
    # 本人確認書類 applies to everyone: it is not marked.
    assert not re.search(r"本人確認書類（窓口に持参） 該当する方のみ", listed)


def test_the_start_page_in_english_says_the_condition_in_english(client, documents_form):
    client.get("/language/en")
    listed = _section(client.get(f"/forms/{FORM}/").text, "What you need")
    assert "Letter of proxy (attach when applying)" in listed or "Letter of proxy（attach when applying）" in listed
    assert "Only if it applies to you (if \u201cWho is applying\u201d is \u201cAn agent\u201d)" in listed


def test_the_check_page_lists_only_the_documents_that_apply(client, app, documents_form):
    check = _apply(client, app, via="self", moved=False).apply()
    assert check.status_code == 200
    needed = _section(check.text, "必要な書類")
    assert "本人確認書類" in needed
    assert "委任状" not in needed  # the defect: it was listed to everyone
    assert "転居前の住所" not in needed
    assert "該当する方のみ" not in needed


def test_a_document_whose_condition_does_not_hold_is_not_listed(client, app, documents_form):
    check = _apply(client, app, via="self", moved=False, birth_date=date(2001, 2, 3)).apply()
    assert "在留カード" not in _section(check.text, "必要な書類")


def test_an_agent_is_asked_for_the_letter_of_proxy(client, app, documents_form):
    check = _apply(client, app, via="agent", moved=True).apply()
    needed = _section(check.text, "必要な書類")
    assert "委任状（申請時に添付）" in needed and "本人が自署したもの" in needed
    assert "転居前の住所が分かる書類（添付または持参）" in needed
    assert "在留カード（窓口に持参）" in needed  # born in 1990, before 2000-01-01


def test_the_done_page_shows_the_documents_and_next_steps_that_apply(client, app, documents_form):
    applicant = _apply(client, app, via="agent", moved=False)
    response = applicant.send()
    done = client.get(response.location).text
    steps = _section(done, "このあとの流れ")
    assert "審査の後、結果を郵送します。" in steps
    assert "委任状の原本を窓口でお見せください" in steps
    assert "担当から電話する" not in steps
    needed = _section(done, "必要な書類")
    assert "委任状" in needed and "転居前" not in needed


def test_next_steps_for_a_resident_who_moved_and_applies_alone(client, app, documents_form):
    applicant = _apply(client, app, via="self", moved=True)
    done = client.get(applicant.send().location).text
    steps = _section(done, "このあとの流れ")
    assert "担当から電話することがあります" in steps
    assert "委任状" not in steps
    assert "委任状" not in _section(done, "必要な書類")


def test_plain_next_steps_are_shown_as_before(client, app, sample_form):
    applicant = Applicant(client, app, sample_form, answers={"resident": True, "via": "self"})
    done = client.get(applicant.send().location).text
    assert "審査の後、郵送します。" in _section(done, "このあとの流れ")
    assert "必要な書類" not in done  # the sample has no documents
