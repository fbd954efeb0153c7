"""Per-channel definitions (channels:): what a channel asks differently, and mistakes in it
reported where they are written, in words that say which channel and what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.library import read_library
from formsvc.definitions.loader import library_errors, load_text
from formsvc.definitions.schema import FormDefinition

BASE = """\
id: channel-sample
title: 証明書の交付申請
description: テスト用の手続きです。
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、郵送します。
retention: {years: 5}
pages:
  - id: who
    title: あなたについて
    fields:
      - {type: name, id: name, label: あなたの氏名}
      - {type: radio, id: via, label: 申請する方, choices: [{value: self, label: 本人}, {value: agent, label: 代理人}]}
  - id: request
    title: 請求の内容
    fields:
      - {type: number, id: copies, label: 通数, min: 1, max: 5}
      - {type: date, id: pickup_date, label: 受取希望日, min: {days_from_today: 3}}
  - id: receive
    title: 受け取り方法
    fields:
      - type: radio
        id: method
        label: 受け取り方法
        choices: [{value: mail, label: 郵送}, {value: desk, label: 窓口}]
  - id: mail
    title: 郵送先
    show_if: {field: method, equals: mail}
    fields:
      - {type: address, id: mail_address, label: 郵送先の住所}
rules:
  - id: self_only_one
    when: {field: via, equals: self}
    check: {field: copies, lte: 3}
    field: copies
    message: 本人の請求は3通までです
"""

COUNTER = """\
channels:
  counter:
    same_day_issue: true
    pages:
      who: {title: 申請者について, description: 窓口に来た方の情報です。}
      receive: {omit: true}
      mail: {omit: true}
    fields:
      name: {label: 申請者の氏名, hint: 本人確認書類のとおりに入力します}
      pickup_date: {omit: true}
      copies: {max: 10, hint: null}
    next_steps: この場で交付します。
    declaration: 申請者が内容を確認しました。
    documents:
      - {name: 本人確認書類, how: bring}
"""


def load(text: str):
    return load_text(text, "channel-sample.yaml").definition


def errors(text: str) -> list[str]:
    with pytest.raises(DefinitionInvalid) as invalid:
        load_text(text, "channel-sample.yaml")
    return [str(error) for error in invalid.value.errors]


def test_a_definition_without_channels_is_the_same_on_every_channel():
    definition = load(BASE)
    assert definition.for_channel("counter") is definition
    assert definition.for_channel("online") is definition
    assert definition.same_day_issue is False


def test_the_counter_asks_its_own_pages_questions_and_wording():
    definition = load(BASE + COUNTER)
    counter = definition.for_channel("counter")

    assert [page.id for page in counter.pages] == ["who", "request"]
    assert [spec.id for spec in counter.all_fields()] == ["name", "via", "copies"]
    assert counter.pages[0].title.ja == "申請者について"
    assert counter.pages[0].description.ja == "窓口に来た方の情報です。"
    name = counter.field_by_id("name")
    assert name.label.ja == "申請者の氏名" and name.hint.ja == "本人確認書類のとおりに入力します"
    copies = counter.field_by_id("copies")
    assert copies.max == 10 and copies.min == 1 and copies.hint is None
    assert counter.next_steps.ja == "この場で交付します。"
    assert counter.declaration.ja == "申請者が内容を確認しました。"
    assert [document.name.ja for document in counter.documents] == ["本人確認書類"]
    assert counter.same_day_issue is True
    # Cached: the same object every time; the rules still apply.
    assert definition.for_channel("counter") is counter
    assert [rule.id for rule in counter.rules] == ["self_only_one"]


def test_online_and_the_preview_are_unchanged():
    definition = load(BASE + COUNTER)
    for channel in ("online", "preview"):
        online = definition.for_channel(channel)
        assert online is definition
        assert [page.id for page in online.pages] == ["who", "request", "receive", "mail"]
        assert online.field_by_id("name").label.ja == "あなたの氏名"
        assert online.same_day_issue is False


def test_an_online_override_changes_only_online():
    definition = load(BASE + "channels:\n  online:\n    fields:\n      copies: {hint: 1通300円です}\n")
    assert definition.for_channel("online").field_by_id("copies").hint.ja == "1通300円です"
    assert definition.for_channel("counter") is definition


def test_the_stored_document_keeps_channels_and_compiles_again():
    from formsvc.definitions.schema import FormDefinition

    loaded = load_text(BASE + COUNTER, "channel-sample.yaml")
    again = FormDefinition.model_validate(loaded.document)
    assert again.for_channel("counter").same_day_issue is True
    assert [page.id for page in again.for_channel("counter").pages] == ["who", "request"]


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def test_unknown_pages_fields_and_keys_are_errors_at_the_override():
    text = BASE + """\
channels:
  counter:
    pages:
      recieve: {omit: true}
    fields:
      copise: {max: 10}
      copies: {maxx: 10}
      via: {type: select}
"""
    found = errors(text)
    assert (f"channel-sample.yaml:{line_of(text, 'recieve')}:7: channels.counter.pages.recieve: "
            "窓口 (channels.counter) のページ 'recieve' はこの定義にありません。"
            "'receive' の書き間違いではありませんか。") in found[0]
    assert any(f":{line_of(text, 'copise')}:7: channels.counter.fields.copise: 窓口 (channels.counter) の項目 'copise' "
               "はこの定義にありません。'copies' の書き間違いではありませんか。" in error for error in found)
    assert any(f":{line_of(text, 'maxx')}:" in error and "'maxx' は number 項目のキーではありません。'max' の書き間違い"
               in error for error in found)
    assert any(f":{line_of(text, 'type: select')}:" in error and "窓口では項目の type は変えられません" in error
               for error in found)


def test_a_value_the_field_type_refuses_is_an_error_at_that_value():
    text = BASE + "channels:\n  counter:\n    fields:\n      copies: {max: many}\n"
    [error] = errors(text)
    assert error.startswith(f"channel-sample.yaml:{line_of(text, 'max: many')}:")
    assert "channels.counter.fields.copies.max: 窓口での項目 'copies' の変更: 数値を書いてください" in error


def test_a_limit_that_no_longer_fits_is_reported_at_the_changed_question():
    text = BASE + "channels:\n  counter:\n    fields:\n      copies: {max: 0}\n"
    [error] = errors(text)
    assert error.startswith(f"channel-sample.yaml:{line_of(text, 'max: 0')}:")
    assert "窓口 (channels.counter) の定義で 項目 'copies'" in error and "min が max より大きく" in error


def test_omitting_what_something_still_reads_names_the_channel_and_the_reader():
    text = BASE + """\
channels:
  counter:
    pages:
      receive: {omit: true}
    fields:
      via: {omit: true}
"""
    found = errors(text)
    receive = next(error for error in found if "'receive' を省略" in error)
    assert receive.startswith(f"channel-sample.yaml:{line_of(text, 'receive: {omit')}:")
    assert "窓口 (channels.counter) では 'receive' を省略していますが (項目 'method' を含みます)、" in receive
    assert "ページ 'mail' (pages[3].show_if.field) が 'method' を参照しています" in receive
    assert "参照している側も窓口で省略・変更するか、'receive' を省略しないでください" in receive
    via = next(error for error in found if "'via' を省略" in error)
    assert via.startswith(f"channel-sample.yaml:{line_of(text, 'via: {omit')}:")
    assert "ルール 'self_only_one' (rules[0].when.field)" in via


def test_a_rule_can_be_left_out_on_a_channel():
    text = BASE + """\
channels:
  counter:
    fields:
      via: {omit: true}
    rules:
      self_only_one: {omit: true}
"""
    counter = load(text).for_channel("counter")
    assert counter.rules == [] and counter.field_by_id("via") is None


def test_omitting_every_question_of_a_page_says_to_omit_the_page():
    text = BASE + "channels:\n  counter:\n    fields:\n      mail_address: {omit: true}\n"
    found = errors(text)
    assert any("ページ 'mail' の項目をすべて省略しています。ページごと省略してください" in error for error in found)


def test_omit_and_changes_together_are_refused():
    text = BASE + "channels:\n  counter:\n    fields:\n      copies: {omit: true, max: 3}\n"
    [error] = errors(text)
    assert "省略する項目 'copies' に、ほかの変更 (max) は書けません" in error


def test_english_is_needed_online_but_not_for_the_counters_staff_wording():
    english = BASE.replace("title: 証明書の交付申請", "title: {ja: 証明書の交付申請, en: Certificate}")
    # Every other text lacks English too: only the channel's own texts are looked at here.
    overrides = "    pages:\n      who: {title: 申請者}\n"
    online = [error for error in _all_errors(english + "channels:\n  online:\n" + overrides) if "channels." in error]
    assert online and all("英語の訳がありません" in error for error in online)
    counter = [error for error in _all_errors(english + "channels:\n  counter:\n" + overrides) if "channels." in error]
    assert counter == []


def _all_errors(text: str) -> list[str]:
    try:
        load_text(text, "channel-sample.yaml")
    except DefinitionInvalid as invalid:
        return [str(error) for error in invalid.errors]
    return []


# --- a shared block's counter wording ---------------------------------------------------------

BLOCK = """\
id: person
title: 本人の情報
fields:
  - {type: name, id: name, label: あなたの氏名}
  - {type: phone, id: phone, label: あなたの電話番号}
channels:
  counter:
    fields:
      name: {label: 申請者の氏名}
      phone: {label: 申請者の電話番号, hint: 日中につながる番号を確認します}
"""


def library_with(tmp_path: Path, block: str):
    (tmp_path / "shared" / "blocks").mkdir(parents=True)
    (tmp_path / "shared" / "blocks" / "person.yaml").write_text(block, encoding="utf-8")
    return read_library(tmp_path / "shared")


def test_a_blocks_counter_wording_comes_with_every_use_and_the_definition_wins(tmp_path):
    library = library_with(tmp_path, BLOCK)
    text = BASE.replace("      - {type: name, id: name, label: あなたの氏名}\n",
                        "      - {use: person, prefix: applicant_}\n") + \
        "channels:\n  counter:\n    fields:\n      applicant_phone: {label: 連絡先}\n"
    definition = load_text(text, str(tmp_path / "x.yaml"), library).definition
    assert definition.field_by_id("applicant_name").label.ja == "あなたの氏名"
    counter = definition.for_channel("counter")
    assert counter.field_by_id("applicant_name").label.ja == "申請者の氏名"
    phone = counter.field_by_id("applicant_phone")
    assert phone.label.ja == "連絡先" and phone.hint.ja == "日中につながる番号を確認します"


def test_a_blocks_channel_mistake_is_reported_in_the_block(tmp_path):
    library = library_with(tmp_path, BLOCK.replace("phone: {label: 申請者の", "phone: {lable: 申請者の"))
    found = [str(error) for error in library_errors(library)]
    assert any("person.yaml:" in error and "'lable' は phone 項目のキーではありません" in error for error in found)
    wrong_id = library_with(tmp_path / "other", BLOCK.replace("      name: {label", "      nmae: {label"))
    assert any("このブロックに項目 'nmae' はありません" in str(error) for error in wrong_id.problems)


def test_the_shipped_juminhyo_issues_the_same_day_at_the_counter_only():
    root = Path(__file__).resolve().parents[2] / "form_definitions"
    definition = load_text((root / "juminhyo-copy.yaml").read_text(encoding="utf-8"),
                           str(root / "juminhyo-copy.yaml")).definition
    counter = definition.for_channel("counter")
    assert counter.same_day_issue and not definition.same_day_issue
    asked = {spec.id for spec in counter.all_fields()}
    assert not {"receive_method", "counter_office", "collection_date"} & asked
    assert counter.page_by_id("requester_details").title.ja == "申請者について"
    assert "あなた" not in counter.field_by_id("requester").label.ja
    assert counter.next_steps.ja.startswith("この場で交付します。")
    assert "オンラインで申請する場合は" in definition.fee.payment.ja


def test_a_channels_definition_derives_the_other_channel_from_the_base():
    """for_channel on a channel's definition (which has no channels: left) still gives the other
    channel as written, not the one it was called on."""
    definition = load(BASE + COUNTER + "  online:\n    fields:\n      copies: {hint: 1通300円です}\n")
    online, counter = definition.for_channel("online"), definition.for_channel("counter")
    assert online is not definition and online.base is definition and counter.base is definition

    assert online.for_channel("counter") is counter
    assert online.for_channel("counter").same_day_issue is True
    assert [page.id for page in online.for_channel("counter").pages] == ["who", "request"]
    assert counter.for_channel("online") is online and counter.for_channel("counter") is counter
    assert counter.for_channel("preview").field_by_id("pickup_date") is not None
    # The link to the base is not part of the document: dumps and the schema do not have it.
    assert "_base" not in online.model_dump() and "base" not in online.model_dump()
    assert "_base" not in json.dumps(FormDefinition.model_json_schema())


def test_without_an_online_override_the_counters_definition_gives_back_the_base():
    definition = load(BASE + COUNTER)
    counter = definition.for_channel("counter")
    assert counter.for_channel("online") is definition
    assert counter.for_channel("online").same_day_issue is False
    assert definition.base is definition


def test_a_block_question_with_counter_wording_can_be_left_out_at_the_counter():
    """The applicant block words applicant_phone for the counter's staff; a procedure that does
    not ask it at the counter omits it, and the block's wording does not make the omit an error."""
    root = Path(__file__).resolve().parents[2] / "form_definitions"
    path = root / "okuyami-annai.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "    fields:\n      applicant_relationship:\n        label: 亡くなった方から見た申請者の続柄\n"
    assert anchor in text
    text = text.replace(anchor, anchor.replace("    fields:\n", "    fields:\n      applicant_phone: {omit: true}\n"))

    definition = load_text(text, str(path)).definition

    counter = definition.for_channel("counter")
    assert counter.field_by_id("applicant_phone") is None
    assert definition.field_by_id("applicant_phone") is not None
    # The block's other counter wording still comes with the use.
    assert counter.field_by_id("applicant_name").hint.ja.startswith("本人確認書類のとおりに入力します")
    assert definition.for_channel("online").field_by_id("applicant_phone") is not None


def test_a_block_questions_own_omit_with_other_changes_is_still_refused(tmp_path):
    """Only the block's changes give way to an omit; what the author writes beside it is an error."""
    library = library_with(tmp_path, BLOCK)
    text = BASE.replace("      - {type: name, id: name, label: あなたの氏名}\n",
                        "      - {use: person, prefix: applicant_}\n") + \
        "channels:\n  counter:\n    fields:\n      applicant_phone: {omit: true, label: 連絡先}\n"
    with pytest.raises(DefinitionInvalid) as invalid:
        load_text(text, str(tmp_path / "x.yaml"), library)
    assert any("'applicant_phone' に、ほかの変更 (label) は書けません" in str(error)
               for error in invalid.value.errors)
