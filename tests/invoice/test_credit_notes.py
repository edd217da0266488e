"""Credit notes through HTTP: GST split as the invoice, rupee rounding, never past the
outstanding, the invoice's balance and status following payments and credits together, cancel,
numbers, dates and years, the goods ledger, audit, If-Match, visibility and lists."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tests.contract.helpers import World, confirmed_contract
from tests.invoice.helpers import (
    INVOICES,
    PAYMENTS,
    create_invoice,
    intra_state_contract,
    payment_body,
)
from tests.invoice.test_cancel import goods_ledger, problem
from tradehub.audit.models import AuditEvent
from tradehub.invoice.models import Invoice

Headers = dict[str, str]
CREDIT_NOTES = "/api/v1/credit-notes"
TOTAL = "278593.00"  # the invoice of 1700 kg at ₹55,500/candy, 5 % IGST (tests/invoice)


@pytest.fixture
async def contract(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, world: World
) -> dict[str, Any]:
    return await confirmed_contract(client, sales, manager, world)


@pytest.fixture
async def invoice(
    client: httpx.AsyncClient, manager: Headers, contract: dict[str, Any]
) -> dict[str, Any]:
    made = await create_invoice(client, manager, contract)
    assert made["total_amount"] == TOTAL
    return made


def note_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "credit_note_no": f"CN-{uuid.uuid4().hex[:8]}",
        "date": "2026-12-15",
        "reason": "Short weight at the mill: 95 kg",
        "taxable_value": "10000",
    }
    body.update(overrides)
    return body


async def post_note(
    client: httpx.AsyncClient,
    headers: Headers,
    invoice: dict[str, Any],
    **overrides: Any,
) -> httpx.Response:
    extra = {"If-Match": overrides.pop("if_match")} if "if_match" in overrides else {}
    return await client.post(
        f"{INVOICES}/{invoice['id']}/credit-notes",
        json=note_body(**overrides),
        headers={**headers, **extra},
    )


async def issued(
    client: httpx.AsyncClient, headers: Headers, invoice: dict[str, Any], **overrides: Any
) -> dict[str, Any]:
    response = await post_note(client, headers, invoice, **overrides)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def seen(client: httpx.AsyncClient, headers: Headers, invoice_id: str) -> dict[str, Any]:
    response = await client.get(f"{INVOICES}/{invoice_id}", headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def cancel_note(
    client: httpx.AsyncClient, headers: Headers, note: dict[str, Any], **extra: str
) -> httpx.Response:
    return await client.post(
        f"{CREDIT_NOTES}/{note['id']}/cancel",
        json={"reason": "Issued in error"},
        headers={**headers, **extra},
    )


# --- amounts ---------------------------------------------------------------------------------


async def test_inter_state_note_takes_igst_and_reduces_the_outstanding(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any]
) -> None:
    response = await post_note(client, manager, invoice, if_match=f'"{invoice["version"]}"')
    assert response.status_code == 201, response.text
    note = response.json()
    assert response.headers["ETag"] == f'"{note["version"]}"'
    # 10,000 at 5 % IGST = 500.00; 10,500.00 is already whole rupees.
    assert {k: note[k] for k in ("taxable_value", "gst_rate", "cgst", "sgst", "igst")} == {
        "taxable_value": "10000.00",
        "gst_rate": "5",
        "cgst": "0.00",
        "sgst": "0.00",
        "igst": "500.00",
    }
    assert (note["round_off"], note["total_amount"]) == ("0.00", "10500.00")
    assert note["status"] == "issued"
    assert note["invoice_id"] == invoice["id"] and note["invoice_no"] == invoice["invoice_no"]
    assert note["date"] == "2026-12-15" and note["financial_year"] == "2026-27"
    for name in ("organization_id", "seller_id", "buyer_id", "seller_branch_id", "buyer_branch_id"):
        assert note[name] == invoice[name]
    after = await seen(client, manager, invoice["id"])
    assert after["credited_amount"] == "10500.00"
    assert after["outstanding_amount"] == "268093.00"  # 278,593 − 10,500
    assert after["status"] == "unpaid"  # a credit alone does not make it paid
    assert after["version"] > invoice["version"]
    assert after["credit_notes"] == [note]


async def test_intra_state_note_splits_cgst_and_sgst_and_rounds_to_the_rupee(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, world: World
) -> None:
    contract = await intra_state_contract(client, sales, manager, world)
    invoice = await create_invoice(client, manager, contract)
    note = await issued(client, manager, invoice, taxable_value="1234.56")
    # CGST = SGST = 1234.56 × 5 / 2 / 100 = 30.864 → 30.86; 1296.28 → 1296.00.
    assert (note["cgst"], note["sgst"], note["igst"]) == ("30.86", "30.86", "0.00")
    assert (note["round_off"], note["total_amount"]) == ("-0.28", "1296.00")


async def test_inter_state_rounding_down(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any]
) -> None:
    note = await issued(client, manager, invoice, taxable_value="1234.56")
    # IGST = 61.728 → 61.73; 1296.29 → 1296.00.
    assert (note["igst"], note["round_off"], note["total_amount"]) == ("61.73", "-0.29", "1296.00")


async def test_a_note_that_rounds_to_nothing_is_422(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any]
) -> None:
    problem(
        await post_note(client, manager, invoice, taxable_value="0.40"),
        422,
        "credit_note.zero_value",
    )


# --- never past the outstanding; the status follows ------------------------------------------


async def test_a_note_may_take_exactly_the_outstanding_and_no_more(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any]
) -> None:
    # 265,327.20 × 1.05 = 278,593.56 → 278,594.00: one rupee too many.
    over = await post_note(client, manager, invoice, taxable_value="265327.20")
    body = problem(over, 409, "credit_note.exceeds_outstanding")
    assert body["outstanding_amount"] == TOTAL and body["total_amount"] == "278594.00"
    whole = await issued(client, manager, invoice, taxable_value=invoice["taxable_value"])
    assert whole["total_amount"] == TOTAL
    after = await seen(client, manager, invoice["id"])
    assert (after["status"], after["outstanding_amount"]) == ("credited", "0.00")
    problem(
        await post_note(client, manager, invoice, taxable_value="1"),
        409,
        "credit_note.exceeds_outstanding",
    )
    paid = await client.post(PAYMENTS, json=payment_body(invoice, "1"), headers=manager)
    problem(paid, 409, "invoice.over_allocation")


async def test_payments_and_credits_share_one_outstanding(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any], db: AsyncSession
) -> None:
    await issued(client, manager, invoice)  # 10,500.00
    too_much = await client.post(PAYMENTS, json=payment_body(invoice, TOTAL), headers=manager)
    assert problem(too_much, 409, "invoice.over_allocation")["outstanding_amount"] == "268093.00"
    part = await client.post(PAYMENTS, json=payment_body(invoice, "100000"), headers=manager)
    assert part.status_code == 201, part.text
    after = await seen(client, manager, invoice["id"])
    assert (after["status"], after["paid_amount"], after["outstanding_amount"]) == (
        "partially_paid",
        "100000.00",
        "168093.00",
    )
    # 160,088.57 × 1.05: IGST 8,004.4285 → 8,004.43; 168,093.00 — the rest exactly.
    rest = await issued(client, manager, invoice, taxable_value="160088.57")
    assert rest["total_amount"] == "168093.00"
    after = await seen(client, manager, invoice["id"])
    assert (after["status"], after["outstanding_amount"]) == ("paid", "0.00")
    # Reversing the payment: what it paid is owed again.
    reversed_ = await client.post(
        f"{PAYMENTS}/{part.json()['id']}/reverse", json={"reason": "bounced"}, headers=manager
    )
    assert reversed_.status_code == 200, reversed_.text
    after = await seen(client, manager, invoice["id"])
    assert (after["status"], after["outstanding_amount"]) == ("unpaid", "100000.00")
    row = await db.get(Invoice, uuid.UUID(invoice["id"]), populate_existing=True)
    assert row is not None
    outstanding = Decimal(after["outstanding_amount"])
    assert row.paid_amount + row.credited_amount + outstanding == row.total_amount


async def test_cancelling_a_note_puts_its_total_back_and_frees_its_number(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any], db: AsyncSession
) -> None:
    note = await issued(
        client, manager, invoice, credit_note_no="CN/77", taxable_value=invoice["taxable_value"]
    )
    assert (await seen(client, manager, invoice["id"]))["status"] == "credited"
    stale = await cancel_note(client, manager, note, **{"If-Match": '"99"'})
    problem(stale, 412, "version.conflict")
    response = await cancel_note(client, manager, note, **{"If-Match": f'"{note["version"]}"'})
    assert response.status_code == 200, response.text
    cancelled = response.json()
    assert (cancelled["status"], cancelled["status_reason"]) == ("cancelled", "Issued in error")
    assert cancelled["cancelled_at"] is not None
    assert response.headers["ETag"] == f'"{cancelled["version"]}"'
    after = await seen(client, manager, invoice["id"])
    assert (after["status"], after["credited_amount"], after["outstanding_amount"]) == (
        "unpaid",
        "0.00",
        TOTAL,
    )
    problem(await cancel_note(client, manager, note), 409, "credit_note.invalid_transition")
    again = await issued(client, manager, invoice, credit_note_no="CN/77")
    assert again["id"] != note["id"]
    actions = (
        await db.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_type == "credit_note", AuditEvent.entity_id == note["id"])
            .order_by(AuditEvent.seq)
        )
    ).all()
    assert actions == ["create", "cancel"]
    on_invoice = (
        await db.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "invoice", AuditEvent.entity_id == invoice["id"])
            .order_by(AuditEvent.seq)
        )
    ).all()
    assert [e.action for e in on_invoice] == ["create", "credit", "credit_cancelled", "credit"]
    credit = on_invoice[1]
    assert credit.changes["status"] == {"old": "unpaid", "new": "credited"}
    assert credit.changes["credit_note_no"] == {"old": None, "new": "CN/77"}
    assert credit.reason == "Short weight at the mill: 95 kg"


# --- numbers, dates, years -------------------------------------------------------------------


async def test_the_sellers_number_is_unique_per_year_among_live_notes(
    client: httpx.AsyncClient, manager: Headers, contract: dict[str, Any], invoice: dict[str, Any]
) -> None:
    await issued(client, manager, invoice, credit_note_no="CN-9")
    other = await create_invoice(client, manager, contract)
    duplicate = await post_note(client, manager, other, credit_note_no="CN-9")
    problem(duplicate, 409, "credit_note.duplicate_number")
    assert (await seen(client, manager, other["id"]))["credited_amount"] == "0.00"


async def test_dates_before_the_invoice_or_outside_an_open_year_are_422(
    client: httpx.AsyncClient,
    manager: Headers,
    admin: Headers,
    invoice: dict[str, Any],
    world: World,
) -> None:
    early = problem(
        await post_note(client, manager, invoice, date="2026-12-04"),
        422,
        "credit_note.before_invoice",
    )
    assert early["errors"][0]["loc"] == ["body", "date"]
    missing = problem(
        await post_note(client, manager, invoice, date="2027-04-05"),
        422,
        "financial_year.closed_or_missing",
    )
    assert missing["errors"][0]["loc"] == ["body", "date"]
    created = await client.post(
        "/api/v1/financial-years",
        json={"organization_id": world.organization_id, "code": "2027-28"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    later = await issued(client, manager, invoice, date="2027-04-05")
    assert later["financial_year"] == "2027-28"  # the note's own year, not the invoice's


async def test_no_note_on_a_cancelled_invoice(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any]
) -> None:
    cancelled = await client.post(
        f"{INVOICES}/{invoice['id']}/cancel", json={"reason": "wrong"}, headers=manager
    )
    assert cancelled.status_code == 200, cancelled.text
    problem(await post_note(client, manager, invoice), 409, "invoice.cancelled")


@pytest.mark.parametrize(
    "overrides",
    [
        {"taxable_value": "0"},
        {"taxable_value": "-5"},
        {"taxable_value": "1.005"},
        {"taxable_value": "1e3"},
        {"reason": ""},
        {"credit_note_no": ""},
        {"date": "15-12-2026"},
        {"extra": "x"},
    ],
)
async def test_malformed_notes_are_422(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any], overrides: dict[str, Any]
) -> None:
    problem(await post_note(client, manager, invoice, **overrides), 422, "validation.invalid")


async def test_stale_if_match_on_the_invoice_is_412(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any]
) -> None:
    problem(await post_note(client, manager, invoice, if_match='"99"'), 412, "version.conflict")
    assert (await seen(client, manager, invoice["id"]))["credit_notes"] == []


# --- the goods ledger ------------------------------------------------------------------------


async def test_the_goods_ledger_credits_the_note_and_debits_its_cancellation(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any]
) -> None:
    note = await issued(client, manager, invoice, credit_note_no="CN-L1")
    ledger = await goods_ledger(client, manager, invoice["buyer_id"])
    assert ledger["closing_balance"] == "268093.00"
    assert [(e["document_type"], e["document_no"], e["credit"]) for e in ledger["entries"]][-1] == (
        "credit_note",
        "CN-L1",
        "10500.00",
    )
    report = await client.get(
        "/api/v1/reports/outstanding",
        params={"kind": "goods", "as_of": "2027-03-31"},
        headers=manager,
    )
    [row] = [i for i in report.json()["items"] if i["partner_id"] == invoice["buyer_id"]]
    assert row["outstanding"] == "268093.00"
    assert (await cancel_note(client, manager, note)).status_code == 200
    ledger = await goods_ledger(client, manager, invoice["buyer_id"])
    assert ledger["closing_balance"] == TOTAL
    last = ledger["entries"][-1]
    assert (last["document_type"], last["debit"]) == ("credit_note_cancellation", "10500.00")


# --- reads, visibility, permissions ----------------------------------------------------------


async def test_lists_filter_sort_and_read_one(
    client: httpx.AsyncClient, manager: Headers, contract: dict[str, Any], invoice: dict[str, Any]
) -> None:
    small = await issued(client, manager, invoice, taxable_value="100", date="2026-12-20")
    big = await issued(client, manager, invoice, taxable_value="5000", date="2026-12-10")
    other = await issued(client, manager, await create_invoice(client, manager, contract))
    await cancel_note(client, manager, other)
    got = await client.get(f"{CREDIT_NOTES}/{small['id']}", headers=manager)
    assert got.status_code == 200 and got.json() == small
    assert got.headers["ETag"] == f'"{small["version"]}"'
    of_invoice = await client.get(f"{INVOICES}/{invoice['id']}/credit-notes", headers=manager)
    assert [n["id"] for n in of_invoice.json()["items"]] == [small["id"], big["id"]]
    by_date = await client.get(
        CREDIT_NOTES,
        params={"seller_id": invoice["seller_id"], "sort": "date", "status": "issued"},
        headers=manager,
    )
    assert [n["id"] for n in by_date.json()["items"]] == [big["id"], small["id"]]
    by_amount = await client.get(
        CREDIT_NOTES,
        params={"invoice_id": invoice["id"], "sort": "-total_amount", "date_to": "2026-12-31"},
        headers=manager,
    )
    assert [n["id"] for n in by_amount.json()["items"]] == [big["id"], small["id"]]
    cancelled = await client.get(
        CREDIT_NOTES,
        params={"party_id": invoice["buyer_id"], "status": "cancelled"},
        headers=manager,
    )
    assert [n["id"] for n in cancelled.json()["items"]] == [other["id"]]
    numbered = await client.get(
        CREDIT_NOTES, params={"credit_note_no": small["credit_note_no"]}, headers=manager
    )
    assert numbered.json()["total"] == 1
    problem(
        await client.get(CREDIT_NOTES, params={"sort": "reason"}, headers=manager),
        422,
        "validation.invalid",
    )
    assert (await client.get(CREDIT_NOTES, params={"limit": 0}, headers=manager)).status_code == 422
    problem(
        await client.get(f"{CREDIT_NOTES}/{uuid.uuid4()}", headers=manager),
        404,
        "credit_note.not_found",
    )
    problem(
        await client.get(f"{INVOICES}/{uuid.uuid4()}/credit-notes", headers=manager),
        404,
        "invoice.not_found",
    )


async def test_partner_users_see_only_their_own_notes_and_cannot_issue(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    manager: Headers,
    invoice: dict[str, Any],
) -> None:
    note = await issued(client, manager, invoice)
    buyer = (await sign_in(roles=["partner"], partner_id=uuid.UUID(invoice["buyer_id"]))).headers
    stranger = (await sign_in(roles=["partner"], partner_id=uuid.uuid4())).headers
    mine = await client.get(CREDIT_NOTES, headers=buyer)
    assert [n["id"] for n in mine.json()["items"]] == [note["id"]]
    assert (await client.get(f"{CREDIT_NOTES}/{note['id']}", headers=buyer)).status_code == 200
    assert (await client.get(CREDIT_NOTES, headers=stranger)).json()["total"] == 0
    problem(
        await client.get(f"{CREDIT_NOTES}/{note['id']}", headers=stranger),
        404,
        "credit_note.not_found",
    )
    problem(await post_note(client, buyer, invoice), 403, "auth.forbidden")
    problem(await cancel_note(client, buyer, note), 403, "auth.forbidden")


async def test_sales_may_read_but_not_issue(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, invoice: dict[str, Any]
) -> None:
    problem(await post_note(client, sales, invoice), 403, "auth.forbidden")
    note = await issued(client, manager, invoice)
    assert (await client.get(f"{CREDIT_NOTES}/{note['id']}", headers=sales)).status_code == 200


async def test_list_query_count_does_not_grow_with_the_page(
    client: httpx.AsyncClient,
    manager: Headers,
    invoice: dict[str, Any],
    query_counter: QueryCounter,
) -> None:
    for _ in range(3):
        await issued(client, manager, invoice, taxable_value="100")
    query_counter.reset()
    await client.get(CREDIT_NOTES, params={"limit": 1}, headers=manager)
    one = query_counter.count
    query_counter.reset()
    response = await client.get(CREDIT_NOTES, params={"limit": 50}, headers=manager)
    assert response.json()["total"] == 3
    assert query_counter.count == one
    query_counter.reset()
    await client.get(INVOICES, params={"limit": 1}, headers=manager)
    one = query_counter.count
    query_counter.reset()
    listed = await client.get(INVOICES, params={"limit": 50}, headers=manager)
    assert [len(i["credit_notes"]) for i in listed.json()["items"]] == [3]
    assert query_counter.count == one
