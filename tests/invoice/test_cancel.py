"""POST /invoices/{id}/cancel through HTTP: only with nothing allocated or credited, freeing the
contract's bales and the seller's number, audited, in the goods ledger, If-Match, permissions."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.contract.helpers import World, confirmed_contract
from tests.invoice.helpers import INVOICES, PAYMENTS, create_invoice, invoice_body, payment_body
from tradehub.audit.models import AuditEvent

Headers = dict[str, str]


@pytest.fixture
async def contract(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, world: World
) -> dict[str, Any]:
    return await confirmed_contract(client, sales, manager, world)


@pytest.fixture
async def invoice(
    client: httpx.AsyncClient, manager: Headers, contract: dict[str, Any]
) -> dict[str, Any]:
    return await create_invoice(client, manager, contract)


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


async def cancel(
    client: httpx.AsyncClient,
    headers: Headers,
    invoice: dict[str, Any],
    reason: str = "Raised on the wrong contract",
    **extra: str,
) -> httpx.Response:
    return await client.post(
        f"{INVOICES}/{invoice['id']}/cancel", json={"reason": reason}, headers={**headers, **extra}
    )


async def goods_ledger(
    client: httpx.AsyncClient, headers: Headers, partner_id: str
) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/partners/{partner_id}/ledger", params={"kind": "goods"}, headers=headers
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_cancel_marks_it_cancelled_with_nothing_outstanding(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any], db: AsyncSession
) -> None:
    response = await cancel(client, manager, invoice, **{"If-Match": f'"{invoice["version"]}"'})
    assert response.status_code == 200, response.text
    cancelled = response.json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["status_reason"] == "Raised on the wrong contract"
    assert cancelled["cancelled_at"] is not None
    assert cancelled["outstanding_amount"] == "0.00"
    assert cancelled["total_amount"] == invoice["total_amount"]  # the document is kept as is
    assert cancelled["version"] > invoice["version"]
    assert response.headers["ETag"] == f'"{cancelled["version"]}"'
    got = await client.get(f"{INVOICES}/{invoice['id']}", headers=manager)
    assert got.json() == cancelled
    listed = await client.get(
        INVOICES,
        params={"status": "cancelled", "contract_id": invoice["contract_id"]},
        headers=manager,
    )
    assert [i["id"] for i in listed.json()["items"]] == [invoice["id"]]
    event = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_type == "invoice",
            AuditEvent.entity_id == invoice["id"],
            AuditEvent.action == "cancel",
        )
    )
    assert event is not None
    assert event.changes["status"] == {"old": "unpaid", "new": "cancelled"}
    assert event.reason == "Raised on the wrong contract"


async def test_cancelling_twice_is_409(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any]
) -> None:
    assert (await cancel(client, manager, invoice)).status_code == 200
    problem(await cancel(client, manager, invoice), 409, "invoice.invalid_transition")


async def test_an_invoice_with_payments_is_409_until_they_are_reversed(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any]
) -> None:
    paid = await client.post(PAYMENTS, json=payment_body(invoice, "1000"), headers=manager)
    assert paid.status_code == 201, paid.text
    refused = problem(await cancel(client, manager, invoice), 409, "invoice.has_payments")
    assert "reverse" in refused["detail"]
    reversed_ = await client.post(
        f"{PAYMENTS}/{paid.json()['id']}/reverse", json={"reason": "bounced"}, headers=manager
    )
    assert reversed_.status_code == 200, reversed_.text
    assert (await cancel(client, manager, invoice)).status_code == 200


async def test_an_invoice_with_a_live_credit_note_is_409_until_it_is_cancelled(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any]
) -> None:
    note = await client.post(
        f"{INVOICES}/{invoice['id']}/credit-notes",
        json={
            "credit_note_no": "CN-1",
            "date": "2026-12-06",
            "reason": "Short weight",
            "taxable_value": "1000",
        },
        headers=manager,
    )
    assert note.status_code == 201, note.text
    problem(await cancel(client, manager, invoice), 409, "invoice.has_credit_notes")
    undone = await client.post(
        f"/api/v1/credit-notes/{note.json()['id']}/cancel",
        json={"reason": "Issued in error"},
        headers=manager,
    )
    assert undone.status_code == 200, undone.text
    cancelled = await cancel(client, manager, invoice)
    assert cancelled.status_code == 200, cancelled.text
    assert [n["status"] for n in cancelled.json()["credit_notes"]] == ["cancelled"]


async def test_cancellation_frees_the_bales_for_the_contract(
    client: httpx.AsyncClient, manager: Headers, contract: dict[str, Any]
) -> None:
    whole = await create_invoice(
        client, manager, contract, bales=contract["bales"], net_weight_kg="17000"
    )
    over = await client.post(INVOICES, json=invoice_body(contract, bales=1), headers=manager)
    problem(over, 422, "invoice.exceeds_contract")
    assert (await cancel(client, manager, whole)).status_code == 200
    again = await create_invoice(
        client, manager, contract, bales=contract["bales"], net_weight_kg="17000"
    )
    assert again["bales"] == contract["bales"]


async def test_the_seller_may_issue_a_cancelled_invoices_number_again(
    client: httpx.AsyncClient, manager: Headers, contract: dict[str, Any]
) -> None:
    first = await create_invoice(client, manager, contract, invoice_no="GJ/2026/0042")
    taken = await client.post(
        INVOICES, json=invoice_body(contract, invoice_no="GJ/2026/0042"), headers=manager
    )
    problem(taken, 409, "invoice.duplicate_number")
    assert (await cancel(client, manager, first)).status_code == 200
    second = await create_invoice(client, manager, contract, invoice_no="GJ/2026/0042")
    assert second["id"] != first["id"]
    # Among the live invoices the number is unique again.
    third = await client.post(
        INVOICES, json=invoice_body(contract, invoice_no="GJ/2026/0042"), headers=manager
    )
    problem(third, 409, "invoice.duplicate_number")
    both = await client.get(INVOICES, params={"invoice_no": "GJ/2026/0042"}, headers=manager)
    assert sorted(i["status"] for i in both.json()["items"]) == ["cancelled", "unpaid"]


async def test_a_cancelled_invoice_takes_no_payment(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any]
) -> None:
    assert (await cancel(client, manager, invoice)).status_code == 200
    paid = await client.post(PAYMENTS, json=payment_body(invoice, "1000"), headers=manager)
    problem(paid, 409, "invoice.cancelled")


async def test_the_buyers_goods_ledger_nets_the_cancelled_invoice_to_zero(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any]
) -> None:
    assert (await cancel(client, manager, invoice)).status_code == 200
    ledger = await goods_ledger(client, manager, invoice["buyer_id"])
    mine = [e for e in ledger["entries"] if e["document_no"] == invoice["invoice_no"]]
    assert [(e["document_type"], e["debit"], e["credit"]) for e in mine] == [
        ("invoice", invoice["total_amount"], "0.00"),
        ("invoice_cancellation", "0.00", invoice["total_amount"]),
    ]
    assert ledger["closing_balance"] == "0.00"
    report = await client.get(
        "/api/v1/reports/outstanding",
        params={"kind": "goods", "as_of": "2027-03-31"},
        headers=manager,
    )
    assert report.status_code == 200, report.text
    assert invoice["buyer_id"] not in {i["partner_id"] for i in report.json()["items"]}


async def test_stale_if_match_is_412_and_the_invoice_stays(
    client: httpx.AsyncClient, manager: Headers, invoice: dict[str, Any]
) -> None:
    problem(await cancel(client, manager, invoice, **{"If-Match": '"99"'}), 412, "version.conflict")
    got = await client.get(f"{INVOICES}/{invoice['id']}", headers=manager)
    assert got.json()["status"] == "unpaid"


async def test_a_closed_year_refuses_the_cancellation(
    client: httpx.AsyncClient,
    manager: Headers,
    admin: Headers,
    invoice: dict[str, Any],
    world: World,
) -> None:
    years = await client.get(
        "/api/v1/financial-years",
        params={"organization_id": world.organization_id, "code": "2026-27"},
        headers=admin,
    )
    [year] = [y for y in years.json()["items"] if y["code"] == "2026-27"]
    closed = await client.post(f"/api/v1/financial-years/{year['id']}/close", headers=admin)
    assert closed.status_code == 200, closed.text
    problem(await cancel(client, manager, invoice), 422, "financial_year.closed_or_missing")


async def test_who_may_cancel(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    sales: Headers,
    invoice: dict[str, Any],
) -> None:
    problem(await cancel(client, sales, invoice), 403, "auth.forbidden")
    accounts = (await sign_in(roles=["accounts"])).headers
    missing = await client.post(
        f"{INVOICES}/{uuid.uuid4()}/cancel", json={"reason": "x"}, headers=accounts
    )
    problem(missing, 404, "invoice.not_found")
    blank = await client.post(
        f"{INVOICES}/{invoice['id']}/cancel", json={"reason": " "}, headers=accounts
    )
    problem(blank, 422, "validation.invalid")
    assert (await cancel(client, accounts, invoice)).status_code == 200
