"""Creating accounts and checking passwords (argon2). Failed sign-ins: formsvc.staff.throttling."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.db import utcnow
from formsvc.staff import passwords
from formsvc.staff import roles as role_names
from formsvc.staff.models import MAX_USERNAME_LENGTH, StaffUser

HASHER = PasswordHasher()
# Verified against when the account does not exist, so timing does not reveal which names exist.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    pass


def create_or_update(session: Session, username: str, password: str, roles: list[str],
                     display_name: str | None = None) -> StaffUser:
    unknown = [role for role in roles if role not in role_names.ALL]
    if unknown or not roles:
        raise AccountError(f"役割は {', '.join(role_names.ALL)} から選んでください: {', '.join(unknown)}")
    if not username or len(username) > MAX_USERNAME_LENGTH:
        raise AccountError(f"ユーザー名は{MAX_USERNAME_LENGTH}文字以内で入力してください")
    problem = passwords.problem(password, username)
    if problem:
        raise AccountError(problem)
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        user = StaffUser(username=username, display_name=display_name or username)
        session.add(user)
    user.password_hash = HASHER.hash(password)
    user.roles = sorted(set(roles))
    user.display_name = display_name or user.display_name
    user.active = True
    user.session_nonce = new_session_nonce()
    session.flush()
    return user


def new_session_nonce() -> str:
    """A fresh value ends every session of the account (sessions carry the one they began with)."""
    return secrets.token_urlsafe(16)


def authenticate(session: Session, username: str, password: str) -> StaffUser | None:
    """The account if the password is right. Ask formsvc.staff.throttling first."""
    user = None
    if len(username) <= MAX_USERNAME_LENGTH:
        user = session.scalar(select(StaffUser).where(StaffUser.username == username, StaffUser.active))
    try:
        HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    user.last_login_at = utcnow()
    return user
