"""Password reset by e-mailed single-use token (api.md §3)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import httpx
import time_machine
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import DEFAULT_PASSWORD, SignIn
from tradehub.kit.outbox import OutboxMessage
from tradehub.kit.types import utcnow

REQUEST = "/api/v1/auth/password/reset-request"
RESET = "/api/v1/auth/password/reset"
LOGIN = "/api/v1/auth/login"


async def _reset_token(db: AsyncSession, email: str) -> str:
    message = await db.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == email, OutboxMessage.template == "password_reset")
        .order_by(OutboxMessage.created_at.desc())
    )
    assert message is not None
    link = message.payload["link"]
    return parse_qs(urlparse(link).query)["token"][0]


async def test_reset_request_is_202_whether_or_not_the_account_exists(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    signed = await sign_in()
    known = await client.post(REQUEST, json={"email": signed.user.email})
    unknown = await client.post(REQUEST, json={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content == b""
    messages = (await db.scalars(select(OutboxMessage.recipient))).all()
    assert messages == [signed.user.email]


async def test_the_token_works_once_and_closes_every_session(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    signed = await sign_in()
    await client.post(REQUEST, json={"email": signed.user.email})
    token = await _reset_token(db, signed.user.email)
    first = await client.post(RESET, json={"token": token, "new_password": "Reset#Cotton77"})
    assert first.status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=signed.headers)).status_code == 401
    again = await client.post(RESET, json={"token": token, "new_password": "Other#Cotton88"})
    assert again.status_code == 400
    assert again.json()["code"] == "auth.invalid_token"
    login = await client.post(
        LOGIN, json={"email": signed.user.email, "password": "Reset#Cotton77"}
    )
    assert login.status_code == 200


async def test_the_token_expires_after_an_hour(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    with time_machine.travel(utcnow(), tick=False) as clock:
        signed = await sign_in()
        await client.post(REQUEST, json={"email": signed.user.email})
        token = await _reset_token(db, signed.user.email)
        clock.shift(timedelta(minutes=61))
        late = await client.post(RESET, json={"token": token, "new_password": "Reset#Cotton77"})
    assert late.status_code == 400
    assert late.json()["code"] == "auth.invalid_token"
    still = await client.post(
        LOGIN, json={"email": signed.user.email, "password": DEFAULT_PASSWORD}
    )
    assert still.status_code == 200


async def test_a_weak_password_does_not_spend_the_token(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    signed = await sign_in()
    await client.post(REQUEST, json={"email": signed.user.email})
    token = await _reset_token(db, signed.user.email)
    weak = await client.post(RESET, json={"token": token, "new_password": "weak"})
    assert weak.status_code == 422
    assert weak.json()["code"] == "auth.weak_password"
    ok = await client.post(RESET, json={"token": token, "new_password": "Reset#Cotton77"})
    assert ok.status_code == 204


async def test_an_unknown_token_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(RESET, json={"token": "made-up", "new_password": "Reset#Cotton77"})
    assert response.status_code == 400
    assert response.json()["code"] == "auth.invalid_token"
