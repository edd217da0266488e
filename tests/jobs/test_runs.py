"""Scheduled jobs: one run per period, even with several runners racing for it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.auth_helpers import SignIn
from tradehub.auth.models import AuthSession
from tradehub.config import Settings
from tradehub.jobs import service
from tradehub.jobs.catalog import application_registry
from tradehub.jobs.domain import Every
from tradehub.jobs.models import JobRun
from tradehub.jobs.registry import JobContext, Registry
from tradehub.kit import outbox
from tradehub.kit.db import create_engine, create_sessionmaker
from tradehub.kit.idempotency import IdempotencyRecord
from tradehub.kit.outbox import OutboxMessage
from tradehub.kit.types import utcnow

Sessions = async_sessionmaker[AsyncSession]
NOON = datetime(2026, 11, 28, 12, 1, 30, tzinfo=UTC)


def counting_registry(calls: list[datetime], *, pause: float = 0.0) -> Registry:
    registry = Registry()

    @registry.job("count", schedule=Every(timedelta(minutes=5)), description="counts its runs")
    async def count(ctx: JobContext) -> dict[str, Any]:
        calls.append(ctx.period_start)
        if pause:
            await asyncio.sleep(pause)
        return {"calls": len(calls)}

    return registry


async def _runs(sessionmaker: Sessions) -> list[JobRun]:
    async with sessionmaker() as session:
        return list((await session.scalars(select(JobRun).order_by(JobRun.started_at))).all())


async def test_a_due_job_runs_once_in_its_period_and_again_in_the_next(
    sessionmaker: Sessions, test_settings: Settings
) -> None:
    calls: list[datetime] = []
    registry = counting_registry(calls)
    done: dict[str, datetime] = {}
    with time_machine.travel(NOON, tick=False):
        [result] = await service.run_due_jobs(
            sessionmaker, test_settings, registry, worker="a", done=done
        )
        assert (result.status, result.summary) == ("succeeded", {"calls": 1})
        assert result.period_start == datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
        assert (
            await service.run_due_jobs(sessionmaker, test_settings, registry, worker="a", done=done)
            == []
        )
        other_runner = await service.run_due_jobs(
            sessionmaker, test_settings, registry, worker="b", done={}
        )
        assert other_runner == [], "another runner sees the period is taken"
    with time_machine.travel(NOON + timedelta(minutes=3), tick=False):
        assert (
            await service.run_due_jobs(sessionmaker, test_settings, registry, worker="a", done=done)
            == []
        )
    with time_machine.travel(NOON + timedelta(minutes=5), tick=False):
        [again] = await service.run_due_jobs(
            sessionmaker, test_settings, registry, worker="b", done={}
        )
        assert again.period_start == datetime(2026, 11, 28, 12, 5, tzinfo=UTC)
    assert len(calls) == 2
    runs = await _runs(sessionmaker)
    assert [(run.worker, run.status, run.trigger) for run in runs] == [
        ("a", "succeeded", "schedule"),
        ("b", "succeeded", "schedule"),
    ]
    assert runs[0].finished_at is not None and runs[0].summary == {"calls": 1}


@pytest.mark.parametrize("runners", [2, 6])
async def test_runners_racing_for_a_period_run_it_once(
    committed: AsyncEngine, test_settings: Settings, runners: int
) -> None:
    """Separate engines, real commits, all at the same instant: one execution."""
    calls: list[datetime] = []
    registry = counting_registry(calls, pause=0.2)
    engines = [create_engine(test_settings) for _ in range(runners)]
    try:
        with time_machine.travel(NOON, tick=True):
            results = await asyncio.gather(
                *(
                    service.run_due_jobs(
                        create_sessionmaker(engine), test_settings, registry, worker=f"r{index}"
                    )
                    for index, engine in enumerate(engines)
                )
            )
    finally:
        for engine in engines:
            await engine.dispose()
    assert len(calls) == 1
    assert sorted(len(result) for result in results) == [0] * (runners - 1) + [1]
    runs = await _runs(create_sessionmaker(committed))
    assert len(runs) == 1 and runs[0].status == "succeeded"


async def test_a_failing_job_is_recorded_without_secrets_and_not_retried_in_its_period(
    sessionmaker: Sessions, test_settings: Settings
) -> None:
    registry = Registry()
    calls: list[int] = []

    @registry.job("flaky", schedule=Every(timedelta(hours=1)), description="fails")
    async def flaky(ctx: JobContext) -> None:
        calls.append(1)
        ctx.session.add(
            outbox.OutboxMessage(
                channel="email", recipient="x@example.com", template="welcome", payload={}
            )
        )
        raise RuntimeError("upstream refused password=hunter2")

    with time_machine.travel(NOON, tick=False):
        [result] = await service.run_due_jobs(sessionmaker, test_settings, registry, worker="a")
        assert result.status == "failed"
        assert await service.run_due_jobs(sessionmaker, test_settings, registry, worker="a") == []
    [run] = await _runs(sessionmaker)
    assert run.status == "failed" and run.finished_at is not None and run.summary is None
    assert run.error is not None and run.error.startswith("RuntimeError: upstream refused")
    assert "hunter2" not in run.error
    async with sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert count == 0, "the failed job's writes rolled back"
    assert calls == [1]


async def test_run_now_runs_outside_the_schedule(
    sessionmaker: Sessions, test_settings: Settings
) -> None:
    calls: list[datetime] = []
    registry = counting_registry(calls)
    first = await service.run_now(sessionmaker, test_settings, registry.jobs["count"], worker="c")
    second = await service.run_now(sessionmaker, test_settings, registry.jobs["count"], worker="c")
    assert first.status == second.status == "succeeded" and len(calls) == 2
    assert {run.trigger for run in await _runs(sessionmaker)} == {"manual"}


async def test_the_application_registers_the_jobs_this_issue_owns() -> None:
    registry = application_registry()
    assert {"session_cleanup", "notification_retry"} <= set(registry.jobs)
    assert registry.jobs["session_cleanup"].schedule == Every(timedelta(hours=1))
    assert registry.jobs["notification_retry"].schedule == Every(timedelta(minutes=5))
    assert "outbox_delivery" in registry.pollers


async def test_session_cleanup_removes_expired_sessions_keys_and_old_runs(
    sessionmaker: Sessions, db: AsyncSession, test_settings: Settings, sign_in: SignIn
) -> None:
    expired_user = (await sign_in()).user.id
    live_user = (await sign_in()).user.id
    await db.execute(
        update(AuthSession)
        .where(AuthSession.user_id == expired_user)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    now = utcnow()
    db.add_all(
        [
            IdempotencyRecord(
                scope="s", key=key, method="POST", path="/x", request_hash="h", expires_at=expiry
            )
            for key, expiry in (
                ("old", now - timedelta(hours=1)),
                ("new", now + timedelta(hours=1)),
            )
        ]
    )
    db.add(
        JobRun(
            job_name="x",
            period_start=now - timedelta(days=100),
            worker="w",
            started_at=now - timedelta(days=100),
        )
    )
    await db.flush()
    spec = application_registry().jobs["session_cleanup"]
    result = await service.execute(
        sessionmaker, test_settings, spec, period_start=spec.schedule.period_start(now), worker="t"
    )
    assert result is not None and result.status == "succeeded", result
    assert result.summary == {
        "sessions_deleted": 1,
        "idempotency_keys_purged": 1,
        "job_runs_pruned": 1,
    }
    db.expire_all()
    owners = set((await db.scalars(select(AuthSession.user_id))).all())
    assert expired_user not in owners and live_user in owners
    assert (await db.scalars(select(IdempotencyRecord.key))).all() == ["new"]


async def test_notification_retry_requeues_failed_messages_whose_backoff_elapsed(
    sessionmaker: Sessions, db: AsyncSession, test_settings: Settings
) -> None:
    messages = [
        await outbox.enqueue(
            db, channel="email", recipient=f"u{n}@x.test", template="welcome", context={}
        )
        for n in range(3)
    ]
    await db.flush()
    ids = [message.id for message in messages]
    now = utcnow()
    for message_id, status, wait in zip(
        ids,
        ("failed", "failed", "dead"),
        (timedelta(minutes=-1), timedelta(minutes=10), timedelta(minutes=-1)),
        strict=True,
    ):
        await db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status=status, next_attempt_at=now + wait)
        )
    spec = application_registry().jobs["notification_retry"]
    result = await service.execute(
        sessionmaker, test_settings, spec, period_start=spec.schedule.period_start(now), worker="t"
    )
    assert result is not None and result.summary == {"requeued": 1}
    db.expire_all()
    statuses = [
        (await db.get(OutboxMessage, message_id)).status  # type: ignore[union-attr]
        for message_id in ids
    ]
    assert statuses == ["queued", "failed", "dead"]
