"""Answers filled from the My Number card's 基本4情報, marked as verified.

A verified answer is read-only unless the definition says ``prefill_editable: true``; if the
resident edits it, the verified mark goes, so the record never calls a typed answer verified.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from formsvc.applications.answers import Answers, item_key
from formsvc.clock import today
from formsvc.definitions.schema import FormDefinition, Page
from formsvc.fields import FieldContext, FieldSpec

SOURCE = "mynumber_card"


class CardSignIn(Protocol):
    """A resident's sign-in with the card (formsvc.authentication.residents.Identity)."""

    @property
    def issuer(self) -> str: ...

    @property
    def acr(self) -> str | None: ...

    @property
    def claims(self) -> Mapping[str, Any]:
        """The well-formed 基本4情報 only (a malformed claim is left out by whoever reads the sign-in)."""
        ...


def apply_identity(definition: FormDefinition, answers: Answers, identity: CardSignIn) -> Answers:
    """Answers with every prefillable, unanswered field filled from ``identity``.

    What the card gives is also held with the draft (``Answers.prefill``): a question whose page
    is not asked yet loses its answer when the first page is stored, and gets it back, verified,
    once its page is asked (formsvc.applications.flow.Flow.pruned). On a repeating page, only
    the first item is the card holder's (the first 世帯員 is the applicant): see first_item_values.
    """
    filled = answers.copy()
    ctx = FieldContext(locale="ja", today=today())
    claims = dict(identity.claims)
    mark = {"source": SOURCE, "acr": identity.acr}
    for page in definition.pages:
        for spec in page.fields:
            if spec.prefill is None:
                continue
            value = spec.value_from_identity(claims)
            if value is None:
                continue
            stored = spec.to_json(value)
            # A locked answer is never validated again, so one the question would refuse if it
            # were typed in (a name without a space between 氏 and 名, an address without a
            # 番地) is asked instead of being filled in.
            if spec.validate_value(stored, ctx):
                continue
            if page.repeat is not None:
                filled.prefill[item_key(page.id, 0, spec.id)] = {"answer": stored, "verified": mark}
                continue
            if filled.answer(spec.id) is not None:
                continue  # an answer given already is the resident's
            filled.prefill[spec.id] = {"answer": stored, "verified": mark}
            filled.fields[spec.id] = stored
            filled.verified[spec.id] = dict(mark)
    filled.identity = {"issuer": identity.issuer, "acr": identity.acr}
    return filled


def first_item_values(definition: FormDefinition, answers: Answers, page: Page) -> dict[str, tuple[Any, dict | None]]:
    """What the first item of repeating ``page`` starts with: {item field id: (stored answer,
    verified mark or None)}, from ``repeat.first_item_from`` (an earlier answer, verified when
    that one is) and from the card for item fields marked ``prefill:``."""
    if page.repeat is None:
        return {}
    values: dict[str, tuple[Any, dict | None]] = {}
    for item_field, source in page.repeat.first_item_from.items():
        stored = answers.answer(source)
        if stored is not None:
            values[item_field] = (stored, answers.verified.get(source))
    for spec in page.fields:
        held = answers.held(item_key(page.id, 0, spec.id))
        if spec.id not in values and held is not None:
            values[spec.id] = (held["answer"], held.get("verified") or {})
    return values


def is_locked(spec: FieldSpec, answers: Answers) -> bool:
    """Whether the card's answer to ``spec`` is shown instead of asked."""
    return answers.is_verified(spec.id) and not spec.prefill_editable
