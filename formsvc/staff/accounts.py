"""Creating accounts, checking passwords (argon2) and throttling failed sign-ins."""

from __future__ import annotations

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from formsvc.db import utcnow
from formsvc.staff import roles as role_names
from formsvc.staff.models import StaffLoginFailure, StaffUser

HASHER = PasswordHasher()
# Five failures within 15 minutes, per account name or per client address, stop further tries.
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
# Verified against when the account does not exist, so timing does not reveal which names exist.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    pass


def create_or_update(session: Session, username: str, password: str, roles: list[str],
                     display_name: str | None = None) -> StaffUser:
    unknown = [role for role in roles if role not in role_names.ALL]
    if unknown or not roles:
        raise AccountError(f"役割は {', '.join(role_names.ALL)} から選んでください: {', '.join(unknown)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください")
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        user = StaffUser(username=username, display_name=display_name or username)
        session.add(user)
    user.password_hash = HASHER.hash(password)
    user.roles = sorted(set(roles))
    user.display_name = display_name or user.display_name
    user.active = True
    user.session_nonce = secrets.token_urlsafe(16)
    session.flush()
    return user


def throttled(session: Session, keys: list[str]) -> bool:
    """True when any of ``keys`` (account name, client address) had too many recent failures."""
    since = utcnow() - WINDOW
    counts = session.execute(
        select(StaffLoginFailure.key, func.count()).where(
            StaffLoginFailure.key.in_(keys), StaffLoginFailure.created_at > since)
        .group_by(StaffLoginFailure.key)).all()
    return any(count >= MAX_FAILURES for _, count in counts)


def authenticate(session: Session, username: str, password: str, client_address: str) -> StaffUser | None:
    """The account if the password is right; records failures. Call ``throttled`` first."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == username, StaffUser.active))
    try:
        HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        session.add_all([StaffLoginFailure(key=f"user:{username}"),
                         StaffLoginFailure(key=f"ip:{client_address}")])
        return None
    if user is None:
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    user.last_login_at = utcnow()
    session.execute(delete(StaffLoginFailure).where(StaffLoginFailure.key == f"user:{username}"))
    return user
