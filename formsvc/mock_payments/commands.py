"""`formsvc mock-payments deliver`: send the mock's notifications that were not accepted."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from formsvc.mock_payments.delivery import deliver_pending

command = AppGroup("mock-payments", help="The demo's mock payment provider.")


@command.command("deliver")
def deliver() -> None:
    """Send the queued notifications to the service again (as a real provider retries)."""
    delivered, failed = deliver_pending(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(f"delivered {delivered}, not accepted {failed}")
    if failed:
        raise SystemExit(1)
