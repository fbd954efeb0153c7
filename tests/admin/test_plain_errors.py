"""The structured editor's refusals in plain Japanese (issue 15): the page and the question named
by their titles, choices by their labels, each error beside the input that caused it when that
input is on the screen and linked from the error summary; never a line, a column, a YAML path or
an internal id, and no YAML listing (only a way to the YAML editor)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from formsvc.admin.plain_errors import Namer, control_for, describe_errors, parse_path
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text
from tests.admin.support import (
    FORM,
    admin_client,
    errors_on,
    form_values,
    publish_sample,
    submit,
    summary_of,
    working_source,
)

PAGE = f"/admin/forms/{FORM}/pages"
TECHNICAL = re.compile(r"\d+行\d*列?|\w+\[\d+\]|show_if|fields|admin-source|\bvia\b|\bagent\b|\bcopies\b")


def field_url(page_id: str, field_id: str) -> str:
    return f"{PAGE}/{page_id}/fields/{field_id}"


def summary_links(html: str) -> list[tuple[str, str]]:
    """(target, words) of each link of the error summary."""
    block = re.search(r'<div class="error-summary".*?</div>', html, flags=re.S)
    assert block, "no error summary"
    return [(target, unescape(re.sub(r"<[^>]+>", "", words)).strip())
            for target, words in re.findall(r'<a href="#([^"]+)"[^>]*>(.*?)</a>', block.group(0), flags=re.S)]


def problems_listed(html: str) -> str:
    block = re.search(r'<section class="notice notice--error admin-problems".*?</section>', html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", block.group(0))) if block else ""


def test_a_choice_removed_under_a_later_pages_condition_is_refused_in_words(app):
    publish_sample(app)
    admin = admin_client(app)
    url = field_url("applicant", "via")
    refused = submit(admin, url, url, {"choices": "self: 本人\nproxy: 代理の方"})
    assert refused.status_code == 400
    message = ("ページ「代理人」の表示条件の値: 「代理人」は質問「申請する方」の選択肢にありません。"
               "選べる値: 本人、代理の方")
    assert summary_of(refused.text) == [message]
    # The condition is on another page: listed at the top, linked from the summary, with a way to the YAML.
    assert summary_links(refused.text) == [("problem-0", message)]
    listed = problems_listed(refused.text)
    assert 'id="problem-0"' in refused.text and message in listed
    assert "YAMLで確認する" in listed and f'href="/admin/forms/{FORM}/yaml"' in refused.text
    assert not TECHNICAL.search(" ".join(summary_of(refused.text)) + listed)
    assert 'class="admin-source' not in refused.text  # no YAML listing in the structured editor
    assert form_values(refused.text, url)["choices"] == "self: 本人\nproxy: 代理の方"  # what was typed is kept
    assert working_source(app) is None


def test_a_duplicate_id_is_shown_beside_the_id_input_and_linked_from_the_summary(app):
    publish_sample(app)
    admin = admin_client(app)
    refused = submit(admin, f"{PAGE}/request", f"{PAGE}/request/fields",
                     {"field_type": "text", "field_id": "name", "label_ja": "もう一つの氏名"})
    assert refused.status_code == 400
    [(target, words)] = summary_links(refused.text)
    assert target == "field_id"
    assert words.startswith("ページ「請求の内容」の質問「もう一つの氏名」のID: ID「name」が重複しています")
    assert "ページ「申請者」の質問「氏名」のIDでも使われています" in words
    beside = errors_on(refused.text)
    assert len(beside) == 1 and beside[0].startswith("＊ID「name」が重複しています")
    assert 'aria-describedby="field_id-hint field_id-error"' in refused.text
    assert problems_listed(refused.text) == ""  # shown beside its input, not listed again
    assert not re.search(r"\d+行\d+列|pages\[", refused.text)


def test_an_option_the_check_refuses_is_shown_beside_that_option_by_its_name(app):
    publish_sample(app)
    admin = admin_client(app)
    url = field_url("request", "copies")
    refused = submit(admin, url, url, {"option_min": "5", "option_max": "2"})
    assert refused.status_code == 400
    [(target, words)] = summary_links(refused.text)
    assert target == "option_min"
    assert words.startswith("ページ「請求の内容」の質問「通数」の")
    assert "min" not in words and "max" not in words  # the options by their names, not their keys
    assert any(message.startswith("＊「") and "が「" in message for message in errors_on(refused.text)), \
        errors_on(refused.text)
    assert working_source(app) is None


def test_a_move_the_conditions_forbid_is_refused_in_words_on_the_list_of_pages(app):
    publish_sample(app)
    admin = admin_client(app)
    edit = f"/admin/forms/{FORM}/edit"
    refused = submit(admin, edit, f"{PAGE}/agent/up")
    assert refused.status_code == 400
    [text] = summary_of(refused.text)
    assert text.startswith("ページ「代理人」の表示条件の質問: ページ「代理人」の表示条件が後のページ「申請者」の"
                           "質問「申請する方」を参照しています")
    assert not TECHNICAL.search(text + problems_listed(refused.text))


@pytest.mark.parametrize("hostile", ["\x00", "a\x07b: 本人", "x" * 5000, "self: 本人\nself: 本人"])
def test_hostile_choices_get_a_japanese_refusal_never_a_500(app, hostile):
    publish_sample(app)
    admin = admin_client(app)
    url = field_url("applicant", "via")
    refused = submit(admin, url, url, {"choices": hostile})
    assert refused.status_code == 400, hostile
    summary = summary_of(refused.text)
    if not summary:  # control characters are refused for every page before any view
        assert "使用できない文字（制御文字）が含まれていたため" in refused.text
    assert all(re.search(r"[ぁ-んァ-ン一-龥]", item) for item in summary), summary
    assert not re.search(r"\d+行\d+列|pages\[|Traceback", " ".join(summary))
    assert working_source(app) is None


# --- the words for every kind of error (not per message) ----------------------------------------------

def test_every_broken_definition_is_described_without_paths_or_line_numbers():
    for path in sorted((Path(__file__).parent.parent / "definitions" / "broken").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        with pytest.raises(DefinitionInvalid) as raised:
            load_text(text, str(path))
        for error in describe_errors([item.at_use() for item in raised.value.errors], text):
            assert not re.search(r"\w+\[\d+\]|\d+行\d+列", error.text), (path.name, error.text)


SOURCE = """\
id: words
title: 言葉
pages:
  - id: work
    title: 勤務先
    fields:
      - type: radio
        id: kind
        label: 勤務先の種類
        choices: [{value: company, label: 会社員}, {value: pension, label: 年金}]
      - {type: text, id: employer, label: 勤務先の名前, max_length: 20}
computed:
  - {id: total, label: 合計}
documents:
  - {name: 在職証明書}
"""


@pytest.mark.parametrize(("path", "words"), [
    ("pages[0]", "ページ「勤務先」"),
    ("pages[0].title", "ページ「勤務先」の見出し"),
    ("pages[0].fields[0].choices[1].label", "ページ「勤務先」の質問「勤務先の種類」の選択肢「年金」のラベル"),
    ("pages[0].fields[1].max_length", "ページ「勤務先」の質問「勤務先の名前」の最大文字数"),
    ("pages[0].fields[1].show_if.all[1].equals", "ページ「勤務先」の質問「勤務先の名前」の表示条件の値"),
    ("computed[0].value.multiply[0]", "計算値「合計」の値"),
    ("documents[0].show_if.field", "必要な書類「在職証明書」の表示条件の質問"),
    ("fee.amount", "手数料の金額"),
    ("pages[5].fields[2]", "6番目のページの3番目の質問"),
])
def test_a_path_is_said_in_words(path, words):
    assert Namer(SOURCE).where(parse_path(path)) == words


def test_a_message_names_questions_by_label_and_choices_by_label():
    said = Namer(SOURCE).message("'不動産' は項目 'kind' の選択肢にありません。使える値: company, pension")
    assert said == "「不動産」は質問「勤務先の種類」の選択肢にありません。選べる値: 会社員、年金"


@pytest.mark.parametrize(("path", "at", "control"), [
    (("pages", 0, "fields", 1, "show_if", "equals"), ("pages", 0, "fields", 1), "condition_value"),
    (("pages", 0, "fields", 1, "show_if", "field"), ("pages", 0, "fields", 1), "condition_field"),
    (("pages", 0, "fields", 1, "label"), ("pages", 0, "fields", 1), "label_ja"),
    (("pages", 0, "fields", 1, "max_length"), ("pages", 0, "fields", 1), "option_max_length"),
    (("pages", 0, "fields", 1, "choices", 0, "value"), ("pages", 0, "fields", 1), "choices"),
    (("pages", 0, "fields", 1, "label"), ("pages", 0), None),  # a question's label: not on the page's form
    (("pages", 0, "title"), ("pages", 0), "title_ja"),
    (("fee", "amount"), (), "fee_amount"),
])
def test_an_error_goes_beside_the_input_that_edits_its_place(path, at, control):
    names = ("title_ja", "label_ja", "choices", "condition_mode", "condition_field", "condition_value",
             "option_max_length", "fee_amount")
    assert control_for(path, at, names) == control
