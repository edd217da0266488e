"""E-mail delivery against a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.auth_helpers import MakeUser
from tests.mail import MailServer, free_port
from tradehub.config import Settings
from tradehub.kit import outbox
from tradehub.kit.db import session_scope
from tradehub.kit.outbox import OutboxMessage
from tradehub.kit.types import utcnow
from tradehub.notification import service
from tradehub.notification.email import SmtpTransport
from tradehub.notification.recorder import DeliveryReport, Recorder

RESET = {"name": "Asha", "link": "https://app.test/reset?token=Zz9-secret-token", "minutes": 60}
Sessions = async_sessionmaker[AsyncSession]


async def _queue(
    sessionmaker: Sessions,
    recipient: str = "asha@example.com",
    template: str = "password_reset",
    context: dict[str, object] | None = None,
) -> uuid.UUID:
    async with session_scope(sessionmaker) as session:
        message = await outbox.enqueue(
            session,
            channel="email",
            recipient=recipient,
            template=template,
            context=RESET if context is None else context,
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


async def test_a_queued_mail_arrives_with_text_html_and_its_outbox_id_as_message_id(
    sessionmaker: Sessions, db: AsyncSession, mail_settings: Settings, mail_server: MailServer
) -> None:
    message_id = await _queue(sessionmaker)
    report = await _deliver(sessionmaker, mail_settings)
    assert (report.claimed, report.sent) == (1, 1)
    [received] = mail_server.received
    assert received.message_id == f"<{message_id}@tradehub.test>"
    assert received.mail_from == "no-reply@tradehub.test"
    assert received.rcpt_tos == ("asha@example.com",)
    assert received.subject == "Reset your TradeHub password"
    assert received.message["From"] == "TradeHub <no-reply@tradehub.test>"
    assert received.message.get_content_type() == "multipart/alternative"
    assert RESET["link"] in received.part("plain")
    assert f'href="{RESET["link"]}"' in received.part("html")
    row = await _row(db, message_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    assert row.sent_at is not None and row.confirmed_at is not None
    assert row.provider_reference == "OK queued as Q1"
    assert (await _deliver(sessionmaker, mail_settings)).claimed == 0, "sent once, never again"
    assert len(mail_server.received) == 1


async def test_many_mails_go_over_one_connection_and_lines_starting_with_a_dot_survive(
    sessionmaker: Sessions, mail_settings: Settings, mail_server: MailServer
) -> None:
    tricky = {**RESET, "name": "Asha\n.\n..hidden"}
    ids = [await _queue(sessionmaker, f"u{n}@example.com", context=tricky) for n in range(5)]
    assert (await _deliver(sessionmaker, mail_settings)).sent == 5
    assert mail_server.handler.sessions == 1
    assert set(mail_server.handler.message_ids()) == {f"<{i}@tradehub.test>" for i in ids}
    assert "Hello Asha\n.\n..hidden," in mail_server.received[0].part("plain").replace("\r", "")


async def test_a_server_failing_three_times_then_succeeding_records_exactly_one_send(
    sessionmaker: Sessions, db: AsyncSession, mail_settings: Settings, mail_server: MailServer
) -> None:
    mail_server.handler.fail_next("rcpt", "451 4.3.0 Try again later", times=2)
    mail_server.handler.fail_next("data", "452 4.3.1 Insufficient storage")
    message_id = await _queue(sessionmaker)
    start = utcnow()
    for attempt in range(1, 4):
        with time_machine.travel(start + timedelta(hours=attempt), tick=False):
            assert await _retry(sessionmaker) == (0 if attempt == 1 else 1)
            report = await _deliver(sessionmaker, mail_settings)
            assert (report.claimed, report.failed, report.sent) == (1, 1, 0)
            row = await _row(db, message_id)
            assert row.status == "failed" and row.attempts == attempt
            assert row.last_error is not None and row.last_error.split(": ", 1)[1][:3] in (
                "451",
                "452",
            )
            assert row.next_attempt_at > utcnow(), "it waits for its backoff"
            assert await _retry(sessionmaker) == 0, "not re-queued before the backoff"
            assert (await _deliver(sessionmaker, mail_settings)).claimed == 0
    with time_machine.travel(start + timedelta(hours=4), tick=False):
        assert await _retry(sessionmaker) == 1
        assert (await _deliver(sessionmaker, mail_settings)).sent == 1
    assert mail_server.handler.message_ids() == {f"<{message_id}@tradehub.test>": 1}
    row = await _row(db, message_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 4, None)


async def test_an_unreachable_server_is_retried_and_the_mail_is_sent_once_it_is_back(
    sessionmaker: Sessions, db: AsyncSession, mail_settings: Settings, mail_server: MailServer
) -> None:
    down = mail_settings.model_copy(update={"smtp_port": free_port()})
    ids = [await _queue(sessionmaker, f"u{n}@example.com") for n in range(3)]
    report = await _deliver(sessionmaker, down)
    assert (report.claimed, report.failed) == (3, 3)
    for message_id in ids:
        row = await _row(db, message_id)
        assert row.status == "failed" and "SMTP server unavailable" in (row.last_error or "")
        assert "secret-token" not in (row.last_error or "")
    with time_machine.travel(utcnow() + timedelta(hours=1), tick=False):
        assert await _retry(sessionmaker) == 3
        assert (await _deliver(sessionmaker, mail_settings)).sent == 3
    assert sorted(mail_server.handler.message_ids().values()) == [1, 1, 1]


@pytest.mark.parametrize(
    ("stage", "reply"),
    [("rcpt", "550 5.1.1 No such user here"), ("data", "554 5.7.1 Message rejected as spam")],
)
async def test_a_permanent_refusal_goes_dead_at_once(
    sessionmaker: Sessions,
    db: AsyncSession,
    mail_settings: Settings,
    mail_server: MailServer,
    stage: str,
    reply: str,
) -> None:
    mail_server.handler.fail_next(stage, reply)
    message_id = await _queue(sessionmaker, "nobody@example.com")
    report = await _deliver(sessionmaker, mail_settings)
    assert (report.claimed, report.dead) == (1, 1)
    row = await _row(db, message_id)
    assert row.status == "dead" and row.attempts == 1
    assert reply.split(" ", 1)[0] in (row.last_error or "")
    assert row.sent_at is None
    with time_machine.travel(utcnow() + timedelta(days=2), tick=False):
        assert await _retry(sessionmaker) == 0
        assert (await _deliver(sessionmaker, mail_settings)).claimed == 0
    assert mail_server.received == []


async def test_a_mail_failing_every_time_goes_dead_after_the_last_attempt(
    sessionmaker: Sessions, db: AsyncSession, mail_settings: Settings, mail_server: MailServer
) -> None:
    settings = mail_settings.model_copy(update={"outbox_max_attempts": 3})
    mail_server.handler.fail_next("rcpt", "421 4.7.0 Too busy", times=3)
    message_id = await _queue(sessionmaker)
    start = utcnow()
    for hour in range(3):
        with time_machine.travel(start + timedelta(hours=hour), tick=False):
            await _retry(sessionmaker)
            assert (await _deliver(sessionmaker, settings)).claimed == 1
    row = await _row(db, message_id)
    assert row.status == "dead" and row.attempts == 3
    assert (row.last_error or "").startswith("gave up after 3 attempts: SMTP rcpt: 421")


async def test_a_template_that_cannot_render_goes_dead_without_contacting_the_server(
    sessionmaker: Sessions, db: AsyncSession, mail_settings: Settings, mail_server: MailServer
) -> None:
    message_id = await _queue(sessionmaker, context={"name": "no link"})
    assert (await _deliver(sessionmaker, mail_settings)).dead == 1
    row = await _row(db, message_id)
    assert row.status == "dead" and "link" in (row.last_error or "")
    assert mail_server.handler.sessions == 0


async def test_a_worker_whose_claim_was_taken_over_sends_nothing(
    sessionmaker: Sessions, db: AsyncSession, mail_settings: Settings, mail_server: MailServer
) -> None:
    """A slow worker whose lease expired must not send what another worker now holds."""
    message_id = await _queue(sessionmaker)
    lease = timedelta(seconds=mail_settings.outbox_lease_seconds)
    async with session_scope(sessionmaker) as session:
        [stale] = await outbox.claim_due(
            session, worker="slow", limit=1, lease=lease, max_attempts=8
        )
    with time_machine.travel(utcnow() + lease + timedelta(seconds=1), tick=False):
        async with session_scope(sessionmaker) as session:
            [fresh] = await outbox.claim_due(
                session, worker="fresh", limit=1, lease=lease, max_attempts=8
            )
    recorder = Recorder(sessionmaker, mail_settings)
    await SmtpTransport(mail_settings).deliver([stale], recorder)
    assert recorder.report.lost_claims == 1 and mail_server.received == []
    await SmtpTransport(mail_settings).deliver([fresh], recorder)
    assert mail_server.handler.message_ids() == {f"<{message_id}@tradehub.test>": 1}
    assert (await _row(db, message_id)).status == "sent"


async def test_no_answer_after_the_message_leaves_it_sent_unconfirmed_and_never_resent(
    sessionmaker: Sessions, db: AsyncSession, mail_settings: Settings, mail_server: MailServer
) -> None:
    """The server took the message but its "250" came too late: we cannot know it arrived,
    so the row says so, and it is not sent again (which could make a second copy)."""
    mail_server.handler.data_delay = 1.5
    settings = mail_settings.model_copy(update={"smtp_timeout_seconds": 0.5})
    message_id = await _queue(sessionmaker)
    report = await _deliver(sessionmaker, settings)
    assert report.unconfirmed == 1
    row = await _row(db, message_id)
    assert row.status == "sent" and row.sent_at is not None and row.confirmed_at is None
    assert "no answer from the SMTP server" in (row.last_error or "")
    mail_server.handler.data_delay = 0
    with time_machine.travel(utcnow() + timedelta(days=1), tick=False):
        await _retry(sessionmaker)
        assert (await _deliver(sessionmaker, settings)).claimed == 0
    assert mail_server.handler.message_ids() == {f"<{message_id}@tradehub.test>": 1}


async def test_with_smtp_down_a_request_that_queues_a_mail_still_succeeds(
    client: httpx.AsyncClient,
    sessionmaker: Sessions,
    db: AsyncSession,
    make_user: MakeUser,
    mail_settings: Settings,
) -> None:
    """The reset request only writes the outbox row: a dead SMTP server cannot fail it."""
    await make_user(email="reset-me@example.com")
    answer = await client.post(
        "/api/v1/auth/password/reset-request", json={"email": "reset-me@example.com"}
    )
    assert answer.status_code == 202
    db.expire_all()
    queued = select(OutboxMessage).where(OutboxMessage.recipient == "reset-me@example.com")
    [row] = (await db.scalars(queued)).all()
    assert (row.template, row.status) == ("password_reset", "queued")
    down = mail_settings.model_copy(update={"smtp_port": free_port()})
    assert (await _deliver(sessionmaker, down)).failed == 1
    row = await _row(db, row.id)
    assert row.status == "failed" and "SMTP server unavailable" in (row.last_error or "")
    assert "token" not in (row.last_error or "")
