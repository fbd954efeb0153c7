"""The change list in words for the constructs of definition language v2 (issue 13): 受付期間,
outcomes, conditional next steps and documents, computed values, date and rounding expressions,
counts with where, matches, rules for each item, repeats, required_if, exclusive choices,
check digits, file kinds and shared blocks."""

from __future__ import annotations

from formsvc.admin import describe
from formsvc.admin.diff import describe_changes
from formsvc.definitions.loader import load_text
from formsvc.vocabulary.conditions import Condition
from formsvc.vocabulary.expressions import Expression

BASE = """\
id: okuyami
title: おくやみ手続きの案内
description: 亡くなった方の手続きをご案内します。
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 担当課から連絡します。
retention: {years: 5}
computed:
  - id: pension_deadline
    label: 年金の届出期限
    expression: {add_days: {to: {field: death_date}, days: 14}}
    role: deadline
  - id: income_base
    label: 所得割の基礎
    expression: {subtract: [{field: income}, 430000]}
documents:
  - {name: 死亡診断書の写し, how: attach}
pages:
  - id: deceased
    title: 亡くなった方
    fields:
      - {type: date, id: death_date, label: 死亡日}
      - {type: date, id: birth_date, label: 生年月日}
      - {type: date, id: notice_date, label: 届出日}
      - type: checkboxes
        id: benefits
        label: 受けていた給付
        choices: [{value: pension, label: 年金}, {value: none, label: 該当なし}]
      - {type: number, id: income, label: 所得, required: false}
      - {type: text, id: insurer, label: 保険者番号, max_length: 8}
      - {type: file, id: certificate, label: 診断書, required: false}
  - id: members
    title: 世帯員
    repeat: {max: 10, item_label: 世帯員}
    fields:
      - {type: text, id: member_name, label: 世帯員の氏名, max_length: 40}
      - type: radio
        id: relationship
        label: 続柄
        choices: [{value: head, label: 世帯主}, {value: child, label: 子}]
  - id: children
    title: 子ども
    repeat: {max: 10, item_label: 子ども}
    fields:
      - {type: text, id: child_name, label: 子どもの氏名, max_length: 40}
"""


def changes(old: str, new: str) -> list[str]:
    return describe_changes(load_text(old).definition, load_text(new).definition, old, new)


def definition():
    return load_text(BASE).definition


def expression(data) -> str:
    return describe.expression(Expression.model_validate(data), definition())


def condition(data) -> str:
    return describe.condition(Condition.model_validate(data), definition())


def test_the_base_has_no_changes_with_itself():
    assert changes(BASE, BASE) == []


def test_the_accepting_period():
    opened = BASE.replace("retention:", "valid_from: 2027-04-01\nvalid_until: 2028-03-31\nretention:")
    assert changes(BASE, opened) == ["受付期間を「期限なし」から「2027年4月1日から2028年3月31日まで」に変更"]
    only_end = BASE.replace("retention:", "valid_until: 2028-03-31\nretention:")
    assert changes(opened, only_end) == [
        "受付期間を「2027年4月1日から2028年3月31日まで」から「2028年3月31日まで」に変更"]


def test_outcomes_with_conditions_and_deadlines():
    with_outcome = BASE.replace("retention:", """outcomes:
  - id: pension
    title: 年金の受給停止
    show_if: {field: benefits, contains: pension}
    deadline: pension_deadline
retention:""")
    assert changes(BASE, with_outcome) == [
        "必要な手続き「年金の受給停止」を追加（必要になる条件: 「受けていた給付」で「年金」を選択、"
        "期限: 計算値「年金の届出期限」）"]
    always = with_outcome.replace("    show_if: {field: benefits, contains: pension}\n", "")
    assert changes(with_outcome, always) == [
        "必要な手続き「年金の受給停止」を全員に表示するように変更（変更前の条件: 「受けていた給付」で「年金」を選択）"]
    titled = with_outcome.replace("outcomes:\n", "outcomes_title: 必要な手続き\noutcomes:\n")
    assert changes(with_outcome, titled) == ["必要な手続きの一覧の見出し「必要な手続き」を追加"]
    assert changes(with_outcome, BASE) == ["必要な手続き「年金の受給停止」を削除"]


def test_conditional_next_steps():
    listed = BASE.replace("next_steps: 担当課から連絡します。", """next_steps:
  - text: 担当課から連絡します。
  - text: 年金事務所にも届け出てください。
    show_if: {field: benefits, contains: pension}""")
    assert changes(BASE, listed) == [
        "送信後の流れに「年金事務所にも届け出てください。」を追加（表示条件: 「受けていた給付」で「年金」を選択）"]
    assert changes(listed, BASE) == ["送信後の流れから「年金事務所にも届け出てください。」を削除"]


def test_a_document_made_conditional():
    conditional = BASE.replace("{name: 死亡診断書の写し, how: attach}",
                               "{name: 死亡診断書の写し, how: attach, show_if: {field: income, answered: true}}")
    assert changes(BASE, conditional) == ["必要な書類「死亡診断書の写し」に表示条件を追加（「所得」に回答あり）"]
    added = BASE.replace("  - {name: 死亡診断書の写し, how: attach}\n", "  - {name: 死亡診断書の写し, how: attach}\n"
                         "  - {name: 年金証書, how: bring, show_if: {field: benefits, contains: pension}}\n")
    assert changes(BASE, added) == [
        "必要な書類「年金証書」（窓口に持参）を追加（該当する場合: 「受けていた給付」で「年金」を選択）"]


def test_computed_values_role_places_unit_and_condition():
    edited = BASE.replace("""    expression: {subtract: [{field: income}, 430000]}
""", """    expression: {floor: {of: {subtract: [{field: income}, 430000]}, to: 1000}}
    role: benefit
    places: 0
    show_if: {field: income, gt: 0}
""")
    assert changes(BASE, edited) == [
        "計算値「所得割の基礎」の計算を「「所得」 − 430,000」から"
        "「（「所得」 − 430,000円）の千円未満切り捨て、給付額・補助金額、整数で表示」に変更",
        "計算値「所得割の基礎」の表示桁数を計算結果のままから小数点以下0桁に変更",
        "計算値「所得割の基礎」の種類を「計算結果」から「給付額・補助金額」に変更",
        "計算値「所得割の基礎」に表示条件を追加（「所得」が0より大きい）",
    ]
    unit = BASE.replace("    expression: {subtract: [{field: income}, 430000]}\n",
                        "    expression: {divide: [{field: income}, 1000]}\n    unit: {ja: 千円, en: thousand yen}\n")
    assert changes(BASE, unit) == [
        "計算値「所得割の基礎」の計算を「「所得」 − 430,000」から「「所得」 ÷ 1,000、単位「千円」」に変更",
        "計算値「所得割の基礎」の単位「千円」を追加",
    ]
    added = BASE.replace("documents:", """  - id: age_now
    label: 年齢
    expression: {age: {birth: {field: birth_date}, on: {field: death_date}}}
documents:""")
    assert changes(BASE, added) == ["計算値「年齢」を追加（「死亡日」時点の満年齢（生年月日: 「生年月日」））"]


def test_expressions_in_words():
    assert expression({"floor": {"of": {"field": "income"}, "to": 1000}}) == "「所得」の1,000未満切り捨て"
    assert describe.expression(Expression.model_validate({"floor": {"of": {"field": "income"}, "to": 1000}}),
                               definition(), money=True) == "「所得」の千円未満切り捨て"
    assert expression({"ceil": {"of": {"field": "income"}, "to": 1}}) == "「所得」の小数点以下切り上げ"
    assert expression({"round": {"of": {"divide": [{"field": "income"}, 3]}, "to": 0.01}}) == \
        "（「所得」 ÷ 3）の小数第3位以下四捨五入"
    assert expression({"fiscal_year": {"field": "death_date"}}) == "「死亡日」の年度"
    assert expression({"fiscal_year_end": {"field": "death_date"}}) == "「死亡日」の年度末（3月31日）"
    assert expression({"school_grade": {"birth": {"field": "birth_date"}, "on": {"today": True}}}) == \
        "今日時点の学年（生年月日: 「生年月日」）"
    assert expression({"add_months": {"to": {"field": "death_date"}, "months": 3}}) == "「死亡日」の3か月後"
    assert expression({"add_days": {"to": {"field": "death_date"}, "days": -7}}) == "「死亡日」の7日前"
    assert expression({"add_years": {"to": {"field": "birth_date"}, "years": 18}}) == "「生年月日」の18年後"
    assert expression({"days_between": [{"field": "death_date"}, {"field": "notice_date"}]}) == \
        "「死亡日」から「届出日」までの日数"
    assert expression({"age": {"birth": {"field": "birth_date"}}}) == "今日時点の満年齢（生年月日: 「生年月日」）"


def test_conditions_in_words():
    assert condition({"field": "notice_date", "lte": {"field": "death_date", "months": 3}}) == \
        "「届出日」が「死亡日」から3か月以内"
    assert condition({"field": "notice_date", "gte": {"field": "death_date", "days": 14}}) == \
        "「届出日」が「死亡日」の14日後以降"
    assert condition({"field": "death_date", "gte": {"months_from_today": -3}}) == "「死亡日」が今日の3か月前以降"
    assert condition({"count": "members", "where": {"field": "relationship", "equals": "head"}, "equals": 1}) == \
        "「世帯員」のうち「続柄」が「世帯主」の件数が1"
    assert condition({"count": "members", "gte": {"count": "children"}}) == "「世帯員」の件数が「子ども」の件数以上"
    assert condition({"field": "insurer", "matches": "[0-9]{6}"}) == "「保険者番号」が形式「[0-9]{6}」に一致"
    assert condition({"computed": "income_base", "gt": 0}) == "計算値「所得割の基礎」が0より大きい"
    assert condition({"computed": "pension_deadline", "lt": {"days_from_today": 0}}) == \
        "計算値「年金の届出期限」が今日より前"
    assert condition({"field": "income", "lte": {"computed": "income_base"}}) == "「所得」が計算値「所得割の基礎」以下"


def test_rules_for_each_item():
    ruled = BASE + """rules:
  - id: one_head
    check: {count: members, where: {field: relationship, equals: head}, equals: 1}
    field: relationship
    message: 世帯主は1人だけ選んでください
  - id: named
    for_each: members
    when: {field: relationship, equals: child}
    check: {field: member_name, answered: true}
    field: member_name
    message: 子の氏名を入力してください
"""
    assert changes(BASE, ruled) == [
        "ルール「世帯主は1人だけ選んでください」を追加（「世帯員」のうち「続柄」が「世帯主」の件数が1であること）",
        "ルール「子の氏名を入力してください」を追加（各「世帯員」について、「続柄」が「子」のとき、"
        "「世帯員の氏名」に回答ありであること）",
    ]


def test_repeat_settings():
    first = BASE.replace("repeat: {max: 10, item_label: 世帯員}",
                         "repeat: {max: 10, item_label: 世帯員, first_item_from: {member_name: insurer}}")
    assert changes(BASE, first) == [
        "ページ「世帯員」の1件目に前の回答を入れる設定を追加（「世帯員の氏名」←「保険者番号」）"]


def test_required_if_exclusive_check_digit_and_file_options():
    edited = (BASE
              .replace("{type: number, id: income, label: 所得, required: false}",
                       "{type: number, id: income, label: 所得, required_if: {field: benefits, contains: pension}}")
              .replace("{value: none, label: 該当なし}", "{value: none, label: 該当なし, exclusive: true}")
              .replace("label: 保険者番号, max_length: 8}",
                       "label: 保険者番号, max_length: 8, check_digit: insurer_number}")
              .replace("label: 診断書, required: false}",
                       "label: 診断書, required: false, accept: [pdf, heic, docx], min_files: 2, max_files: 3}"))
    assert changes(BASE, edited) == [
        "項目「受けていた給付」の選択肢「該当なし」を、他の選択肢と同時に選べない選択肢（該当なし）に変更",
        "項目「所得」を条件つきで必須に変更（必須になる条件: 「受けていた給付」で「年金」を選択）",
        "項目「保険者番号」に検証番号の確認（check_digit）「保険者番号（6桁または8桁。最後の1桁が検証番号）」を設定",
        "項目「診断書」の受け付けるファイルの種類を「PDF、JPEG、PNG」から「PDF、HEIC、Word（docx）」に変更",
        "項目「診断書」のファイルの数の上限を「1」から「3」に変更",
        "項目「診断書」にファイルの数の下限「2」を設定",
    ]


def test_a_shared_block_added_is_one_sentence_and_its_questions_are_named_as_the_blocks():
    applicant_page = "  - id: deceased\n    title: 亡くなった方\n    fields:\n"
    with_block = BASE.replace(applicant_page, applicant_page + "      - {use: applicant, prefix: applicant_}\n")
    block_title = "申請者の氏名・生年月日・住所・電話番号"
    count = len([spec for spec in load_text(with_block).definition.pages[0].fields
                 if spec.id.startswith("applicant_")])
    assert count >= 5
    assert changes(BASE, with_block) == [
        f"ページ「亡くなった方」に共通ブロック「{block_title}」（{count}項目、IDの接頭辞「applicant_」）を追加"]
    assert changes(with_block, BASE) == [
        f"ページ「亡くなった方」から共通ブロック「{block_title}」（{count}項目）を削除"]
    # A question left out of the block later: named as the block's.
    without_phone = with_block.replace("{use: applicant, prefix: applicant_}",
                                       "{use: applicant, prefix: applicant_, omit: [phone]}")
    assert changes(with_block, without_phone) == [f"共通ブロック「{block_title}」の項目「日中の連絡先電話番号」を削除"]
    # Without the sources the expanded questions are still described, one by one.
    plain = describe_changes(load_text(BASE).definition, load_text(with_block).definition)
    assert len(plain) == count and plain[0].startswith("ページ「亡くなった方」に項目「氏名」（氏名）を追加")
    # Moving the questions around the block does not take the block for changed.
    moved = with_block.replace("      - {use: applicant, prefix: applicant_}\n"
                               "      - {type: date, id: death_date, label: 死亡日}\n",
                               "      - {type: date, id: death_date, label: 死亡日}\n"
                               "      - {use: applicant, prefix: applicant_}\n")
    assert moved != with_block
    assert all("共通ブロック" not in sentence or "順番" in sentence for sentence in changes(with_block, moved))


def test_a_repeat_asked_for_each_item_of_another():
    nested = BASE.replace("repeat: {max: 10, item_label: 子ども}",
                          "repeat: {max: 10, item_label: 子ども, per: members}")
    sentences = changes(BASE, nested)
    assert "ページ「子ども」を「世帯員」の各件ごとに繰り返すように変更" in sentences
    assert "ページ「子ども」を「世帯員」の各件ごとに繰り返さないように変更" in changes(nested, BASE)
