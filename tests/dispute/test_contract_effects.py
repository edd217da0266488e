"""What an open dispute does around it: the contract refuses amendment and cancellation, still
takes invoices and payments; the parties are e-mailed when a dispute is raised and resolved."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import World
from tests.dispute.helpers import CONTRACTS, raise_dispute, resolved, step
from tests.invoice.helpers import PAYMENTS, create_invoice, payment_body
from tradehub.config import Settings
from tradehub.kit.outbox import OutboxMessage
from tradehub.notification.rendering import render_email


async def test_a_disputed_contract_is_neither_amended_nor_cancelled_until_the_dispute_ends(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    contract: dict[str, Any],
) -> None:
    dispute = await raise_dispute(client, sales, contract)
    url = f"{CONTRACTS}/{contract['id']}"
    amend = {"changes": {"bales": 90}, "reason": "short crop"}
    for action, body in (("amend", amend), ("cancel", {"reason": "buyer backed out"})):
        refused = await client.post(f"{url}/{action}", json=body, headers=sales)
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "contract.disputed"
        assert "open dispute" in refused.json()["detail"]
    patched = await client.patch(url, json={"bales": 90}, headers=sales)
    assert patched.status_code == 409 and patched.json()["code"] == "contract.disputed"

    await step(client, sales, dispute, "withdraw", {"reason": "sorted out"})
    amended = await client.post(f"{url}/amend", json=amend, headers=sales)
    assert amended.status_code == 200, amended.text
    assert (amended.json()["status"], amended.json()["bales"]) == ("confirmed", 90)


async def test_a_disputed_contract_still_takes_invoices_and_payments(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    resolver: dict[str, str],
    contract: dict[str, Any],
) -> None:
    dispute = await raise_dispute(client, sales, contract)
    invoice = await create_invoice(client, manager, contract)
    assert invoice["contract_id"] == contract["id"]
    paid = await client.post(PAYMENTS, json=payment_body(invoice, "1000"), headers=manager)
    assert paid.status_code == 201, paid.text
    await resolved(client, resolver, dispute)
    after = await create_invoice(client, manager, contract)
    assert after["status"] == "unpaid"


async def _mails(db: AsyncSession, template: str) -> list[OutboxMessage]:
    rows = await db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.template == template)
        .order_by(OutboxMessage.recipient)
    )
    return list(rows)


async def test_raising_mails_the_other_side_and_resolving_mails_both(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: dict[str, str],
    resolver: dict[str, str],
    contract: dict[str, Any],
    world: World,
    test_settings: Settings,
) -> None:
    dispute = await raise_dispute(client, sales, contract, raised_by_side="buyer")
    raised = await _mails(db, "dispute_raised")
    assert [(m.channel, m.recipient, m.status) for m in raised] == [
        ("email", world.seller["email"], "queued")
    ]
    assert raised[0].payload["contract_no"] == contract["contract_no"]
    assert raised[0].payload["legal_name"] == world.seller["legal_name"]
    assert raised[0].payload["claimed_amount"] == "25000.00"
    text = render_email("dispute_raised", raised[0].payload, settings=test_settings).text
    assert contract["contract_no"] in text and "Staple length below 28.5 mm" in text

    await resolved(client, resolver, dispute)
    mails = await _mails(db, "dispute_resolved")
    assert sorted(m.recipient for m in mails) == sorted(
        [world.seller["email"], world.buyer["email"]]
    )
    assert {m.payload["settled_amount"] for m in mails} == {"12500.00"}
    rendered = render_email("dispute_resolved", mails[0].payload, settings=test_settings)
    assert "partially upheld" in rendered.subject and "12500.00" in rendered.text
    assert len(await _mails(db, "dispute_raised")) == 1, "nothing more to the raising side"
