"""Periodic clean-up run by the workers (formsvc.jobs): expired drafts, every hour."""

from __future__ import annotations

from formsvc.jobs.registry import kind
from formsvc.jobs.runner import JobContext
from formsvc.submissions.drafts import purge_expired


@kind("purge_drafts", label=("期限切れの下書きの削除", "Deleting expired drafts"), every={"minute": "7"})
def purge_drafts(ctx: JobContext) -> None:
    purge_expired(ctx.session)
