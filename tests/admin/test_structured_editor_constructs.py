"""The structured editor and the constructs of definition language v2 (issue 13): 受付期間 in the
procedure's details, the parts without a form described on the procedure's page, shared blocks
listed as one item, 「該当なし」 choices, check digits, file kinds and counts, required_if."""

from __future__ import annotations

from formsvc.admin.yaml_edit import load
from tests.admin.support import (
    admin_client,
    errors_on,
    form_values,
    publish_sample,
    submit,
    summary_of,
    text_of,
    working_source,
)

FORM = "v2-sample"
SAMPLE = """\
id: v2-sample
title: 見本の給付申請
description: テスト用の手続きです。
department:
  name: {ja: 福祉課, en: Welfare Division}
declaration: 上記の内容に相違ありません。
next_steps:
  - text: 審査の後、結果をお知らせします。
  - text: 年金事務所にも届け出てください。
    show_if: {field: benefits, contains: pension}
retention: {years: 5}
computed:
  - id: grant
    label: 給付額
    expression: {floor: {of: {multiply: [{field: income}, 0.1]}, to: 1000}}
    role: benefit
documents:
  - {name: 年金証書, how: bring, show_if: {field: benefits, contains: pension}}
outcomes:
  - id: pension
    title: 年金の届出
    show_if: {field: benefits, contains: pension}
pages:
  - id: applicant
    title: 申請者
    fields:
      - {type: text, id: note, label: 備考, required: false, max_length: 100}
      - {use: applicant, prefix: applicant_}
      - type: checkboxes
        id: benefits
        label: 受けている給付
        choices: [{value: pension, label: 年金}, {value: none, label: 該当なし}]
      - {type: number, id: income, label: 所得, required_if: {field: benefits, contains: pension}}
      - {type: text, id: insurer, label: 保険者番号, max_length: 8, required: false}
      - {type: file, id: proof, label: 証明書, required: false}
  - id: members
    title: 世帯員
    repeat: {max: 5, item_label: 世帯員}
    fields:
      - {type: text, id: member_name, label: 氏名, max_length: 40, required: false}
rules:
  - id: member_named
    for_each: members
    check: {field: member_name, answered: true}
    field: member_name
    message: 世帯員の氏名を入力してください
"""
EDIT = f"/admin/forms/{FORM}/edit"
PAGE = f"/admin/forms/{FORM}/pages/applicant"
SETTINGS = f"/admin/forms/{FORM}/settings"


def field_url(field_id: str) -> str:
    return f"{PAGE}/fields/{field_id}"


def written(app) -> dict:
    return load(working_source(app, FORM))


def test_the_accepting_period_is_set_changed_and_removed_in_the_details(app):
    publish_sample(app, SAMPLE, "v2-sample.yaml")
    admin = admin_client(app)
    saved = submit(admin, EDIT, SETTINGS, {"valid_from": "2027-04-01", "valid_until": "２０２８-０３-３１"})
    assert saved.status_code == 302
    data = written(app)
    assert (str(data["valid_from"]), str(data["valid_until"])) == ("2027-04-01", "2028-03-31")
    assert "valid_from: 2027-04-01" in working_source(app, FORM)  # a YAML date, not a quoted string
    page = admin.get(EDIT)
    assert 'value="2027-04-01"' in page.text and "受付期間" in text_of(page.text)
    assert '<legend class="label">受付期間</legend>' in page.text
    removed = submit(admin, EDIT, SETTINGS, {"valid_from": "", "valid_until": ""})
    assert removed.status_code == 302
    assert "valid_from" not in written(app) and "valid_until" not in written(app)


def test_a_wrong_accepting_period_is_refused_with_what_to_type(app):
    publish_sample(app, SAMPLE, "v2-sample.yaml")
    admin = admin_client(app)
    nul = submit(admin, EDIT, SETTINGS, {"valid_from": "2027-04-01\x00"})
    assert nul.status_code == 400  # control characters are refused before the form reads them
    for typed in ("2027-02-30", "2027/04/01", "99999-01-01", "1999-04-01", "明日", "9" * 5000):
        refused = submit(admin, EDIT, SETTINGS, {"valid_from": typed})
        assert refused.status_code == 400, typed
        assert errors_on(refused.text) == [
            "＊受付開始日は 2027-04-01 の形の、2000年から2200年までの日付で入力してください"], typed
    backwards = submit(admin, EDIT, SETTINGS, {"valid_from": "2028-04-01", "valid_until": "2028-03-31"})
    assert backwards.status_code == 400
    assert summary_of(backwards.text) == ["受付終了日は受付開始日と同じ日か、それより後の日にしてください"]
    assert working_source(app, FORM) is None


def test_english_texts_of_the_details_are_edited_not_lost(app):
    publish_sample(app, SAMPLE, "v2-sample.yaml")
    admin = admin_client(app)
    saved = submit(admin, EDIT, SETTINGS, {"department": "福祉課 給付係"})
    assert saved.status_code == 302
    assert written(app)["department"] == {"name": {"ja": "福祉課 給付係", "en": "Welfare Division"}}
    submit(admin, EDIT, SETTINGS, {"department_en": ""})
    assert written(app)["department"] == {"name": "福祉課 給付係"}


def test_the_parts_without_a_form_are_described_with_a_way_to_the_yaml(app):
    publish_sample(app, SAMPLE, "v2-sample.yaml")
    page = admin_client(app).get(EDIT)
    shown = text_of(page.text)
    assert "年金証書 窓口に持参（該当する場合: 「受けている給付」で「年金」を選択）" in shown
    assert "給付額 （「所得」 × 0.1）の千円未満切り捨て、給付額・補助金額" in shown
    assert "年金の届出 「受けている給付」で「年金」を選択のとき" in shown
    assert "年金事務所にも届け出てください。 「受けている給付」で「年金」を選択のとき表示" in shown
    assert "世帯員の氏名を入力してください 各「世帯員」について、「氏名」に回答ありであること" in shown
    assert f'href="/admin/forms/{FORM}/yaml"' in page.text


def test_a_shared_block_is_one_item_of_the_page_and_moves_and_goes_as_one(app):
    publish_sample(app, SAMPLE, "v2-sample.yaml")
    admin = admin_client(app)
    page = admin.get(PAGE)
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "共通ブロック: 申請者の氏名・生年月日・住所・電話番号（6項目）" in shown
    assert f'href="{field_url("applicant_name")}"' not in page.text  # edited in the block's file
    # A question moved past the block, then the block itself, then the block removed.
    moved = submit(admin, PAGE, f"{field_url('note')}/down")
    assert moved.status_code == 302
    fields = written(app)["pages"][0]["fields"]
    assert fields[0] == {"use": "applicant", "prefix": "applicant_"} and fields[1]["id"] == "note"
    block_down = f"{PAGE}/uses/0/down"
    assert submit(admin, PAGE, block_down).status_code == 302
    fields = written(app)["pages"][0]["fields"]
    assert fields[0]["id"] == "note" and fields[1] == {"use": "applicant", "prefix": "applicant_"}
    # A button of a page opened before the block moved is refused, not applied to another item.
    stale = form_values(admin.get(PAGE).text, f"{PAGE}/uses/1/delete")
    forged = admin.post(f"{PAGE}/uses/0/delete", data=stale)
    assert forged.status_code == 400
    assert summary_of(forged.text) == [
        "共通ブロック「applicant」はページ「applicant」のその位置にありません。画面を開き直してください"]
    gone = submit(admin, PAGE, f"{PAGE}/uses/1/delete")
    assert gone.status_code == 302
    assert all("use" not in item for item in written(app)["pages"][0]["fields"])
    assert "共通ブロック「申請者の氏名・生年月日・住所・電話番号」を削除" in text_of(admin.get(PAGE).text)


def test_exclusive_choices_of_checkboxes_are_ticked_in_the_question_editor(app):
    publish_sample(app, SAMPLE, "v2-sample.yaml")
    admin = admin_client(app)
    url = field_url("benefits")
    page = admin.get(url)
    assert "該当なし（他と同時に選べない）の選択肢" in text_of(page.text)
    assert '<legend class="label">該当なし（他と同時に選べない）の選択肢</legend>' in page.text
    saved = submit(admin, url, url, {"exclusive_choices": ["none"]})
    assert saved.status_code == 302
    assert written(app)["pages"][0]["fields"][2]["choices"] == [
        {"value": "pension", "label": "年金"}, {"value": "none", "label": "該当なし", "exclusive": True}]
    assert form_values(admin.get(url).text, url)["exclusive_choices"] == ["none"]  # shown ticked
    cleared = submit(admin, url, url, drop=("exclusive_choices",))
    assert cleared.status_code == 302
    assert written(app)["pages"][0]["fields"][2]["choices"][1] == {"value": "none", "label": "該当なし"}
    # A forged value that is no choice changes nothing.
    submit(admin, url, url, {"exclusive_choices": ["nothing\x00"]})
    assert all("exclusive" not in choice for choice in written(app)["pages"][0]["fields"][2]["choices"])


def test_a_check_digit_is_chosen_from_a_list(app):
    publish_sample(app, SAMPLE, "v2-sample.yaml")
    admin = admin_client(app)
    url = field_url("insurer")
    page = admin.get(url)
    assert '<select' in page.text and "保険者番号（6桁または8桁。最後の1桁が検証番号）" in page.text
    saved = submit(admin, url, url, {"option_check_digit": "insurer_number"})
    assert saved.status_code == 302
    assert written(app)["pages"][0]["fields"][4]["check_digit"] == "insurer_number"
    forged = submit(admin, url, url, {"option_check_digit": "credit_card"})
    assert forged.status_code == 400
    assert "＊検証番号の確認は一覧から選んでください" in errors_on(forged.text)


def test_file_questions_take_new_kinds_and_a_least_number_of_files(app):
    publish_sample(app, SAMPLE, "v2-sample.yaml")
    admin = admin_client(app)
    url = field_url("proof")
    page = admin.get(url)
    assert page.status_code == 200
    assert "HEIC" in text_of(page.text) and "ファイルの数の下限" in text_of(page.text)
    saved = submit(admin, url, url, {"option_accept": ["pdf", "heic", "xlsx"], "option_min_files": "2",
                                     "option_max_files": "3"})
    assert saved.status_code == 302, summary_of(saved.text)
    proof = written(app)["pages"][0]["fields"][5]
    assert (proof["accept"], proof["min_files"], proof["max_files"]) == (["pdf", "heic", "xlsx"], 2, 3)


def test_required_if_is_shown_and_kept(app):
    publish_sample(app, SAMPLE, "v2-sample.yaml")
    admin = admin_client(app)
    url = field_url("income")
    page = admin.get(url)
    assert "必須になる条件 「受けている給付」で「年金」を選択" in text_of(page.text)
    assert 'name="required_answer"' not in page.text  # required_if decides; no box to contradict it
    assert "条件つきで必須" in text_of(admin.get(PAGE).text)
    saved = submit(admin, url, url, {"label_ja": "前年の所得"})
    assert saved.status_code == 302
    income = written(app)["pages"][0]["fields"][3]
    assert income["required_if"] == {"field": "benefits", "contains": "pension"} and "required" not in income


def test_a_question_may_be_shown_by_an_earlier_answer_on_its_own_page(app):
    publish_sample(app, SAMPLE, "v2-sample.yaml")
    admin = admin_client(app)
    url = field_url("insurer")
    page = admin.get(url)
    assert "受けている給付（このページ）" in page.text
    assert "証明書（このページ）" not in page.text  # a later question cannot decide
    saved = submit(admin, url, url, {"condition_mode": "simple", "condition_field": "benefits",
                                     "condition_operator": "contains", "condition_value": "年金"})
    assert saved.status_code == 302, summary_of(saved.text)
    assert written(app)["pages"][0]["fields"][4]["show_if"] == {"field": "benefits", "contains": "pension"}
