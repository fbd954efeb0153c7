"""`formsvc purge-drafts`: run it from cron or a systemd timer (e.g. hourly).

`formsvc protect-answers`: run it once after upgrading to encrypted 個人番号, and after putting a
new key in front of FORMSVC_ENCRYPTION_KEY (before removing the old one).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("purge-drafts")
@with_appcontext
def purge_drafts() -> None:
    """Delete expired unfinished applications and their unsubmitted files (every municipality's)."""
    from formsvc.db import database
    from formsvc.submissions.jobs import purge_everywhere

    with database().transaction() as session:
        deleted = purge_everywhere(session)
    click.echo(f"期限切れの下書きを {deleted} 件削除しました")


@click.command("protect-answers")
@with_appcontext
def protect_answers() -> None:
    """Encrypt every stored 個人番号 with the first key and mask those in the audit trail (every
    municipality's: the keys are the deployment's)."""
    from formsvc.db import database
    from formsvc.jobs.municipalities import each_municipality
    from formsvc.submissions.protection import protect_stored_answers

    counts = {"submissions": 0, "drafts": 0, "events": 0}
    with database().transaction() as session:
        for _tenant in each_municipality(session):
            for key, count in protect_stored_answers(session).items():
                counts[key] = counts.get(key, 0) + count
    click.echo(f"個人番号を最初の鍵で暗号化し直しました（申請 {counts['submissions']} 件、"
               f"下書き {counts['drafts']} 件）。履歴にあった {counts['events']} 件を伏せ字にしました")


COMMANDS = [purge_drafts, protect_answers]
