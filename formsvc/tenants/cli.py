"""`formsvc tenants list|create`, and ``--tenant`` for the commands that work on one municipality.

A command that reads or writes a municipality's data (load-definitions, create-user,
create-api-token …) works for the default municipality unless ``--tenant <slug>`` (or the
FORMSVC_TENANT environment variable) names another: a single-municipality install types its
commands as before. Work that is the deployment's (the worker, purge-drafts, send-outbox,
refresh-dashboard) is done for every municipality and takes no such option.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from formsvc.tenants.context import working_for

FIELD_LABELS = {"slug": "識別名（--slug）", "name": "団体名（--name）", "code": "団体コード（--code）",
                "host": "ホスト名（--host）", "colour": "色（--colour）", "contact_email": "メールアドレス",
                "contact_phone": "電話番号"}


def tenant_id_for(slug: str | None) -> int:
    """The id of the municipality ``slug`` (None or "": the default one); exits 1, saying so in
    Japanese, when there is none by that name."""
    from formsvc.tenants.resolution import directory

    found = directory().for_slug(slug.strip().lower()) if slug and slug.strip() else directory().default()
    if found is None:
        directory().forget()  # made a moment ago by another process
        found = directory().for_slug(slug.strip().lower()) if slug else None
    if found is None:
        click.echo(f"＊団体「{slug}」は登録されていません。`formsvc tenants list` で識別名を確認してください", err=True)
        raise SystemExit(1)
    return found.id


def tenant_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--tenant SLUG`` (env FORMSVC_TENANT) and run ``command`` working for that municipality.
    Put it below ``@with_appcontext`` (the municipality is looked up in the app's database)."""

    @click.option("--tenant", "tenant_slug", envvar="FORMSVC_TENANT", default=None, metavar="SLUG",
                  help="The municipality (its slug) to work for; default: the default one (env FORMSVC_TENANT).")
    @functools.wraps(command)
    def run(*args: Any, tenant_slug: str | None, **kwargs: Any) -> Any:
        with working_for(tenant_id_for(tenant_slug)):
            return command(*args, **kwargs)

    return run


tenants_group = AppGroup("tenants", help="Municipalities served by this deployment (団体).")


@tenants_group.command("list")
@with_appcontext
def list_tenants() -> None:
    """Print every municipality: slug, 団体コード, name, where it is reached, and its state."""
    from sqlalchemy import select

    from formsvc.db import database
    from formsvc.tenants.models import Tenant

    config = current_app.config
    with database().session_factory() as session:
        rows = session.scalars(select(Tenant).order_by(Tenant.id)).all()
        for row in rows:
            where = row.host or ("/" if row.is_default else f"/{row.slug}/")
            marks = [mark for mark, on in (("既定", row.is_default), ("停止中", not row.active)) if on]
            name = row.name or config["MUNICIPALITY_NAME"]
            click.echo("\t".join([row.slug, row.code or "-", name, where, "・".join(marks)]).rstrip())
    click.echo(f"{len(rows)} 団体", err=True)


@tenants_group.command("create")
@click.option("--slug", required=True, help="Path prefix and id part: lower-case letters, digits, hyphens.")
@click.option("--name", required=True, help="団体名, e.g. 鎌倉市.")
@click.option("--code", required=True, help="全国地方公共団体コード with its check digit (6 digits).")
@click.option("--host", default="", help="A host name of its own (else reached at /<slug>/).")
@click.option("--colour", default="blue", show_default=True, help="One of the design system's colours.")
@click.option("--address", default="", help="所在地 (the card-address check at the counter compares with it).")
@with_appcontext
def create_tenant(slug: str, name: str, code: str, host: str, colour: str, address: str) -> None:
    """Register a municipality (an operator's 団体の追加, from the command line)."""
    from formsvc.db import database
    from formsvc.tenants import service
    from formsvc.tenants.resolution import directory

    value = service.TenantInput(slug=slug, name=name, code=code, host=host, colour=colour, address=address)
    try:
        with database().transaction() as session:
            tenant = service.create(session, value, reserved=service.reserved_slugs(current_app.url_map))
            made = (tenant.id, tenant.slug, tenant.name, tenant.host)
    except service.TenantProblems as problems:
        for field, message in problems.problems.items():
            click.echo(f"＊{FIELD_LABELS.get(field, field)}：{message}", err=True)
        click.echo("団体は登録していません", err=True)
        raise SystemExit(1) from None
    directory().forget()
    tenant_id, made_slug, made_name, made_host = made
    where = made_host or f"/{made_slug}/"
    click.echo(f"団体「{made_name}」を登録しました（番号 {tenant_id}、{where}）。"
               f"職員の作成: formsvc create-user --tenant {made_slug} <ユーザー名> --role admin")
