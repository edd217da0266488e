"""Notification use cases: deliver what is due (the worker's step), retry, and list.

Delivery never runs inside a request: requests only ``kit.outbox.enqueue`` in their own
transaction. ``deliver_due`` claims a batch in a short transaction, then each transport sends
and records every step at once (``Recorder``).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradehub.config import Settings
from tradehub.kit import outbox
from tradehub.kit.db import session_scope
from tradehub.kit.errors import NotFound
from tradehub.kit.outbox import Channel, Claim, OutboxMessage
from tradehub.kit.pagination import PageParams, paginate
from tradehub.notification import repository
from tradehub.notification.email import SmtpTransport
from tradehub.notification.recorder import DeliveryReport, Recorder
from tradehub.notification.sms import SmsTransport


class Transport(Protocol):
    async def deliver(self, claims: Sequence[Claim], recorder: Recorder) -> None: ...


def default_transports(settings: Settings) -> dict[str, Transport]:
    return {Channel.EMAIL: SmtpTransport(settings), Channel.SMS: SmsTransport(settings)}


async def deliver_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    worker: str,
    transports: Mapping[str, Transport] | None = None,
    limit: int | None = None,
    rng: random.Random | None = None,
) -> DeliveryReport:
    """Claim one batch of due messages and deliver it; the report says what happened."""
    recorder = Recorder(sessionmaker, settings, rng=rng)
    async with session_scope(sessionmaker) as session:
        claims = await outbox.claim_due(
            session,
            worker=worker,
            limit=limit or settings.outbox_batch_size,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
            max_attempts=settings.outbox_max_attempts,
        )
    recorder.report.claimed = len(claims)
    if not claims:
        return recorder.report
    transports = transports if transports is not None else default_transports(settings)
    for channel in sorted({claim.channel for claim in claims}):
        group = [claim for claim in claims if claim.channel == channel]
        transport = transports.get(channel)
        if transport is None:
            for claim in group:
                await recorder.failed(
                    claim, error=f"no transport for channel {channel!r}", permanent=True
                )
            continue
        await transport.deliver(group, recorder)
    return recorder.report


async def retry_failed(session: AsyncSession) -> int:
    """Re-queue failed messages whose backoff has elapsed (the ``notification_retry`` job)."""
    return await outbox.requeue_failed(session)


async def list_messages(
    session: AsyncSession,
    params: PageParams,
    ordering: list[Any],
    *,
    status: str | None = None,
    channel: str | None = None,
    template: str | None = None,
    recipient: str | None = None,
) -> tuple[list[OutboxMessage], int]:
    statement = repository.list_statement(
        status=status, channel=channel, template=template, recipient=recipient
    )
    return await paginate(session, statement, params, ordering)


async def get_message(session: AsyncSession, message_id: uuid.UUID) -> OutboxMessage:
    message = await repository.get(session, message_id)
    if message is None:
        raise NotFound("No such notification", code="notification.not_found")
    return message
