"""``GET /admin/jobs``: every scheduled job with its last run; ``…/{name}/runs``: its history."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from tradehub.auth.dependencies import require
from tradehub.auth.principal import Principal
from tradehub.jobs import service
from tradehub.jobs.catalog import application_registry
from tradehub.jobs.models import JobRun
from tradehub.jobs.schemas import JobRead, JobRunRead, JobRunSort
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.kit.types import utcnow

router = api_router(prefix="/admin/jobs", tags=["jobs"])
AUTH_PROBLEMS = problem_responses(401, 403)
CanReadJobs = Annotated[Principal, Depends(require("job:read"))]
RUN_SORT_COLUMNS = {"started_at": JobRun.started_at, "period_start": JobRun.period_start}


@router.get(
    "",
    response_model=list[JobRead],
    summary="List scheduled jobs with their last run",
    responses=AUTH_PROBLEMS,
)
async def list_jobs(_: CanReadJobs, session: DbSession) -> list[JobRead]:
    registry = application_registry()
    names = registry.names()
    runs = await service.last_runs(session, names)
    now = utcnow()
    answer = []
    for name in names:
        spec = registry.jobs[name]
        last = runs.get(name)
        answer.append(
            JobRead(
                name=name,
                description=spec.description,
                schedule=spec.schedule.describe(),
                cron=spec.schedule.cron,
                current_period_start=spec.schedule.period_start(now),
                next_run_at=spec.schedule.next_start(now),
                last_run=JobRunRead.model_validate(last) if last else None,
            )
        )
    return answer


@router.get(
    "/{name}/runs",
    response_model=Page[JobRunRead],
    summary="List the runs of one job",
    responses={**AUTH_PROBLEMS, **problem_responses(404)},
)
async def list_job_runs(
    name: Annotated[str, Path(max_length=100)],
    _: CanReadJobs,
    session: DbSession,
    paging: Paging,
    sort: JobRunSort = JobRunSort("-started_at"),  # type: ignore[valid-type]
) -> Page[JobRunRead]:
    items, total = await service.list_runs(
        session,
        application_registry(),
        name,
        paging,
        order_by(sort, RUN_SORT_COLUMNS, JobRun.id),
    )
    return Page(
        items=[JobRunRead.model_validate(run) for run in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )
