"""The notification jobs: deliver the outbox on every tick, retry failures every 5 minutes."""

from __future__ import annotations

from datetime import timedelta

from tradehub.jobs.domain import Every
from tradehub.jobs.registry import JobContext, PollContext, registry
from tradehub.notification import service


@registry.poller(
    "outbox_delivery",
    every=timedelta(seconds=5),
    description="Deliver the e-mails and SMS that are due",
)
async def outbox_delivery(ctx: PollContext) -> dict[str, int | bool]:
    report = await service.deliver_due(ctx.sessionmaker, ctx.settings, worker=ctx.worker)
    return {**report.as_dict(), "more": report.claimed >= ctx.settings.outbox_batch_size}


@registry.job(
    "notification_retry",
    schedule=Every(timedelta(minutes=5)),
    description="Put failed e-mails and SMS whose backoff has elapsed back in the queue",
)
async def notification_retry(ctx: JobContext) -> dict[str, int]:
    return {"requeued": await service.retry_failed(ctx.session)}
