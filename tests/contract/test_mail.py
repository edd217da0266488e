"""Contract e-mails through the outbox (domain.md §3.1): confirming and amending a contract
queue one mail to each party's e-mail in the same transaction (listed by GET /notifications,
audited), nothing for other steps or a refused approval, and the mails reach a real SMTP
server with the contract number in the subject and a link to the PDF."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from tests.conftest import savepoint_sessionmaker
from tests.contract.helpers import CONTRACTS, World, confirmed_contract, create_contract
from tests.mail import MailServer, running_mail_server
from tradehub.audit.models import AuditEvent
from tradehub.config import Settings
from tradehub.kit.outbox import OutboxMessage
from tradehub.notification import service as notifications

Headers = dict[str, str]
CONFIRMED, AMENDED = "contract_confirmed", "contract_amended"


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    yield from running_mail_server()


async def queued(db: AsyncSession, world: World, template: str) -> list[OutboxMessage]:
    parties = [world.seller["email"], world.buyer["email"]]
    rows = await db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.template == template, OutboxMessage.recipient.in_(parties))
        .order_by(OutboxMessage.recipient)
    )
    return list(rows)


async def amend(
    client: httpx.AsyncClient, headers: Headers, contract: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(
        f"{CONTRACTS}/{contract['id']}/amend",
        json={"changes": {"bales": 120, "rate": "56000"}, "reason": "Buyer took 20 more bales"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_confirmation_queues_one_mail_to_each_party(
    client: httpx.AsyncClient,
    sales: Headers,
    manager: Headers,
    admin: Headers,
    world: World,
    db: AsyncSession,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    rows = await queued(db, world, CONFIRMED)
    by_side = {row.payload["side"]: row for row in rows}
    assert sorted(by_side) == ["buyer", "seller"]
    assert by_side["seller"].recipient == world.seller["email"]
    assert by_side["buyer"].recipient == world.buyer["email"]
    for side, row in by_side.items():
        party = world.seller if side == "seller" else world.buyer
        assert row.channel == "email" and row.status == "queued"
        assert row.payload["legal_name"] == party["legal_name"]
        assert row.payload["contract_no"] == contract["contract_no"] == "SC/26-27/00001"
        assert row.payload["contract_id"] == contract["id"]
        assert row.payload["contract_value"] == "2,653,262.09"
        # Neither party learns the other's brokerage (nor its own) from the mail.
        assert not [key for key in row.payload if "commission" in key or "brokerage" in key]
    listed = await client.get(
        "/api/v1/notifications", params={"template": CONFIRMED, "limit": 200}, headers=admin
    )
    assert listed.status_code == 200, listed.text
    mine = {n["recipient"]: n["status"] for n in listed.json()["items"]}
    assert mine[world.seller["email"]] == mine[world.buyer["email"]] == "queued"
    event = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_id == contract["id"], AuditEvent.action == "email_queued"
        )
    )
    assert event is not None and event.reason == CONFIRMED
    assert sorted(event.changes["emails"]["new"]) == sorted(
        [world.seller["email"], world.buyer["email"]]
    )


async def test_no_mail_before_confirmation_or_for_a_refused_approval(
    client: httpx.AsyncClient, manager: Headers, world: World, db: AsyncSession
) -> None:
    contract = await create_contract(client, manager, world)
    submitted = await client.post(f"{CONTRACTS}/{contract['id']}/submit", headers=manager)
    assert submitted.status_code == 200, submitted.text
    # Its maker may not approve it: the refused request rolls back and queues nothing.
    refused = await client.post(f"{CONTRACTS}/{contract['id']}/approve", headers=manager)
    assert refused.status_code == 403 and refused.json()["code"] == "approval.self_approval"
    assert await queued(db, world, CONFIRMED) == []
    assert await queued(db, world, AMENDED) == []


async def test_an_amendment_mails_the_new_version_and_what_changed(
    client: httpx.AsyncClient,
    sales: Headers,
    manager: Headers,
    world: World,
    db: AsyncSession,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    amended = await amend(client, sales, contract)
    rows = await queued(db, world, AMENDED)
    assert sorted(row.recipient for row in rows) == sorted(
        [world.seller["email"], world.buyer["email"]]
    )
    for row in rows:
        assert row.payload["revision"] == 2 == amended["revision"]
        assert row.payload["bales"] == 120 and row.payload["rate"] == "56000"
        assert row.payload["reason"] == "Buyer took 20 more bales"
        assert row.payload["changed"] == ["bales", "contract value", "rate"]
    actions = (
        await db.scalars(
            select(AuditEvent.reason).where(
                AuditEvent.entity_id == contract["id"], AuditEvent.action == "email_queued"
            )
        )
    ).all()
    assert sorted(actions) == [AMENDED, CONFIRMED]


async def test_the_mails_reach_a_real_smtp_server(
    client: httpx.AsyncClient,
    connection: AsyncConnection,
    test_settings: Settings,
    mail_server: MailServer,
    sales: Headers,
    manager: Headers,
    admin: Headers,
    world: World,
) -> None:
    settings = test_settings.model_copy(
        update={
            "smtp_host": mail_server.host,
            "smtp_port": mail_server.port,
            "smtp_from": "TradeHub <no-reply@tradehub.test>",
            "smtp_timeout_seconds": 5.0,
        }
    )
    contract = await confirmed_contract(client, sales, manager, world)
    await amend(client, sales, contract)
    report = await notifications.deliver_due(
        savepoint_sessionmaker(connection), settings, worker="test-worker"
    )
    assert report.sent >= 4, report
    number = contract["contract_no"]
    received = [r for r in mail_server.received if number in r.subject]
    subjects = sorted((r.rcpt_tos[0], r.subject) for r in received)
    assert subjects == sorted(
        [
            (world.seller["email"], f"Contract {number} confirmed: 100 bales Shankar-6"),
            (world.buyer["email"], f"Contract {number} confirmed: 100 bales Shankar-6"),
            (world.seller["email"], f"Contract {number} amended (version 2)"),
            (world.buyer["email"], f"Contract {number} amended (version 2)"),
        ]
    )
    link = f"/api/v1/contracts/{contract['id']}/pdf"
    for mail in received:
        assert link in mail.part("plain") and f'{link}"' in mail.part("html")
        assert world.seller["legal_name"] in mail.part("plain")
        assert "13266.31" not in mail.part("plain")  # the seller's brokerage is not mailed
    [seller_confirmed] = [
        r for r in received if r.rcpt_tos == (world.seller["email"],) and "confirmed" in r.subject
    ]
    text = seller_confirmed.part("plain")
    assert f"Hello {world.seller['legal_name']}" in text and "You are its seller." in text
    assert "Rs. 2,653,262.09" in text and "Rs. 55500 per candy" in text
    listed = await client.get(
        "/api/v1/notifications", params={"template": AMENDED, "limit": 200}, headers=admin
    )
    statuses = {
        n["recipient"]: n["status"]
        for n in listed.json()["items"]
        if n["recipient"] in (world.seller["email"], world.buyer["email"])
    }
    assert statuses == {world.seller["email"]: "sent", world.buyer["email"]: "sent"}


async def test_only_the_party_whose_brokerage_changed_hears_of_it(
    client: httpx.AsyncClient,
    sales: Headers,
    manager: Headers,
    world: World,
    db: AsyncSession,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    response = await client.post(
        f"{CONTRACTS}/{contract['id']}/amend",
        json={
            "changes": {"buyer_commission_structure_id": world.flat_id, "rate": "55000"},
            "reason": "Buyer's brokerage now flat",
        },
        headers=sales,
    )
    assert response.status_code == 200, response.text
    changed = {
        row.payload["side"]: row.payload["changed"] for row in await queued(db, world, AMENDED)
    }
    assert changed == {
        "buyer": ["contract value", "rate", "your brokerage terms"],
        "seller": ["contract value", "rate"],
    }
