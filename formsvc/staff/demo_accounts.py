"""Demo mode's staff accounts, whose passwords a newcomer can always find again.

``formsvc demo-accounts`` (run by ``make run``) makes them with random passwords and keeps those
in ``instance/demo_accounts.json`` (mode 0600, never in the repository): the next run reuses
them, so a password noted once stays right. The file is read back for the start-up lines of
``formsvc run`` and for the sign-in page, both in demo mode only.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.staff import passwords
from formsvc.staff.accounts import HASHER, create_or_update
from formsvc.staff.models import StaffUser

FILENAME = "demo_accounts.json"
# What token_urlsafe makes; anything else in the file (a hand edit, a control character) is not
# shown on a page or a terminal: that account gets a new password.
_PASSWORD = re.compile(r"[A-Za-z0-9_-]{12,64}")
# The file is a few hundred bytes; a larger one is not ours.
_MAX_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class DemoAccount:
    username: str
    roles: tuple[str, ...]
    display_name: str


ACCOUNTS = (
    DemoAccount("demo-reviewer", ("reviewer",), "審査 花子"),
    DemoAccount("demo-counter", ("counter",), "窓口 一郎"),
    DemoAccount("demo-admin", ("admin", "reviewer", "counter"), "管理 次郎"),
    DemoAccount("demo-manager", ("manager",), "集計 三郎"),
)


@dataclass(frozen=True)
class DemoLogin:
    account: DemoAccount
    password: str


def passwords_file(instance: Path | str) -> Path:
    return Path(instance) / FILENAME


def stored_passwords(instance: Path | str) -> dict[str, str]:
    """The kept passwords by user name; those that are not well-formed are left out."""
    path = passwords_file(instance)
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    known = {account.username for account in ACCOUNTS}
    return {name: value for name, value in data.items()
            if name in known and isinstance(value, str) and _PASSWORD.fullmatch(value)}


def stored_logins(instance: Path | str) -> list[DemoLogin]:
    """The demo accounts with a kept password, in ACCOUNTS' order (empty before the first run)."""
    kept = stored_passwords(instance)
    return [DemoLogin(account, kept[account.username]) for account in ACCOUNTS if account.username in kept]


def _new_password(username: str) -> str:
    while True:
        password = secrets.token_urlsafe(12)
        if passwords.problem(password, username) is None:
            return password


def _write(instance: Path, kept: dict[str, str]) -> None:
    """Replace the file at once (a reader never sees half of it), readable by this user only."""
    instance.mkdir(parents=True, exist_ok=True)
    target = passwords_file(instance)
    temporary = target.with_name(f".{FILENAME}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(kept, handle, indent=2)
            handle.write("\n")
        os.chmod(temporary, 0o600)  # whatever the umask or an older file's mode
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _is_current(user: StaffUser | None, account: DemoAccount, password: str) -> bool:
    if user is None or not user.active or sorted(user.roles) != sorted(account.roles):
        return False
    try:
        return HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def ensure_demo_accounts(session: Session, instance: Path | str, renew: bool = False) -> list[DemoLogin]:
    """Make the demo accounts, with their kept passwords (new ones for those without, or for all
    with ``renew``), and keep the passwords. An account already as it should be is left alone:
    its password is not hashed again and its sessions go on."""
    instance = Path(instance)
    kept = {} if renew else stored_passwords(instance)
    logins = []
    for account in ACCOUNTS:
        password = kept.get(account.username) or _new_password(account.username)
        kept[account.username] = password
        user = session.scalar(select(StaffUser).where(StaffUser.username == account.username))
        if not _is_current(user, account, password):
            create_or_update(session, account.username, password, list(account.roles), account.display_name)
        logins.append(DemoLogin(account, password))
    _write(instance, kept)
    return logins


def login_lines(logins: list[DemoLogin]) -> list[str]:
    return [f"  {login.account.username:<14} {login.password}  ({', '.join(login.account.roles)})" for login in logins]
