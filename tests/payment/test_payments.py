"""POST/GET /payments and reversal through HTTP (api.md §7)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.contract.helpers import World, build_world, confirmed_contract
from tests.invoice.helpers import INVOICES, PAYMENTS, create_invoice, payment_body
from tradehub.invoice.models import Invoice
from tradehub.payment.models import PaymentAllocation

TOTAL = "278593.00"  # 1700 kg at ₹55,500/candy, inter-state (tests/invoice)


@pytest.fixture
async def invoice(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str], world: World
) -> dict[str, Any]:
    contract = await confirmed_contract(client, sales, manager, world)
    made = await create_invoice(client, manager, contract)
    assert made["total_amount"] == TOTAL
    return made


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


async def _pay(client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]) -> Any:
    response = await client.post(PAYMENTS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def _invoice(client: httpx.AsyncClient, headers: dict[str, str], invoice_id: str) -> Any:
    response = await client.get(f"{INVOICES}/{invoice_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _consistent(db: AsyncSession, invoice_id: str) -> None:
    """The maintained balance equals the active allocation rows."""
    key = uuid.UUID(invoice_id)
    allocated = await db.scalar(
        select(func.coalesce(func.sum(PaymentAllocation.amount), 0)).where(
            PaymentAllocation.invoice_id == key, PaymentAllocation.reversed_at.is_(None)
        )
    )
    invoice = await db.scalar(
        select(Invoice).where(Invoice.id == key).execution_options(populate_existing=True)
    )
    assert invoice is not None
    assert Decimal(allocated) == invoice.paid_amount <= invoice.total_amount


async def test_status_goes_unpaid_partially_paid_paid_and_rest_stays_on_account(
    client: httpx.AsyncClient, manager: dict[str, str], invoice: dict[str, Any], db: AsyncSession
) -> None:
    first = await _pay(client, manager, payment_body(invoice, "100000.00"))
    assert first["status"] == "active"
    assert (first["allocated_amount"], first["unallocated_amount"]) == ("100000.00", "0.00")
    assert first["allocations"][0]["invoice_id"] == invoice["id"]
    assert first["allocations"][0]["amount"] == "100000.00"
    seen = await _invoice(client, manager, invoice["id"])
    assert (seen["status"], seen["paid_amount"], seen["outstanding_amount"]) == (
        "partially_paid",
        "100000.00",
        "178593.00",
    )
    await _consistent(db, invoice["id"])
    body = payment_body(invoice, "200000", method="cash", reference=None)
    body["allocations"] = [{"invoice_id": invoice["id"], "amount": "178593"}]
    second = await _pay(client, manager, body)
    assert (second["amount"], second["allocated_amount"], second["unallocated_amount"]) == (
        "200000.00",
        "178593.00",
        "21407.00",
    )
    seen = await _invoice(client, manager, invoice["id"])
    assert (seen["status"], seen["paid_amount"], seen["outstanding_amount"]) == (
        "paid",
        TOTAL,
        "0.00",
    )
    await _consistent(db, invoice["id"])
    listed = await client.get(PAYMENTS, params={"invoice_id": invoice["id"]}, headers=manager)
    assert listed.json()["total"] == 2


async def test_allocating_more_than_outstanding_is_409(
    client: httpx.AsyncClient, manager: dict[str, str], invoice: dict[str, Any]
) -> None:
    await _pay(client, manager, payment_body(invoice, "278000"))
    over = await client.post(PAYMENTS, json=payment_body(invoice, "593.01"), headers=manager)
    _problem(over, 409, "invoice.over_allocation")
    exact = await _pay(client, manager, payment_body(invoice, "593"))
    assert exact["allocated_amount"] == "593.00"


async def test_allocations_over_the_payment_are_422(
    client: httpx.AsyncClient, manager: dict[str, str], invoice: dict[str, Any]
) -> None:
    body = payment_body(invoice, "1000")
    body["allocations"] = [{"invoice_id": invoice["id"], "amount": "1000.01"}]
    problem = _problem(
        await client.post(PAYMENTS, json=body, headers=manager),
        422,
        "payment.allocations_exceed_amount",
    )
    assert problem["errors"][0]["loc"] == ["body", "allocations"]


async def test_bank_transfers_need_a_reference(
    client: httpx.AsyncClient, manager: dict[str, str], invoice: dict[str, Any]
) -> None:
    for method in ("neft", "rtgs", "imps", "upi"):
        body = payment_body(invoice, "10", method=method, reference=None)
        problem = _problem(
            await client.post(PAYMENTS, json=body, headers=manager),
            422,
            "payment.reference_required",
        )
        assert problem["errors"][0]["loc"] == ["body", "reference"]
    for method in ("cheque", "cash"):
        await _pay(client, manager, payment_body(invoice, "10", method=method, reference=None))


async def test_payer_must_be_the_buyer_and_payee_the_seller(
    client: httpx.AsyncClient, manager: dict[str, str], invoice: dict[str, Any]
) -> None:
    body = payment_body(invoice, "10", payer_id=invoice["seller_id"], payee_id=invoice["buyer_id"])
    problem = _problem(
        await client.post(PAYMENTS, json=body, headers=manager), 422, "payment.party_mismatch"
    )
    assert problem["errors"][0]["loc"] == ["body", "allocations", 0, "invoice_id"]


async def test_an_unknown_brokerage_bill_is_404_and_mixing_with_invoices_is_422(
    client: httpx.AsyncClient, manager: dict[str, str], invoice: dict[str, Any]
) -> None:
    # Receipts against brokerage bills are supported now (tests/ledger/test_receipts.py).
    body = payment_body(invoice, "10")
    body["allocations"] = [{"brokerage_bill_id": str(uuid.uuid4()), "amount": "10"}]
    _problem(
        await client.post(PAYMENTS, json=body, headers=manager), 404, "brokerage.bill_not_found"
    )
    body["allocations"].append({"invoice_id": invoice["id"], "amount": "10"})
    body["amount"] = "20"
    problem = _problem(
        await client.post(PAYMENTS, json=body, headers=manager), 422, "payment.mixed_targets"
    )
    assert problem["errors"][0]["loc"] == ["body", "allocations"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount": "0"},
        {"amount": "-1"},
        {"amount": "1e3"},
        {"amount": "10.001"},
        {"method": "dd"},
        {"payment_date": "20-12-2026"},
        {"allocations": [{"amount": "5"}]},
        {"allocations": [{"invoice_id": str(uuid.uuid4()), "amount": "0"}]},
        {"surprise": True},
    ],
)
async def test_malformed_payments_are_422(
    client: httpx.AsyncClient,
    manager: dict[str, str],
    invoice: dict[str, Any],
    overrides: dict[str, Any],
) -> None:
    body = {**payment_body(invoice, "10"), **overrides}
    response = await client.post(PAYMENTS, json=body, headers=manager)
    assert response.status_code == 422, response.text


async def test_duplicate_allocation_tds_and_unknown_invoice(
    client: httpx.AsyncClient, manager: dict[str, str], invoice: dict[str, Any]
) -> None:
    body = payment_body(invoice, "20")
    body["allocations"] = [{"invoice_id": invoice["id"], "amount": "10"}] * 2
    _problem(
        await client.post(PAYMENTS, json=body, headers=manager),
        422,
        "payment.duplicate_allocation",
    )
    tds = await _pay(client, manager, payment_body(invoice, "1000", tds_amount="20"))
    assert (tds["tds_amount"], tds["net_amount"]) == ("20.00", "980.00")
    too_much = payment_body(invoice, "10", tds_amount="11")
    _problem(
        await client.post(PAYMENTS, json=too_much, headers=manager),
        422,
        "payment.tds_exceeds_amount",
    )
    body = payment_body(invoice, "10")
    body["allocations"][0]["invoice_id"] = str(uuid.uuid4())
    _problem(await client.post(PAYMENTS, json=body, headers=manager), 404, "invoice.not_found")


async def test_on_account_payment_names_its_organization(
    client: httpx.AsyncClient, manager: dict[str, str], invoice: dict[str, Any]
) -> None:
    body = payment_body(invoice, "5000", allocations=[])
    _problem(
        await client.post(PAYMENTS, json=body, headers=manager),
        422,
        "payment.organization_required",
    )
    body["organization_id"] = invoice["organization_id"]
    made = await _pay(client, manager, body)
    assert (made["allocated_amount"], made["unallocated_amount"]) == ("0.00", "5000.00")
    closed = payment_body(invoice, "10", payment_date="2031-01-01")
    _problem(
        await client.post(PAYMENTS, json=closed, headers=manager),
        422,
        "financial_year.closed_or_missing",
    )


async def test_reversal_restores_the_invoice_and_keeps_the_rows(
    client: httpx.AsyncClient, manager: dict[str, str], invoice: dict[str, Any], db: AsyncSession
) -> None:
    kept = await _pay(client, manager, payment_body(invoice, "1000"))
    paid = await _pay(client, manager, payment_body(invoice, "277593"))
    assert (await _invoice(client, manager, invoice["id"]))["status"] == "paid"
    url = f"{PAYMENTS}/{paid['id']}/reverse"
    stale = await client.post(
        url, json={"reason": "bounced"}, headers={**manager, "If-Match": '"999"'}
    )
    _problem(stale, 412, "version.conflict")
    reversed_ = await client.post(
        url,
        json={"reason": "cheque bounced"},
        headers={**manager, "If-Match": f'"{paid["version"]}"'},
    )
    assert reversed_.status_code == 200, reversed_.text
    answer = reversed_.json()
    assert answer["status"] == "reversed"
    assert answer["reversal_reason"] == "cheque bounced"
    assert answer["reversed_at"] is not None
    assert answer["allocations"][0]["reversed_at"] is not None
    assert answer["allocations"][0]["amount"] == "277593.00"
    assert (answer["allocated_amount"], answer["unallocated_amount"]) == ("0.00", "0.00")
    seen = await _invoice(client, manager, invoice["id"])
    assert (seen["status"], seen["paid_amount"], seen["outstanding_amount"]) == (
        "partially_paid",
        "1000.00",
        "277593.00",
    )
    await _consistent(db, invoice["id"])
    again = await client.post(url, json={"reason": "again"}, headers=manager)
    _problem(again, 409, "payment.already_reversed")
    await client.post(f"{PAYMENTS}/{kept['id']}/reverse", json={"reason": "x"}, headers=manager)
    seen = await _invoice(client, manager, invoice["id"])
    assert (seen["status"], seen["paid_amount"]) == ("unpaid", "0.00")
    await _consistent(db, invoice["id"])
    rows = await db.scalar(
        select(func.count()).where(PaymentAllocation.invoice_id == uuid.UUID(invoice["id"]))
    )
    assert rows == 2  # nothing deleted
    listed = await client.get(PAYMENTS, params={"status": "reversed"}, headers=manager)
    assert listed.json()["total"] == 2


async def test_idempotent_payment_replay(
    client: httpx.AsyncClient, manager: dict[str, str], invoice: dict[str, Any]
) -> None:
    headers = {**manager, "Idempotency-Key": f"pay-{uuid.uuid4()}"}
    body = payment_body(invoice, "150000")
    first = await client.post(PAYMENTS, json=body, headers=headers)
    second = await client.post(PAYMENTS, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert (await _invoice(client, manager, invoice["id"]))["paid_amount"] == "150000.00"
    other = await client.post(PAYMENTS, json={**body, "amount": "1"}, headers=headers)
    _problem(other, 422, "idempotency.key_reused")


async def test_partner_users_see_only_their_payments(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    sign_in: SignIn,
    world: World,
    invoice: dict[str, Any],
) -> None:
    mine = await _pay(client, manager, payment_body(invoice, "10"))
    other_world = await build_world(client, admin, sales, manager)
    other_invoice = await create_invoice(
        client, manager, await confirmed_contract(client, sales, manager, other_world)
    )
    theirs = await _pay(client, manager, payment_body(other_invoice, "10"))
    for party in (world.buyer, world.seller):
        user = await sign_in(roles=["partner"], partner_id=uuid.UUID(party["id"]))
        seen = await client.get(f"{PAYMENTS}/{mine['id']}", headers=user.headers)
        assert seen.status_code == 200
        assert seen.json()["allocations"][0]["invoice_id"] == invoice["id"]
        _problem(
            await client.get(f"{PAYMENTS}/{theirs['id']}", headers=user.headers),
            404,
            "payment.not_found",
        )
        listed = await client.get(PAYMENTS, headers=user.headers)
        assert [p["id"] for p in listed.json()["items"]] == [mine["id"]]
        refused = await client.post(PAYMENTS, json=payment_body(invoice, "1"), headers=user.headers)
        assert refused.status_code == 403


async def test_payment_list_sorts_filters_and_bounds_its_queries(
    client: httpx.AsyncClient, manager: dict[str, str], invoice: dict[str, Any], query_counter: Any
) -> None:
    small = await _pay(client, manager, payment_body(invoice, "5", payment_date="2026-12-21"))
    big = await _pay(client, manager, payment_body(invoice, "50"))
    sorted_ = await client.get(
        PAYMENTS, params={"payer_id": invoice["buyer_id"], "sort": "-amount"}, headers=manager
    )
    assert [p["id"] for p in sorted_.json()["items"]] == [big["id"], small["id"]]
    dated = await client.get(
        PAYMENTS,
        params={"party_id": invoice["seller_id"], "date_from": "2026-12-21", "method": "neft"},
        headers=manager,
    )
    assert [p["id"] for p in dated.json()["items"]] == [small["id"]]
    bad_sort = await client.get(PAYMENTS, params={"sort": "method"}, headers=manager)
    assert bad_sort.status_code == 422
    query_counter.reset()
    await client.get(PAYMENTS, params={"limit": 1}, headers=manager)
    one = query_counter.count
    query_counter.reset()
    await client.get(PAYMENTS, params={"limit": 50}, headers=manager)
    assert query_counter.count == one
