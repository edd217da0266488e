"""The daily ``kyc_expiry_reminders`` job across the expiry boundary (time-machine): exactly
one reminder per threshold, missed days, expiry after the grace period and renewal, real
delivery over SMTP, and racing runners."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from tests.auth_helpers import SignIn
from tests.conftest import empty_all_tables, savepoint_sessionmaker
from tests.mail import MailServer, running_mail_server
from tests.organization.helpers import make_gstin, make_pan
from tests.partner.helpers import PARTNERS, active_partner, create_partner
from tests.partner.test_kyc import SELLER_DOCUMENTS, put_documents
from tradehub.audit.models import AuditEvent
from tradehub.config import Settings
from tradehub.jobs import service as jobs
from tradehub.jobs.catalog import application_registry
from tradehub.jobs.models import RunTrigger
from tradehub.jobs.registry import JobSpec, Registry
from tradehub.kit.db import create_engine, create_sessionmaker, session_scope
from tradehub.kit.outbox import OutboxMessage
from tradehub.kit.types import utcnow
from tradehub.notification import service as notifications
from tradehub.notification.rendering import render_email
from tradehub.partner import tasks
from tradehub.partner.domain import (
    KycThreshold,
    kyc_due_after,
    kyc_reminder_to_send,
    kyc_threshold_reached,
    kyc_threshold_window,
)
from tradehub.partner.models import KycReminder, Partner

Sessions = async_sessionmaker[AsyncSession]
JOB = "kyc_expiry_reminders"
START = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> Sessions:
    """Job transactions as savepoints of the test's rolled-back transaction."""
    return savepoint_sessionmaker(connection)


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    yield from running_mail_server()


@pytest.fixture
async def committed(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    try:
        yield engine
    finally:
        await empty_all_tables(engine)


def job_spec() -> JobSpec:
    return application_registry().jobs[JOB]


def kyc_registry() -> Registry:
    registry = Registry()
    registry.jobs[JOB] = job_spec()
    return registry


def run_time(day: date) -> datetime:
    """Just after the job's daily period starts (03:30 UTC, 09:00 in India)."""
    return datetime.combine(day, time(3, 31), tzinfo=UTC)


async def scheduled_run(sessionmaker: Sessions, settings: Settings, day: date) -> Any:
    """The runner's tick on ``day``: the job's summary, or None when the period was taken."""
    with time_machine.travel(run_time(day), tick=False):
        results = await jobs.run_due_jobs(
            sessionmaker, settings, kyc_registry(), worker="test", done={}
        )
    if not results:
        return None
    [result] = results
    assert result.status == "succeeded", result.error
    return result.summary


async def manual_run(sessionmaker: Sessions, settings: Settings, day: date) -> Any:
    with time_machine.travel(run_time(day) + timedelta(hours=5), tick=False):
        result = await jobs.run_now(sessionmaker, settings, job_spec(), worker="manual")
    assert result.status == "succeeded", result.error
    return result.summary


async def new_active_partner(
    client: httpx.AsyncClient, sign_in: SignIn, at: datetime = START, **overrides: Any
) -> dict[str, Any]:
    with time_machine.travel(at, tick=False):
        maker = (await sign_in(roles=["sales"])).headers
        checker = (await sign_in(roles=["manager"])).headers
        return await active_partner(client, maker, checker, **overrides)


async def reminders_of(db: AsyncSession, partner: dict[str, Any]) -> list[KycReminder]:
    db.expire_all()
    rows = await db.scalars(
        select(KycReminder)
        .where(KycReminder.partner_id == uuid.UUID(partner["id"]))
        .order_by(KycReminder.created_at, KycReminder.id)
    )
    return list(rows)


async def mails_to(db: AsyncSession, partner: dict[str, Any]) -> list[OutboxMessage]:
    rows = await db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == partner["email"])
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return list(rows)


async def status_of(db: AsyncSession, partner: dict[str, Any]) -> str:
    db.expire_all()
    status = await db.scalar(select(Partner.status).where(Partner.id == uuid.UUID(partner["id"])))
    return str(status)


def sent(summary: Any) -> dict[str, int]:
    return {threshold: n for threshold, n in summary["reminders"].items() if n}


# --- pure rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [
        (31, None),
        (30, "30_days"),
        (16, "30_days"),
        (15, "15_days"),
        (8, "15_days"),
        (7, "7_days"),
        (2, "7_days"),
        (1, "1_day"),
        (0, "1_day"),
        (-1, "overdue"),
        (-400, "overdue"),
    ],
)
def test_the_threshold_reached_on_each_day(days_left: int, threshold: str | None) -> None:
    today = date(2027, 1, 10)
    assert kyc_threshold_reached(today + timedelta(days=days_left), today) == threshold


def test_missed_thresholds_are_not_sent_late() -> None:
    due, today = date(2027, 3, 2), date(2027, 2, 26)  # 4 days left
    assert kyc_reminder_to_send(due, today, set()) is KycThreshold.DAYS_7
    assert kyc_reminder_to_send(due, today, {"30_days"}) is KycThreshold.DAYS_7
    assert kyc_reminder_to_send(due, today, {"7_days"}) is None
    assert kyc_reminder_to_send(due, due - timedelta(days=40), set()) is None


@given(
    due=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)),
    offset=st.integers(min_value=-100, max_value=100),
)
def test_the_sql_windows_match_the_rule(due: date, offset: int) -> None:
    today = due - timedelta(days=offset)
    reached = kyc_threshold_reached(due, today)
    for threshold in KycThreshold:
        low, high = kyc_threshold_window(threshold, today)
        inside = (low is None or low <= due) and due <= high
        assert inside == (threshold is reached), (threshold, offset)


# --- the job -------------------------------------------------------------------------------


async def test_a_year_of_daily_runs_sends_each_reminder_once_and_expires_after_the_grace(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sessionmaker: Sessions,
    test_settings: Settings,
    sign_in: SignIn,
) -> None:
    partner = await new_active_partner(client, sign_in)
    due = date.fromisoformat(partner["kyc_due_date"])
    assert due == kyc_due_after(START.date())
    days: dict[str, list[date]] = {}
    expired_on: list[date] = []
    statuses: dict[date, str] = {}
    day = START.date() + timedelta(days=1)
    while day <= due + timedelta(days=35):
        summary = await scheduled_run(sessionmaker, test_settings, day)
        assert summary is not None, f"the job ran on {day}"
        for threshold in sent(summary):
            days.setdefault(threshold, []).append(day)
        if summary["partners_expired"]:
            expired_on.append(day)
        if abs((day - due).days - 30) <= 1:
            statuses[day] = await status_of(db, partner)
        day += timedelta(days=1)
    assert days == {
        "30_days": [due - timedelta(days=30)],
        "15_days": [due - timedelta(days=15)],
        "7_days": [due - timedelta(days=7)],
        "1_day": [due - timedelta(days=1)],
        "overdue": [due + timedelta(days=1)],
    }
    assert expired_on == [due + timedelta(days=30)]
    assert list(statuses.values()) == ["active", "kyc_expired", "kyc_expired"]
    reminders = await reminders_of(db, partner)
    assert [r.threshold for r in reminders] == ["30_days", "15_days", "7_days", "1_day", "overdue"]
    assert {r.due_date for r in reminders} == {due}
    mails = await mails_to(db, partner)
    assert [m.template for m in mails] == ["kyc_reminder"] * 5
    assert [m.id for m in mails] == [r.outbox_id for r in reminders]
    assert [m.payload["days_left"] for m in mails] == [30, 15, 7, 1, -1]
    assert mails[-1].payload["overdue"] is True
    [event] = (
        await db.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_id == partner["id"], AuditEvent.action == "expire_kyc"
            )
        )
    ).all()
    assert (event.actor_id, event.actor_label) == (None, "system")
    assert event.changes == {"status": {"old": "active", "new": "kyc_expired"}}


async def test_two_runs_on_one_day_send_nothing_twice(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sessionmaker: Sessions,
    test_settings: Settings,
    sign_in: SignIn,
) -> None:
    partner = await new_active_partner(client, sign_in)
    day = date.fromisoformat(partner["kyc_due_date"]) - timedelta(days=30)
    first = await scheduled_run(sessionmaker, test_settings, day)
    assert sent(first) == {"30_days": 1} and first["reminders_queued"] == 1
    assert await scheduled_run(sessionmaker, test_settings, day) is None, "the period is taken"
    again = await manual_run(sessionmaker, test_settings, day)
    assert again["reminders_queued"] == 0, "a manual run the same day finds it recorded"
    assert len(await mails_to(db, partner)) == 1
    assert len(await reminders_of(db, partner)) == 1


async def test_after_missed_days_only_the_most_urgent_threshold_is_sent(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sessionmaker: Sessions,
    test_settings: Settings,
    sign_in: SignIn,
) -> None:
    partner = await new_active_partner(client, sign_in)
    due = date.fromisoformat(partner["kyc_due_date"])
    expected = [(28, {"30_days": 1}), (27, {}), (10, {"15_days": 1}), (3, {"7_days": 1})]
    expected += [(-5, {"overdue": 1}), (-6, {})]
    for days_left, reminders in expected:
        summary = await scheduled_run(sessionmaker, test_settings, due - timedelta(days=days_left))
        assert sent(summary) == reminders, days_left
        assert summary["partners_expired"] == 0
    summary = await scheduled_run(sessionmaker, test_settings, due + timedelta(days=45))
    assert (summary["reminders_queued"], summary["partners_expired"]) == (0, 1)
    thresholds = [r.threshold for r in await reminders_of(db, partner)]
    assert thresholds == ["30_days", "15_days", "7_days", "overdue"], "1_day was missed"


async def test_expiry_after_the_grace_period_and_renewal_by_verification(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sessionmaker: Sessions,
    test_settings: Settings,
    sign_in: SignIn,
) -> None:
    partner = await new_active_partner(client, sign_in)
    due = date.fromisoformat(partner["kyc_due_date"])
    late = await scheduled_run(sessionmaker, test_settings, due + timedelta(days=29))
    assert late["partners_expired"] == 0 and await status_of(db, partner) == "active"
    expired = await scheduled_run(sessionmaker, test_settings, due + timedelta(days=30))
    assert expired["partners_expired"] == 1 and await status_of(db, partner) == "kyc_expired"
    await put_documents(db, partner["id"], *SELLER_DOCUMENTS)
    renewal_day = due + timedelta(days=31)
    with time_machine.travel(datetime.combine(renewal_day, time(6), tzinfo=UTC), tick=False):
        checker = (await sign_in(roles=["manager"])).headers
        read = (await client.get(f"{PARTNERS}/{partner['id']}", headers=checker)).json()
        assert read["status"] == "kyc_expired" and read["kyc_bucket"] == "overdue"
        assert due.isoformat() in read["status_reason"]
        kyc = (await client.get(f"{PARTNERS}/{partner['id']}/kyc", headers=checker)).json()
        assert kyc["expires_on"] is None and kyc["days_left"] == -31
        assert [r["threshold"] for r in kyc["reminders"]] == ["overdue"]
        too_old = await client.post(
            f"{PARTNERS}/{partner['id']}/kyc/verify",
            json={"verified_on": (START.date() + timedelta(days=20)).isoformat()},
            headers=checker,
        )
        assert too_old.status_code == 422 and too_old.json()["code"] == "kyc.too_old"
        renewed = await client.post(f"{PARTNERS}/{partner['id']}/kyc/verify", headers=checker)
        assert renewed.status_code == 200, renewed.text
    kyc = renewed.json()
    new_due = kyc_due_after(renewal_day)
    assert kyc["partner_status"] == "active"
    assert (kyc["kyc_due_date"], kyc["bucket"]) == (new_due.isoformat(), "current")
    assert kyc["reminders"] == [], "a new due date starts a new series"
    actions = (
        await db.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_id == partner["id"])
            .order_by(AuditEvent.seq)
        )
    ).all()
    assert actions[-3:] == ["expire_kyc", "verify_kyc", "renew_kyc"]
    quiet = await scheduled_run(sessionmaker, test_settings, renewal_day + timedelta(days=1))
    assert (quiet["reminders_queued"], quiet["partners_expired"]) == (0, 0)
    again = await scheduled_run(sessionmaker, test_settings, new_due - timedelta(days=30))
    assert sent(again) == {"30_days": 1}
    reminders = await reminders_of(db, partner)
    assert [(r.due_date, r.threshold) for r in reminders][-1] == (new_due, "30_days")


async def test_only_active_and_kyc_expired_partners_are_reminded(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sessionmaker: Sessions,
    test_settings: Settings,
    sign_in: SignIn,
) -> None:
    active = await new_active_partner(client, sign_in)
    suspended = await new_active_partner(client, sign_in)
    with time_machine.travel(START, tick=False):
        checker = (await sign_in(roles=["manager"])).headers
        maker = (await sign_in(roles=["sales"])).headers
        done = await client.post(
            f"{PARTNERS}/{suspended['id']}/suspend", json={"reason": "Dispute"}, headers=checker
        )
        assert done.status_code == 200
        draft = await create_partner(client, maker)
    due = date.fromisoformat(active["kyc_due_date"])
    partner_row = await db.get(Partner, uuid.UUID(draft["id"]))
    assert partner_row is not None
    partner_row.kyc_due_date = due
    await db.flush()
    summary = await scheduled_run(sessionmaker, test_settings, due + timedelta(days=60))
    assert summary["reminders"]["overdue"] == 1 and summary["partners_expired"] == 1
    assert len(await mails_to(db, active)) == 1
    assert await mails_to(db, suspended) == [] and await mails_to(db, draft) == []
    assert await status_of(db, suspended) == "suspended"


async def test_the_reminder_reaches_a_real_smtp_server_once(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sessionmaker: Sessions,
    test_settings: Settings,
    sign_in: SignIn,
    mail_server: MailServer,
) -> None:
    settings = test_settings.model_copy(
        update={
            "smtp_host": mail_server.host,
            "smtp_port": mail_server.port,
            "smtp_from": "TradeHub <no-reply@tradehub.test>",
            "smtp_timeout_seconds": 5.0,
        }
    )
    partner = await new_active_partner(client, sign_in)
    due = date.fromisoformat(partner["kyc_due_date"])
    day = due - timedelta(days=7)
    assert sent(await scheduled_run(sessionmaker, settings, day)) == {"7_days": 1}
    with time_machine.travel(run_time(day) + timedelta(minutes=1), tick=False):
        report = await notifications.deliver_due(sessionmaker, settings, worker="test-worker")
    assert (report.claimed, report.sent) == (1, 1)
    assert (await manual_run(sessionmaker, settings, day))["reminders_queued"] == 0
    with time_machine.travel(run_time(day) + timedelta(hours=6), tick=False):
        assert (await notifications.deliver_due(sessionmaker, settings, worker="w")).claimed == 0
    [received] = mail_server.received
    assert received.rcpt_tos == (partner["email"],)
    assert received.subject == f"KYC due in 7 days for {partner['legal_name']} ({partner['code']})"
    text = received.part("plain")
    assert due.isoformat() in text and "PAN card, cancelled cheque" in text
    assert partner["code"] in received.part("html")
    [mail] = await mails_to(db, partner)
    assert received.message_id == f"<{mail.id}@tradehub.test>"


async def test_racing_runners_queue_one_reminder(
    committed: AsyncEngine, test_settings: Settings
) -> None:
    """Separate engines, real commits, started together: one reminder, one mail."""
    today = utcnow().date()
    pan = make_pan()
    email = f"race-{uuid.uuid4().hex[:8]}@example.in"
    async with session_scope(create_sessionmaker(committed)) as session:
        session.add(
            Partner(
                code=f"BP-RACE-{uuid.uuid4().hex[:6]}",
                legal_name="Racing Ginners",
                kind="seller",
                status="active",
                pan=pan,
                gstin=make_gstin("24", pan),
                email=email,
                revision=1,
                kyc_verified_on=today - timedelta(days=335),
                kyc_due_date=today + timedelta(days=30),
            )
        )
    engines = [create_engine(test_settings) for _ in range(4)]
    start = utcnow()
    try:
        results = await asyncio.gather(
            *(
                jobs.execute(
                    create_sessionmaker(engine),
                    test_settings,
                    job_spec(),
                    period_start=start + timedelta(microseconds=index),
                    worker=f"r{index}",
                    trigger=RunTrigger.MANUAL,
                )
                for index, engine in enumerate(engines)
            )
        )
    finally:
        for engine in engines:
            await engine.dispose()
    summaries = [result.summary for result in results if result is not None]
    assert len(summaries) == 4 and all(r.status == "succeeded" for r in results if r)
    assert sum(s["reminders_queued"] for s in summaries if s) == 1
    async with create_sessionmaker(committed)() as session:
        mails = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == email)
        )
        reminders = await session.scalar(select(func.count()).select_from(KycReminder))
    assert (mails, reminders) == (1, 1)


@pytest.mark.parametrize(
    ("days_left", "kyc_expired", "subject", "phrase"),
    [
        (30, False, "KYC due in 30 days for R & D <Ginners> (BP-1)", "due on 2027-03-02 (in 30"),
        (1, False, "KYC due tomorrow for R & D <Ginners> (BP-1)", "(tomorrow)"),
        (0, False, "KYC due today for R & D <Ginners> (BP-1)", "(today)"),
        (-1, False, "KYC overdue for R & D <Ginners> (BP-1)", "renewed by 2027-04-01"),
        (-31, True, "KYC overdue for R & D <Ginners> (BP-1)", "marked KYC expired: new"),
    ],
)
def test_the_reminder_mail_says_when(
    test_settings: Settings, days_left: int, kyc_expired: bool, subject: str, phrase: str
) -> None:
    due = date(2027, 3, 2)
    context = {
        "legal_name": "R & D <Ginners>",
        "code": "BP-1",
        "due_date": due.isoformat(),
        "days_left": days_left,
        "days_overdue": max(-days_left, 0),
        "threshold": "x",
        "overdue": days_left < 0,
        "expiry_date": (due + timedelta(days=30)).isoformat(),
        "kyc_expired": kyc_expired,
        "grace_days": 30,
        "documents": ["PAN card", "cancelled cheque"],
    }
    mail = render_email("kyc_reminder", context, settings=test_settings)
    assert mail.subject == subject
    assert phrase in mail.text and "PAN card, cancelled cheque" in mail.text
    assert "R &amp; D &lt;Ginners&gt;" in mail.html and "<Ginners>" not in mail.html


async def test_partners_are_worked_through_in_batches(db: AsyncSession) -> None:
    """Many partners sharing a due date, in batches of two: each reminded and expired once."""
    today = date(2027, 6, 1)
    emails = []
    for index in range(5):
        pan = make_pan()
        emails.append(f"batch-{index}-{uuid.uuid4().hex[:6]}@example.in")
        db.add(
            Partner(
                code=f"BP-B-{uuid.uuid4().hex[:8]}",
                legal_name=f"Batch {index}",
                kind="seller",
                status="active",
                pan=pan,
                gstin=make_gstin("24", pan),
                email=emails[-1],
                revision=1,
                kyc_due_date=today - timedelta(days=30 + index % 2),
            )
        )
    await db.flush()
    db.expunge_all()
    with time_machine.travel(run_time(today), tick=False):
        queued = await tasks.queue_reminders(db, today=today, batch_size=2)
        expired = await tasks.expire_overdue(db, today=today, batch_size=2)
        again = await tasks.queue_reminders(db, today=today, batch_size=2)
    assert (queued["overdue"], expired, sum(again.values())) == (5, 5, 0)
    statuses = await db.scalars(select(Partner.status).where(Partner.email.in_(emails)))
    assert set(statuses) == {"kyc_expired"}
    mails = await db.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient.in_(emails))
    )
    assert mails == 5
