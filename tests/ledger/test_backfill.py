"""The ledger revision's backfill writes exactly the rows the services maintain: bills,
receipts, a reversal, a cancellation, invoices and goods payments are recorded through HTTP,
their ledger is set aside, the migration's own ``backfill`` rebuilds it from the source rows,
and both must be equal, row for row."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from tests.brokerage.helpers import BILLS
from tests.contract.helpers import World, confirmed_contract
from tests.invoice.helpers import INVOICES, create_invoice, payment_body
from tests.ledger.helpers import billed, receipt_body, receive, reverse
from tradehub.kit import migrations
from tradehub.ledger.models import LedgerDocument, LedgerEntry

REVISION = "da26ccfad2ec"


def _migration() -> ModuleType:
    (path,) = (migrations.PROJECT_ROOT / "migrations" / "versions").glob(f"*_{REVISION}_*.py")
    spec = importlib.util.spec_from_file_location(f"ledger_revision_{REVISION}", Path(path))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(model: Any, row: Any, skip: tuple[str, ...] = ()) -> tuple[Any, ...]:
    return tuple(getattr(row, c.key) for c in model.__table__.columns if c.key not in skip)


async def _ledger(db: AsyncSession) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    entries = await db.scalars(select(LedgerEntry).execution_options(populate_existing=True))
    documents = await db.scalars(select(LedgerDocument).execution_options(populate_existing=True))
    return (
        sorted((_row(LedgerEntry, e, skip=("id",)) for e in entries), key=repr),
        sorted((_row(LedgerDocument, d) for d in documents), key=repr),
    )


async def _history(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    first = await billed(client, admin, sales, manager, world, bill_date="2026-11-20")
    second = await billed(
        client, admin, sales, manager, world, contract_date="2026-11-11", bill_date="2026-12-02"
    )
    cancelled = await billed(client, admin, sales, manager, world, contract_date="2026-11-12")
    response = await client.post(
        f"{BILLS}/{cancelled['id']}/cancel", json={"reason": "duplicate"}, headers=manager
    )
    assert response.status_code == 200, response.text
    await receive(client, manager, receipt_body(first, "1000", tds_amount="20"))
    both = receipt_body(first, "3000", method="cash", reference=None, payment_date="2026-11-25")
    both["allocations"] = [
        {"brokerage_bill_id": second["id"], "amount": "2000"},
        {"brokerage_bill_id": first["id"], "amount": "1000"},
    ]
    await reverse(client, manager, await receive(client, manager, both))
    contract = await confirmed_contract(client, sales, manager, world)
    invoice = await create_invoice(client, manager, contract)
    await receive(client, manager, payment_body(invoice, "1000"))
    await reverse(client, manager, await receive(client, manager, payment_body(invoice, "2000")))
    # The invoice module's adjustments post to the goods ledger too (revision 9eed4e7c0ed8).
    cancelled_invoice = await create_invoice(client, manager, contract)
    await _posted(client, manager, f"{INVOICES}/{cancelled_invoice['id']}/cancel", REASON)
    for number in ("CN-1", "CN-2"):
        note = await _posted(
            client,
            manager,
            f"{INVOICES}/{invoice['id']}/credit-notes",
            {"credit_note_no": number, "date": "2026-12-07", "taxable_value": "1000", **REASON},
        )
    await _posted(client, manager, f"/api/v1/credit-notes/{note['id']}/cancel", REASON)


REASON = {"reason": "entered twice"}


async def _posted(
    client: httpx.AsyncClient, headers: dict[str, str], url: str, body: dict[str, Any]
) -> Any:
    response = await client.post(url, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def test_the_backfill_rebuilds_what_the_services_maintain(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    db: AsyncSession,
) -> None:
    await _history(client, admin, sales, manager, world)
    maintained = await _ledger(db)
    entries, documents = maintained
    assert len(documents) == 5
    types = sorted(e[4] for e in entries)  # document_type
    assert types.count("payment_reversal") == 3
    assert types.count("brokerage_bill_cancellation") == 1
    assert types.count("invoice_cancellation") == 1
    assert (types.count("credit_note"), types.count("credit_note_cancellation")) == (2, 1)

    await db.execute(delete(LedgerEntry))
    await db.execute(delete(LedgerDocument))
    assert await _ledger(db) == ([], [])
    backfill = _migration().backfill

    def rebuild(session: Session) -> None:
        backfill(session.connection())

    await db.run_sync(rebuild)
    assert await _ledger(db) == maintained
