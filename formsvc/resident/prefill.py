"""Answers filled from the My Number card's 基本4情報, marked as verified.

A verified answer is read-only unless the definition says ``prefill_editable: true``; if the
resident edits it, the verified mark goes, so the record never calls a typed answer verified.
"""

from __future__ import annotations

from formsvc.authentication.residents import Identity
from formsvc.definitions.schema import FormDefinition
from formsvc.fields import FieldSpec

SOURCE = "mynumber_card"


def apply_identity(definition: FormDefinition, answers: dict, identity: Identity) -> dict:
    """Answers with every prefillable, unanswered field filled from ``identity``."""
    fields = dict(answers.get("fields", {}))
    verified = dict(answers.get("verified", {}))
    for page in definition.pages:
        if page.repeat is not None:
            continue  # items (children, members) are not the card holder
        for spec in page.fields:
            if spec.prefill is None or spec.id in fields:
                continue
            value = spec.value_from_identity(identity.claims)
            if value is None:
                continue
            fields[spec.id] = spec.to_json(value)
            verified[spec.id] = {"source": SOURCE, "acr": identity.acr}
    return {**answers, "fields": fields, "verified": verified,
            "identity": {"issuer": identity.issuer, "acr": identity.acr}}


def is_verified(answers: dict, field_id: str) -> bool:
    return field_id in answers.get("verified", {})


def is_locked(spec: FieldSpec, answers: dict) -> bool:
    return is_verified(answers, spec.id) and not spec.prefill_editable
