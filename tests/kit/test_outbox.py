"""The outbox state machine: written with the business change, claimed once, handed over once."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.conftest import empty_all_tables
from tradehub.config import Settings
from tradehub.kit import outbox
from tradehub.kit.db import create_engine, create_sessionmaker, session_scope
from tradehub.kit.outbox import OutboxMessage, OutboxStatus
from tradehub.kit.types import utcnow

LEASE = timedelta(minutes=2)
CONTEXT = {"name": "Asha", "link": "https://tradehub.test/reset?token=s3cret"}


async def _enqueue(session: AsyncSession, recipient: str = "asha@example.com") -> OutboxMessage:
    message = await outbox.enqueue(
        session, channel="email", recipient=recipient, template="welcome", context=CONTEXT
    )
    await session.flush()
    return message


async def _claim(
    session: AsyncSession, worker: str = "w1", *, limit: int = 10, max_attempts: int = 3
) -> list[outbox.Claim]:
    return await outbox.claim_due(
        session, worker=worker, limit=limit, lease=LEASE, max_attempts=max_attempts
    )


async def _row(session: AsyncSession, message_id: uuid.UUID) -> OutboxMessage:
    session.expire_all()
    row = await session.get(OutboxMessage, message_id)
    assert row is not None
    return row


@pytest.fixture
async def committed(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    try:
        yield engine
    finally:
        await empty_all_tables(engine)


async def test_enqueue_adds_a_queued_row_to_the_callers_transaction(db: AsyncSession) -> None:
    message = await _enqueue(db)
    row = await _row(db, message.id)
    assert (row.status, row.attempts) == ("queued", 0)
    assert (row.channel, row.template) == ("email", "welcome")
    assert row.payload == CONTEXT
    assert row.next_attempt_at <= utcnow()


async def test_a_rolled_back_business_transaction_leaves_no_message(committed: AsyncEngine) -> None:
    sessionmaker = create_sessionmaker(committed)

    async def change_that_fails() -> None:
        async with session_scope(sessionmaker) as session:
            await _enqueue(session, "rolled-back@example.com")
            raise RuntimeError("business rule broken after the message was queued")

    with pytest.raises(RuntimeError, match="business rule broken"):
        await change_that_fails()
    async with session_scope(sessionmaker) as session:
        await _enqueue(session, "committed@example.com")
    async with sessionmaker() as session:
        recipients = (await session.scalars(select(OutboxMessage.recipient))).all()
    assert recipients == ["committed@example.com"]


async def test_enqueue_refuses_an_unknown_channel_or_a_context_that_is_not_json(
    db: AsyncSession,
) -> None:
    with pytest.raises(ValueError, match="pigeon"):
        await outbox.enqueue(db, channel="pigeon", recipient="x", template="welcome", context={})
    with pytest.raises(TypeError):
        await outbox.enqueue(
            db, channel="sms", recipient="x", template="otp", context={"at": object()}
        )


async def test_claim_takes_due_messages_once_and_holds_them_under_a_lease(db: AsyncSession) -> None:
    due = await _enqueue(db, "due@example.com")
    later = await _enqueue(db, "later@example.com")
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == later.id)
        .values(next_attempt_at=utcnow() + timedelta(minutes=5))
    )
    claims = await _claim(db)
    assert [claim.id for claim in claims] == [due.id]
    assert claims[0].attempts == 1 and claims[0].payload == CONTEXT
    row = await _row(db, due.id)
    assert (row.status, row.attempts, row.locked_by) == ("sending", 1, "w1")
    assert row.locked_until is not None and row.locked_until > utcnow() + LEASE / 2
    assert await _claim(db, "w2") == [], "a held message is not claimed twice"


async def test_hand_over_then_confirm_makes_it_sent(db: AsyncSession) -> None:
    message = await _enqueue(db)
    [claim] = await _claim(db)
    assert await outbox.hand_over(db, claim)
    row = await _row(db, message.id)
    assert row.status == "sent" and row.sent_at is not None and row.confirmed_at is None
    assert await outbox.confirm(db, claim, reference="250 OK queued as X")
    row = await _row(db, message.id)
    assert row.confirmed_at is not None and row.provider_reference == "250 OK queued as X"
    assert await _claim(db) == [], "a sent message is never claimed again"


async def test_an_expired_lease_is_claimed_again_and_the_old_holder_can_no_longer_hand_over(
    db: AsyncSession,
) -> None:
    message = await _enqueue(db)
    [stale] = await _claim(db, "dead-worker")
    with time_machine.travel(utcnow() + LEASE + timedelta(seconds=1)):
        [fresh] = await _claim(db, "w2")
    assert fresh.id == stale.id and fresh.token != stale.token and fresh.attempts == 2
    assert not await outbox.hand_over(db, stale), "the old claim is void"
    assert not await outbox.release(db, stale)
    assert (
        await outbox.fail(
            db, stale, error="x", permanent=True, max_attempts=3, backoff=timedelta(0)
        )
        is None
    )
    assert await outbox.hand_over(db, fresh)
    assert (await _row(db, message.id)).status == "sent"


async def test_a_message_whose_deliveries_keep_dying_goes_dead(db: AsyncSession) -> None:
    message = await _enqueue(db)
    now = utcnow()
    for attempt in range(1, 4):
        with time_machine.travel(now + attempt * (LEASE + timedelta(seconds=1))):
            [claim] = await _claim(db, f"w{attempt}")
            assert claim.attempts == attempt
    with time_machine.travel(now + 4 * (LEASE + timedelta(seconds=1))):
        assert await _claim(db, "w4") == []
    row = await _row(db, message.id)
    assert row.status == "dead" and row.last_error is not None
    assert "gave up after 3 attempts" in row.last_error


async def test_a_transient_failure_waits_for_its_backoff_then_the_retry_requeues_it(
    db: AsyncSession,
) -> None:
    message = await _enqueue(db)
    [claim] = await _claim(db)
    status = await outbox.fail(
        db,
        claim,
        error="451 try again later",
        permanent=False,
        max_attempts=3,
        backoff=timedelta(seconds=30),
    )
    assert status is OutboxStatus.FAILED
    row = await _row(db, message.id)
    assert row.status == "failed" and row.last_error == "451 try again later"
    assert row.claim_token is None and row.locked_until is None
    assert await outbox.requeue_failed(db) == 0, "not before its backoff"
    with time_machine.travel(utcnow() + timedelta(seconds=31)):
        assert await outbox.requeue_failed(db) == 1
        [again] = await _claim(db)
    assert again.attempts == 2


async def test_permanent_failures_and_exhausted_attempts_go_dead(db: AsyncSession) -> None:
    refused = await _enqueue(db, "refused@example.com")
    [claim] = await _claim(db)
    assert (
        await outbox.fail(
            db,
            claim,
            error="550 no such user",
            permanent=True,
            max_attempts=3,
            backoff=timedelta(0),
        )
        is OutboxStatus.DEAD
    )
    assert (await _row(db, refused.id)).status == "dead"

    tired = await _enqueue(db, "tired@example.com")
    [claim] = await _claim(db, max_attempts=1)
    status = await outbox.fail(
        db, claim, error="451 later", permanent=False, max_attempts=1, backoff=timedelta(0)
    )
    assert status is OutboxStatus.DEAD
    assert (await _row(db, tired.id)).last_error == "gave up after 1 attempts: 451 later"


async def test_a_refusal_after_the_hand_over_undoes_the_send(db: AsyncSession) -> None:
    message = await _enqueue(db)
    [claim] = await _claim(db)
    assert await outbox.hand_over(db, claim)
    status = await outbox.fail(
        db,
        claim,
        error="554 message rejected",
        permanent=True,
        max_attempts=3,
        backoff=timedelta(0),
        handed_over=True,
    )
    assert status is OutboxStatus.DEAD
    row = await _row(db, message.id)
    assert row.status == "dead" and row.sent_at is None


async def test_release_gives_an_untried_message_back_without_spending_an_attempt(
    db: AsyncSession,
) -> None:
    message = await _enqueue(db)
    [claim] = await _claim(db)
    assert await outbox.release(db, claim)
    row = await _row(db, message.id)
    assert (row.status, row.attempts, row.claim_token) == ("queued", 0, None)


async def test_errors_are_stored_without_secrets_and_cut_to_size(db: AsyncSession) -> None:
    message = await _enqueue(db)
    [claim] = await _claim(db)
    error = "rejected https://x.test/reset?token=abcdef123 password=hunter2 " + "x" * 900
    await outbox.fail(db, claim, error=error, permanent=True, max_attempts=3, backoff=timedelta(0))
    stored = (await _row(db, message.id)).last_error or ""
    assert "abcdef123" not in stored and "hunter2" not in stored
    assert len(stored) <= outbox.ERROR_MAX_LENGTH


@given(
    attempts=st.integers(min_value=1, max_value=200),
    base=st.floats(min_value=0.1, max_value=600),
    cap=st.floats(min_value=1, max_value=86400),
    seed=st.integers(),
)
def test_backoff_doubles_up_to_its_cap_with_equal_jitter(
    attempts: int, base: float, cap: float, seed: int
) -> None:
    delay = outbox.backoff_delay(
        attempts, base_seconds=base, max_seconds=cap, rng=random.Random(seed)
    ).total_seconds()
    ceiling = min(cap, base * 2.0 ** (attempts - 1))
    assert ceiling / 2 - 1e-6 <= delay <= ceiling + 1e-6


def test_backoff_without_jitter_extremes_is_30s_then_60s_then_120s() -> None:
    class Fixed(random.Random):
        def random(self) -> float:
            return 1.0

    delays = [
        outbox.backoff_delay(n, base_seconds=30, max_seconds=3600, rng=Fixed()).total_seconds()
        for n in (1, 2, 3, 8, 20)
    ]
    assert delays == [30, 60, 120, 3600, 3600]


@pytest.mark.parametrize("workers", [2, 4])
async def test_concurrent_workers_claim_disjoint_messages(
    committed: AsyncEngine, test_settings: Settings, workers: int
) -> None:
    """Real racing claims on separate engines: every message is claimed by exactly one."""
    async with session_scope(create_sessionmaker(committed)) as session:
        for number in range(40):
            await _enqueue(session, f"r{number}@example.com")
    engines = [create_engine(test_settings) for _ in range(workers)]

    async def claim(index: int) -> list[uuid.UUID]:
        taken: list[uuid.UUID] = []
        sessionmaker = create_sessionmaker(engines[index])
        while True:
            async with session_scope(sessionmaker) as session:
                claims = await _claim(session, f"w{index}", limit=3)
            if not claims:
                return taken
            taken.extend(claim.id for claim in claims)
            await asyncio.sleep(0)

    try:
        results = await asyncio.gather(*(claim(index) for index in range(workers)))
    finally:
        for engine in engines:
            await engine.dispose()
    everything = [message_id for result in results for message_id in result]
    assert len(everything) == len(set(everything)) == 40
    async with create_sessionmaker(committed)() as session:
        statuses = await session.scalar(
            select(func.count()).where(OutboxMessage.status == "sending")
        )
    assert statuses == 40
