"""API tokens for other systems: shown once when made, stored only as a SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.review.models import ApiToken

PREFIX = "fsv_"  # recognisable in a leaked config file or a secret scanner


class TokenError(ValueError):
    pass


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str) -> str:
    """A new token for ``name`` (its earlier token, if any, stops working)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise TokenError("名前は1〜100文字で指定してください")
    token = PREFIX + secrets.token_urlsafe(32)
    row = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if row is None:
        row = ApiToken(name=name)
        session.add(row)
    row.token_sha256 = digest(token)
    row.active = True
    session.flush()
    return token


def revoke_token(session: Session, name: str) -> bool:
    row = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if row is None:
        return False
    row.active = False
    return True


def token_for(session: Session, presented: str | None) -> ApiToken | None:
    if not presented or not presented.startswith(PREFIX) or len(presented) > 200:
        return None
    # Looked up by its hash: the stored value is useless to someone who reads the database.
    return session.scalar(select(ApiToken).where(ApiToken.token_sha256 == digest(presented), ApiToken.active))
