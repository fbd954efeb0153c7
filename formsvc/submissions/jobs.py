"""Periodic clean-up run by the workers (formsvc.jobs): expired drafts, every hour."""

from __future__ import annotations

from sqlalchemy.orm import Session

from formsvc.jobs.municipalities import each_municipality
from formsvc.jobs.registry import kind
from formsvc.jobs.runner import JobContext
from formsvc.submissions import storage
from formsvc.submissions.drafts import purge_expired
from formsvc.tenants.context import all_municipalities


def purge_everywhere(session: Session) -> int:
    """Expired drafts of every municipality (each counted into its own drop-off tally), then the
    stored objects no municipality's row points at; how many drafts were deleted."""
    deleted = sum(purge_expired(session, sweep=False) for _tenant in each_municipality(session))
    with all_municipalities():
        storage.sweep_orphans(session)
    return deleted


@kind("purge_drafts", label=("期限切れの下書きの削除", "Deleting expired drafts"), every={"minute": "7"})
def purge_drafts(ctx: JobContext) -> None:
    purge_everywhere(ctx.session)
