"""radio, select, checkboxes, yes_no and consent: what can be chosen, and how it is shown."""

from __future__ import annotations

import pytest

from tests.fields.fieldkit import make, submit

METHOD = {"label": "受け取り方法", "choices": [
    {"value": "counter", "label": {"ja": "窓口で受け取る", "en": "Collect at a counter"}},
    {"value": "mail", "label": {"ja": "郵送で受け取る", "en": "By post"}},
]}
ITEMS = {"label": "記載が必要な事項", "choices": [
    {"value": "relationship", "label": "世帯主の氏名と続柄"},
    {"value": "honseki", "label": "本籍・筆頭者"},
    {"value": "previous_address", "label": "前住所"},
]}


# --- radio and select --------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["radio", "select"])
def test_one_choice_is_stored_by_value_and_shown_by_label(kind):
    spec = make(kind, **METHOD)
    result = submit(spec, {"answer": "mail"})
    assert result.errors == []
    assert result.data == "mail"
    assert spec.display("mail") == "郵送で受け取る"
    assert spec.display("mail", "en") == "By post"
    assert spec.csv_values("mail") == ["郵送で受け取る"]


@pytest.mark.parametrize("kind", ["radio", "select"])
def test_a_value_that_was_not_offered_is_refused(kind):
    assert submit(make(kind, **METHOD), {"answer": "drone"}).errors == [
        "受け取り方法は表示された選択肢から選んでください"
    ]


@pytest.mark.parametrize("kind", ["radio", "select"])
def test_nothing_chosen_asks_to_select(kind):
    assert submit(make(kind, **METHOD), {}).errors == ["受け取り方法を選択してください"]


def test_the_select_placeholder_is_no_answer():
    spec = make("select", **METHOD)
    assert submit(spec, {"answer": ""}).errors == ["受け取り方法を選択してください"]
    field = submit(spec, {"answer": ""}).field
    assert [choice[0] for choice in field.iter_choices()][:1] == [""]


def test_plain_values_are_their_own_labels():
    spec = make("radio", label="通数", choices=["1", 2])
    assert submit(spec, {"answer": "2"}).data == "2"
    assert spec.display("2") == "2"


def test_a_shared_choice_list_is_used_once_resolved():
    spec = make("select", label="使いみち", choice_list="purposes")
    spec.resolve_choices({"purposes": [make("radio", **METHOD).all_choices()[0]]})
    assert submit(spec, {"answer": "counter"}).errors == []
    assert submit(spec, {"answer": "mail"}).errors == ["使いみちは表示された選択肢から選んでください"]


# --- checkboxes --------------------------------------------------------------------------

def test_checkboxes_store_the_ticked_values_and_export_one_column_per_choice():
    spec = make("checkboxes", **ITEMS)
    result = submit(spec, [("answer", "relationship"), ("answer", "previous_address")])
    assert result.errors == []
    assert result.data == ["relationship", "previous_address"]
    assert spec.display(result.data) == "世帯主の氏名と続柄、前住所"
    assert spec.csv_columns() == [
        ("_relationship", "記載が必要な事項（世帯主の氏名と続柄）"),
        ("_honseki", "記載が必要な事項（本籍・筆頭者）"),
        ("_previous_address", "記載が必要な事項（前住所）"),
    ]
    assert spec.csv_values(result.data) == ["1", "0", "1"]


def test_the_same_box_sent_twice_counts_once():
    result = submit(make("checkboxes", **ITEMS), [("answer", "honseki"), ("answer", "honseki")])
    assert result.data == ["honseki"]


@pytest.mark.parametrize(
    ("ticked", "errors"),
    [
        ([], ["記載が必要な事項を選択してください"]),
        (["honseki"], ["記載が必要な事項は2つ以上選択してください"]),
        (["honseki", "relationship"], []),
        (["honseki", "relationship", "previous_address"], ["記載が必要な事項は2つまで選択できます"]),
        (["honseki", "forged"], ["記載が必要な事項は表示された選択肢から選んでください"]),
    ],
)
def test_checkbox_rules(ticked, errors):
    spec = make("checkboxes", **ITEMS, min_selected=2, max_selected=2)
    assert submit(spec, [("answer", value) for value in ticked]).errors == errors


def test_optional_checkboxes_may_be_left_unticked():
    result = submit(make("checkboxes", **ITEMS, required=False), [])
    assert result.valid
    assert result.data == []


# --- yes_no ------------------------------------------------------------------------------

@pytest.mark.parametrize(("sent", "stored", "shown", "cell"), [
    ("yes", True, "はい", "1"),
    ("no", False, "いいえ", "0"),
])
def test_yes_no_is_stored_as_a_boolean(sent, stored, shown, cell):
    spec = make("yes_no", label="市内にお住まいですか")
    result = submit(spec, {"answer": sent})
    assert result.errors == []
    assert result.data is stored
    assert spec.display(stored) == shown
    assert spec.csv_values(stored) == [cell]


def test_yes_no_with_its_own_words():
    spec = make("yes_no", label="転入", yes_label="転入した", no_label={"ja": "していない", "en": "Not yet"})
    assert spec.display(True) == "転入した"
    assert spec.display(False, "en") == "Not yet"
    assert spec.display(True, "en") == "転入した"  # no English given: the Japanese is shown


@pytest.mark.parametrize("sent", [{}, {"answer": "maybe"}])
def test_yes_no_needs_an_answer(sent):
    assert submit(make("yes_no", label="市内にお住まいですか"), sent).errors == [
        "市内にお住まいですかは「はい」か「いいえ」を選択してください"
    ]


def test_an_unanswered_optional_yes_no_is_blank_not_no():
    spec = make("yes_no", label="転入", required=False)
    result = submit(spec, {})
    assert result.data is None
    assert spec.display(None) == ""
    assert spec.csv_values(None) == [""]


# --- consent -----------------------------------------------------------------------------

CONSENT = {"label": "個人情報の取扱い",
           "statement": {"ja": "個人情報の取扱いに同意します", "en": "I agree to how my data is used"}}


def test_consent_must_be_ticked():
    spec = make("consent", **CONSENT)
    assert submit(spec, {}).errors == ["個人情報の取扱いに同意する場合はチェックを入れてください"]
    result = submit(spec, {"answer": "y"})
    assert result.errors == []
    assert result.data is True
    assert result.field.label.text == "個人情報の取扱いに同意します"  # the box is labelled by the statement


def test_consent_display_and_csv():
    spec = make("consent", **CONSENT)
    assert spec.display(True) == "同意する"
    assert spec.display(True, "en") == "Agreed"
    assert spec.csv_values(True) == ["1"]
    assert spec.csv_values(None) == ["0"]
