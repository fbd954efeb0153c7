"""The `formsvc` command: Flask's CLI (run, routes, shell) plus our own commands."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from flask.cli import run_command as flask_run

from formsvc import create_app
from formsvc.definitions.command import validate
from formsvc.staff import roles as roles_module
from formsvc.tenants.cli import tenant_option, tenants_group


@click.group(cls=FlaskGroup, create_app=create_app)
def main() -> None:
    """formsvc — 自治体のオンライン申請フォーム (application forms for municipalities)."""


# Without the app and without Flask (formsvc.command_line runs it before importing this module).
main.add_command(validate)


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
@tenant_option
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
@tenant_option
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
@tenant_option
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
@click.option("--new-passwords", is_flag=True, help="Give every demo account a new password.")
@with_appcontext
@tenant_option
def demo_accounts(new_passwords: bool) -> None:
    """Demo mode only: make the demo staff accounts and print their passwords (kept in
    instance/demo_accounts.json, so they stay the same from one run to the next)."""
    from formsvc.db import database
    from formsvc.staff.demo_accounts import ensure_demo_accounts, login_lines, passwords_file

    if not current_app.config["FORMSVC_DEMO"]:
        click.echo("＊デモ用アカウントは、デモモードでだけ作ります。パスワードが画面や端末に表示されるため、"
                   "本番の環境では作りません。デモ・開発用の環境なら FORMSVC_DEMO=1 を付けて実行してください"
                   "（例：FORMSVC_DEMO=1 formsvc demo-accounts）。`make run` はデモモードで起動します", err=True)
        sys.exit(1)
    instance = current_app.config["INSTANCE_DIR"]
    with database().transaction() as session:
        logins = ensure_demo_accounts(session, instance, renew=new_passwords)
    click.echo(f"Demo staff accounts (sign in at /staff/login; passwords kept in {passwords_file(instance)}):")
    for line in login_lines(logins):
        click.echo(line)


from formsvc.dashboard.commands import COMMANDS as DASHBOARD_COMMANDS  # noqa: E402
from formsvc.jobs.commands import COMMANDS as JOB_COMMANDS  # noqa: E402
from formsvc.payments.commands import COMMANDS as PAYMENT_COMMANDS  # noqa: E402
from formsvc.review.commands import COMMANDS as REVIEW_COMMANDS  # noqa: E402
from formsvc.submissions.commands import COMMANDS as SUBMISSION_COMMANDS  # noqa: E402

for _command in [*REVIEW_COMMANDS, *SUBMISSION_COMMANDS, *PAYMENT_COMMANDS, *DASHBOARD_COMMANDS, *JOB_COMMANDS,
                 tenants_group]:
    main.add_command(_command)


WORKER_OPTION = click.Option(["--worker/--no-worker"], default=True, show_default=True,
                             help="Also run a background-job worker (formsvc worker) while the server runs.")


@click.command("run", params=[*flask_run.params, WORKER_OPTION], help=flask_run.help,
               short_help=flask_run.short_help, context_settings=flask_run.context_settings)
@click.pass_context
def run(ctx: click.Context, worker: bool, **options) -> None:
    # Flask's `run` with a worker beside it (one machine needs no other service: the queue is a
    # SQLite file), and in demo mode how to sign in, printed after the server's address lines.
    app = ctx.ensure_object(ScriptInfo).load_app()
    # Under the reloader this runs twice (a watcher, then the server it restarts): one worker.
    started = _start_worker() if worker and os.environ.get("WERKZEUG_RUN_MAIN") != "true" else None
    if started is not None:
        signal.signal(signal.SIGTERM, _exit)  # a service manager's stop: the worker goes too
    try:
        _run_server(ctx, app, options)
    finally:
        if started is not None:
            _stop_worker(started)


def _exit(_signal, _frame) -> None:
    raise SystemExit(0)


def _start_worker() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from formsvc.command_line import main; main()", "worker"])


def _stop_worker(process: subprocess.Popen) -> None:
    """Like Ctrl+C in its own terminal: the running jobs finish, then it stops."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()


def _run_server(ctx: click.Context, app, options: dict) -> None:
    if app.config["FORMSVC_DEMO"]:
        from formsvc.demo.startup import announce_after_server_lines, base_url, startup_lines

        url = base_url(options.get("host") or "127.0.0.1", options.get("port") or 5000, bool(options.get("cert")))
        announce_after_server_lines(startup_lines(app.config["INSTANCE_DIR"], url,
                                                  bool(app.config["MOCK_IDP_ENABLED"])))
    ctx.invoke(flask_run, **options)


main.add_command(run)  # in place of Flask's own


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
