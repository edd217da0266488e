"""Racing disputes on one contract, on committed data: the contract's ``disputed`` flag always
matches its open disputes, and it is set and cleared once each."""

from __future__ import annotations

import asyncio
import uuid
from itertools import pairwise
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.contract.helpers import build_world, confirmed_contract
from tests.contract.test_races import _committed_user
from tests.dispute.helpers import DISPUTES, RESOLUTION, dispute_body, raise_dispute, step
from tradehub.audit.models import AuditEvent
from tradehub.contract.models import Contract
from tradehub.dispute.models import Dispute
from tradehub.kit.db import create_sessionmaker


async def _setup(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
    admin = await _committed_user(engine, live_app, "admin")
    sales = await _committed_user(engine, live_app, "sales")
    manager = await _committed_user(engine, live_app, "manager")
    resolver = await _committed_user(engine, live_app, "dispute_manager")
    world = await build_world(live_client, admin, sales, manager)
    return sales, resolver, await confirmed_contract(live_client, sales, manager, world)


async def _committed(engine: AsyncEngine, contract_id: str) -> tuple[str, int, int, list[str]]:
    """(contract status, contract version, active disputes, contract dispute audit actions)."""
    key = uuid.UUID(contract_id)
    async with create_sessionmaker(engine)() as session:
        contract = await session.get(Contract, key)
        assert contract is not None
        active = await session.scalar(
            select(func.count())
            .select_from(Dispute)
            .where(Dispute.contract_id == key, Dispute.status.in_(["open", "under_review"]))
        )
        actions = await session.scalars(
            select(AuditEvent.action)
            .where(
                AuditEvent.entity_type == "contract",
                AuditEvent.entity_id == contract_id,
                AuditEvent.action.in_(["dispute", "dispute_cleared"]),
            )
            .order_by(AuditEvent.seq)
        )
        return contract.status, contract.version, int(active or 0), list(actions)


@pytest.mark.live
async def test_racing_disputes_on_one_contract_dispute_it_once_and_clear_it_once(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    sales, resolver, contract = await _setup(live_client, live_app, engine)
    answers = await asyncio.gather(
        *(
            live_client.post(
                DISPUTES, json=dispute_body(contract, subject=f"claim {n}"), headers=sales
            )
            for n in range(6)
        )
    )
    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers if a.is_error]
    status, version, active, actions = await _committed(engine, contract["id"])
    assert (status, active, actions) == ("disputed", 6, ["dispute"])
    assert version == contract["version"] + 1, "flagged once, however many raced"

    reviewing = await asyncio.gather(
        *(step(live_client, resolver, a.json(), "review") for a in answers)
    )
    ends = await asyncio.gather(
        *(
            live_client.post(
                f"{DISPUTES}/{d['id']}/{'resolve' if n % 2 else 'withdraw'}",
                json=RESOLUTION if n % 2 else {"reason": "agreed"},
                headers=resolver if n % 2 else sales,
            )
            for n, d in enumerate(reviewing)
        )
    )
    assert [e.status_code for e in ends] == [200] * 6, [e.text for e in ends if e.is_error]
    status, version, active, actions = await _committed(engine, contract["id"])
    assert (status, active, actions) == ("confirmed", 0, ["dispute", "dispute_cleared"])
    assert version == contract["version"] + 2


@pytest.mark.live
async def test_a_new_dispute_racing_the_end_of_the_last_one_leaves_the_contract_disputed(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    sales, resolver, contract = await _setup(live_client, live_app, engine)
    for round_ in range(4):
        ending = await step(
            live_client, resolver, await raise_dispute(live_client, sales, contract), "review"
        )
        resolve, raised = await asyncio.gather(
            live_client.post(
                f"{DISPUTES}/{ending['id']}/resolve", json=RESOLUTION, headers=resolver
            ),
            live_client.post(
                DISPUTES, json=dispute_body(contract, subject=f"round {round_}"), headers=sales
            ),
        )
        assert resolve.status_code == 200, resolve.text
        assert raised.status_code == 201, raised.text
        status, _, active, _ = await _committed(engine, contract["id"])
        assert (status, active) == ("disputed", 1), round_
        withdrawn = await step(live_client, sales, raised.json(), "withdraw", {"reason": "done"})
        assert withdrawn["status"] == "withdrawn"
        status, _, active, actions = await _committed(engine, contract["id"])
        assert (status, active) == ("confirmed", 0)
        # Whichever committed first, the flag went up and down in step with the count.
        assert actions[-1] == "dispute_cleared"
        assert all(a != b for a, b in pairwise(actions))
