"""POST/GET /invoices through HTTP: the api.md §7 amounts, the rules and their codes."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.auth_helpers import SignIn
from tests.contract.helpers import World, build_world, confirmed_contract, create_contract
from tests.invoice.helpers import INVOICES, create_invoice, intra_state_contract, invoice_body


@pytest.fixture
async def contract(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str], world: World
) -> dict[str, Any]:
    return await confirmed_contract(client, sales, manager, world)


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


async def test_inter_state_invoice_has_igst_and_round_off(
    client: httpx.AsyncClient, manager: dict[str, str], contract: dict[str, Any]
) -> None:
    # 1700 kg / 355.6 kg per candy × ₹55,500 = 265326.2092… → 265326.21; IGST 5 % = 13266.3105
    # → 13266.31; gross 278592.52 → 278593.00, round_off 0.48. Seller state 24, buyer 27.
    response = await client.post(INVOICES, json=invoice_body(contract), headers=manager)
    assert response.status_code == 201, response.text
    invoice = response.json()
    assert response.headers["ETag"] == f'"{invoice["version"]}"'
    assert {k: invoice[k] for k in ("taxable_value", "gst_rate", "cgst", "sgst", "igst")} == {
        "taxable_value": "265326.21",
        "gst_rate": "5",
        "cgst": "0.00",
        "sgst": "0.00",
        "igst": "13266.31",
    }
    assert invoice["round_off"] == "0.48"
    assert invoice["total_amount"] == "278593.00"
    assert invoice["paid_amount"] == "0.00"
    assert invoice["outstanding_amount"] == "278593.00"
    assert invoice["status"] == "unpaid"
    assert invoice["financial_year"] == "2026-27"
    for name in ("seller_id", "seller_branch_id", "buyer_id", "buyer_branch_id"):
        assert invoice[name] == contract[name]
    assert invoice["organization_id"] == contract["organization_id"]
    assert invoice["contract_id"] == contract["id"]
    assert invoice["bales"] == 10
    assert invoice["net_weight_kg"] == "1700"


async def test_intra_state_invoice_splits_cgst_and_sgst(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    # 1700 kg at ₹55,500/candy = 265326.21; CGST = SGST = 6633.15525 → 6633.16 each;
    # gross 278592.53 → 278593.00, round_off 0.47.
    contract = await intra_state_contract(client, sales, manager, world)
    invoice = await create_invoice(client, manager, contract)
    assert (invoice["cgst"], invoice["sgst"], invoice["igst"]) == ("6633.16", "6633.16", "0.00")
    assert (invoice["round_off"], invoice["total_amount"]) == ("0.47", "278593.00")


async def test_round_off_down_and_half_up(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    # Intra-state, ₹100.1/kg × 1003 kg = 100400.30; CGST = SGST = 2510.0075 → 2510.01;
    # gross 105420.32 → 105420.00, round_off −0.32.
    intra = await intra_state_contract(client, sales, manager, world, rate="100.1", rate_unit="kg")
    down = await create_invoice(client, manager, intra, net_weight_kg="1003")
    assert down["taxable_value"] == "100400.30"
    assert (down["cgst"], down["sgst"]) == ("2510.01", "2510.01")
    assert (down["round_off"], down["total_amount"]) == ("-0.32", "105420.00")
    # Inter-state, ₹100.33/kg × 1000 kg = 100330.00; IGST 5016.50; gross 105346.50 → up.
    inter = await confirmed_contract(client, sales, manager, world, rate="100.33", rate_unit="kg")
    half = await create_invoice(client, manager, inter, net_weight_kg="1000")
    assert (half["igst"], half["round_off"], half["total_amount"]) == (
        "5016.50",
        "0.50",
        "105347.00",
    )


async def test_a_contract_that_is_not_confirmed_is_422(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str], world: World
) -> None:
    draft = await create_contract(client, sales, world)
    response = await client.post(INVOICES, json=invoice_body(draft), headers=manager)
    body = _problem(response, 422, "invoice.contract_not_confirmed")
    assert body["errors"][0]["loc"] == ["body", "contract_id"]


async def test_unknown_or_invisible_contract_is_404(
    client: httpx.AsyncClient, manager: dict[str, str]
) -> None:
    response = await client.post(
        INVOICES, json=invoice_body({"id": str(uuid.uuid4())}), headers=manager
    )
    _problem(response, 404, "contract.not_found")


async def test_invoiced_bales_may_not_pass_the_contracts(
    client: httpx.AsyncClient, manager: dict[str, str], contract: dict[str, Any]
) -> None:
    await create_invoice(client, manager, contract, bales=60)
    over = await client.post(INVOICES, json=invoice_body(contract, bales=41), headers=manager)
    body = _problem(over, 422, "invoice.exceeds_contract")
    assert body["errors"][0]["loc"] == ["body", "bales"]
    last = await create_invoice(client, manager, contract, bales=40)
    assert last["bales"] == 40


async def test_invoice_no_is_unique_per_seller_and_financial_year(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    contract: dict[str, Any],
) -> None:
    await create_invoice(client, manager, contract, invoice_no="GJ/101")
    again = await client.post(
        INVOICES, json=invoice_body(contract, invoice_no="GJ/101"), headers=manager
    )
    _problem(again, 409, "invoice.duplicate_number")
    # The same number from another seller is fine.
    other = await build_world(client, admin, sales, manager)
    other_contract = await confirmed_contract(client, sales, manager, other)
    await create_invoice(client, manager, other_contract, invoice_no="GJ/101")
    # And from the same seller in the next financial year.
    year = await client.post(
        "/api/v1/financial-years",
        json={"organization_id": world.organization_id, "code": "2027-28"},
        headers=admin,
    )
    assert year.status_code == 201, year.text
    next_year = await create_invoice(
        client, manager, contract, invoice_no="GJ/101", invoice_date="2027-04-10"
    )
    assert next_year["financial_year"] == "2027-28"


async def test_invoice_date_outside_an_open_year_is_422(
    client: httpx.AsyncClient, manager: dict[str, str], contract: dict[str, Any]
) -> None:
    response = await client.post(
        INVOICES, json=invoice_body(contract, invoice_date="2030-01-01"), headers=manager
    )
    body = _problem(response, 422, "financial_year.closed_or_missing")
    assert body["errors"][0]["loc"] == ["body", "invoice_date"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"net_weight_kg": "1e3"},
        {"net_weight_kg": "NaN"},
        {"net_weight_kg": ""},
        {"net_weight_kg": "0"},
        {"net_weight_kg": "-5"},
        {"net_weight_kg": "1.0001"},
        {"bales": 0},
        {"bales": "10"},
        {"invoice_no": "  "},
        {"invoice_date": "2026-13-01"},
        {"extra": 1},
    ],
)
async def test_malformed_bodies_are_422(
    client: httpx.AsyncClient,
    manager: dict[str, str],
    contract: dict[str, Any],
    overrides: dict[str, Any],
) -> None:
    response = await client.post(
        INVOICES, json=invoice_body(contract, **overrides), headers=manager
    )
    assert response.status_code == 422, response.text


async def test_only_invoice_writers_record_invoices(
    client: httpx.AsyncClient, sales: dict[str, str], contract: dict[str, Any]
) -> None:
    response = await client.post(INVOICES, json=invoice_body(contract), headers=sales)
    _problem(response, 403, "auth.forbidden")


async def test_idempotent_replay_returns_the_first_answer(
    client: httpx.AsyncClient, manager: dict[str, str], contract: dict[str, Any]
) -> None:
    headers = {**manager, "Idempotency-Key": f"inv-{uuid.uuid4()}"}
    body = invoice_body(contract)
    first = await client.post(INVOICES, json=body, headers=headers)
    second = await client.post(INVOICES, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    listed = await client.get(INVOICES, params={"contract_id": contract["id"]}, headers=manager)
    assert listed.json()["total"] == 1
    reused = await client.post(INVOICES, json={**body, "invoice_no": "OTHER-1"}, headers=headers)
    _problem(reused, 422, "idempotency.key_reused")


async def test_get_and_list_with_filters_and_sort(
    client: httpx.AsyncClient,
    manager: dict[str, str],
    sales: dict[str, str],
    contract: dict[str, Any],
) -> None:
    small = await create_invoice(client, manager, contract, net_weight_kg="850", bales=5)
    big = await create_invoice(client, manager, contract, invoice_date="2026-12-10")
    got = await client.get(f"{INVOICES}/{small['id']}", headers=sales)
    assert got.status_code == 200
    assert got.json() == small
    assert got.headers["ETag"] == f'"{small["version"]}"'
    ascending = await client.get(
        INVOICES,
        params={"contract_id": contract["id"], "sort": "total_amount"},
        headers=manager,
    )
    assert [i["id"] for i in ascending.json()["items"]] == [small["id"], big["id"]]
    dated = await client.get(
        INVOICES,
        params={"party_id": contract["buyer_id"], "date_from": "2026-12-06", "status": "unpaid"},
        headers=manager,
    )
    assert [i["id"] for i in dated.json()["items"]] == [big["id"]]
    by_seller = await client.get(
        INVOICES, params={"seller_id": contract["seller_id"], "limit": 1}, headers=manager
    )
    assert by_seller.json()["total"] == 2
    assert len(by_seller.json()["items"]) == 1
    bad_sort = await client.get(INVOICES, params={"sort": "bales"}, headers=manager)
    assert bad_sort.status_code == 422
    assert (await client.get(INVOICES, params={"limit": 201}, headers=manager)).status_code == 422
    missing = await client.get(f"{INVOICES}/{uuid.uuid4()}", headers=manager)
    _problem(missing, 404, "invoice.not_found")


async def test_partner_users_see_only_their_own_invoices(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    sign_in: SignIn,
    world: World,
    contract: dict[str, Any],
) -> None:
    mine = await create_invoice(client, manager, contract)
    other_world = await build_world(client, admin, sales, manager)
    theirs = await create_invoice(
        client, manager, await confirmed_contract(client, sales, manager, other_world)
    )
    for party in (world.buyer, world.seller):
        user = await sign_in(roles=["partner"], partner_id=uuid.UUID(party["id"]))
        seen = await client.get(f"{INVOICES}/{mine['id']}", headers=user.headers)
        assert seen.status_code == 200, seen.text
        hidden = await client.get(f"{INVOICES}/{theirs['id']}", headers=user.headers)
        _problem(hidden, 404, "invoice.not_found")
        listed = await client.get(INVOICES, headers=user.headers)
        assert [i["id"] for i in listed.json()["items"]] == [mine["id"]]
        refused = await client.post(INVOICES, json=invoice_body(contract), headers=user.headers)
        assert refused.status_code == 403


async def test_list_query_count_does_not_grow_with_the_page(
    client: httpx.AsyncClient,
    manager: dict[str, str],
    contract: dict[str, Any],
    query_counter: Any,
) -> None:
    for _ in range(3):
        await create_invoice(client, manager, contract, bales=2)
    query_counter.reset()
    response = await client.get(INVOICES, params={"limit": 1}, headers=manager)
    one = query_counter.count
    query_counter.reset()
    response = await client.get(INVOICES, params={"limit": 50}, headers=manager)
    assert response.json()["total"] == 3
    assert query_counter.count == one
