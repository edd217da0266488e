"""Racing credit notes, payments and cancellations on committed data: an invoice is never
credited or settled past its total, and a seller's credit note number is issued once."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.contract.helpers import build_world, confirmed_contract
from tests.contract.test_races import _committed_user
from tests.invoice.helpers import INVOICES, PAYMENTS, create_invoice, payment_body
from tradehub.invoice.credit_notes_models import CreditNote
from tradehub.invoice.models import Invoice
from tradehub.kit.db import create_sessionmaker

pytestmark = pytest.mark.live


async def _setup(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> tuple[dict[str, str], dict[str, Any]]:
    admin = await _committed_user(engine, live_app, "admin")
    sales = await _committed_user(engine, live_app, "sales")
    manager = await _committed_user(engine, live_app, "manager")
    world = await build_world(live_client, admin, sales, manager)
    contract = await confirmed_contract(live_client, sales, manager, world)
    invoice = await create_invoice(live_client, manager, contract)
    assert invoice["total_amount"] == "278593.00"
    return manager, invoice


async def _committed(engine: AsyncEngine, invoice_id: str) -> tuple[Decimal, Decimal, Decimal]:
    """(paid_amount, credited_amount, the sum of issued notes) as committed."""
    key = uuid.UUID(invoice_id)
    async with create_sessionmaker(engine)() as session:
        invoice = await session.get(Invoice, key)
        assert invoice is not None
        notes = await session.scalar(
            select(func.coalesce(func.sum(CreditNote.total_amount), 0)).where(
                CreditNote.invoice_id == key, CreditNote.status == "issued"
            )
        )
        return invoice.paid_amount, invoice.credited_amount, Decimal(notes)


def _note(taxable: str, number: str | None = None) -> dict[str, Any]:
    return {
        "credit_note_no": number or f"CN-{uuid.uuid4().hex[:8]}",
        "date": "2026-12-15",
        "reason": "rate difference",
        "taxable_value": taxable,
    }


async def test_ten_racing_notes_never_credit_past_the_outstanding(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    manager, invoice = await _setup(live_client, live_app, engine)
    url = f"{INVOICES}/{invoice['id']}/credit-notes"
    # Each totals 52,500.00: five fit in 278,593.00, a sixth would not.
    answers = await asyncio.gather(
        *(live_client.post(url, json=_note("50000"), headers=manager) for _ in range(10))
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] * 5 + [409] * 5, [a.text for a in answers if a.is_error]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {
        "credit_note.exceeds_outstanding"
    }
    paid, credited, notes = await _committed(engine, invoice["id"])
    assert paid == 0 and credited == notes == Decimal("262500.00")


async def test_a_racing_payment_and_note_cannot_both_take_the_same_outstanding(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    manager, invoice = await _setup(live_client, live_app, engine)
    # 200,000 paid and 105,000 credited each fit alone; together they pass 278,593.
    payment, note = await asyncio.gather(
        live_client.post(PAYMENTS, json=payment_body(invoice, "200000"), headers=manager),
        live_client.post(
            f"{INVOICES}/{invoice['id']}/credit-notes", json=_note("100000"), headers=manager
        ),
    )
    assert sorted([payment.status_code, note.status_code]) == [201, 409], (
        payment.text,
        note.text,
    )
    paid, credited, notes = await _committed(engine, invoice["id"])
    assert credited == notes
    assert paid + credited <= Decimal("278593.00")
    assert (paid, credited) in {(Decimal("200000.00"), 0), (0, Decimal("105000.00"))}


async def test_one_number_is_issued_once_under_racing_requests(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    manager, invoice = await _setup(live_client, live_app, engine)
    url = f"{INVOICES}/{invoice['id']}/credit-notes"
    answers = await asyncio.gather(
        *(live_client.post(url, json=_note("100", "CN/RACE/1"), headers=manager) for _ in range(5))
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * 4, [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {
        "credit_note.duplicate_number"
    }
    _, credited, notes = await _committed(engine, invoice["id"])
    assert credited == notes == Decimal("105.00")


async def test_a_racing_cancellation_and_payment_leave_a_consistent_invoice(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    manager, invoice = await _setup(live_client, live_app, engine)
    cancel, payment = await asyncio.gather(
        live_client.post(
            f"{INVOICES}/{invoice['id']}/cancel", json={"reason": "wrong"}, headers=manager
        ),
        live_client.post(PAYMENTS, json=payment_body(invoice, "1000"), headers=manager),
    )
    codes = {cancel.status_code, payment.status_code}
    assert codes in ({200, 409}, {201, 409}), (cancel.text, payment.text)
    seen = (await live_client.get(f"{INVOICES}/{invoice['id']}", headers=manager)).json()
    if cancel.status_code == 200:
        assert payment.json()["code"] == "invoice.cancelled"
        assert (seen["status"], seen["paid_amount"]) == ("cancelled", "0.00")
    else:
        assert cancel.json()["code"] == "invoice.has_payments"
        assert (seen["status"], seen["paid_amount"]) == ("partially_paid", "1000.00")
