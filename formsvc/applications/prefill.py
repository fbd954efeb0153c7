"""Answers filled from the My Number card's 基本4情報, marked as verified.

A verified answer is read-only unless the definition says ``prefill_editable: true``; if the
resident edits it, the verified mark goes, so the record never calls a typed answer verified.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from formsvc.applications.answers import Answers
from formsvc.clock import today
from formsvc.definitions.schema import FormDefinition
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
    """Answers with every prefillable, unanswered field filled from ``identity``."""
    filled = answers.copy()
    ctx = FieldContext(locale="ja", today=today())
    claims = dict(identity.claims)
    for page in definition.pages:
        if page.repeat is not None:
            continue  # items (children, members) are not the card holder
        for spec in page.fields:
            if spec.prefill is None or filled.answer(spec.id) is not None:
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
            filled.fields[spec.id] = stored
            filled.verified[spec.id] = {"source": SOURCE, "acr": identity.acr}
    filled.identity = {"issuer": identity.issuer, "acr": identity.acr}
    return filled


def is_locked(spec: FieldSpec, answers: Answers) -> bool:
    """Whether the card's answer to ``spec`` is shown instead of asked."""
    return answers.is_verified(spec.id) and not spec.prefill_editable
