"""``GET /admin/jobs``: every scheduled job with its schedule and last run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import time_machine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.auth_helpers import SignIn
from tradehub.config import Settings
from tradehub.jobs import service
from tradehub.jobs.catalog import application_registry
from tradehub.jobs.domain import Every

URL = "/api/v1/admin/jobs"
FIVE_MINUTES = Every(timedelta(minutes=5))


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def _run(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, name: str, at: datetime
) -> None:
    spec = application_registry().jobs[name]
    with time_machine.travel(at, tick=False):
        result = await service.execute(
            sessionmaker, settings, spec, period_start=spec.schedule.period_start(at), worker="w"
        )
    assert result is not None


async def test_lists_each_job_with_its_schedule_and_last_run(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    test_settings: Settings,
    auth_headers: dict[str, str],
) -> None:
    now = datetime.now(UTC)  # not earlier: the signed-in user's token was issued just before
    period = FIVE_MINUTES.period_start(now)
    with time_machine.travel(now, tick=False):
        before = (await client.get(URL, headers=auth_headers)).json()
    jobs = {job["name"]: job for job in before}
    assert {"session_cleanup", "notification_retry"} <= set(jobs)
    retry = jobs["notification_retry"]
    assert (retry["schedule"], retry["cron"]) == ("every 5 minutes", "0-59/5 * * * *")
    assert retry["current_period_start"] == stamp(period)
    assert retry["next_run_at"] == stamp(period + timedelta(minutes=5))
    assert retry["last_run"] is None and retry["description"]
    assert jobs["session_cleanup"]["schedule"] == "every hour"

    for minutes in (0, 5, 10):
        await _run(
            sessionmaker, test_settings, "notification_retry", period + timedelta(minutes=minutes)
        )
    after = {job["name"]: job for job in (await client.get(URL, headers=auth_headers)).json()}
    last = after["notification_retry"]["last_run"]
    assert last["period_start"] == stamp(period + timedelta(minutes=10))
    assert (last["status"], last["trigger"], last["summary"]) == (
        "succeeded",
        "schedule",
        {"requeued": 0},
    )
    assert last["finished_at"] is not None and last["error"] is None
    assert after["session_cleanup"]["last_run"] is None


async def test_the_runs_of_one_job_page_and_an_unknown_job_is_404(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    test_settings: Settings,
    auth_headers: dict[str, str],
) -> None:
    period = FIVE_MINUTES.period_start(datetime.now(UTC))
    for minutes in range(0, 25, 5):
        await _run(
            sessionmaker, test_settings, "notification_retry", period + timedelta(minutes=minutes)
        )
    page = await client.get(
        f"{URL}/notification_retry/runs", params={"limit": 2, "page": 2}, headers=auth_headers
    )
    body = page.json()
    assert body["total"] == 5 and len(body["items"]) == 2
    assert [run["period_start"] for run in body["items"]] == [
        stamp(period + timedelta(minutes=10)),
        stamp(period + timedelta(minutes=5)),
    ]
    oldest_first = await client.get(
        f"{URL}/notification_retry/runs", params={"sort": "period_start"}, headers=auth_headers
    )
    assert oldest_first.json()["items"][0]["period_start"] == stamp(period)
    missing = await client.get(f"{URL}/no_such_job/runs", headers=auth_headers)
    assert missing.status_code == 404 and missing.json()["code"] == "job.not_found"


async def test_needs_a_token_and_the_job_read_permission(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    assert (await client.get(URL)).status_code == 401
    manager = await sign_in(roles=("manager",))
    assert (await client.get(URL, headers=manager.headers)).status_code == 403
    admin = await sign_in(roles=("admin",))
    assert (await client.get(URL, headers=admin.headers)).status_code == 200
