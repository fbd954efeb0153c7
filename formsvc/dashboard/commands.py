"""`formsvc refresh-dashboard`: bring the 集計 rollups up to date ahead of the managers.

The dashboard refreshes them itself before it reads, recomputing only the months that changed
since; running this from cron or a systemd timer (e.g. every 10 minutes, or after a bulk import)
keeps that work off the page. ``--rebuild`` recomputes every month from scratch.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("refresh-dashboard")
@click.option("--rebuild", is_flag=True, help="Recompute every month, not only those that changed.")
@with_appcontext
def refresh_dashboard(rebuild: bool) -> None:
    """Recompute the dashboard's monthly figures for the applications that changed."""
    from formsvc.dashboard import rollups
    from formsvc.db import database

    with database().transaction() as session:
        if rebuild:
            rollups.forget(session)
        recomputed = rollups.refresh(session)
    click.echo(f"集計を更新しました（手続きと月の組 {recomputed} 件を計算し直しました）")


COMMANDS = [refresh_dashboard]
