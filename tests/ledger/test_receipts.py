"""Receipts against brokerage bills through POST /payments (api.md §8): parties, balances,
status, over-allocation, cancelled bills, reversal, TDS, and what the ledger keeps of them."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.brokerage.helpers import BILLS
from tests.contract.helpers import World
from tests.invoice.helpers import PAYMENTS
from tests.ledger.helpers import (
    BILL_TOTAL,
    billed,
    get_bill,
    problem,
    receipt_body,
    receive,
    reverse,
)
from tradehub.brokerage.models import BrokerageBill
from tradehub.ledger.models import LedgerDocument, LedgerEntry
from tradehub.payment.models import PaymentAllocation


@pytest.fixture
async def bill(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> dict[str, Any]:
    made = await billed(client, admin, sales, manager, world)
    assert (made["total_amount"], made["status"]) == (BILL_TOTAL, "unpaid")
    return made


async def _consistent(db: AsyncSession, bill_id: str) -> Decimal:
    """paid_amount = the active allocation rows; the ledger's open balance = total − paid =
    the sum of the bill's ledger entries. Returns the outstanding amount."""
    key = uuid.UUID(bill_id)
    allocated = await db.scalar(
        select(func.coalesce(func.sum(PaymentAllocation.amount), 0)).where(
            PaymentAllocation.brokerage_bill_id == key, PaymentAllocation.reversed_at.is_(None)
        )
    )
    row = await db.scalar(
        select(BrokerageBill)
        .where(BrokerageBill.id == key)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    assert Decimal(allocated) == row.paid_amount <= row.total_amount
    document = await db.scalar(
        select(LedgerDocument)
        .where(LedgerDocument.document_id == key)
        .execution_options(populate_existing=True)
    )
    assert document is not None
    entries = (
        await db.execute(
            select(LedgerEntry.debit, LedgerEntry.credit).where(LedgerEntry.target_id == key)
        )
    ).all()
    summed = sum((debit - credit for debit, credit in entries), Decimal("0.00"))
    cancelled = row.status == "cancelled"
    open_amount = Decimal("0.00") if cancelled else row.total_amount - row.paid_amount
    assert document.balance == summed == open_amount
    assert document.is_open == (open_amount != 0)
    return open_amount


async def test_receipts_move_the_bill_from_unpaid_to_partially_paid_to_paid(
    client: httpx.AsyncClient, manager: dict[str, str], bill: dict[str, Any], db: AsyncSession
) -> None:
    first = await receive(client, manager, receipt_body(bill, "1000"))
    assert first["payee_id"] == bill["organization_id"]
    assert first["organization_id"] == bill["organization_id"]
    assert first["allocations"][0]["brokerage_bill_id"] == bill["id"]
    assert first["allocations"][0]["invoice_id"] is None
    assert (first["allocated_amount"], first["unallocated_amount"]) == ("1000.00", "0.00")
    seen = await get_bill(client, manager, bill)
    assert (seen["status"], seen["paid_amount"], seen["outstanding_amount"]) == (
        "partially_paid",
        "1000.00",
        "1950.00",
    )
    assert await _consistent(db, bill["id"]) == Decimal("1950.00")
    body = receipt_body(bill, "2000", method="cheque", reference=None)
    body["allocations"][0]["amount"] = "1950"
    second = await receive(client, manager, body)
    assert (second["allocated_amount"], second["unallocated_amount"]) == ("1950.00", "50.00")
    seen = await get_bill(client, manager, bill)
    assert (seen["status"], seen["paid_amount"], seen["outstanding_amount"]) == (
        "paid",
        BILL_TOTAL,
        "0.00",
    )
    assert await _consistent(db, bill["id"]) == 0
    listed = await client.get(BILLS, params={"status": "paid"}, headers=manager)
    assert [b["id"] for b in listed.json()["items"]] == [bill["id"]]


async def test_more_than_the_outstanding_is_409_and_nothing_is_kept(
    client: httpx.AsyncClient, manager: dict[str, str], bill: dict[str, Any], db: AsyncSession
) -> None:
    await receive(client, manager, receipt_body(bill, "2900"))
    over = await client.post(PAYMENTS, json=receipt_body(bill, "50.01"), headers=manager)
    body = problem(over, 409, "brokerage.over_allocation")
    assert body["outstanding_amount"] == "50.00"
    assert await _consistent(db, bill["id"]) == Decimal("50.00")
    exact = await receive(client, manager, receipt_body(bill, "50"))
    assert exact["allocated_amount"] == "50.00"
    assert (await get_bill(client, manager, bill))["status"] == "paid"
    again = await client.post(PAYMENTS, json=receipt_body(bill, "0.01"), headers=manager)
    problem(again, 409, "brokerage.over_allocation")


async def test_payer_must_be_the_billed_partner_and_payee_the_bills_organization(
    client: httpx.AsyncClient,
    manager: dict[str, str],
    world: World,
    bill: dict[str, Any],
) -> None:
    where = ["body", "allocations", 0, "brokerage_bill_id"]
    wrong_payer = receipt_body(bill, "10", payer_id=world.seller["id"])
    answer = problem(
        await client.post(PAYMENTS, json=wrong_payer, headers=manager),
        422,
        "payment.party_mismatch",
    )
    assert answer["errors"][0]["loc"] == where
    # A goods-style payment to the seller cannot settle the buyer's brokerage bill.
    wrong_payee = receipt_body(bill, "10", payee_id=world.seller["id"])
    answer = problem(
        await client.post(PAYMENTS, json=wrong_payee, headers=manager),
        422,
        "payment.party_mismatch",
    )
    assert answer["errors"][0]["loc"] == where
    unknown = receipt_body(bill, "10")
    unknown["allocations"][0]["brokerage_bill_id"] = str(uuid.uuid4())
    problem(
        await client.post(PAYMENTS, json=unknown, headers=manager), 404, "brokerage.bill_not_found"
    )


async def test_duplicate_bill_allocations_and_allocations_over_the_payment_are_422(
    client: httpx.AsyncClient, manager: dict[str, str], bill: dict[str, Any]
) -> None:
    twice = receipt_body(bill, "20")
    twice["allocations"] = [{"brokerage_bill_id": bill["id"], "amount": "10"}] * 2
    answer = problem(
        await client.post(PAYMENTS, json=twice, headers=manager),
        422,
        "payment.duplicate_allocation",
    )
    assert answer["errors"][0]["loc"] == ["body", "allocations", 1, "brokerage_bill_id"]
    over = receipt_body(bill, "10")
    over["allocations"][0]["amount"] = "10.01"
    problem(
        await client.post(PAYMENTS, json=over, headers=manager),
        422,
        "payment.allocations_exceed_amount",
    )


async def test_a_cancelled_bill_takes_no_receipts(
    client: httpx.AsyncClient, manager: dict[str, str], bill: dict[str, Any], db: AsyncSession
) -> None:
    cancelled = await client.post(
        f"{BILLS}/{bill['id']}/cancel", json={"reason": "billed twice"}, headers=manager
    )
    assert cancelled.status_code == 200, cancelled.text
    refused = await client.post(PAYMENTS, json=receipt_body(bill, "10"), headers=manager)
    problem(refused, 409, "brokerage.bill_cancelled")
    assert await _consistent(db, bill["id"]) == 0


async def test_a_bill_with_receipts_cannot_be_cancelled_until_they_are_reversed(
    client: httpx.AsyncClient, manager: dict[str, str], bill: dict[str, Any], db: AsyncSession
) -> None:
    payment = await receive(client, manager, receipt_body(bill, BILL_TOTAL))
    cancel = f"{BILLS}/{bill['id']}/cancel"
    problem(
        await client.post(cancel, json={"reason": "x"}, headers=manager),
        409,
        "brokerage.invalid_transition",
    )
    reversed_ = await reverse(client, manager, payment)
    assert reversed_["status"] == "reversed"
    assert reversed_["allocations"][0]["reversed_at"] is not None
    seen = await get_bill(client, manager, bill)
    assert (seen["status"], seen["paid_amount"], seen["outstanding_amount"]) == (
        "unpaid",
        "0.00",
        BILL_TOTAL,
    )
    assert await _consistent(db, bill["id"]) == Decimal(BILL_TOTAL)
    cancelled = await client.post(cancel, json={"reason": "wrong partner"}, headers=manager)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["outstanding_amount"] == "0.00"
    assert await _consistent(db, bill["id"]) == 0


async def test_reversal_restores_the_outstanding_of_each_bill_it_paid(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    bill: dict[str, Any],
    db: AsyncSession,
) -> None:
    other = await billed(
        client, admin, sales, manager, world, contract_date="2026-11-11", bill_date="2026-12-02"
    )
    kept = await receive(client, manager, receipt_body(bill, "100"))
    both = receipt_body(bill, "3000")
    both["allocations"] = [
        {"brokerage_bill_id": other["id"], "amount": "2950"},
        {"brokerage_bill_id": bill["id"], "amount": "50"},
    ]
    paid = await receive(client, manager, both)
    assert [a["brokerage_bill_id"] for a in paid["allocations"]] == [other["id"], bill["id"]]
    assert (await get_bill(client, manager, other))["status"] == "paid"
    assert (await get_bill(client, manager, bill))["paid_amount"] == "150.00"
    await reverse(client, manager, paid)
    assert (await get_bill(client, manager, other))["outstanding_amount"] == BILL_TOTAL
    seen = await get_bill(client, manager, bill)
    assert (seen["status"], seen["paid_amount"]) == ("partially_paid", "100.00")
    assert await _consistent(db, bill["id"]) == Decimal("2850.00")
    assert await _consistent(db, other["id"]) == Decimal(BILL_TOTAL)
    again = await client.post(
        f"{PAYMENTS}/{paid['id']}/reverse", json={"reason": "again"}, headers=manager
    )
    problem(again, 409, "payment.already_reversed")
    await reverse(client, manager, kept)
    assert (await get_bill(client, manager, bill))["status"] == "unpaid"
    rows = await db.scalar(
        select(func.count()).where(PaymentAllocation.brokerage_bill_id == uuid.UUID(bill["id"]))
    )
    assert rows == 2  # nothing deleted


async def test_tds_is_withheld_by_the_partner_and_the_bill_is_settled_gross(
    client: httpx.AsyncClient, manager: dict[str, str], bill: dict[str, Any], db: AsyncSession
) -> None:
    # TDS under section 194H: 2 % of the taxable ₹2,500 = ₹50 withheld; ₹2,900 changes hands.
    payment = await receive(client, manager, receipt_body(bill, BILL_TOTAL, tds_amount="50"))
    assert (payment["amount"], payment["tds_amount"], payment["net_amount"]) == (
        BILL_TOTAL,
        "50.00",
        "2900.00",
    )
    assert (await get_bill(client, manager, bill))["status"] == "paid"
    assert await _consistent(db, bill["id"]) == 0
    credit = await db.scalar(
        select(LedgerEntry.credit).where(
            LedgerEntry.document_id == uuid.UUID(payment["id"]),
            LedgerEntry.document_type == "payment",
        )
    )
    assert credit == Decimal(BILL_TOTAL)
