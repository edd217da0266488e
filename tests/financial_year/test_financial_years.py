"""/financial-years through HTTP, and the checks other modules call (api.md §4)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.auth_helpers import DEFAULT_PASSWORD, SignIn
from tests.conftest import QueryCounter
from tests.organization.helpers import create_organization
from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.audit.models import AuditEvent
from tradehub.auth import service as auth_service
from tradehub.auth import users_service
from tradehub.auth.schemas import UserCreate
from tradehub.financial_year import service
from tradehub.financial_year.models import FinancialYear
from tradehub.kit.db import create_sessionmaker, session_scope
from tradehub.kit.errors import Unprocessable

YEARS = "/api/v1/financial-years"


async def _year(
    client: httpx.AsyncClient, headers: dict[str, str], organization_id: str, code: str
) -> httpx.Response:
    return await client.post(
        YEARS, json={"organization_id": organization_id, "code": code}, headers=headers
    )


async def test_accounts_creates_a_year_from_its_code(
    client: httpx.AsyncClient, sign_in: SignIn, auth_headers: dict[str, str], db: AsyncSession
) -> None:
    organization = await create_organization(client, auth_headers)
    accounts = await sign_in(roles=["accounts"])
    response = await _year(client, accounts.headers, organization["id"], "2026-27")
    assert response.status_code == 201, response.text
    year = response.json()
    assert year["start_date"] == "2026-04-01" and year["end_date"] == "2027-03-31"
    assert year["is_active"] is False and year["is_closed"] is False
    assert response.headers["ETag"] == '"1"'
    got = await client.get(f"{YEARS}/{year['id']}", headers=accounts.headers)
    assert got.status_code == 200 and got.json() == year
    event = await db.scalar(select(AuditEvent).where(AuditEvent.entity_id == year["id"]))
    assert event is not None and event.entity_type == "financial_year"
    assert event.actor_id == accounts.user.id


@pytest.mark.parametrize("code", ["2026-28", "2026-2027", "26-27", "2026/27", "x"])
async def test_bad_codes_are_422_naming_code(
    client: httpx.AsyncClient, auth_headers: dict[str, str], code: str
) -> None:
    organization = await create_organization(client, auth_headers)
    response = await _year(client, auth_headers, organization["id"], code)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "code"]


async def test_one_year_per_organization_and_code(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    first = await create_organization(client, auth_headers)
    second = await create_organization(client, auth_headers)
    assert (await _year(client, auth_headers, first["id"], "2026-27")).status_code == 201
    again = await _year(client, auth_headers, first["id"], "2026-27")
    assert again.status_code == 409
    assert again.json()["code"] == "financial_year.duplicate"
    assert (await _year(client, auth_headers, second["id"], "2026-27")).status_code == 201


async def test_unknown_organization_or_year_is_404(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    response = await _year(client, auth_headers, str(uuid.uuid4()), "2026-27")
    assert response.status_code == 404
    for path in ("", "/activate", "/close"):
        method = "GET" if not path else "POST"
        response = await client.request(
            method, f"{YEARS}/{uuid.uuid4()}{path}", headers=auth_headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "financial_year.not_found"


async def test_activating_deactivates_the_others(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: AsyncSession
) -> None:
    organization = await create_organization(client, auth_headers)
    other_org = await create_organization(client, auth_headers)
    old = (await _year(client, auth_headers, organization["id"], "2025-26")).json()
    new = (await _year(client, auth_headers, organization["id"], "2026-27")).json()
    elsewhere = (await _year(client, auth_headers, other_org["id"], "2025-26")).json()
    for year in (old, elsewhere):
        response = await client.post(f"{YEARS}/{year['id']}/activate", headers=auth_headers)
        assert response.status_code == 200 and response.json()["is_active"] is True
    stale = await client.post(
        f"{YEARS}/{new['id']}/activate", headers={**auth_headers, "If-Match": '"5"'}
    )
    assert stale.status_code == 412
    response = await client.post(
        f"{YEARS}/{new['id']}/activate", headers={**auth_headers, "If-Match": '"1"'}
    )
    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is True
    listed = await client.get(
        YEARS, params={"organization_id": organization["id"]}, headers=auth_headers
    )
    assert [(y["code"], y["is_active"]) for y in listed.json()["items"]] == [
        ("2026-27", True),
        ("2025-26", False),
    ]
    assert (await client.get(f"{YEARS}/{elsewhere['id']}", headers=auth_headers)).json()[
        "is_active"
    ]
    again = await client.post(f"{YEARS}/{new['id']}/activate", headers=auth_headers)
    assert again.status_code == 200  # activating the active year changes nothing
    actions = (
        await db.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_id == old["id"])
            .order_by(AuditEvent.seq)
        )
    ).all()
    assert actions == ["create", "activate", "deactivate"]


async def test_closing_and_its_rules(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: AsyncSession
) -> None:
    organization = await create_organization(client, auth_headers)
    year = (await _year(client, auth_headers, organization["id"], "2025-26")).json()
    await client.post(f"{YEARS}/{year['id']}/activate", headers=auth_headers)
    closed = await client.post(f"{YEARS}/{year['id']}/close", headers=auth_headers)
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["is_closed"] is True and body["is_active"] is False
    assert body["closed_at"] is not None
    # Every registered kind (tests/financial_year/test_carry_forward.py) reports 0 here: the
    # organization has no documents.
    assert not any(body["carry_forward"].values()), body["carry_forward"]
    active = await client.get(
        YEARS,
        params={"organization_id": organization["id"], "is_active": "true"},
        headers=auth_headers,
    )
    assert active.json()["total"] == 0  # closing the active year leaves none
    reactivate = await client.post(f"{YEARS}/{year['id']}/activate", headers=auth_headers)
    assert reactivate.status_code == 409
    assert reactivate.json()["code"] == "financial_year.closed"
    again = await client.post(f"{YEARS}/{year['id']}/close", headers=auth_headers)
    assert again.status_code == 409
    event = await db.scalar(
        select(AuditEvent).where(AuditEvent.entity_id == year["id"], AuditEvent.action == "close")
    )
    assert event is not None and event.changes["is_closed"] == {"old": False, "new": True}


async def test_carry_forward_report_uses_the_registry(
    client: httpx.AsyncClient, auth_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def two_open(_session: AsyncSession, _year: FinancialYear) -> int:
        return 2

    monkeypatch.setattr(service, "_CARRY_FORWARD", {})
    service.register_carry_forward("pending_invoices", two_open)
    organization = await create_organization(client, auth_headers)
    year = (await _year(client, auth_headers, organization["id"], "2025-26")).json()
    closed = await client.post(f"{YEARS}/{year['id']}/close", headers=auth_headers)
    assert closed.json()["carry_forward"] == {"pending_invoices": 2}


@pytest.mark.parametrize("role", ["manager", "sales", "dispute_manager"])
async def test_only_admin_and_accounts_change_years(
    client: httpx.AsyncClient, sign_in: SignIn, auth_headers: dict[str, str], role: str
) -> None:
    organization = await create_organization(client, auth_headers)
    year = (await _year(client, auth_headers, organization["id"], "2026-27")).json()
    staff = await sign_in(roles=[role])
    assert (await client.get(f"{YEARS}/{year['id']}", headers=staff.headers)).status_code == 200
    assert (await _year(client, staff.headers, organization["id"], "2027-28")).status_code == 403
    for action in ("activate", "close"):
        response = await client.post(f"{YEARS}/{year['id']}/{action}", headers=staff.headers)
        assert response.status_code == 403


async def test_partners_see_no_years(
    client: httpx.AsyncClient, sign_in: SignIn, auth_headers: dict[str, str]
) -> None:
    organization = await create_organization(client, auth_headers)
    year = (await _year(client, auth_headers, organization["id"], "2026-27")).json()
    partner = await sign_in(roles=["partner"])
    assert (await client.get(YEARS, headers=partner.headers)).status_code == 403
    assert (await client.get(f"{YEARS}/{year['id']}", headers=partner.headers)).status_code == 403


async def test_year_list_is_bounded_and_sortable(
    client: httpx.AsyncClient, auth_headers: dict[str, str], query_counter: QueryCounter
) -> None:
    organization = await create_organization(client, auth_headers)
    for code in ("2024-25", "2026-27", "2025-26"):
        await _year(client, auth_headers, organization["id"], code)
    response = await client.get(
        YEARS, params={"organization_id": organization["id"], "sort": "code"}, headers=auth_headers
    )
    assert [y["code"] for y in response.json()["items"]] == ["2024-25", "2025-26", "2026-27"]
    assert (
        await client.get(YEARS, params={"sort": "end_date"}, headers=auth_headers)
    ).status_code == 422
    query_counter.reset()
    await client.get(YEARS, params={"limit": 200}, headers=auth_headers)
    assert query_counter.count <= 6, query_counter.statements


async def test_require_open_year(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: AsyncSession
) -> None:
    organization = await create_organization(client, auth_headers)
    org_id = uuid.UUID(organization["id"])
    old = (await _year(client, auth_headers, organization["id"], "2025-26")).json()
    new = (await _year(client, auth_headers, organization["id"], "2026-27")).json()
    await client.post(f"{YEARS}/{new['id']}/activate", headers=auth_headers)

    # any existing open year will do: the active one is only the default
    found = await service.require_open_year(db, org_id, date(2025, 12, 1))
    assert str(found.id) == old["id"]
    found = await service.require_open_year(db, org_id, date(2027, 3, 31))
    assert str(found.id) == new["id"]
    assert await service.year_for(db, org_id, date(2027, 4, 1)) is None

    for missing in (date(2027, 4, 1), date(2025, 3, 31)):
        with pytest.raises(Unprocessable) as caught:
            await service.require_open_year(db, org_id, missing)
        assert caught.value.code == "financial_year.closed_or_missing"
    with pytest.raises(Unprocessable):
        await service.require_open_year(db, uuid.uuid4(), date(2026, 6, 1))

    await client.post(f"{YEARS}/{old['id']}/close", headers=auth_headers)
    db.expire_all()
    with pytest.raises(Unprocessable) as caught:
        await service.require_open_year(db, org_id, date(2025, 12, 1))
    assert caught.value.code == "financial_year.closed_or_missing"
    assert (await service.year_for(db, org_id, date(2025, 12, 1))) is not None


# --- racing activations ----------------------------------------------------------------------


async def _committed_admin(engine: AsyncEngine, app: FastAPI) -> dict[str, str]:
    maker = create_sessionmaker(engine)
    email = f"fy-admin-{uuid.uuid4().hex[:8]}@example.com"
    async with session_scope(maker) as session:
        body = UserCreate(email=email, name="FY Admin", password=DEFAULT_PASSWORD, roles=["admin"])
        await users_service.create_user(session, app.state.identity, SYSTEM_ACTOR, body)
    async with session_scope(maker) as session:
        caller = auth_service.Caller(ip="127.0.0.1", user_agent="tests", request_id=None)
        tokens = await auth_service.login(
            session, app.state.identity, caller, email=email, password=DEFAULT_PASSWORD
        )
    return {"Authorization": f"Bearer {tokens.access_token}"}


@pytest.mark.live
async def test_racing_activations_leave_exactly_one_active_year(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    headers = await _committed_admin(engine, live_app)
    organization = await create_organization(live_client, headers)
    years = []
    for code in ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27"):
        response = await _year(live_client, headers, organization["id"], code)
        years.append(response.json()["id"])
    for _round in range(3):
        answers = await asyncio.gather(
            *(live_client.post(f"{YEARS}/{y}/activate", headers=headers) for y in years * 2)
        )
        assert {a.status_code for a in answers} == {200}, [a.text for a in answers]
        async with create_sessionmaker(engine)() as session:
            active = await session.scalar(
                select(func.count())
                .select_from(FinancialYear)
                .where(
                    FinancialYear.organization_id == uuid.UUID(organization["id"]),
                    FinancialYear.is_active.is_(True),
                )
            )
        assert active == 1
