"""``GET /notifications``: status of every e-mail and SMS, for those allowed to see it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tradehub.kit import outbox
from tradehub.kit.outbox import OutboxMessage
from tradehub.kit.types import utcnow

URL = "/api/v1/notifications"
SECRET_LINK = "https://app.test/reset?token=Never-Shown-0123"


async def _add(
    db: AsyncSession,
    *,
    channel: str = "email",
    template: str = "password_reset",
    recipient: str = "asha@example.com",
    status: str = "queued",
    age_minutes: int = 0,
) -> uuid.UUID:
    message = await outbox.enqueue(
        db,
        channel=channel,
        recipient=recipient,
        template=template,
        context={"link": SECRET_LINK, "code": "482913"},
    )
    await db.flush()
    created = utcnow() - timedelta(minutes=age_minutes)
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(
            status=status,
            created_at=created,
            last_error="550 5.1.1 No such user" if status == "dead" else None,
        )
    )
    return message.id


async def test_lists_status_without_ever_showing_the_content(
    client: httpx.AsyncClient, db: AsyncSession, auth_headers: dict[str, str]
) -> None:
    sent = await _add(db, status="sent", age_minutes=3)
    dead = await _add(db, status="dead", recipient="nobody@example.com", age_minutes=2)
    otp = await _add(db, channel="sms", template="otp", recipient="+919876543210", age_minutes=1)
    answer = await client.get(URL, headers=auth_headers)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["total"], body["page"], body["limit"]) == (3, 1, 50)
    assert [item["id"] for item in body["items"]] == [str(otp), str(dead), str(sent)]
    dead_item = body["items"][1]
    assert dead_item["status"] == "dead" and dead_item["last_error"] == "550 5.1.1 No such user"
    assert set(dead_item) >= {"channel", "recipient", "template", "attempts", "confirmed_at"}
    assert "payload" not in dead_item
    assert "Never-Shown" not in answer.text and "482913" not in answer.text


async def test_filters_sort_and_pages(
    client: httpx.AsyncClient, db: AsyncSession, auth_headers: dict[str, str]
) -> None:
    for minutes in range(5):
        await _add(db, status="failed", age_minutes=10 + minutes)
    await _add(db, status="dead")
    await _add(db, channel="sms", template="otp", recipient="+919876543210", status="failed")

    async def fetch(**params: str | int) -> httpx.Response:
        return await client.get(URL, params=params, headers=auth_headers)

    failed = (await fetch(status="failed")).json()
    assert failed["total"] == 6
    emails = (
        await fetch(status="failed", channel="email", sort="created_at", limit=2, page=2)
    ).json()
    assert emails["total"] == 5 and len(emails["items"]) == 2
    ages = [item["created_at"] for item in emails["items"]]
    assert ages == sorted(ages)
    assert (await fetch(template="otp")).json()["total"] == 1
    assert (await fetch(recipient="+919876543210")).json()["total"] == 1
    past_the_end = (await fetch(page=9)).json()
    assert past_the_end["items"] == [] and past_the_end["total"] == 7
    for bad in ({"status": "lost"}, {"channel": "fax"}, {"sort": "recipient"}, {"limit": 201}):
        assert (await fetch(**bad)).status_code == 422


async def test_one_notification_and_an_unknown_one(
    client: httpx.AsyncClient, db: AsyncSession, auth_headers: dict[str, str]
) -> None:
    message_id = await _add(db, status="dead")
    one = await client.get(f"{URL}/{message_id}", headers=auth_headers)
    assert one.status_code == 200 and one.json()["status"] == "dead"
    missing = await client.get(f"{URL}/{uuid.uuid4()}", headers=auth_headers)
    assert missing.status_code == 404 and missing.json()["code"] == "notification.not_found"


async def test_needs_a_token_and_the_notification_read_permission(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    assert (await client.get(URL)).status_code == 401
    sales = await sign_in(roles=("sales",))
    denied = await client.get(URL, headers=sales.headers)
    assert denied.status_code == 403
    manager = await sign_in(roles=("manager",))
    assert (await client.get(URL, headers=manager.headers)).status_code == 200


async def test_the_list_costs_the_same_queries_however_long_it_is(
    client: httpx.AsyncClient,
    db: AsyncSession,
    auth_headers: dict[str, str],
    query_counter: QueryCounter,
) -> None:
    await _add(db)
    query_counter.reset()
    assert (await client.get(URL, headers=auth_headers)).json()["total"] == 1
    few = query_counter.count
    for number in range(40):
        await _add(db, recipient=f"u{number}@example.com")
    query_counter.reset()
    assert len((await client.get(URL, headers=auth_headers)).json()["items"]) == 41
    assert query_counter.count == few
