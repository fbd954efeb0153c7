"""`formsvc create-api-token`, `revoke-api-token` and `send-outbox`."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from formsvc.tenants.cli import tenant_option


@click.command("create-api-token")
@click.argument("name")
@with_appcontext
@tenant_option
def create_api_token(name: str) -> None:
    """Make a bearer token for the system NAME and print it once (only its SHA-256 is kept)."""
    from formsvc.db import database
    from formsvc.review.tokens import TokenError, create_token

    try:
        with database().transaction() as session:
            token = create_token(session, name)
    except TokenError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"{name} のAPIトークン（この一度しか表示しません。安全な場所に保管してください）:", err=True)
    click.echo(token)


@click.command("revoke-api-token")
@click.argument("name")
@with_appcontext
@tenant_option
def revoke_api_token(name: str) -> None:
    """Stop the token of NAME from working."""
    from formsvc.db import database
    from formsvc.review.tokens import revoke_token

    with database().transaction() as session:
        found = revoke_token(session, name)
    if not found:
        click.echo(f"{name} というAPIトークンはありません", err=True)
        sys.exit(1)
    click.echo(f"{name} のAPIトークンを無効にしました")


@click.command("send-outbox")
@click.option("--limit", default=100, show_default=True, help="At most this many messages per run.")
@with_appcontext
def send_outbox(limit: int) -> None:
    """Deliver pending messages to residents, every municipality's (run it every minute from cron
    or a systemd timer)."""
    from formsvc.db import database
    from formsvc.jobs.municipalities import each_municipality
    from formsvc.review.mail import backend_name, deliver_pending

    outcome = {"sent": 0, "retry": 0, "failed": 0}
    with database().session_factory() as session:
        for _tenant in each_municipality(session):
            for key, count in deliver_pending(session, current_app.config, limit=limit).items():
                outcome[key] = outcome.get(key, 0) + count
    click.echo(f"送信 {outcome['sent']} 件、再試行待ち {outcome['retry']} 件、失敗 {outcome['failed']} 件"
               f"（{backend_name(current_app.config)}）", err=True)
    if outcome["retry"] or outcome["failed"]:
        sys.exit(1)


COMMANDS = (create_api_token, revoke_api_token, send_outbox)
