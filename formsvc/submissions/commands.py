"""`formsvc purge-drafts`: run it from cron or a systemd timer (e.g. hourly)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("purge-drafts")
@with_appcontext
def purge_drafts() -> None:
    """Delete expired unfinished applications and their unsubmitted files."""
    from formsvc.db import database
    from formsvc.submissions.drafts import purge_expired

    with database().transaction() as session:
        deleted = purge_expired(session)
    click.echo(f"期限切れの下書きを {deleted} 件削除しました")


COMMANDS = [purge_drafts]
