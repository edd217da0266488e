"""One-time codes: 6 digits, 10 minutes, 3 tries, single use, bound, hashed, rate-limited."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import MakeUser
from tradehub.auth.domain import normalise_mobile
from tradehub.auth.models import OtpCode, User
from tradehub.kit.outbox import OutboxMessage
from tradehub.kit.types import utcnow

REQUEST = "/api/v1/auth/otp/request"
VERIFY = "/api/v1/auth/otp/verify"


async def _sent_code(db: AsyncSession, destination: str) -> str:
    message = await db.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == destination, OutboxMessage.template == "otp")
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id)
    )
    assert message is not None
    return str(message.payload["code"])


async def test_an_email_code_verifies_the_address_once(
    client: httpx.AsyncClient, make_user: MakeUser, db: AsyncSession
) -> None:
    user = await make_user(email="mill@example.com")
    sent = await client.post(
        REQUEST, json={"purpose": "verify_email", "destination": "Mill@Example.com"}
    )
    assert sent.status_code == 202
    code = await _sent_code(db, "mill@example.com")
    assert len(code) == 6 and code.isdigit()
    stored = await db.scalar(select(OtpCode.code_hash))
    assert stored is not None and code not in stored and len(stored) == 64
    body = {"purpose": "verify_email", "destination": "mill@example.com", "code": code}
    ok = await client.post(VERIFY, json=body)
    assert ok.status_code == 200
    assert ok.json() == {"verified": True}
    await db.refresh(user)
    assert user.email_verified_at is not None
    again = await client.post(VERIFY, json=body)
    assert again.status_code == 400
    assert again.json()["code"] == "otp.invalid"


async def test_a_mobile_code_goes_by_sms_and_verifies_the_number(
    client: httpx.AsyncClient, make_user: MakeUser, db: AsyncSession
) -> None:
    user = await make_user()
    user.mobile = "+919876543210"
    await db.flush()
    sent = await client.post(
        REQUEST, json={"purpose": "verify_mobile", "destination": "98765 43210"}
    )
    assert sent.status_code == 202
    message = await db.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "+919876543210")
    )
    assert message is not None and message.channel == "sms"
    code = str(message.payload["code"])
    ok = await client.post(
        VERIFY, json={"purpose": "verify_mobile", "destination": "+919876543210", "code": code}
    )
    assert ok.status_code == 200
    verified = await db.scalar(select(User.mobile_verified_at).where(User.id == user.id))
    assert verified is not None


async def test_three_wrong_tries_spend_the_code(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await client.post(REQUEST, json={"purpose": "verify_email", "destination": "a@example.com"})
    code = await _sent_code(db, "a@example.com")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(3):
        response = await client.post(
            VERIFY, json={"purpose": "verify_email", "destination": "a@example.com", "code": wrong}
        )
        assert response.status_code == 400
    right = await client.post(
        VERIFY, json={"purpose": "verify_email", "destination": "a@example.com", "code": code}
    )
    assert right.status_code == 400


async def test_a_code_expires_after_ten_minutes(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    with time_machine.travel(utcnow(), tick=False) as clock:
        await client.post(REQUEST, json={"purpose": "verify_email", "destination": "b@example.com"})
        code = await _sent_code(db, "b@example.com")
        clock.shift(timedelta(minutes=10, seconds=1))
        late = await client.post(
            VERIFY, json={"purpose": "verify_email", "destination": "b@example.com", "code": code}
        )
    assert late.status_code == 400


async def test_a_code_is_bound_to_its_purpose_and_destination(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await client.post(REQUEST, json={"purpose": "verify_email", "destination": "c@example.com"})
    code = await _sent_code(db, "c@example.com")
    other_address = await client.post(
        VERIFY, json={"purpose": "verify_email", "destination": "d@example.com", "code": code}
    )
    assert other_address.status_code == 400
    right = await client.post(
        VERIFY, json={"purpose": "verify_email", "destination": "c@example.com", "code": code}
    )
    assert right.status_code == 200


async def test_a_new_code_replaces_the_old_one(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await client.post(REQUEST, json={"purpose": "verify_email", "destination": "e@example.com"})
    first = await db.scalar(select(OtpCode).where(OtpCode.destination == "e@example.com"))
    assert first is not None and first.consumed_at is None
    await client.post(REQUEST, json={"purpose": "verify_email", "destination": "e@example.com"})
    await db.refresh(first)
    assert first.consumed_at is not None  # the earlier code can no longer be used
    live = (
        await db.scalars(
            select(OtpCode).where(
                OtpCode.destination == "e@example.com", OtpCode.consumed_at.is_(None)
            )
        )
    ).all()
    assert len(live) == 1
    fresh = await client.post(
        VERIFY,
        json={
            "purpose": "verify_email",
            "destination": "e@example.com",
            "code": await _sent_code(db, "e@example.com"),
        },
    )
    assert fresh.status_code == 200


async def test_sends_per_destination_are_limited_per_hour(client: httpx.AsyncClient) -> None:
    statuses = [
        (
            await client.post(
                REQUEST, json={"purpose": "verify_email", "destination": "f@example.com"}
            )
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [202] * 5 + [429]


@pytest.mark.parametrize(
    ("purpose", "destination"),
    [("verify_mobile", "12345"), ("verify_mobile", "5876543210"), ("verify_email", "no-at-sign")],
)
async def test_bad_destinations_are_422(
    client: httpx.AsyncClient, purpose: str, destination: str
) -> None:
    response = await client.post(REQUEST, json={"purpose": purpose, "destination": destination})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "destination"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9876543210", "+919876543210"),
        ("+91 98765-43210", "+919876543210"),
        ("919876543210", "+919876543210"),
        ("6000000000", "+916000000000"),
        ("5876543210", None),
        ("98765432101", None),
        ("+1 9876543210", None),
    ],
)
def test_mobile_numbers(raw: str, expected: str | None) -> None:
    assert normalise_mobile(raw) == expected
