"""The definition version a resident's application is answered on."""

from __future__ import annotations

from formsvc.db import session as db_session
from formsvc.forms.catalog import CompiledForm, version_by_id


def version_of(version_id: int | None, channel: str = "online") -> CompiledForm:
    """The version of a resident's draft or submission: they always have one (only an
    administrator's preview of an unpublished working copy has none). ``channel``: the
    submission's, whose pages and wording it was answered with."""
    compiled = version_by_id(db_session(), version_id, channel) if version_id is not None else None
    if compiled is None:
        raise LookupError(f"definition version {version_id} is missing")
    return compiled
