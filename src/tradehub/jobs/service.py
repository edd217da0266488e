"""Running jobs: claim a period, run the job in its own transaction, record the outcome.

A period is claimed by inserting its ``job_runs`` row (``job_name``, ``period_start`` unique)
in a short committed transaction: of several runners racing for it, exactly one inserts the
row and runs the job; the others see the conflict and skip. The job's work and its
``succeeded`` mark commit together; a failure is recorded in a transaction of its own. A
process that dies mid-job leaves its run ``running``: that period is not run again (the next
one is), and ``tradehub jobs run NAME`` runs the job at once when needed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradehub.config import Settings
from tradehub.jobs.models import JobRun, RunStatus, RunTrigger
from tradehub.jobs.registry import JobContext, JobSpec, Registry
from tradehub.kit.db import insert_or_ignore, session_scope
from tradehub.kit.errors import NotFound
from tradehub.kit.logging import get_logger, scrub_text
from tradehub.kit.pagination import PageParams, paginate
from tradehub.kit.types import utcnow

log = get_logger("tradehub.jobs")
ERROR_MAX_LENGTH = 1000
_runs = cast(Table, JobRun.__table__)


@dataclass(frozen=True)
class RunResult:
    run_id: uuid.UUID
    job_name: str
    period_start: datetime
    trigger: str
    status: str
    summary: dict[str, Any] | None
    error: str | None


def _json_summary(summary: Any) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(json.dumps(dict(summary or {}), default=str)))


def _error_text(error: BaseException) -> str:
    text = scrub_text(f"{type(error).__name__}: {error}".strip())
    return text[:ERROR_MAX_LENGTH]


async def claim_period(
    session: AsyncSession,
    *,
    job_name: str,
    period_start: datetime,
    trigger: str,
    worker: str,
    now: datetime,
) -> uuid.UUID | None:
    """Insert the run row for this period; None when another runner already has it."""
    run_id = uuid.uuid4()
    inserted = await insert_or_ignore(
        session,
        _runs,
        {
            "id": run_id,
            "job_name": job_name,
            "period_start": period_start,
            "trigger": trigger,
            "status": RunStatus.RUNNING.value,
            "worker": worker[:100],
            "started_at": now,
        },
        conflict_columns=["job_name", "period_start"],
    )
    return run_id if inserted else None


async def execute(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    spec: JobSpec,
    *,
    period_start: datetime,
    worker: str,
    trigger: str = RunTrigger.SCHEDULE,
    now: datetime | None = None,
) -> RunResult | None:
    """Run ``spec`` for one period unless another runner claimed it (then None)."""
    now = now or utcnow()
    async with session_scope(sessionmaker) as session:
        run_id = await claim_period(
            session,
            job_name=spec.name,
            period_start=period_start,
            trigger=trigger,
            worker=worker,
            now=now,
        )
    if run_id is None:
        return None
    log.info("job.started", job=spec.name, period_start=period_start.isoformat(), run=str(run_id))
    try:
        async with session_scope(sessionmaker) as session:
            context = JobContext(session, settings, sessionmaker, now, period_start, trigger)
            summary = _json_summary(await spec.run(context))
            await session.execute(
                update(JobRun)
                .where(JobRun.id == run_id)
                .values(status=RunStatus.SUCCEEDED, finished_at=utcnow(), summary=summary)
            )
    except Exception as exc:  # any failure of a job is recorded, never fatal
        error = _error_text(exc)
        log.error("job.failed", job=spec.name, run=str(run_id), error=error, exc_info=True)
        async with session_scope(sessionmaker) as session:
            await session.execute(
                update(JobRun)
                .where(JobRun.id == run_id)
                .values(status=RunStatus.FAILED, finished_at=utcnow(), error=error)
            )
        return RunResult(run_id, spec.name, period_start, trigger, RunStatus.FAILED, None, error)
    log.info("job.succeeded", job=spec.name, run=str(run_id), **summary)
    return RunResult(run_id, spec.name, period_start, trigger, RunStatus.SUCCEEDED, summary, None)


async def run_due_jobs(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    registry: Registry,
    *,
    worker: str,
    now: datetime | None = None,
    done: MutableMapping[str, datetime] | None = None,
) -> list[RunResult]:
    """Run every job whose current period has no run yet. ``done`` remembers, per runner,
    the periods already settled so that a tick with nothing due costs no query."""
    now = now or utcnow()
    done = done if done is not None else {}
    due = {
        name: spec.schedule.period_start(now)
        for name, spec in registry.jobs.items()
        if done.get(name) != spec.schedule.period_start(now)
    }
    if not due:
        return []
    async with session_scope(sessionmaker, writes=False) as session:
        taken = {
            (row.job_name, row.period_start)
            for row in await session.execute(
                select(JobRun.job_name, JobRun.period_start).where(
                    or_(
                        *(
                            and_(JobRun.job_name == name, JobRun.period_start == period)
                            for name, period in due.items()
                        )
                    )
                )
            )
        }
    results: list[RunResult] = []
    for name, period in sorted(due.items()):
        if (name, period) not in taken:
            result = await execute(
                sessionmaker, settings, registry.jobs[name], period_start=period, worker=worker
            )
            if result is not None:
                results.append(result)
        done[name] = period
    return results


async def run_now(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    spec: JobSpec,
    *,
    worker: str,
) -> RunResult:
    """Run a job at once, outside its schedule (``tradehub jobs run NAME``)."""
    now = utcnow()
    result = await execute(
        sessionmaker,
        settings,
        spec,
        period_start=now,
        worker=worker,
        trigger=RunTrigger.MANUAL,
        now=now,
    )
    if result is None:  # only if two manual runs started in the same microsecond
        raise RuntimeError(f"job {spec.name} was started twice at the same instant")
    return result


async def last_runs(session: AsyncSession, names: list[str]) -> dict[str, JobRun]:
    """The latest run of each job, in one query."""
    if not names:
        return {}
    latest = (
        select(JobRun.job_name, func.max(JobRun.started_at).label("started_at"))
        .where(JobRun.job_name.in_(names))
        .group_by(JobRun.job_name)
        .subquery()
    )
    rows = await session.scalars(
        select(JobRun)
        .join(
            latest,
            and_(JobRun.job_name == latest.c.job_name, JobRun.started_at == latest.c.started_at),
        )
        .order_by(JobRun.job_name, JobRun.id)
    )
    return {run.job_name: run for run in rows}


async def list_runs(
    session: AsyncSession, registry: Registry, name: str, params: PageParams, ordering: list[Any]
) -> tuple[list[JobRun], int]:
    if name not in registry.jobs:
        raise NotFound("No such job", code="job.not_found")
    return await paginate(session, select(JobRun).where(JobRun.job_name == name), params, ordering)
