"""Named locks held until the caller's transaction ends, for check-then-insert rules.

A rule such as "at most five per partner" reads a count and then inserts; two transactions
doing that at once would both see room. ``transaction_lock`` makes them take turns per key:

- PostgreSQL: ``pg_advisory_xact_lock`` on a 64-bit key derived from the name, released at
  commit or rollback. Under READ COMMITTED the statements after it see what the previous
  holder committed.
- SQLite: a write transaction (``BEGIN IMMEDIATE``, which every non-GET request and
  ``session_scope(writes=True)`` opens) already excludes every other writer, so nothing more
  is needed. A read-only transaction must not rely on this lock.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession


def lock_key(namespace: str, key: str) -> int:
    """A stable signed 64-bit number for ``namespace:key`` (the advisory lock's key space)."""
    raw = hashlib.sha256(f"{namespace}:{key}".encode()).digest()[:8]
    return int.from_bytes(raw, "big", signed=True)


async def transaction_lock(session: AsyncSession, namespace: str, key: str) -> None:
    """Wait for, then hold until the transaction ends, the lock named ``namespace:key``."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(lock_key(namespace, key))))
