"""Trade desk events (domain.md §4.7), delivered to sinks only after the transaction commits.

Services call ``publish(session, "offer.accepted", {...}, user_ids=..., organization_id=...)``
at each step. The event is held on the session (``session.info``) and handed to every
registered sink once the session's transaction commits; a rollback drops it, so nobody is told
of something that did not happen. A sink is a callable taking one ``Event``; it may return an
awaitable (scheduled on the running loop, not awaited). A failing sink is logged and never
affects the request or the other sinks. A WebSocket/Redis sink plugs in with ``add_sink``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from tradehub.kit.logging import get_logger
from tradehub.kit.types import utcnow

log = get_logger("tradehub.trade_desk.events")

REQUIREMENT_POSTED: Final = "requirement.posted"
OFFER_SUBMITTED: Final = "offer.submitted"
OFFER_COUNTERED: Final = "offer.countered"
OFFER_ACCEPTED: Final = "offer.accepted"
OFFER_REJECTED: Final = "offer.rejected"
TESTED_LOT_UPLOADED: Final = "tested_lot.uploaded"

_PENDING = "trade_desk.pending_events"
_HOOKED = "trade_desk.events_hooked"


@dataclass(frozen=True)
class Event:
    name: str
    data: dict[str, Any]
    user_ids: tuple[uuid.UUID, ...] = ()
    organization_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=utcnow)


Sink = Callable[[Event], Awaitable[None] | None]
_sinks: list[Sink] = []
_tasks: set[asyncio.Task[None]] = set()  # strong references until the scheduled sinks finish


def add_sink(sink: Sink) -> None:
    if sink not in _sinks:
        _sinks.append(sink)


def remove_sink(sink: Sink) -> None:
    if sink in _sinks:
        _sinks.remove(sink)


async def publish(
    session: AsyncSession,
    name: str,
    data: dict[str, Any],
    *,
    user_ids: Iterable[uuid.UUID] = (),
    organization_id: uuid.UUID | None = None,
) -> None:
    """Record ``name`` to be delivered when ``session``'s transaction commits."""
    await session.connection()  # the event belongs to this transaction: begin it if need be
    sync_session = session.sync_session
    _hook(sync_session)
    pending: list[Event] = sync_session.info.setdefault(_PENDING, [])
    pending.append(
        Event(
            name=name,
            data=data,
            user_ids=tuple(dict.fromkeys(user_ids)),
            organization_id=organization_id,
        )
    )


def _hook(sync_session: Session) -> None:
    if sync_session.info.get(_HOOKED):
        return
    event.listen(sync_session, "after_commit", _delivered)
    event.listen(sync_session, "after_soft_rollback", _dropped)
    sync_session.info[_HOOKED] = True


def _dropped(sync_session: Session, previous_transaction: SessionTransaction) -> None:
    # Only the outermost transaction's end decides; a savepoint rolled back inside a request
    # that then fails still ends here once the whole transaction rolls back.
    if previous_transaction.parent is None:
        sync_session.info.pop(_PENDING, None)


def _delivered(sync_session: Session) -> None:
    pending: list[Event] = sync_session.info.pop(_PENDING, [])
    for item in pending:
        deliver(item)


def deliver(item: Event) -> None:
    for sink in list(_sinks):
        try:
            result = sink(item)
        except Exception:
            log.exception("trade_desk.event_sink_failed", event_name=item.name, sink=repr(sink))
            continue
        if result is not None:
            task = asyncio.get_running_loop().create_task(_guarded(result, item))
            _tasks.add(task)
            task.add_done_callback(_tasks.discard)


async def _guarded(awaitable: Awaitable[None], item: Event) -> None:
    try:
        await awaitable
    except Exception:
        log.exception("trade_desk.event_sink_failed", event_name=item.name)


def money(value: Decimal) -> str:
    """Money in event data as in answers: a string with two decimals."""
    return format(value.quantize(Decimal("0.01")), "f")
