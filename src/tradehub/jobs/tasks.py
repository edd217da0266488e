"""Housekeeping jobs that belong to no single module."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from tradehub.auth.service import cleanup_sessions
from tradehub.jobs.domain import Every
from tradehub.jobs.models import JobRun
from tradehub.jobs.registry import JobContext, registry
from tradehub.kit.idempotency import purge_expired

JOB_RUN_RETENTION = timedelta(days=90)


@registry.job(
    "session_cleanup",
    schedule=Every(timedelta(hours=1)),
    description="Delete expired sessions, spent reset links, expired idempotency keys and "
    f"job runs older than {JOB_RUN_RETENTION.days} days",
)
async def session_cleanup(ctx: JobContext) -> dict[str, int]:
    sessions = await cleanup_sessions(ctx.session)
    keys = await purge_expired(ctx.session)
    runs = await ctx.session.execute(
        delete(JobRun).where(JobRun.started_at < ctx.now - JOB_RUN_RETENTION)
    )
    return {
        "sessions_deleted": sessions,
        "idempotency_keys_purged": keys,
        "job_runs_pruned": int(runs.rowcount or 0),  # type: ignore[attr-defined]
    }
