"""GET /partners/{id}/ledger (api.md §8): bills debit, receipts credit, in date order with a
running balance; the opening balance of earlier dates; contra entries for a cancelled bill and
a reversed receipt; visibility; the goods account; bounded queries."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.auth_helpers import SignIn
from tests.brokerage.helpers import BILLS
from tests.contract.helpers import World, confirmed_contract
from tests.invoice.helpers import create_invoice, payment_body
from tests.ledger.helpers import (
    BILL_TOTAL,
    billed,
    ledger,
    ledger_url,
    problem,
    receipt_body,
    receive,
    reverse,
)
from tests.partner.helpers import active_partner

Headers = dict[str, str]
KEYS = {"date", "document_type", "document_id", "document_no", "debit", "credit", "balance"}


def _today_in_india() -> date:
    return datetime.now(ZoneInfo("Asia/Kolkata")).date()


def _rows(answer: dict[str, Any]) -> list[tuple[str, str, str | None, str, str, str]]:
    for entry in answer["entries"]:
        assert set(entry) == KEYS
    return [
        (
            e["date"],
            e["document_type"],
            e["document_no"],
            e["debit"],
            e["credit"],
            e["balance"],
        )
        for e in answer["entries"]
    ]


async def _two_bills_and_receipts(
    client: httpx.AsyncClient, admin: Headers, sales: Headers, manager: Headers, world: World
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Bill 1 on 1 Dec, ₹1,000 received on 5 Dec, bill 2 on 15 Dec, one receipt on 20 Dec
    settling the rest of bill 1 and ₹500 of bill 2."""
    first = await billed(client, admin, sales, manager, world, bill_date="2026-12-01")
    second = await billed(
        client,
        admin,
        sales,
        manager,
        world,
        contract_date="2026-11-12",
        bill_date="2026-12-15",
    )
    early = await receive(
        client, manager, receipt_body(first, "1000", payment_date="2026-12-05", reference="UTR-A")
    )
    both = receipt_body(first, "2450", payment_date="2026-12-20", reference="UTR-B")
    both["allocations"] = [
        {"brokerage_bill_id": second["id"], "amount": "500"},
        {"brokerage_bill_id": first["id"], "amount": "1950"},
    ]
    late = await receive(client, manager, both)
    return first, second, early, late


async def test_bills_debit_receipts_credit_in_date_order_with_a_running_balance(
    client: httpx.AsyncClient, admin: Headers, sales: Headers, manager: Headers, world: World
) -> None:
    first, second, early, late = await _two_bills_and_receipts(client, admin, sales, manager, world)
    answer = await ledger(client, manager, world.buyer["id"])
    assert answer["opening_balance"] == "0.00"
    assert _rows(answer) == [
        ("2026-12-01", "brokerage_bill", first["bill_no"], BILL_TOTAL, "0.00", "2950.00"),
        ("2026-12-05", "payment", "UTR-A", "0.00", "1000.00", "1950.00"),
        ("2026-12-15", "brokerage_bill", second["bill_no"], BILL_TOTAL, "0.00", "4900.00"),
        # One receipt allocated to two bills is one credit line of what it allocated.
        ("2026-12-20", "payment", "UTR-B", "0.00", "2450.00", "2450.00"),
    ]
    ids = [e["document_id"] for e in answer["entries"]]
    assert ids == [first["id"], early["id"], second["id"], late["id"]]
    assert answer["closing_balance"] == "2450.00"
    # The closing balance is what the bills still owe.
    owed = Decimal("0.00")
    for bill in (first, second):
        seen = await client.get(f"{BILLS}/{bill['id']}", headers=manager)
        owed += Decimal(seen.json()["outstanding_amount"])
    assert owed == Decimal(answer["closing_balance"])


async def test_opening_balance_is_everything_dated_before_from(
    client: httpx.AsyncClient, admin: Headers, sales: Headers, manager: Headers, world: World
) -> None:
    await _two_bills_and_receipts(client, admin, sales, manager, world)
    buyer = world.buyer["id"]
    window = await ledger(client, manager, buyer, **{"from": "2026-12-05", "to": "2026-12-15"})
    assert (window["from"], window["to"]) == ("2026-12-05", "2026-12-15")
    assert window["opening_balance"] == "2950.00"
    assert [(r[0], r[5]) for r in _rows(window)] == [
        ("2026-12-05", "1950.00"),
        ("2026-12-15", "4900.00"),
    ]
    assert window["closing_balance"] == "4900.00"
    later = await ledger(client, manager, buyer, **{"from": "2026-12-16"})
    assert later["opening_balance"] == "4900.00"
    assert [r[1] for r in _rows(later)] == ["payment"]
    assert later["closing_balance"] == "2450.00"
    empty = await ledger(client, manager, buyer, **{"from": "2027-01-01", "to": "2027-01-31"})
    assert empty["entries"] == []
    assert empty["opening_balance"] == empty["closing_balance"] == "2450.00"
    before = await ledger(client, manager, buyer, to="2026-11-30")
    assert (before["entries"], before["closing_balance"]) == ([], "0.00")


async def test_cancelled_bill_and_reversed_receipt_are_opposite_entries(
    client: httpx.AsyncClient, admin: Headers, sales: Headers, manager: Headers, world: World
) -> None:
    today = _today_in_india()
    # A bill dated before today, cancelled today: its cancellation is dated today.
    cancelled = await billed(client, admin, sales, manager, world, bill_date="2026-11-20")
    response = await client.post(
        f"{BILLS}/{cancelled['id']}/cancel", json={"reason": "duplicate"}, headers=manager
    )
    assert response.status_code == 200, response.text
    kept = await billed(
        client, admin, sales, manager, world, contract_date="2026-11-12", bill_date="2026-11-21"
    )
    payment = await receive(
        client, manager, receipt_body(kept, "700", payment_date="2026-11-22", reference="UTR-R")
    )
    await reverse(client, manager, payment)
    answer = await ledger(client, manager, world.buyer["id"])
    # Contra entries are dated on the day they happened (today, in India), never before the
    # entry they undo.
    undone = str(max(today, date(2026, 11, 22)))
    dates = [r[0] for r in _rows(answer)]
    assert dates == sorted(dates)
    assert sorted(r[:5] for r in _rows(answer)) == sorted(
        [
            ("2026-11-20", "brokerage_bill", cancelled["bill_no"], BILL_TOTAL, "0.00"),
            (str(max(today, date(2026, 11, 20))), "brokerage_bill_cancellation",
             cancelled["bill_no"], "0.00", BILL_TOTAL),
            ("2026-11-21", "brokerage_bill", kept["bill_no"], BILL_TOTAL, "0.00"),
            ("2026-11-22", "payment", "UTR-R", "0.00", "700.00"),
            (undone, "payment_reversal", "UTR-R", "700.00", "0.00"),
        ]
    )  # fmt: skip
    # Whatever the order of one day, the running balance ends at what is owed: the kept bill.
    assert answer["closing_balance"] == BILL_TOTAL
    balance = Decimal(answer["opening_balance"])
    for entry in answer["entries"]:
        balance += Decimal(entry["debit"]) - Decimal(entry["credit"])
        assert Decimal(entry["balance"]) == balance


async def test_goods_ledger_is_the_buyers_account_of_invoices_and_payments(
    client: httpx.AsyncClient, admin: Headers, sales: Headers, manager: Headers, world: World
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    invoice = await create_invoice(client, manager, contract, invoice_date="2026-12-03")
    body = payment_body(invoice, "78593", payment_date="2026-12-09", reference="UTR-G")
    await receive(client, manager, body)
    await billed(client, admin, sales, manager, world)  # brokerage: not in the goods account
    goods = await ledger(client, manager, world.buyer["id"], kind="goods")
    assert _rows(goods) == [
        ("2026-12-03", "invoice", invoice["invoice_no"], "278593.00", "0.00", "278593.00"),
        ("2026-12-09", "payment", "UTR-G", "0.00", "78593.00", "200000.00"),
    ]
    seller = await ledger(client, manager, world.seller["id"], kind="goods")
    assert seller["entries"] == []  # the seller owes nothing for goods it sold
    brokerage = await ledger(client, manager, world.buyer["id"])
    assert [r[1] for r in _rows(brokerage)] == ["brokerage_bill"]


async def test_portal_users_see_only_their_own_partners_ledger(
    client: httpx.AsyncClient,
    admin: Headers,
    sales: Headers,
    manager: Headers,
    world: World,
    sign_in: SignIn,
) -> None:
    await billed(client, admin, sales, manager, world)
    buyer_user = await sign_in(roles=["partner"], partner_id=uuid.UUID(world.buyer["id"]))
    own = await ledger(client, buyer_user.headers, world.buyer["id"])
    assert [e["document_type"] for e in own["entries"]] == ["brokerage_bill"]
    stranger = await active_partner(client, sales, manager, kind="buyer", state="27")
    for partner_id in (world.seller["id"], stranger["id"], str(uuid.uuid4())):
        response = await client.get(ledger_url(partner_id), headers=buyer_user.headers)
        problem(response, 404, "partner.not_found")
    staff = await client.get(ledger_url(str(uuid.uuid4())), headers=manager)
    problem(staff, 404, "partner.not_found")
    dispute_manager = await sign_in(roles=["dispute_manager"])
    refused = await client.get(ledger_url(world.buyer["id"]), headers=dispute_manager.headers)
    problem(refused, 403, "auth.forbidden")


async def test_bad_periods_and_kinds_are_422(
    client: httpx.AsyncClient, manager: Headers, world: World
) -> None:
    url = ledger_url(world.buyer["id"])
    for params in (
        {"from": "2026-12-31", "to": "2026-12-01"},
        {"from": "31-12-2026"},
        {"kind": "commission"},
    ):
        response = await client.get(url, params=params, headers=manager)
        problem(response, 422, "validation.invalid")


async def test_ledger_queries_do_not_grow_with_its_entries(
    client: httpx.AsyncClient,
    admin: Headers,
    sales: Headers,
    manager: Headers,
    world: World,
    query_counter: Any,
) -> None:
    first = await billed(client, admin, sales, manager, world)
    url = ledger_url(world.buyer["id"])
    params = {"from": "2026-12-01"}
    query_counter.reset()
    assert (await client.get(url, params=params, headers=manager)).status_code == 200
    few = query_counter.count
    for _ in range(4):
        await receive(client, manager, receipt_body(first, "10"))
    await billed(client, admin, sales, manager, world, contract_date="2026-11-13")
    query_counter.reset()
    answer = await client.get(url, params=params, headers=manager)
    assert len(answer.json()["entries"]) == 6
    assert query_counter.count == few
