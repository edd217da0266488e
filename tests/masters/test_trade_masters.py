"""Commission structures, terms, GST rates and CCI terms through HTTP (api.md §4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tradehub.audit.models import AuditEvent

API = "/api/v1"


async def _actions(db: AsyncSession, entity_id: str) -> list[str]:
    rows = await db.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == entity_id).order_by(AuditEvent.seq)
    )
    return list(rows)


# --- commission structures -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "value"),
    [
        ({"name": "Two percent", "kind": "percentage", "value": "2"}, "2"),
        ({"name": "Half", "kind": "percentage", "value": 0.5}, "0.5"),
        ({"name": "All", "kind": "percentage", "value": "100"}, "100"),
        ({"name": "Fifty a bale", "kind": "per_bale", "value": "50"}, "50.00"),
        ({"name": "Flat fee", "kind": "flat", "value": "1500.5"}, "1500.50"),
    ],
)
async def test_commission_structures_are_created(
    client: httpx.AsyncClient, sign_in: SignIn, body: dict[str, Any], value: str
) -> None:
    admin = await sign_in()
    created = await client.post(f"{API}/commission-structures", json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    assert created.json()["value"] == value
    assert created.json()["kind"] == body["kind"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "x", "kind": "percentage", "value": "0"}, "commission.value"),
        ({"name": "x", "kind": "percentage", "value": "100.01"}, "commission.value"),
        ({"name": "x", "kind": "per_bale", "value": "0"}, "commission.value"),
        ({"name": "x", "kind": "per_bale", "value": "10.005"}, "commission.value"),
        ({"name": "x", "kind": "flat", "value": "-1"}, "validation.invalid"),
        ({"name": "x", "kind": "slab", "value": "1"}, "validation.invalid"),
        ({"name": "x", "kind": "flat", "value": "1e3"}, "validation.invalid"),
        ({"name": "", "kind": "flat", "value": "1"}, "validation.invalid"),
    ],
)
async def test_bad_commission_structures_are_422(
    client: httpx.AsyncClient, sign_in: SignIn, body: dict[str, Any], code: str
) -> None:
    admin = await sign_in()
    response = await client.post(f"{API}/commission-structures", json=body, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code


async def test_commission_structure_lifecycle(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession, query_counter: QueryCounter
) -> None:
    admin = await sign_in(roles=["manager"])
    url = f"{API}/commission-structures"
    body = {"name": "Seller 1%", "kind": "percentage", "value": "1"}
    created = (await client.post(url, json=body, headers=admin.headers)).json()
    dup = await client.post(url, json={**body, "name": "SELLER 1%"}, headers=admin.headers)
    assert dup.status_code == 409
    item = f"{url}/{created['id']}"
    changed = await client.patch(
        item, json={"kind": "per_bale", "value": "75"}, headers={**admin.headers, "If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["value"] == "75.00" and changed.json()["version"] == 2
    assert await _actions(db, created["id"]) == ["create", "update"]
    per_bale = await client.patch(item, json={"value": "150"}, headers=admin.headers)
    assert per_bale.json()["value"] == "150.00"
    too_much = await client.patch(item, json={"kind": "percentage"}, headers=admin.headers)
    assert too_much.status_code == 422  # ₹150 a bale is fine; 150 % is not
    stale = await client.patch(
        item, json={"name": "y"}, headers={**admin.headers, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    for name in ["A", "B", "C"]:
        await client.post(
            url, json={"name": f"{name} flat", "kind": "flat", "value": "10"}, headers=admin.headers
        )
    query_counter.reset()
    one = await client.get(url, params={"kind": "flat", "limit": 1}, headers=admin.headers)
    small = query_counter.count
    assert one.json()["total"] == 3
    query_counter.reset()
    await client.get(url, params={"kind": "flat", "limit": 50}, headers=admin.headers)
    assert query_counter.count == small
    assert (await client.delete(item, headers=admin.headers)).status_code == 204
    assert (await client.get(item, headers=admin.headers)).status_code == 404
    assert await _actions(db, created["id"]) == ["create", "update", "update", "delete"]


# --- terms -----------------------------------------------------------------------------------


async def test_terms_by_kind_with_days_only_where_the_kind_has_them(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    admin = await sign_in()
    url = f"{API}/terms"
    made: dict[str, Any] = {}
    for kind, name, days in [
        ("delivery", "Ex-Gin", 0),
        ("delivery", "Door", 30),
        ("payment", "30 days credit", 30),
        ("trade", "Spot", None),
        ("bargain", "Pucca Sauda", None),
        ("passing", "Lab report", None),
        ("weightment", "Buyer's mill", None),
    ]:
        response = await client.post(
            url, json={"kind": kind, "name": name, "days": days}, headers=admin.headers
        )
        assert response.status_code == 201, response.text
        made[name] = response.json()
    no_days = await client.post(url, json={"kind": "payment", "name": "x"}, headers=admin.headers)
    assert no_days.status_code == 422 and no_days.json()["code"] == "term.days_required"
    with_days = await client.post(
        url, json={"kind": "trade", "name": "y", "days": 3}, headers=admin.headers
    )
    assert with_days.status_code == 422
    assert with_days.json()["code"] == "term.days_not_allowed"
    dup = await client.post(
        url, json={"kind": "delivery", "name": "door", "days": 2}, headers=admin.headers
    )
    assert dup.status_code == 409
    negative = await client.post(
        url, json={"kind": "delivery", "name": "z", "days": -1}, headers=admin.headers
    )
    assert negative.status_code == 422
    deliveries = await client.get(url, params={"kind": "delivery"}, headers=admin.headers)
    assert [t["name"] for t in deliveries.json()["items"]] == ["Door", "Ex-Gin"]
    assert (
        await client.get(url, params={"kind": "cash"}, headers=admin.headers)
    ).status_code == 422
    door = f"{url}/{made['Door']['id']}"
    changed = await client.patch(door, json={"days": 21}, headers=admin.headers)
    assert changed.json()["days"] == 21
    cleared = await client.patch(door, json={"days": None}, headers=admin.headers)
    assert cleared.status_code == 422
    assert (await client.delete(door, headers=admin.headers)).status_code == 204
    assert await _actions(db, made["Door"]["id"]) == ["create", "update", "delete"]


# --- GST rates -------------------------------------------------------------------------------


async def test_gst_rates(client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession) -> None:
    admin = await sign_in()
    url = f"{API}/gst-rates"
    body = {"rate": "18", "description": "Brokerage", "hsn_or_sac": "996111"}
    created = await client.post(url, json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    assert created.json()["rate"] == "18"
    assert (await client.post(url, json=body, headers=admin.headers)).status_code == 409
    for bad in [{"rate": "101"}, {"rate": "NaN"}, {"hsn_or_sac": "99A"}]:
        response = await client.post(
            url, json={**body, "hsn_or_sac": "5201", **bad}, headers=admin.headers
        )
        assert response.status_code == 422, bad
    item = f"{url}/{created.json()['id']}"
    changed = await client.patch(item, json={"rate": "12.5"}, headers=admin.headers)
    assert changed.json()["rate"] == "12.5"
    listed = await client.get(url, params={"hsn_or_sac": "996111"}, headers=admin.headers)
    assert listed.json()["total"] == 1
    assert (await client.delete(item, headers=admin.headers)).status_code == 204
    assert await _actions(db, created.json()["id"]) == ["create", "update", "delete"]


# --- CCI terms -------------------------------------------------------------------------------


async def test_cci_terms_versions_by_date(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    admin = await sign_in()
    url = f"{API}/cci-terms"
    today = datetime.now(UTC).date()
    later = today + timedelta(days=30)
    first = await client.post(url, json={"effective_from": str(today)}, headers=admin.headers)
    assert first.status_code == 201, first.text
    assert first.json()["carrying_tier1_pct"] == "1.25"
    assert first.json()["free_lifting_days"] == 21
    assert first.json()["effective_to"] is None
    second = await client.post(
        url,
        json={"effective_from": str(later), "carrying_tier1_pct": "1.5", "emd_days": 7},
        headers=admin.headers,
    )
    assert second.status_code == 201, second.text
    on_today = await client.get(url, params={"on": str(today)}, headers=admin.headers)
    assert [v["id"] for v in on_today.json()["items"]] == [first.json()["id"]]
    assert on_today.json()["items"][0]["effective_to"] == str(later - timedelta(days=1))
    on_later = await client.get(
        url, params={"on": str(later + timedelta(days=400))}, headers=admin.headers
    )
    assert [v["emd_days"] for v in on_later.json()["items"]] == [7]
    before = await client.get(
        url, params={"on": str(today - timedelta(days=1))}, headers=admin.headers
    )
    assert before.json()["items"] == []
    in_force = await client.put(
        f"{url}/{first.json()['id']}", json={"effective_from": str(today)}, headers=admin.headers
    )
    assert in_force.status_code == 409 and in_force.json()["code"] == "cci_terms.in_force"
    future = f"{url}/{second.json()['id']}"
    corrected = await client.put(
        future,
        json={"effective_from": str(later), "emd_days": 6},
        headers={**admin.headers, "If-Match": '"1"'},
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["emd_days"] == 6 and corrected.json()["carrying_tier1_pct"] == "1.25"
    backdated = await client.post(
        url, json={"effective_from": str(today - timedelta(days=1))}, headers=admin.headers
    )
    assert backdated.status_code == 422
    same_day = await client.post(url, json={"effective_from": str(later)}, headers=admin.headers)
    assert same_day.status_code == 409
    over = await client.post(
        url,
        json={"effective_from": str(later + timedelta(days=1)), "cash_discount_pct": "100.5"},
        headers=admin.headers,
    )
    assert over.status_code == 422
    assert (
        await client.get(url, params={"on": "2026-13-01"}, headers=admin.headers)
    ).status_code == 422
    assert await _actions(db, second.json()["id"]) == ["create", "update"]
