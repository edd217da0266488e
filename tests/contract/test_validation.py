"""Every 4xx of POST /contracts (api.md §6), each naming the field."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.auth_helpers import SignIn
from tests.contract.helpers import CONTRACTS, World, build_world
from tests.partner.helpers import active_partner, create_partner


def _first(response: httpx.Response) -> tuple[str, list[Any]]:
    body = response.json()
    return body["code"], body["errors"][0]["loc"] if body.get("errors") else []


async def test_parties_must_be_active_distinct_of_the_right_kind_with_own_branches(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    draft_partner = await create_partner(client, sales, kind="seller")
    trader = await active_partner(client, sales, manager, kind="trader")
    cases: list[tuple[dict[str, Any], str, list[Any]]] = [
        (
            {
                "seller_id": draft_partner["id"],
                "seller_branch_id": draft_partner["branches"][0]["id"],
            },
            "partner.not_active",
            ["body", "seller_id"],
        ),
        ({"buyer_id": str(uuid.uuid4())}, "partner.not_active", ["body", "buyer_id"]),
        (
            {"buyer_id": world.seller["id"], "buyer_branch_id": world.seller["branches"][0]["id"]},
            "contract.party_kind",
            ["body", "buyer_id"],
        ),
        (
            {"seller_id": world.buyer["id"], "seller_branch_id": world.buyer["branches"][0]["id"]},
            "contract.party_kind",
            ["body", "seller_id"],
        ),
        (
            {"seller_branch_id": world.buyer["branches"][0]["id"]},
            "contract.branch_mismatch",
            ["body", "seller_branch_id"],
        ),
        (
            {
                "seller_id": trader["id"],
                "seller_branch_id": trader["branches"][0]["id"],
                "buyer_id": trader["id"],
                "buyer_branch_id": trader["branches"][0]["id"],
            },
            "contract.same_party",
            ["body", "buyer_id"],
        ),
    ]
    for overrides, code, loc in cases:
        answer = await client.post(CONTRACTS, json=world.body(**overrides), headers=sales)
        assert answer.status_code == 422, (overrides, answer.text)
        assert _first(answer) == (code, loc), answer.text
    # A trader may sell or buy.
    as_seller = world.body(seller_id=trader["id"], seller_branch_id=trader["branches"][0]["id"])
    assert (await client.post(CONTRACTS, json=as_seller, headers=sales)).status_code == 201


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"bales": 0}, ["body", "bales"]),
        ({"bales": -3}, ["body", "bales"]),
        ({"bales": 1.5}, ["body", "bales"]),
        ({"bales": "100"}, ["body", "bales"]),
        ({"rate": "0"}, ["body"]),
        ({"rate": "1e3"}, ["body", "rate"]),
        ({"rate": "NaN"}, ["body", "rate"]),
        ({"rate": ""}, ["body", "rate"]),
        ({"rate": "-5"}, ["body", "rate"]),
        ({"rate_unit": "bushel"}, ["body", "rate_unit"]),
        ({"contract_date": "28-11-2026"}, ["body", "contract_date"]),
        ({"quality": {"mic": {"min": "4.5", "max": "4.0"}}}, ["body", "quality", "mic"]),
        ({"surprise": 1}, ["body", "surprise"]),
    ],
)
async def test_malformed_fields_are_422(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    world: World,
    overrides: dict[str, Any],
    loc: list[Any],
) -> None:
    answer = await client.post(CONTRACTS, json=world.body(**overrides), headers=sales)
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "validation.invalid"
    assert answer.json()["errors"][0]["loc"][: len(loc)] == loc


async def test_masters_must_exist_and_quality_lie_within_bounds(
    client: httpx.AsyncClient, sales: dict[str, str], world: World
) -> None:
    cases: list[tuple[dict[str, Any], str, list[Any]]] = [
        (
            {"commodity_id": str(uuid.uuid4())},
            "contract.commodity_unknown",
            ["body", "commodity_id"],
        ),
        ({"variety": "Pima"}, "contract.variety_unknown", ["body", "variety"]),
        (
            {"quality": {"staple_mm": {"min": "28", "max": "36"}}},
            "contract.quality_out_of_bounds",
            ["body", "quality", "staple_mm", "max"],
        ),
        (
            {"quality": {"colour": {"min": "1"}}},
            "contract.quality_unknown",
            ["body", "quality", "colour"],
        ),
        ({"delivery_terms": "Door to moon"}, "contract.term_unknown", ["body", "delivery_terms"]),
        (
            {"payment_terms": world.delivery["id"]},
            "contract.term_unknown",
            ["body", "payment_terms"],
        ),
        ({"station_id": str(uuid.uuid4())}, "contract.station_unknown", ["body", "station_id"]),
        (
            {"buyer_commission_structure_id": str(uuid.uuid4())},
            "contract.commission_unknown",
            ["body", "buyer_commission_structure_id"],
        ),
        (
            {"organization_id": str(uuid.uuid4())},
            "contract.organization_unknown",
            ["body", "organization_id"],
        ),
        (
            {"contract_date": "2030-01-15"},
            "financial_year.closed_or_missing",
            ["body", "contract_date"],
        ),
    ]
    for overrides, code, loc in cases:
        answer = await client.post(CONTRACTS, json=world.body(**overrides), headers=sales)
        assert answer.status_code == 422, (overrides, answer.text)
        assert _first(answer) == (code, loc), answer.text


async def test_a_closed_year_refuses_contracts(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    world: World,
) -> None:
    years = await client.get(
        "/api/v1/financial-years", params={"organization_id": world.organization_id}, headers=admin
    )
    year = years.json()["items"][0]
    closed = await client.post(f"/api/v1/financial-years/{year['id']}/close", headers=admin)
    assert closed.is_success, closed.text
    answer = await client.post(CONTRACTS, json=world.body(), headers=sales)
    assert answer.status_code == 422
    assert answer.json()["code"] == "financial_year.closed_or_missing"


async def test_terms_by_id_or_name_and_commission_optional(
    client: httpx.AsyncClient, sales: dict[str, str], world: World
) -> None:
    body = world.body(
        delivery_terms=world.delivery["id"],
        payment_terms=world.payment["name"].upper(),
        seller_commission_structure_id=None,
        buyer_commission_structure_id=None,
        quality={},
    )
    answer = await client.post(CONTRACTS, json=body, headers=sales)
    assert answer.status_code == 201, answer.text
    assert answer.json()["delivery_term_id"] == world.delivery["id"]
    assert answer.json()["payment_terms"] == world.payment["name"]


async def test_permissions(client: httpx.AsyncClient, sign_in: SignIn, world: World) -> None:
    accounts = (await sign_in(roles=["accounts"])).headers  # reads and approves, never writes
    answer = await client.post(CONTRACTS, json=world.body(), headers=accounts)
    assert answer.status_code == 403
    assert (await client.post(CONTRACTS, json=world.body())).status_code == 401


async def test_idempotent_create(
    client: httpx.AsyncClient, sales: dict[str, str], world: World
) -> None:
    headers = {**sales, "Idempotency-Key": f"contract-{uuid.uuid4()}"}
    first = await client.post(CONTRACTS, json=world.body(), headers=headers)
    again = await client.post(CONTRACTS, json=world.body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    listed = await client.get(
        CONTRACTS, params={"organization_id": world.organization_id}, headers=sales
    )
    assert listed.json()["total"] == 1
    reused = await client.post(CONTRACTS, json=world.body(bales=7), headers=headers)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency.key_reused"


async def test_a_second_world_is_independent(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> None:
    """build_world can be called twice in one test (names are unique)."""
    first = await build_world(client, admin, sales, manager)
    second = await build_world(client, admin, sales, manager)
    assert first.organization_id != second.organization_id
