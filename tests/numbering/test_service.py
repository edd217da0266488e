"""next_number / cancel_number in a test transaction, and the /numbering lists."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tests.numbering.helpers import add_organization
from tradehub.audit.domain import SYSTEM_ACTOR, AuditActor
from tradehub.audit.models import AuditEvent
from tradehub.numbering import errors, service
from tradehub.numbering.models import CancelledNumber, NumberSeries

SERIES = "/api/v1/numbering/series"
CANCELLED = "/api/v1/numbering/cancelled"


async def _take(db: AsyncSession, org: uuid.UUID, year: str = "2026-27", series: str = "SC") -> str:
    return await service.next_number(db, organization_id=org, financial_year=year, series=series)


async def test_numbers_run_from_one_per_organization_year_and_series(db: AsyncSession) -> None:
    first, second = await add_organization(db), await add_organization(db)
    assert [await _take(db, first) for _ in range(3)] == [
        "SC/26-27/00001",
        "SC/26-27/00002",
        "SC/26-27/00003",
    ]
    assert await _take(db, first, series="BRK") == "BRK/26-27/00001"
    assert await _take(db, first, year="2027-28") == "SC/27-28/00001"
    assert await _take(db, second) == "SC/26-27/00001"
    assert await _take(db, first) == "SC/26-27/00004"
    assert (
        await service.last_number(db, organization_id=first, financial_year="2026-27", series="SC")
        == 4
    )


async def test_a_rolled_back_number_is_given_again(db: AsyncSession) -> None:
    org = await add_organization(db)
    assert await _take(db, org) == "SC/26-27/00001"
    savepoint = await db.begin_nested()
    assert await _take(db, org) == "SC/26-27/00002"
    await savepoint.rollback()
    assert await _take(db, org) == "SC/26-27/00002"


async def test_the_year_comes_from_the_date_in_india(db: AsyncSession) -> None:
    org = await add_organization(db)

    async def on(when: date | datetime) -> str:
        return await service.next_number_on(db, organization_id=org, on=when, series="SC")

    assert await on(datetime(2027, 3, 31, 18, 29, tzinfo=UTC)) == "SC/26-27/00001"
    # 2027-03-31T19:00Z is 00:30 on 1 April in Asia/Kolkata: the 27-28 series starts.
    assert await on(datetime(2027, 3, 31, 19, 0, tzinfo=UTC)) == "SC/27-28/00001"
    assert await on(date(2027, 3, 31)) == "SC/26-27/00002"
    assert await on(date(2027, 4, 1)) == "SC/27-28/00002"


@pytest.mark.parametrize(
    ("year", "series"), [("2026-28", "SC"), ("2026-27", "TOOLONG"), ("2026-27", "sc")]
)
async def test_bad_series_or_year_is_refused(db: AsyncSession, year: str, series: str) -> None:
    org = await add_organization(db)
    with pytest.raises(errors.InvalidNumbering):
        await _take(db, org, year=year, series=series)


async def test_a_full_series_refuses_and_gives_nothing(db: AsyncSession) -> None:
    org = await add_organization(db)
    db.add(
        NumberSeries(
            organization_id=org, financial_year="2026-27", series="BRKB", last_number=99_999
        )
    )
    await db.flush()
    savepoint = await db.begin_nested()
    with pytest.raises(errors.SeriesExhausted):
        await _take(db, org, series="BRKB")
    await savepoint.rollback()
    assert (
        await service.last_number(db, organization_id=org, financial_year="2026-27", series="BRKB")
        == 99_999
    )


async def _cancel(
    db: AsyncSession, org: uuid.UUID, number: str, **overrides: object
) -> CancelledNumber:
    options: dict[str, object] = {
        "organization_id": org,
        "financial_year": "2026-27",
        "series": "SC",
        "number": number,
        "document_type": "contract",
        "document_id": uuid.uuid4(),
        "reason": "party withdrew",
        "actor": SYSTEM_ACTOR,
    }
    options.update(overrides)
    return await service.cancel_number(db, **options)  # type: ignore[arg-type]


async def test_a_cancelled_number_is_recorded_audited_and_never_given_again(
    db: AsyncSession,
) -> None:
    org = await add_organization(db)
    numbers = [await _take(db, org) for _ in range(3)]
    actor = AuditActor(user_id=uuid.uuid4(), label="accounts@example.com")
    entry = await _cancel(db, org, numbers[1], actor=actor, reason="  duplicate deal ")
    assert await _take(db, org) == "SC/26-27/00004"
    listed = list(await db.scalars(service.cancelled_statement(organization_id=org)))
    assert [(c.number, c.sequence, c.reason) for c in listed] == [
        ("SC/26-27/00002", 2, "duplicate deal")
    ]
    assert listed[0].cancelled_by_id == actor.user_id
    event = await db.scalar(select(AuditEvent).where(AuditEvent.entity_id == str(entry.id)))
    assert event is not None and event.action == "cancel" and event.reason == "duplicate deal"
    assert event.actor_id == actor.user_id


@pytest.mark.parametrize(
    ("number", "overrides", "error"),
    [
        ("SC/26-27/00003", {}, errors.NumberNotIssued),
        ("SC/27-28/00001", {}, errors.InvalidNumbering),
        ("BRK/26-27/00001", {}, errors.InvalidNumbering),
        ("SC-26-27-00001", {}, errors.InvalidNumbering),
        ("SC/26-27/00001", {"reason": "  "}, errors.InvalidNumbering),
    ],
)
async def test_only_given_numbers_of_the_series_can_be_cancelled(
    db: AsyncSession, number: str, overrides: dict[str, object], error: type[Exception]
) -> None:
    org = await add_organization(db)
    await _take(db, org)
    await _take(db, org)
    with pytest.raises(error):
        await _cancel(db, org, number, **overrides)


async def test_cancelling_twice_is_a_conflict(db: AsyncSession) -> None:
    org = await add_organization(db)
    number = await _take(db, org)
    await _cancel(db, org, number)
    with pytest.raises(errors.NumberAlreadyCancelled):
        await _cancel(db, org, number)


async def test_lists_of_series_and_cancelled_numbers(
    client: httpx.AsyncClient, db: AsyncSession, sign_in: SignIn, query_counter: QueryCounter
) -> None:
    org, other = await add_organization(db), await add_organization(db)
    for _ in range(3):
        await _take(db, org)
    await _take(db, org, series="BRK")
    await _take(db, org, year="2025-26")
    await _take(db, other)
    await _cancel(db, org, "SC/26-27/00002")
    await _cancel(db, org, "SC/26-27/00001")
    manager = await sign_in(roles=["manager"])

    query_counter.reset()
    answer = await client.get(SERIES, params={"organization_id": str(org)}, headers=manager.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == 3 and body["page"] == 1 and body["limit"] == 50
    assert [
        (s["financial_year"], s["series"], s["last_number"], s["last_issued"])
        for s in body["items"]
    ] == [
        ("2026-27", "BRK", 1, "BRK/26-27/00001"),
        ("2026-27", "SC", 3, "SC/26-27/00003"),
        ("2025-26", "SC", 1, "SC/25-26/00001"),
    ]
    series_queries = query_counter.count

    answer = await client.get(
        CANCELLED,
        params={"organization_id": str(org), "financial_year": "2026-27", "series": "SC"},
        headers=manager.headers,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == 2
    assert [c["number"] for c in body["items"]] == ["SC/26-27/00001", "SC/26-27/00002"]
    assert body["items"][0]["document_type"] == "contract"
    assert body["items"][0]["cancelled_by_label"] == "system"

    for index in range(5):
        await _take(db, org, series=f"S{index}")
    query_counter.reset()
    answer = await client.get(SERIES, params={"organization_id": str(org)}, headers=manager.headers)
    assert answer.json()["total"] == 8
    assert query_counter.count == series_queries  # does not grow with the list

    paged = await client.get(
        SERIES, params={"organization_id": str(org), "limit": 2, "page": 5}, headers=manager.headers
    )
    assert paged.status_code == 200 and paged.json()["items"] == []
    bad_sort = await client.get(SERIES, params={"sort": "nope"}, headers=manager.headers)
    assert bad_sort.status_code == 422


async def test_lists_need_audit_read(client: httpx.AsyncClient, sign_in: SignIn) -> None:
    sales = await sign_in(roles=["sales"])
    for path in (SERIES, CANCELLED):
        answer = await client.get(path, headers=sales.headers)
        assert answer.status_code == 403 and answer.json()["code"] == "auth.forbidden"
