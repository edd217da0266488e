"""GET /reports/outstanding (api.md §8): total − paid as of a date, by partner, aged by
document date; later payments, reversals and cancellations do not reach back; bucket edges;
the default date in India; the goods kind; access and bounded queries."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.auth_helpers import SignIn
from tests.brokerage.helpers import BILLS, create_bill
from tests.contract.helpers import World, confirmed_contract
from tests.invoice.helpers import create_invoice, payment_body
from tests.ledger.helpers import (
    BILL_TOTAL,
    OUTSTANDING,
    billed,
    outstanding,
    problem,
    receipt_body,
    receive,
    reverse,
)
from tradehub.ledger import service as ledger_service

Headers = dict[str, str]
BUCKETS = ("0_30", "31_60", "61_90", "over_90")
INVOICE_TOTAL = "278593.00"


def _today_in_india() -> date:
    return datetime.now(ZoneInfo("Asia/Kolkata")).date()


def _aged(item: dict[str, Any]) -> dict[str, str]:
    """The non-zero buckets of an item; they always add up to its outstanding."""
    assert sum(Decimal(item[b]) for b in BUCKETS) == Decimal(item["outstanding"])
    return {bucket: item[bucket] for bucket in BUCKETS if item[bucket] != "0.00"}


# Age in whole days on as_of → bucket, on both sides of each edge.
EDGES = [
    (0, "0_30"),
    (30, "0_30"),
    (31, "31_60"),
    (60, "31_60"),
    (61, "61_90"),
    (90, "61_90"),
    (91, "over_90"),
    (400, "over_90"),
]


async def test_documents_are_aged_by_whole_days_from_their_date(
    client: httpx.AsyncClient, admin: Headers, sales: Headers, manager: Headers, world: World
) -> None:
    bill = await billed(client, admin, sales, manager, world, bill_date="2026-12-01")
    contract = await confirmed_contract(client, sales, manager, world)
    await create_invoice(client, manager, contract, invoice_date="2026-12-01")
    for age, bucket in EDGES:
        as_of = str(date(2026, 12, 1) + timedelta(days=age))
        brokerage = await outstanding(client, manager, world, as_of=as_of)
        assert set(brokerage) == {bill["partner_id"]}
        item = brokerage[bill["partner_id"]]
        assert item["partner_name"] == world.buyer["legal_name"]
        assert item["outstanding"] == BILL_TOTAL
        assert _aged(item) == {bucket: BILL_TOTAL}, age
        goods = await outstanding(client, manager, world, as_of=as_of, kind="goods")
        aged = {k: _aged(v) for k, v in goods.items()}
        assert aged == {world.buyer["id"]: {bucket: INVOICE_TOTAL}}, age


async def test_as_of_a_past_date_ignores_later_receipts_reversals_and_cancellations(
    client: httpx.AsyncClient, admin: Headers, sales: Headers, manager: Headers, world: World
) -> None:
    today = _today_in_india()
    assert today > date(2026, 6, 30)  # the dates below are in the past
    bill = await billed(
        client, admin, sales, manager, world, contract_date="2026-05-20", bill_date="2026-06-01"
    )
    cancelled = await billed(
        client, admin, sales, manager, world, contract_date="2026-05-21", bill_date="2026-06-02"
    )
    await receive(client, manager, receipt_body(bill, "1000", payment_date="2026-06-10"))
    bounced = await receive(client, manager, receipt_body(bill, "500", payment_date="2026-06-20"))
    await reverse(client, manager, bounced)  # today
    response = await client.post(
        f"{BILLS}/{cancelled['id']}/cancel", json={"reason": "duplicate"}, headers=manager
    )
    assert response.status_code == 200, response.text
    buyer = world.buyer["id"]

    async def owed(as_of: date) -> str | None:
        report = await outstanding(client, manager, world, as_of=str(as_of))
        return report[buyer]["outstanding"] if buyer in report else None

    assert await owed(date(2026, 5, 31)) is None  # both bills are dated later: left out
    assert await owed(date(2026, 6, 1)) == "2950.00"
    assert await owed(date(2026, 6, 9)) == "5900.00"
    assert await owed(date(2026, 6, 10)) == "4900.00"
    assert await owed(date(2026, 6, 19)) == "4900.00"
    assert await owed(date(2026, 6, 20)) == "4400.00"
    # Until yesterday the receipt counted and the cancelled bill was owed; from today neither.
    assert await owed(today - timedelta(days=1)) == "4400.00"
    assert await owed(today) == "1950.00"
    assert await owed(today + timedelta(days=400)) == "1950.00"
    report = await outstanding(client, manager, world, as_of="2026-06-30")
    assert _aged(report[buyer]) == {"0_30": "4400.00"}


async def test_as_of_defaults_to_today_in_india(
    client: httpx.AsyncClient,
    admin: Headers,
    sales: Headers,
    manager: Headers,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bill = await billed(client, admin, sales, manager, world, bill_date="2026-12-01")
    # 20:00 UTC on 31 January is already 1 February in India (UTC+05:30).
    monkeypatch.setattr(ledger_service, "utcnow", lambda: datetime(2027, 1, 31, 20, 0, tzinfo=UTC))
    response = await client.get(
        OUTSTANDING, params={"organization_id": world.organization_id}, headers=manager
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["as_of"], answer["kind"]) == ("2027-02-01", "brokerage")
    (item,) = answer["items"]
    assert set(item) == {"partner_id", "partner_name", "outstanding", *BUCKETS}
    assert item["partner_id"] == bill["partner_id"]
    assert _aged(item) == {"61_90": BILL_TOTAL}  # 62 days old on 1 February


async def test_partners_are_listed_by_name_with_what_they_still_owe(
    client: httpx.AsyncClient, admin: Headers, sales: Headers, manager: Headers, world: World
) -> None:
    unpaid = await billed(client, admin, sales, manager, world, bill_date="2026-12-01")
    paid = await billed(
        client, admin, sales, manager, world, contract_date="2026-11-11", bill_date="2026-12-02"
    )
    await receive(client, manager, receipt_body(paid, BILL_TOTAL))
    # Both contracts' seller commissions (0.5 % of their value), billed to the seller.
    seller = await create_bill(client, admin, world, world.seller, bill_date="2026-12-03")
    await receive(client, manager, receipt_body(seller, "654", payment_date="2026-12-04"))
    report = await client.get(
        OUTSTANDING,
        params={"as_of": "2026-12-31", "organization_id": world.organization_id},
        headers=manager,
    )
    items = report.json()["items"]
    names = [i["partner_name"] for i in items]
    assert names == sorted(names)
    by_partner = {i["partner_id"]: i for i in items}
    assert set(by_partner) == {world.buyer["id"], world.seller["id"]}
    assert by_partner[world.buyer["id"]]["outstanding"] == BILL_TOTAL
    seller_owes = Decimal(seller["total_amount"]) - 654
    assert by_partner[world.seller["id"]]["outstanding"] == f"{seller_owes:.2f}"
    await receive(client, manager, receipt_body(unpaid, BILL_TOTAL))
    after = await outstanding(client, manager, world, as_of="2026-12-31")
    assert set(after) == {world.seller["id"]}


async def test_goods_outstanding_is_by_buyer_net_of_payments_up_to_as_of(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, world: World
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    invoice = await create_invoice(client, manager, contract, invoice_date="2026-12-03")
    await receive(client, manager, payment_body(invoice, "78593", payment_date="2026-12-09"))
    before = await outstanding(client, manager, world, as_of="2026-12-08", kind="goods")
    assert {k: v["outstanding"] for k, v in before.items()} == {world.buyer["id"]: INVOICE_TOTAL}
    after = await outstanding(client, manager, world, as_of="2026-12-09", kind="goods")
    assert {k: v["outstanding"] for k, v in after.items()} == {world.buyer["id"]: "200000.00"}
    assert await outstanding(client, manager, world, as_of="2026-12-09") == {}  # no bills


async def test_unknown_kind_and_bad_dates_are_422_and_partners_may_not_read_it(
    client: httpx.AsyncClient, manager: Headers, world: World, sign_in: SignIn
) -> None:
    for params in ({"kind": "commission"}, {"as_of": "2026-13-01"}, {"as_of": "today"}):
        response = await client.get(OUTSTANDING, params=params, headers=manager)
        problem(response, 422, "validation.invalid")
    partner_user = await sign_in(roles=["partner"], partner_id=uuid.UUID(world.buyer["id"]))
    refused = await client.get(OUTSTANDING, headers=partner_user.headers)
    problem(refused, 403, "auth.forbidden")
    accounts = await sign_in(roles=["accounts"])
    assert (await client.get(OUTSTANDING, headers=accounts.headers)).status_code == 200


async def test_report_queries_do_not_grow_with_documents_or_partners(
    client: httpx.AsyncClient,
    admin: Headers,
    sales: Headers,
    manager: Headers,
    world: World,
    query_counter: Any,
) -> None:
    first = await billed(client, admin, sales, manager, world)
    params = {"as_of": "2026-12-05"}
    query_counter.reset()
    assert len((await client.get(OUTSTANDING, params=params, headers=manager)).json()["items"])
    one = query_counter.count
    await receive(client, manager, receipt_body(first, "10", payment_date="2026-12-20"))
    for day in (11, 12):
        await billed(client, admin, sales, manager, world, contract_date=f"2026-11-{day}")
    await create_bill(client, admin, world, world.seller, bill_date="2026-12-02")
    query_counter.reset()
    answer = await client.get(OUTSTANDING, params=params, headers=manager)
    assert len(answer.json()["items"]) >= 2
    assert query_counter.count == one
