"""next_steps (text or conditional paragraphs), outcomes and their checks, as the loader reports them."""

from __future__ import annotations

import pytest

from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.definitions.schema import NextStep
from formsvc.vocabulary.common import LocalizedText
from tests.resident.okuyami_sample import OKUYAMI


def errors(text: str) -> list[str]:
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(text, "okuyami.yaml")
    return [str(error) for error in raised.value.errors]


def test_the_sample_is_valid_with_its_outcomes_and_conditional_next_steps():
    definition = load_text(OKUYAMI, "okuyami.yaml").definition
    assert [outcome.id for outcome in definition.outcomes] == ["nhi_loss", "pension_death", "resident_record"]
    assert definition.outcomes[0].deadline == "nhi_deadline"
    assert definition.outcomes_title is not None and definition.outcomes_title.en == "What you need to do"
    assert isinstance(definition.next_steps, list) and isinstance(definition.next_steps[1], NextStep)
    assert definition.next_steps[1].show_if is not None


def test_plain_next_steps_stay_text():
    text = OKUYAMI.replace(OKUYAMI[OKUYAMI.index("next_steps:"):OKUYAMI.index("documents:")],
                           "next_steps: {ja: 審査の後、結果をお知らせします。, en: We will tell you the result.}\n")
    definition = load_text(text, "okuyami.yaml").definition
    assert definition.next_steps == LocalizedText(ja="審査の後、結果をお知らせします。",
                                                  en="We will tell you the result.")


@pytest.mark.parametrize(("replacement", "expected"), [
    ("next_steps: []\n", "next_steps: 少なくとも1個必要です"),
    ("next_steps:\n  - {text: {ja: 確認します, en: We will check}, shw_if: {field: requester, equals: agent}}\n",
     "next_steps[0].shw_if: 'shw_if' というキーは使えません。'show_if' の書き間違いではありませんか。"),
    ("next_steps:\n  - {text: \"\"}\n", "next_steps[0].text: 空にはできません"),
    ("next_steps: {ja: 確認します, fr: Nous vérifions}\n", "next_steps.fr: 'fr' というキーは使えません"),
    ("next_steps:\n  - 12\n", "next_steps[0]: キーと値のマッピング"),
    ("next_steps:\n  - {text: {ja: 確認します, en: We will check}, show_if: {field: requester, equals: neighbour}}\n",
     "next_steps[0].show_if.equals: 'neighbour' は項目 'requester' の選択肢にありません"),
    ("next_steps:\n  - {text: {ja: 確認します, en: We will check}, show_if: {field: requestr, equals: agent}}\n",
     "'requester' の書き間違いではありませんか"),
])
def test_next_steps_mistakes_are_reported_once_at_their_place(replacement, expected):
    text = OKUYAMI.replace(OKUYAMI[OKUYAMI.index("next_steps:"):OKUYAMI.index("documents:")], replacement)
    found = errors(text)
    assert len(found) == 1, found
    assert expected in found[0]
    assert found[0].startswith("okuyami.yaml:")


def test_an_unknown_deadline_is_reported_with_the_computed_ids():
    [found] = errors(OKUYAMI.replace("deadline: nhi_deadline", "deadline: nhi_dedline"))
    assert "outcomes[0].deadline" in found and "'nhi_deadline' の書き間違いではありませんか" in found
    assert "定義済み: nhi_deadline, pension_deadline, funeral_grant, procedures" in found


def test_a_deadline_must_be_a_date():
    [found] = errors(OKUYAMI.replace("deadline: pension_deadline", "deadline: funeral_grant"))
    assert "outcomes[1].deadline: deadline の computed 'funeral_grant' は日付になりません" in found


def test_outcome_ids_are_unique_and_well_formed():
    [found] = errors(OKUYAMI.replace("  - id: resident_record", "  - id: nhi_loss"))
    assert "outcomes[2].id: outcomes のID 'nhi_loss' が重複しています" in found
    [found] = errors(OKUYAMI.replace("  - id: resident_record", "  - id: Resident-Record"))
    assert "outcomes[2].id" in found


def test_outcome_conditions_are_checked_like_any_condition():
    [found] = errors(OKUYAMI.replace("show_if: {field: pension, equals: true}",
                                     "show_if: {field: pension, equals: はい}"))
    assert "outcomes[1].show_if" in found
    [found] = errors(OKUYAMI.replace("show_if: {field: pension, equals: true}",
                                     "show_if: {field: pension, gt: 3}"))
    assert "outcomes[1].show_if.gt" in found


@pytest.mark.parametrize("hostile", ["\"\\0\"", "\"\\x07\"", "\"" + "x" * 70 + "\""])
def test_hostile_outcome_ids_are_refused(hostile):
    found = errors(OKUYAMI.replace("  - id: resident_record", f"  - id: {hostile}"))
    assert any("outcomes[2].id" in error for error in found)


def test_an_outcome_without_a_title_is_refused():
    found = errors(OKUYAMI.replace("    title: {ja: 世帯主の変更届, en: Change of head of household}\n", ""))
    assert any("outcomes[2].title: 'title' を書いてください" in error for error in found)
