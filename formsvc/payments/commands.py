"""`formsvc payments …`: payment work to run by hand or from cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

command = AppGroup("payments", help="Fees paid online (payment service provider).")


@command.command("refund-orphans")
def refund_orphans() -> None:
    """Refund online payments the service refused that belong to no application (draft purged,
    fee changed after paying, wrong amount, an attempt given up); normally done right away, this
    retries those the provider could not take then. Exits 1 when some are still to refund."""
    # Imported here: every `formsvc` command loads this module, and `validate` needs neither
    # SQLAlchemy nor the payment service (a third of its start-up).
    from formsvc.db import database
    from formsvc.jobs.municipalities import each_municipality
    from formsvc.payments.service import refund_orphans as refund_all

    done = failed = 0
    with database().session_factory() as session:
        for _tenant in each_municipality(session):  # every municipality's
            each_done, each_failed = refund_all(session)
            done, failed = done + each_done, failed + each_failed
    click.echo(f"refunded {done}, failed {failed}")
    if failed:
        raise SystemExit(1)


COMMANDS = [command]
