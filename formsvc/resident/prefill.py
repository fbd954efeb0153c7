"""Answers filled from the My Number card's 基本4情報, marked as verified.

A verified answer is read-only unless the definition says ``prefill_editable: true``; if the
resident edits it, the verified mark goes, so the record never calls a typed answer verified.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from formsvc.authentication.claims import usable_basic_four
from formsvc.authentication.residents import Identity
from formsvc.clock import today
from formsvc.definitions.schema import FormDefinition
from formsvc.fields import FieldContext, FieldSpec
from formsvc.resident.forms import build_form

SOURCE = "mynumber_card"


def apply_identity(definition: FormDefinition, answers: dict, identity: Identity) -> dict:
    """Answers with every prefillable, unanswered field filled from ``identity``."""
    fields = dict(answers.get("fields", {}))
    verified = dict(answers.get("verified", {}))
    ctx = FieldContext(locale="ja", today=today())
    # A malformed claim (stored before the sign-in checked them, or otherwise) counts as absent:
    # the question is asked instead of breaking the form.
    claims = usable_basic_four(identity.claims)
    for page in definition.pages:
        if page.repeat is not None:
            continue  # items (children, members) are not the card holder
        for spec in page.fields:
            if spec.prefill is None or spec.id in fields:
                continue
            value = spec.value_from_identity(claims)
            if value is None or not _accepted(spec, value, ctx):
                continue
            fields[spec.id] = spec.to_json(value)
            verified[spec.id] = {"source": SOURCE, "acr": identity.acr}
    return {**answers, "fields": fields, "verified": verified,
            "identity": {"issuer": identity.issuer, "acr": identity.acr}}


def _accepted(spec: FieldSpec, value, ctx: FieldContext) -> bool:
    """Whether the question would accept the card's value if the resident typed it. A locked
    answer is never validated again, so one it would refuse (a name without a space between
    氏 and 名, an address without a 番地) is asked instead of being filled in."""
    return build_form([spec], ctx, MultiDict(spec.form_inputs(value))).validate()


def is_verified(answers: dict, field_id: str) -> bool:
    return field_id in answers.get("verified", {})


def is_locked(spec: FieldSpec, answers: dict) -> bool:
    return is_verified(answers, spec.id) and not spec.prefill_editable
