"""Throttling failed staff sign-ins, per account name and per client address.

Race-free on SQLite and PostgreSQL without locks: every attempt first records itself as a
failure, in a transaction of its own that is committed, and only then counts the recent
failures of its keys. Of any set of attempts, the one committed last sees the rows of all the
others, so more than the limit can never all see a count within it. Attempts that are turned
away remove their rows again (hammering does not prolong the lock); a right password removes
its own rows and clears the account's.

The address limit is higher than the account limit: a whole office may share one address
(NAT, a proxy), and one person's typos must not lock out their colleagues. The keys are
stored as SHA-256 digests: a fixed length whatever the user name, and no plain addresses.

An account name is one municipality's (tanaka of 鎌倉市 is not tanaka of 逗子市): its key names
the tenant, so guesses in one town never lock the same name in another. An address is counted
across all of them (one client guessing in many towns is one client).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select

from formsvc.db import database, utcnow
from formsvc.staff.models import StaffLoginFailure
from formsvc.tenants.context import current_tenant_id

# Within WINDOW: this many failures for one account name, or for one client address.
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 30
WINDOW = timedelta(minutes=15)


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt, already counted as a failure until it is known to be otherwise."""

    account_key: str
    address_key: str
    row_ids: tuple[int, ...]
    refused: bool

    def turned_away(self) -> None:
        """It was refused without checking the password: it is not a failure to count."""
        with database().transaction() as session:
            session.execute(delete(StaffLoginFailure).where(StaffLoginFailure.id.in_(self.row_ids)))

    def succeeded(self) -> None:
        """The right password: the account's failures end, and this attempt was none."""
        with database().transaction() as session:
            session.execute(delete(StaffLoginFailure).where(
                (StaffLoginFailure.key == self.account_key) | StaffLoginFailure.id.in_(self.row_ids)))


def start(username: str, client_address: str) -> Attempt:
    """Record the attempt, then decide whether its password may be checked at all."""
    account_key = _digest("user", f"{current_tenant_id()}:{username}")
    address_key = _digest("ip", client_address)
    now = utcnow()
    with database().transaction() as session:
        # Rows older than the window count for nothing any more.
        session.execute(delete(StaffLoginFailure).where(StaffLoginFailure.created_at <= now - WINDOW))
        rows = [StaffLoginFailure(key=account_key, created_at=now),
                StaffLoginFailure(key=address_key, created_at=now)]
        session.add_all(rows)
        session.flush()
        row_ids = tuple(row.id for row in rows)
    with database().session_factory() as session:
        counts = dict(session.execute(
            select(StaffLoginFailure.key, func.count())
            .where(StaffLoginFailure.key.in_((account_key, address_key)),
                   StaffLoginFailure.created_at > utcnow() - WINDOW)
            .group_by(StaffLoginFailure.key)).all())
    refused = counts.get(account_key, 0) > ACCOUNT_LIMIT or counts.get(address_key, 0) > ADDRESS_LIMIT
    return Attempt(account_key, address_key, row_ids, refused)
