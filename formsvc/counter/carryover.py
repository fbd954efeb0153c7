"""Carrying the resident's details from one procedure of a visit to the next (書かない窓口).

Which question of a definition a shared detail (``formsvc.counter.resident.MEANINGS``) fills:

* a question marked ``prefill:`` (the card's 基本4情報) gets its detail, as for a resident signed
  in with the card — and, when the detail was read from the card and not changed since, the
  answer is marked verified (source ``counter_card``);
* otherwise a question on a page asked once (not a repeating page) whose type declares it
  carries the detail (``FieldSpec.carry_over``: a phone question carries ``phone``) gets it, but
  only when that is unambiguous: the only such question; else the only one on the applicant's
  page (the page of the name question chosen above); else the only one sharing the applicant
  name question's id prefix (``claimant_name`` → ``claimant_kana``). No type declares the
  birth date or the gender: a 犬の登録's 生年月日 is the dog's, its 性別 the dog's too.

After a procedure, ``collected`` takes the details back from its answers (a phone number typed
in the first procedure is offered to the next one).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from formsvc.applications.answers import Answers
from formsvc.counter.resident import FIELDS, verified_meanings, with_typed
from formsvc.definitions.schema import FormDefinition, Page
from formsvc.fields import FieldContext, FieldSpec
from formsvc.fields.radio import GENDER_NAMES
from formsvc.vocabulary.conditions import is_answered

SOURCE = "counter_card"  # answers["verified"][field]["source"] for card-read answers at the counter

# The order details are decided in: the applicant's name first, the others follow its page.
# A question marked ``prefill: <source>`` asks the detail of the same name.
ORDER = ("name", "name_kana", "birthdate", "gender", "postal_code", "address", "phone", "email")


def targets(definition: FormDefinition) -> dict[str, list[FieldSpec]]:
    """The questions each detail fills, by detail (a detail without one is left out)."""
    asked = [(page, spec) for page in definition.pages if page.repeat is None and page.kind != "exit"
             for spec in page.fields if spec.has_answer]
    found: dict[str, list[FieldSpec]] = {}
    anchor: tuple[Page, FieldSpec] | None = None
    for meaning in ORDER:
        marked = [(page, spec) for page, spec in asked if spec.prefill == meaning]
        if not marked:
            chosen = _unambiguous([(page, spec) for page, spec in asked
                                   if spec.carry_over == meaning and spec.prefill is None], anchor)
            marked = [chosen] if chosen else []
        if marked:
            found[meaning] = [spec for _, spec in marked]
            if meaning == "name":
                anchor = marked[0]
    return found


def _unambiguous(candidates: list[tuple[Page, FieldSpec]],
                 anchor: tuple[Page, FieldSpec] | None) -> tuple[Page, FieldSpec] | None:
    if len(candidates) == 1:
        return candidates[0]
    preferences: list[Callable[[Page, FieldSpec], bool]] = []
    if anchor is not None:
        anchor_page, anchor_spec = anchor
        prefix = anchor_spec.id.split("_", 1)[0] + "_" if "_" in anchor_spec.id else None
        preferences.append(lambda page, spec: page.id == anchor_page.id)
        if prefix:
            preferences.append(lambda page, spec: spec.id.startswith(prefix))
    for prefer in preferences:
        preferred = [(page, spec) for page, spec in candidates if prefer(page, spec)]
        if len(preferred) == 1:
            return preferred[0]
    return None


def _value_for(spec: FieldSpec, meaning: str, shared: dict):
    raw = shared.get(meaning)
    if not is_answered(raw):
        return None
    if meaning == "gender":
        return spec.value_from_identity({"gender": raw})
    return spec.from_json(raw)


def prefilled(definition: FormDefinition, shared: dict, today: date) -> Answers:
    """A new draft's answers: every question a shared detail fills, where the question accepts it."""
    ctx = FieldContext(locale="ja", today=today)
    from_card = verified_meanings(shared)
    answers = Answers()
    for meaning, specs in targets(definition).items():
        for spec in specs:
            value = _value_for(spec, meaning, shared)
            if value is None or spec.validate_value(spec.to_json(value), ctx):
                continue
            answers.fields[spec.id] = spec.to_json(value)
            # Held with the draft as a resident's card answers are (formsvc.applications.prefill):
            # a page hidden by an answer and shown again gets the detail back, still verified
            # when it was read from the card (Flow.pruned), unless staff changed it meanwhile.
            held: dict = {"answer": spec.to_json(value)}
            if spec.prefill is not None and meaning in from_card:
                answers.verified[spec.id] = {"source": SOURCE}
                held["verified"] = {"source": SOURCE}
            answers.prefill[spec.id] = held
    return answers


def _gender_of(spec: FieldSpec, raw) -> str | None:
    label = spec.literal_words(raw) or raw  # a choice's label, for choices valued M / F
    for gender, names in GENDER_NAMES.items():
        if raw in names or label in names:
            return gender
    return None


def collected(definition: FormDefinition, answers: Answers, shared: dict, today: date) -> dict:
    """``shared`` updated with the details a finished procedure's answers hold."""
    ctx = FieldContext(locale="ja", today=today)
    typed: dict = {}
    for meaning, specs in targets(definition).items():
        for spec in specs:
            raw = answers.answer(spec.id)
            if not is_answered(raw):
                continue
            value = _gender_of(spec, raw) if meaning == "gender" else raw
            canonical = FIELDS[meaning]
            if value is not None and not canonical.validate_value(value, ctx):
                typed[meaning] = value
                break
    return with_typed(shared, typed)
