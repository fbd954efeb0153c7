"""The 集計 rollups brought up to date by the workers every 10 minutes, ahead of the managers
(formsvc.dashboard.rollups; the page still refreshes what changed since before it reads)."""

from __future__ import annotations

from formsvc.dashboard import rollups
from formsvc.jobs.registry import kind
from formsvc.jobs.runner import JobContext


@kind("refresh_dashboard", label=("集計の更新", "Refreshing the statistics"), every={"minute": "*/10"})
def refresh_dashboard(ctx: JobContext) -> None:
    rollups.refresh(ctx.session)
