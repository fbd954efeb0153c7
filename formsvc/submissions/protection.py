"""Where a 個人番号 (the my_number field) may go, and in what form.

Who may see it (番号法: use it only for the procedure's purpose, keep who sees it to a minimum):

* **stored** drafts and submissions hold it encrypted (formsvc.crypto, FORMSVC_ENCRYPTION_KEY);
  a database dump or backup without the key holds no number;
* **pages and printouts** — the resident's check page and 申請履歴, the staff detail page, the
  printed record and the counter's signature form — decrypt it to show its last four digits
  (``********9018``): enough for the resident and the reviewer to tell which card it came from,
  and what the procedure's guidance promises the resident ("画面や控えには一部だけを表示");
  8 hidden digits cannot be worked out from the rest;
* **what leaves the service** — the API, the archive PDF's submission.json, the CSV — carries
  that same masked form: one masking rule everywhere, so that a copy never shows more than the
  page it was made from;
* **the audit trail** keeps corrected answers (``resubmitted`` events) masked: an event is kept
  as long as the submission and is never re-encrypted or purged, so it must not hold the number;
* notifications and logs never contain answers at all.

The full number is therefore only ever in memory, decrypted for the mask, or for a future
connector with the key (基幹系への連携) that needs it by law.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from formsvc import crypto
from formsvc.applications.answers import Answers
from formsvc.definitions.schema import FormDefinition
from formsvc.fields.base import FieldSpec
from formsvc.forms.catalog import version_by_id
from formsvc.submissions.models import Draft, Submission, SubmissionEvent


def is_protected(spec: FieldSpec | None) -> bool:
    return spec is not None and spec.protected


def masked(spec: FieldSpec, stored: Any) -> Any:
    """A protected answer as stored (encrypted, or plain from before) turned into its mask."""
    return spec.display(spec.from_json(stored)) if stored is not None else None


def shared_value(spec: FieldSpec, value: Any) -> Any:
    """An answer (as read, see Flow.value) as JSON for other systems (the API)."""
    if value is None:
        return None
    return spec.display(value) if is_protected(spec) else spec.to_json(value)


def _rewrite(definition: FormDefinition, answers: dict | None,
             change: Callable[[FieldSpec, Any], Any]) -> tuple[dict, int]:
    """A copy of stored ``answers`` with ``change(spec, stored)`` applied to every protected answer
    (on ordinary and repeating pages); and how many were changed."""
    count = 0

    def rewritten(field_id: str, stored: Any) -> Any:
        nonlocal count
        spec = definition.field_by_id(field_id)
        if spec is None or not is_protected(spec) or stored is None:
            return stored
        new = change(spec, stored)
        count += new != stored
        return new

    result = Answers.from_json(answers).mapped(rewritten).to_json()
    return result, count


def masked_answers(definition: FormDefinition, answers: dict | None) -> dict:
    """A copy of stored answers fit to leave the service: every 個人番号 masked (********9018)."""
    return _rewrite(definition, answers, masked)[0]


def masked_for_version(session: Session, version_id: int, answers: dict | None) -> dict:
    """``masked_answers`` against the definition version ``answers`` were made on: the base
    definition, whichever channel they came from (a 個人番号 asked only at the counter is masked)."""
    compiled = version_by_id(session, version_id, channel=None)
    if compiled is None:
        raise LookupError(f"definition version {version_id} is missing")
    return masked_answers(compiled.definition, answers)


def _re_encrypted(spec: FieldSpec, stored: Any) -> Any:
    return crypto.rotate(stored) if isinstance(stored, str) else stored


def protect_stored_answers(session: Session) -> dict[str, int]:
    """Bring what is stored in line with the rules above, after an upgrade or a key rotation.

    Every 個人番号 in drafts and submissions is encrypted with the first key (plain numbers from
    before encryption, and tokens of older keys, alike), and every one copied into a
    ``resubmitted`` event is masked. Returns how many answers were changed, by where.

    The rows are updated without touching updated_at, lock_version or expires_at: their content,
    as anyone reads it, is unchanged (a reviewer's open page stays current).
    """
    counts = {"submissions": 0, "drafts": 0, "events": 0}
    definitions: dict[int, FormDefinition | None] = {}
    for model in (Submission, Draft):
        rows = session.execute(select(model.id, model.version_id, model.answers)
                               .where(model.version_id.is_not(None))).all()
        for row_id, version_id, answers in rows:
            definition = _definition(session, definitions, version_id)
            if definition is None:
                continue
            answers, changed = _rewrite(definition, answers, _re_encrypted)
            if changed:
                session.execute(update(model).where(model.id == row_id)
                                .values(answers=answers, updated_at=model.updated_at)
                                .execution_options(synchronize_session=False))
                counts[model.__tablename__] += changed
    events = session.execute(select(SubmissionEvent.id, SubmissionEvent.data, Submission.version_id)
                             .join(Submission, Submission.id == SubmissionEvent.submission_id)
                             .where(SubmissionEvent.kind == "resubmitted")).all()
    for event_id, data, current_version_id in events:
        previous = (data or {}).get("previous")
        if not isinstance(previous, dict):
            continue
        definition = _definition(session, definitions, previous.get("version_id") or current_version_id)
        if definition is None:
            continue
        answers, changed = _rewrite(definition, previous.get("answers"), masked)
        if changed:
            session.execute(update(SubmissionEvent).where(SubmissionEvent.id == event_id)
                            .values(data={**data, "previous": {**previous, "answers": answers}})
                            .execution_options(synchronize_session=False))
            counts["events"] += changed
    return counts


def _definition(session: Session, cache: dict, version_id: int | None) -> FormDefinition | None:
    if version_id not in cache:
        # The base: drafts and submissions of every channel are rewritten with one definition.
        compiled = version_by_id(session, version_id, channel=None) if version_id is not None else None
        cache[version_id] = compiled.definition if compiled is not None else None
    return cache[version_id]
