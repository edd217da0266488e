"""Transaction locks (domain.md §3.8): a partner's identity and tax fields are frozen while it
has open dealings — contracts, invoices, payments, delivery orders.

Those modules own what "open" means, so each registers a counter here when it is imported:

    register_open_dealings("contracts", count_open_contracts)

where ``count_open_contracts(session, partner_id)`` returns how many it has open. Change
requests ask every registered counter when they are raised and again when they are approved;
while any counts more than zero, a change to a locked field is refused (409
``partner.fields_locked``, naming the fields and the counts).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.kit.errors import Conflict
from tradehub.partner.domain import locked_fields

OpenDealingsCounter = Callable[[AsyncSession, uuid.UUID], Awaitable[int]]

_COUNTERS: dict[str, OpenDealingsCounter] = {}


class FieldsLocked(Conflict):
    code = "partner.fields_locked"


def register_open_dealings(name: str, provider: OpenDealingsCounter) -> None:
    """Add a counter of open dealings under ``name`` (``contracts``, ``invoices``…). The same
    counter again is a no-op; another one under a taken name is a programming error."""
    existing = _COUNTERS.get(name)
    if existing is not None and existing is not provider:
        raise ValueError(f"an open-dealings counter named {name!r} is already registered")
    _COUNTERS[name] = provider


def unregister_open_dealings(name: str) -> None:
    _COUNTERS.pop(name, None)


def registered_open_dealings() -> list[str]:
    return sorted(_COUNTERS)


async def open_dealings(session: AsyncSession, partner_id: uuid.UUID) -> dict[str, int]:
    """Every registered counter's count for this partner, by name."""
    return {name: int(await _COUNTERS[name](session, partner_id)) for name in sorted(_COUNTERS)}


async def refuse_locked_changes(
    session: AsyncSession, partner_id: uuid.UUID, changes: Mapping[str, Any]
) -> dict[str, int]:
    """The partner's open dealings; 409 when ``changes`` touch a locked field while any are
    open."""
    counts = await open_dealings(session, partner_id)
    touched = locked_fields(changes)
    open_now = {name: count for name, count in counts.items() if count > 0}
    if touched and open_now:
        dealings = ", ".join(f"{count} {name}" for name, count in open_now.items())
        raise FieldsLocked(
            f"{', '.join(touched)} cannot change while the partner has open dealings ({dealings})",
            locked_fields=touched,
            open_dealings=open_now,
        )
    return counts
