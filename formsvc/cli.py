"""The `formsvc` command: Flask's CLI (run, routes, shell) plus our own commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from formsvc import create_app
from formsvc.staff import roles as roles_module


@click.group(cls=FlaskGroup, create_app=create_app)
def main() -> None:
    """formsvc — 自治体のオンライン申請フォーム (application forms for municipalities)."""


# Without the app (with_appcontext=False): creating it costs more than checking 100 definitions.
@main.command(with_appcontext=False)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check definitions; print every error as file:line:column. Exit 1 if any is invalid."""
    import gc

    from formsvc.definitions.library import configured_definitions_folder, shared_files
    from formsvc.definitions.loader import definition_files, library_folders, load_all

    # The modules just imported (pydantic's schemas…) live until exit: out of the collector's
    # sight, its full runs stop walking them for every batch of new objects (~15 % of the time).
    gc.freeze()
    targets = list(paths) or [configured_definitions_folder()]
    loaded, errors = load_all(targets)
    for error in errors:
        click.echo(str(error), err=True)
    # A folder's shared/ blocks and lists are checked too, and counted as files checked.
    checked = len(definition_files(targets)) + sum(len(shared_files(folder)) for folder in library_folders(targets))
    if errors:
        bad = len({error.file for error in errors})
        click.echo(f"{bad} / {checked} 件の定義にエラーがあります ({len(errors)} 個)", err=True)
        sys.exit(1)
    click.echo(f"{len(loaded)} 件の定義はすべて正しい形式です")


@main.command("export-schema")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Where to write (default: form_definitions/schema.json).")
@with_appcontext
def export_schema(output: Path | None) -> None:
    """Write the JSON Schema of the definition language (for editor autocompletion)."""
    from formsvc.definitions.json_schema import definition_json_schema

    target = output or Path(current_app.config["DEFINITIONS_DIR"]) / "schema.json"
    text = json.dumps(definition_json_schema(), ensure_ascii=False, indent=2) + "\n"
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}")


@main.command("load-definitions")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="Publish the files even where a newer version was published in the browser.")
@with_appcontext
def load_definitions(paths: tuple[Path, ...], force: bool) -> None:
    """Import definitions from files as published versions (unchanged files are skipped)."""
    from formsvc.db import database
    from formsvc.forms.loading import import_definitions

    targets: list[Path | str] = [*paths] or [Path(current_app.config["DEFINITIONS_DIR"])]
    with database().transaction() as session:
        report = import_definitions(session, targets, force=force)
    for error in report.errors:
        click.echo(str(error), err=True)
    if report.errors:
        click.echo("定義にエラーがあるため、何も読み込んでいません", err=True)
        sys.exit(1)
    for conflict in report.conflicts:
        click.echo(str(conflict), err=True)
    if report.conflicts:
        click.echo("上の理由で、何も読み込んでいません (nothing was imported for the reasons above)", err=True)
        sys.exit(1)
    for warning in report.warnings:
        click.echo(f"警告 (warning): {warning}", err=True)
    click.echo(
        f"新規 {len(report.created)} 件、更新 {len(report.updated)} 件、"
        f"変更なし {len(report.unchanged)} 件"
    )


@main.command("export-definitions")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@with_appcontext
def export_definitions(directory: Path | None) -> None:
    """Write the database's published versions back to YAML files (default: form_definitions/)."""
    from formsvc.db import database
    from formsvc.forms.loading import export_definitions as export

    target = directory or Path(current_app.config["DEFINITIONS_DIR"])
    with database().transaction() as session:
        written = export(session, target)
        lines = [f"{path}: {version.form_id} 第{version.number}版"
                 f"（{'管理画面' if version.origin == 'admin' else 'ファイル'}から公開）"
                 for version, path in written]
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} 件の定義を書き出しました。差分を確認してからコミットしてください "
               f"(wrote {len(lines)} definitions; review the diff before committing)")


@main.command("create-user")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(list(roles_module.ALL)), help="Repeat for several roles.")
@click.option("--name", "display_name", default=None, help="The name shown on screens and records.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for when not given (never put it in shell history).")
@with_appcontext
def create_user(username: str, roles: tuple[str, ...], display_name: str | None, password: str) -> None:
    """Create a staff account, or reset its password and roles."""
    from formsvc.db import database
    from formsvc.staff.accounts import AccountError, create_or_update

    try:
        with database().transaction() as session:
            create_or_update(session, username, password, list(roles), display_name)
    except AccountError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"{username}: {', '.join(sorted(set(roles)))}")


@main.command("demo-accounts")
@with_appcontext
def demo_accounts() -> None:
    """Demo mode only: (re)create the demo staff accounts with new passwords and print them."""
    import secrets

    from formsvc.db import database
    from formsvc.staff.accounts import create_or_update

    if not current_app.config["FORMSVC_DEMO"]:
        click.echo("デモモード (FORMSVC_DEMO=1) でないため、デモ用アカウントは作りません", err=True)
        sys.exit(1)
    accounts = [("demo-reviewer", ["reviewer"], "審査 花子"), ("demo-counter", ["counter"], "窓口 一郎"),
                ("demo-admin", ["admin", "reviewer", "counter"], "管理 次郎"),
                ("demo-manager", ["manager"], "集計 三郎")]
    click.echo("Demo staff accounts (sign in at /staff/login):")
    with database().transaction() as session:
        for username, roles, name in accounts:
            password = secrets.token_urlsafe(12)
            create_or_update(session, username, password, roles, name)
            click.echo(f"  {username:<14} {password}  ({', '.join(roles)})")


from formsvc.dashboard.commands import COMMANDS as DASHBOARD_COMMANDS  # noqa: E402
from formsvc.payments.commands import COMMANDS as PAYMENT_COMMANDS  # noqa: E402
from formsvc.review.commands import COMMANDS as REVIEW_COMMANDS  # noqa: E402
from formsvc.submissions.commands import COMMANDS as SUBMISSION_COMMANDS  # noqa: E402

for _command in [*REVIEW_COMMANDS, *SUBMISSION_COMMANDS, *PAYMENT_COMMANDS, *DASHBOARD_COMMANDS]:
    main.add_command(_command)


@main.group("db")
def db_group() -> None:
    """Database migrations (Alembic)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the newest)."""
    from formsvc.migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo("database is up to date" if revision == "head" else f"at {revision}")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def db_revision(message: str) -> None:
    """Generate a migration from the models (review it before committing)."""
    from formsvc.migrate import revision

    revision(current_app.config["DATABASE_URL"], message)
