"""POST /brokerage-bills: exact amounts (intra- and inter-state, round-off), the period's ends,
only confirmed unbilled commissions, nothing_to_bill, gapless BRK numbers, validation."""

from __future__ import annotations

import uuid

import httpx

from tests.brokerage.helpers import BILLS, bill_body, create_bill
from tests.contract.helpers import CONTRACTS, World, confirmed_contract, create_contract


async def test_buyer_in_the_organizations_state_pays_cgst_and_sgst_with_round_off(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    # Buyer brokerage is ₹25 a bale: 100 + 33 bales → ₹3,325.00; the buyer is in state 27 as
    # the organization: CGST = SGST = 9 % = 299.25, gross 3,923.50 → 3,924 (+0.50).
    first = await confirmed_contract(client, sales, manager, world, contract_date="2026-11-02")
    second = await confirmed_contract(
        client, sales, manager, world, contract_date="2026-11-20", bales=33
    )
    response = await client.post(BILLS, json=bill_body(world, world.buyer), headers=admin)
    assert response.status_code == 201, response.text
    bill = response.json()
    assert bill["bill_no"] == "BRK/26-27/00001"
    assert bill["financial_year"] == "2026-27"
    assert bill["partner_id"] == world.buyer["id"]
    assert (bill["sac"], bill["gst_rate"]) == ("996111", "18")
    assert (bill["supplier_state_code"], bill["recipient_state_code"]) == ("27", "27")
    amounts = {k: bill[k] for k in ("taxable_value", "cgst", "sgst", "igst", "round_off")}
    assert amounts == {
        "taxable_value": "3325.00",
        "cgst": "299.25",
        "sgst": "299.25",
        "igst": "0.00",
        "round_off": "0.50",
    }
    assert bill["total_amount"] == "3924.00"
    assert (bill["paid_amount"], bill["outstanding_amount"]) == ("0.00", "3924.00")
    assert bill["status"] == "unpaid"
    assert response.headers["etag"] == f'"{bill["version"]}"'
    assert [(line["contract_id"], line["side"], line["amount"]) for line in bill["lines"]] == [
        (first["id"], "buyer", "2500.00"),
        (second["id"], "buyer", "825.00"),
    ]
    assert bill["lines"][0]["contract_no"] == first["contract_no"]
    assert bill["lines"][0]["contract_date"] == "2026-11-02"
    fetched = await client.get(f"{BILLS}/{bill['id']}", headers=sales)
    assert fetched.status_code == 200 and fetched.json() == bill
    assert fetched.headers["etag"] == f'"{bill["version"]}"'


async def test_seller_in_another_state_pays_igst_with_a_negative_round_off(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    seller_amount = next(c for c in contract["commissions"] if c["side"] == "seller")["amount"]
    assert seller_amount == "13266.31"  # 0.5 % of ₹26,53,262.09
    bill = await create_bill(client, admin, world, world.seller)
    # State 24 against 27: IGST 18 % = 2,387.9358 → 2,387.94; gross 15,654.25 → 15,654 (−0.25).
    assert (bill["supplier_state_code"], bill["recipient_state_code"]) == ("27", "24")
    assert (bill["taxable_value"], bill["cgst"], bill["sgst"]) == ("13266.31", "0.00", "0.00")
    assert (bill["igst"], bill["round_off"], bill["total_amount"]) == (
        "2387.94",
        "-0.25",
        "15654.00",
    )
    assert [line["side"] for line in bill["lines"]] == ["seller"]


async def test_both_ends_of_the_period_are_included(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    dates = ["2026-10-31", "2026-11-01", "2026-11-30", "2026-12-01"]
    contracts = [
        await confirmed_contract(client, sales, manager, world, contract_date=day) for day in dates
    ]
    bill = await create_bill(client, admin, world, world.buyer)
    assert [line["contract_id"] for line in bill["lines"]] == [c["id"] for c in contracts[1:3]]
    assert [line["contract_date"] for line in bill["lines"]] == ["2026-11-01", "2026-11-30"]
    assert bill["taxable_value"] == "5000.00"


async def test_only_confirmed_contracts_of_the_organization_are_billed(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    confirmed = await confirmed_contract(client, sales, manager, world)
    await create_contract(client, sales, world)  # draft
    pending = await create_contract(client, sales, world)
    assert (
        await client.post(f"{CONTRACTS}/{pending['id']}/submit", headers=sales)
    ).status_code == 200
    cancelled = await confirmed_contract(client, sales, manager, world)
    answer = await client.post(
        f"{CONTRACTS}/{cancelled['id']}/cancel", json={"reason": "void"}, headers=sales
    )
    assert answer.status_code == 200, answer.text
    bill = await create_bill(client, admin, world, world.buyer)
    assert [line["contract_id"] for line in bill["lines"]] == [confirmed["id"]]


async def test_billed_commissions_are_not_billed_again_and_numbers_stay_gapless(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    first = await confirmed_contract(client, sales, manager, world)
    bill = await create_bill(client, admin, world, world.buyer)
    assert [line["contract_id"] for line in bill["lines"]] == [first["id"]]
    again = await client.post(BILLS, json=bill_body(world, world.buyer), headers=admin)
    assert again.status_code == 422, again.text
    assert again.json()["code"] == "brokerage.nothing_to_bill"
    # The refused bill took no number.
    later = await confirmed_contract(client, sales, manager, world, contract_date="2026-11-29")
    second = await create_bill(client, admin, world, world.buyer)
    assert second["bill_no"] == "BRK/26-27/00002"
    assert [line["contract_id"] for line in second["lines"]] == [later["id"]]
    # The seller's side of the same contracts is still due, on its own bill.
    seller_bill = await create_bill(client, admin, world, world.seller)
    assert seller_bill["bill_no"] == "BRK/26-27/00003"
    assert len(seller_bill["lines"]) == 2
    # An amendment of a billed contract is refused by the contract module.
    amend = await client.post(
        f"{CONTRACTS}/{first['id']}/amend",
        json={"changes": {"bales": 101}, "reason": "more"},
        headers=sales,
    )
    assert amend.status_code == 409
    assert amend.json()["code"] == "contract.commission_billed"


async def test_nothing_due_at_all_is_nothing_to_bill(
    client: httpx.AsyncClient, admin: dict[str, str], world: World
) -> None:
    response = await client.post(BILLS, json=bill_body(world, world.buyer), headers=admin)
    assert response.status_code == 422
    assert response.json()["code"] == "brokerage.nothing_to_bill"


async def test_malformed_and_impossible_requests_are_422(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    await confirmed_contract(client, sales, manager, world)
    cases = {
        "validation.invalid": bill_body(
            world, world.buyer, period_from="2026-12-01", period_to="2026-11-01"
        ),
        "financial_year.closed_or_missing": bill_body(world, world.buyer, bill_date="2027-04-01"),
        "brokerage.partner_unknown": bill_body(world, {"id": str(uuid.uuid4())}),
        "brokerage.organization_unknown": bill_body(
            world, world.buyer, organization_id=str(uuid.uuid4())
        ),
    }
    for code, body in cases.items():
        response = await client.post(BILLS, json=body, headers=admin)
        assert response.status_code == 422, (code, response.text)
        assert response.json()["code"] == code, response.text
    missing_year = await client.post(
        BILLS, json=bill_body(world, world.buyer, bill_date="2027-04-01"), headers=admin
    )
    assert missing_year.json()["errors"][0]["loc"] == ["body", "bill_date"]
    # None of the refusals billed anything.
    bill = await create_bill(client, admin, world, world.buyer)
    assert bill["bill_no"] == "BRK/26-27/00001"


async def test_sales_may_read_but_not_raise_bills(
    client: httpx.AsyncClient, sales: dict[str, str], world: World
) -> None:
    response = await client.post(BILLS, json=bill_body(world, world.buyer), headers=sales)
    assert response.status_code == 403
