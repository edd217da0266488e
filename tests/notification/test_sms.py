"""SMS delivery: the HTTP gateway (respx plays the provider) and the console provider."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta

import httpx
import pytest
import respx
import time_machine
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradehub.config import Environment, Settings
from tradehub.kit import outbox
from tradehub.kit.db import session_scope
from tradehub.kit.outbox import OutboxMessage
from tradehub.kit.types import utcnow
from tradehub.notification import service
from tradehub.notification.recorder import DeliveryReport

GATEWAY = "https://sms.gateway.test/v1/messages"
API_KEY = "sms-api-key-0123456789"
OTP = {"code": "482913", "minutes": 10}
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
def sms_settings(test_settings: Settings) -> Settings:
    return test_settings.model_copy(
        update={
            "sms_provider": "http",
            "sms_http_url": GATEWAY,
            "sms_http_api_key": SecretStr(API_KEY),
            "sms_sender": "TRDHUB",
        }
    )


async def _queue(sessionmaker: Sessions, recipient: str = "+919876543210") -> uuid.UUID:
    async with session_scope(sessionmaker) as session:
        message = await outbox.enqueue(
            session, channel="sms", recipient=recipient, template="otp", context=OTP
        )
    return message.id


async def _deliver(sessionmaker: Sessions, settings: Settings) -> DeliveryReport:
    return await service.deliver_due(sessionmaker, settings, worker="test-worker")


async def _row(db: AsyncSession, message_id: uuid.UUID) -> OutboxMessage:
    db.expire_all()
    row = await db.get(OutboxMessage, message_id)
    assert row is not None
    return row


async def _retry(sessionmaker: Sessions) -> int:
    async with session_scope(sessionmaker) as session:
        return await service.retry_failed(session)


@respx.mock
async def test_the_gateway_gets_the_text_and_its_id_is_kept(
    sessionmaker: Sessions, db: AsyncSession, sms_settings: Settings
) -> None:
    route = respx.post(GATEWAY).mock(
        return_value=httpx.Response(202, json={"id": "gw-123", "status": "accepted"})
    )
    message_id = await _queue(sessionmaker)
    assert (await _deliver(sessionmaker, sms_settings)).sent == 1
    request = route.calls.last.request
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert json.loads(request.content) == {
        "to": "+919876543210",
        "message": "482913 is your TradeHub verification code, valid for 10 minutes. "
        "Do not share it with anyone.",
        "sender": "TRDHUB",
        "reference": str(message_id),
    }
    row = await _row(db, message_id)
    assert (row.status, row.provider_reference) == ("sent", "gw-123")
    assert row.confirmed_at is not None


@respx.mock
async def test_a_gateway_failing_three_times_then_succeeding_records_exactly_one_send(
    sessionmaker: Sessions, db: AsyncSession, sms_settings: Settings
) -> None:
    route = respx.post(GATEWAY).mock(
        side_effect=[
            httpx.Response(500),
            httpx.Response(503, json={"error": f"echo of {OTP['code']}"}),
            httpx.ConnectError("connection refused"),
            httpx.Response(200, json={"message_id": "gw-9"}),
        ]
    )
    message_id = await _queue(sessionmaker)
    start = utcnow()
    for attempt in range(1, 4):
        with time_machine.travel(start + timedelta(hours=attempt), tick=False):
            await _retry(sessionmaker)
            assert (await _deliver(sessionmaker, sms_settings)).failed == 1
            row = await _row(db, message_id)
            assert row.status == "failed" and row.attempts == attempt
            assert OTP["code"] not in (row.last_error or ""), "provider bodies are not stored"
    with time_machine.travel(start + timedelta(hours=5), tick=False):
        await _retry(sessionmaker)
        assert (await _deliver(sessionmaker, sms_settings)).sent == 1
    assert route.call_count == 4
    answers = [call.optional_response for call in route.calls]
    assert [a.status_code if a else None for a in answers] == [500, 503, None, 200]
    row = await _row(db, message_id)
    assert (row.status, row.attempts, row.provider_reference) == ("sent", 4, "gw-9")


@pytest.mark.parametrize(
    ("answer", "status"),
    [(400, "dead"), (401, "dead"), (422, "dead"), (429, "failed"), (502, "failed")],
)
async def test_4xx_is_permanent_but_429_and_5xx_are_retried(
    sessionmaker: Sessions, db: AsyncSession, sms_settings: Settings, answer: int, status: str
) -> None:
    with respx.mock:
        respx.post(GATEWAY).mock(return_value=httpx.Response(answer))
        message_id = await _queue(sessionmaker)
        await _deliver(sessionmaker, sms_settings)
    row = await _row(db, message_id)
    assert row.status == status
    assert row.last_error == f"SMS gateway answered HTTP {answer}"
    assert row.sent_at is None


@respx.mock
async def test_no_answer_after_the_request_left_is_sent_unconfirmed_and_not_resent(
    sessionmaker: Sessions, db: AsyncSession, sms_settings: Settings
) -> None:
    route = respx.post(GATEWAY).mock(side_effect=httpx.ReadTimeout("read timed out"))
    message_id = await _queue(sessionmaker)
    assert (await _deliver(sessionmaker, sms_settings)).unconfirmed == 1
    row = await _row(db, message_id)
    assert row.status == "sent" and row.confirmed_at is None
    assert "no answer from the SMS gateway" in (row.last_error or "")
    with time_machine.travel(utcnow() + timedelta(days=1), tick=False):
        await _retry(sessionmaker)
        assert (await _deliver(sessionmaker, sms_settings)).claimed == 0
    assert route.call_count == 1


async def test_the_console_provider_prints_the_text_but_never_logs_it(
    sessionmaker: Sessions,
    db: AsyncSession,
    test_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    message_id = await _queue(sessionmaker)
    assert (await _deliver(sessionmaker, test_settings)).sent == 1
    printed = capsys.readouterr().out
    assert "[sms to +919876543210] 482913 is your TradeHub verification code" in printed
    assert OTP["code"] not in caplog.text
    assert (await _row(db, message_id)).provider_reference == f"console-{message_id}"


async def test_the_console_provider_refuses_to_pretend_in_production(
    sessionmaker: Sessions, db: AsyncSession, test_settings: Settings
) -> None:
    production = test_settings.model_copy(update={"env": Environment.PRODUCTION})
    message_id = await _queue(sessionmaker)
    assert (await _deliver(sessionmaker, production)).dead == 1
    assert "does not send in production" in ((await _row(db, message_id)).last_error or "")


async def test_an_unknown_provider_setting_keeps_messages_for_later(
    sessionmaker: Sessions, db: AsyncSession, test_settings: Settings
) -> None:
    wrong = test_settings.model_copy(update={"sms_provider": "carrier-pigeon"})
    message_id = await _queue(sessionmaker)
    assert (await _deliver(sessionmaker, wrong)).failed == 1
    row = await _row(db, message_id)
    assert row.status == "failed" and "carrier-pigeon" in (row.last_error or "")
