"""Queries over the outbox for the notifications list."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.kit.outbox import OutboxMessage


def list_statement(
    *,
    status: str | None = None,
    channel: str | None = None,
    template: str | None = None,
    recipient: str | None = None,
) -> Select[Any]:
    statement = select(OutboxMessage)
    if status is not None:
        statement = statement.where(OutboxMessage.status == status)
    if channel is not None:
        statement = statement.where(OutboxMessage.channel == channel)
    if template is not None:
        statement = statement.where(OutboxMessage.template == template)
    if recipient is not None:
        statement = statement.where(OutboxMessage.recipient == recipient)
    return statement


async def get(session: AsyncSession, message_id: uuid.UUID) -> OutboxMessage | None:
    return await session.get(OutboxMessage, message_id)
