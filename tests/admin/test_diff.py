"""The difference between two versions in words an administrator understands."""

from __future__ import annotations

from formsvc.admin.diff import describe_changes, source_diff
from formsvc.definitions.loader import load_text
from tests.admin.support import SAMPLE


def changes(old: str, new: str) -> list[str]:
    return describe_changes(load_text(old).definition, load_text(new).definition)


def test_the_same_definition_has_no_changes_even_when_written_differently():
    rewritten = SAMPLE.replace("department: {name: 市民課}", "department:\n  name: 市民課")
    rewritten = rewritten.replace("  # 代理人のときだけ\n", "")
    assert changes(SAMPLE, rewritten) == []


def test_a_page_added_and_a_page_removed():
    added = SAMPLE + ("  - id: contact\n    title: 連絡先\n    fields:\n"
                      "      - {type: phone, id: phone, label: 電話番号}\n")
    assert changes(SAMPLE, added) == ["ページ「連絡先」を追加（4番目）",
                                      "ページ「連絡先」に項目「電話番号」（電話番号）を追加"]
    assert changes(added, SAMPLE) == ["ページ「連絡先」を削除", "項目「電話番号」を削除"]


def test_a_page_moved_and_renamed():
    moved = SAMPLE.replace("""  - id: request
    title: 請求の内容
    fields:
      - {type: number, id: copies, label: 通数, min: 1, max: 5, unit: 通}
""", "").replace("pages:\n", """pages:
  - id: request
    title: 請求の詳細
    fields:
      - {type: number, id: copies, label: 通数, min: 1, max: 5, unit: 通}
""")
    assert changes(SAMPLE, moved) == ["ページ「請求の詳細」の順番を変更（3番目から1番目へ）",
                                      "ページ「請求の内容」のタイトルを「請求の内容」から「請求の詳細」に変更"]


def test_a_question_added_removed_and_moved():
    name = "      - {type: name, id: name, label: 氏名}\n"
    added = SAMPLE.replace(name, name + "      - {type: kana, id: kana, label: フリガナ}\n")
    assert changes(SAMPLE, added) == ["ページ「申請者」に項目「フリガナ」（フリガナ）を追加"]
    assert changes(added, SAMPLE) == ["項目「フリガナ」を削除"]
    swapped = SAMPLE.replace(
        "      - {type: name, id: name, label: 氏名}\n      - {type: radio, id: via, label: 申請する方, "
        "choices: [{value: self, label: 本人}, {value: agent, label: 代理人}]}\n",
        "      - {type: radio, id: via, label: 申請する方, choices: [{value: self, label: 本人}, "
        "{value: agent, label: 代理人}]}\n      - {type: name, id: name, label: 氏名}\n")
    assert changes(SAMPLE, swapped) == ["項目「申請する方」の順番を変更（ページ「申請者」の中で）"]
    copies = "      - {type: number, id: copies"
    to_other_page = SAMPLE.replace(name, "").replace(copies, name + copies)
    assert changes(SAMPLE, to_other_page) == ["項目「氏名」をページ「申請者」からページ「請求の内容」に移動"]


def test_labels_hints_and_required():
    edited = SAMPLE.replace("label: 氏名}", "label: {ja: お名前, en: Name}, hint: 戸籍のとおり, required: false}")
    assert changes(SAMPLE, edited) == [
        "項目「氏名」のラベルを「氏名」から「お名前」に変更",
        "項目「氏名」のラベルの英語「Name」を追加",
        "項目「お名前」のヒント「戸籍のとおり」を追加",
        "項目「お名前」を任意に変更",
    ]
    assert changes(edited, SAMPLE)[-1] == "項目「氏名」を必須に変更"


def test_choices_added_removed_and_relabelled():
    edited = SAMPLE.replace("[{value: self, label: 本人}, {value: agent, label: 代理人}]",
                            "[{value: self, label: 本人（申請者）}, {value: household, label: 同じ世帯の方}]")
    edited = edited.replace("equals: agent}", "equals: household}")
    assert changes(SAMPLE, edited) == [
        "ページ「代理人」の表示条件を変更（変更前: 「申請する方」が「代理人」／"
        "変更後: 「申請する方」が「同じ世帯の方」）",
        "項目「申請する方」に選択肢「同じ世帯の方」を追加",
        "項目「申請する方」の選択肢「代理人」を削除",
        "項目「申請する方」の選択肢「本人」のラベルを「本人」から「本人（申請者）」に変更",
    ]


def test_fee_changes():
    fixed = SAMPLE.replace("amount: {multiply: [{field: copies}, 300]}", "amount: 300")
    assert changes(fixed, fixed.replace("amount: 300", "amount: 400")) == ["手数料を300円から400円に変更"]
    assert changes(SAMPLE, SAMPLE.replace("{field: copies}, 300", "{field: copies}, 400")) == [
        "手数料の計算を「「通数」 × 300円」から「「通数」 × 400円」に変更"]
    free = SAMPLE.replace("fee:\n  amount: {multiply: [{field: copies}, 300]}\n  description: 1通300円\n", "")
    assert changes(free, fixed) == ["手数料を無料から「300円」に変更"]
    assert changes(fixed, free) == ["手数料を「300円」から無料に変更"]


def test_condition_changes():
    changed = SAMPLE.replace("show_if: {field: via, equals: agent}", "show_if: {field: via, not_equals: self}")
    assert changes(SAMPLE, changed) == [
        "ページ「代理人」の表示条件を変更（変更前: 「申請する方」が「代理人」／変更後: 「申請する方」が「本人」以外）"]
    removed = SAMPLE.replace("    show_if: {field: via, equals: agent}\n", "")
    assert changes(SAMPLE, removed) == ["ページ「代理人」の表示条件を削除（削除前: 「申請する方」が「代理人」）"]
    on_field = SAMPLE.replace("unit: 通}", "unit: 通, show_if: {field: via, one_of: [self, agent]}}")
    assert changes(SAMPLE, on_field) == ["項目「通数」に表示条件を追加（「申請する方」が「本人」「代理人」のどれか）"]


def test_options_and_procedure_texts():
    edited = SAMPLE.replace("max: 5", "max: 10").replace("title: 見本の証明書交付申請", "title: 見本の交付申請")
    assert changes(SAMPLE, edited) == ["手続き名を「見本の証明書交付申請」から「見本の交付申請」に変更",
                                       "項目「通数」の最大値を「5」から「10」に変更"]


def test_an_option_is_named_as_its_field_type_names_it():
    edited = SAMPLE.replace("max: 5", "max: 5, integer: false")
    assert changes(SAMPLE, edited) == ["項目「通数」の整数のみを「はい」から「いいえ」に変更"]
    with_card = SAMPLE.replace("max: 5", "max: 5, prefill_editable: true")
    assert changes(SAMPLE, with_card) == ["項目「通数」のカードから入力した回答の変更を「いいえ」から「はい」に変更"]


def test_the_text_diff_of_the_sources():
    lines = source_diff(SAMPLE, SAMPLE.replace("max: 5", "max: 10"), "第1版", "第2版")
    assert [(line.kind, line.text) for line in lines if line.kind in ("file", "add", "remove")] == [
        ("file", "--- 第1版"), ("file", "+++ 第2版"),
        ("remove", "-      - {type: number, id: copies, label: 通数, min: 1, max: 5, unit: 通}"),
        ("add", "+      - {type: number, id: copies, label: 通数, min: 1, max: 10, unit: 通}"),
    ]
