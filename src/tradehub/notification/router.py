"""``GET /notifications`` and ``GET /notifications/{id}``: what was queued, sent or given up."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from tradehub.auth.dependencies import require
from tradehub.auth.principal import Principal
from tradehub.kit.errors import problem_responses
from tradehub.kit.outbox import Channel, OutboxMessage, OutboxStatus
from tradehub.kit.pagination import Page, Paging, order_by
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.notification import service
from tradehub.notification.schemas import NotificationRead, NotificationSort

router = api_router(prefix="/notifications", tags=["notifications"])
AUTH_PROBLEMS = problem_responses(401, 403)
CanReadNotifications = Annotated[Principal, Depends(require("notification:read"))]

SORT_COLUMNS = {
    "created_at": OutboxMessage.created_at,
    "next_attempt_at": OutboxMessage.next_attempt_at,
    "sent_at": OutboxMessage.sent_at,
}


@router.get(
    "",
    response_model=Page[NotificationRead],
    summary="List e-mails and SMS",
    responses=AUTH_PROBLEMS,
)
async def list_notifications(
    _: CanReadNotifications,
    session: DbSession,
    paging: Paging,
    status: OutboxStatus | None = None,
    channel: Channel | None = None,
    template: Annotated[str | None, Query(max_length=100, examples=["password_reset"])] = None,
    recipient: Annotated[str | None, Query(max_length=320)] = None,
    sort: NotificationSort = NotificationSort("-created_at"),  # type: ignore[valid-type]
) -> Page[NotificationRead]:
    """Messages with their delivery status: `queued`, `sending`, `sent`, `failed` (retried
    with backoff) or `dead` (permanently refused or out of attempts)."""
    items, total = await service.list_messages(
        session,
        paging,
        order_by(sort, SORT_COLUMNS, OutboxMessage.id),
        status=status.value if status else None,
        channel=channel.value if channel else None,
        template=template,
        recipient=recipient,
    )
    return Page(
        items=[NotificationRead.model_validate(item) for item in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(
    "/{notification_id}",
    response_model=NotificationRead,
    summary="Get one e-mail or SMS",
    responses={**AUTH_PROBLEMS, **problem_responses(404)},
)
async def get_notification(
    notification_id: uuid.UUID, _: CanReadNotifications, session: DbSession
) -> NotificationRead:
    return NotificationRead.model_validate(await service.get_message(session, notification_id))
