"""Raising disputes and moving them through their lifecycle over HTTP; the contract shows
``disputed`` exactly while one is open."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.contract.helpers import World, create_contract
from tests.dispute.helpers import (
    CONTRACTS,
    DISPUTES,
    RESOLUTION,
    contract_status,
    dispute_body,
    raise_dispute,
    resolved,
    step,
)
from tradehub.audit.models import AuditEvent


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


async def _actions(db: AsyncSession, entity_type: str, entity_id: str) -> list[str]:
    rows = await db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.seq)
    )
    return list(rows)


async def test_staff_raise_a_dispute_and_the_contract_shows_disputed(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: dict[str, str],
    contract: dict[str, Any],
    world: World,
) -> None:
    response = await client.post(DISPUTES, json=dispute_body(contract), headers=sales)
    assert response.status_code == 201, response.text
    dispute = response.json()
    assert response.headers["ETag"] == f'"{dispute["version"]}"'
    assert dispute["status"] == "open"
    assert dispute["contract_id"] == contract["id"]
    assert dispute["contract_no"] == contract["contract_no"]
    assert (dispute["seller_id"], dispute["buyer_id"]) == (world.seller["id"], world.buyer["id"])
    assert dispute["organization_id"] == contract["organization_id"]
    assert dispute["financial_year"] == "2026-27"
    assert (dispute["category"], dispute["claimed_amount"]) == ("quality", "25000.00")
    assert dispute["raised_by_side"] == "buyer"
    assert dispute["raised_by_partner_id"] == world.buyer["id"]
    assert dispute["raised_on_portal"] is False
    assert dispute["raised_by_id"] is not None
    assert dispute["resolution"] is None and dispute["settled_amount"] is None

    after = (await client.get(f"{CONTRACTS}/{contract['id']}", headers=sales)).json()
    assert after["status"] == "disputed"
    assert after["version"] == contract["version"] + 1
    assert after["contract_no"] == contract["contract_no"]
    contract_actions = await _actions(db, "contract", contract["id"])
    assert contract_actions[-1] == "dispute" and contract_actions.count("dispute") == 1
    assert await _actions(db, "dispute", dispute["id"]) == ["create"]
    listed = await client.get(CONTRACTS, params={"status": "disputed"}, headers=sales)
    assert [c["id"] for c in listed.json()["items"]] == [contract["id"]]


async def test_a_partys_user_raises_for_its_own_side(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    contract: dict[str, Any],
    world: World,
    buyer_user: dict[str, str],
    seller_user: dict[str, str],
) -> None:
    own = await raise_dispute(
        client, seller_user, contract, raised_by_side=None, category="payment"
    )
    assert own["raised_by_side"] == "seller"
    assert own["raised_by_partner_id"] == world.seller["id"]
    assert own["raised_on_portal"] is True
    assert own["raised_by_id"] is None, "a party's users see no user ids"
    repeated = await raise_dispute(client, buyer_user, contract, raised_by_side="buyer")
    assert repeated["raised_by_side"] == "buyer"

    contradicted = await client.post(
        DISPUTES, json=dispute_body(contract, raised_by_side="buyer"), headers=seller_user
    )
    body = _problem(contradicted, 422, "dispute.side_mismatch")
    assert body["errors"][0]["loc"] == ["body", "raised_by_side"]
    unstated = await client.post(
        DISPUTES, json=dispute_body(contract, raised_by_side=None), headers=sales
    )
    _problem(unstated, 422, "dispute.side_required")


async def test_only_confirmed_or_already_disputed_contracts_take_disputes(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    contract: dict[str, Any],
) -> None:
    draft = await create_contract(client, sales, world)
    refused = await client.post(DISPUTES, json=dispute_body(draft), headers=sales)
    body = _problem(refused, 409, "dispute.contract_not_confirmed")
    assert "draft" in body["detail"]

    first = await raise_dispute(client, sales, contract)
    disputed = (await client.get(f"{CONTRACTS}/{contract['id']}", headers=sales)).json()
    second = await raise_dispute(client, sales, contract, category="weight")
    assert second["status"] == "open"
    again = (await client.get(f"{CONTRACTS}/{contract['id']}", headers=sales)).json()
    assert again["status"] == "disputed"
    assert again["version"] == disputed["version"], "already disputed: the contract is unchanged"

    for dispute in (first, second):
        await step(client, sales, dispute, "withdraw", {"reason": "agreed by phone"})
    confirmed = (await client.get(f"{CONTRACTS}/{contract['id']}", headers=sales)).json()
    assert confirmed["status"] == "confirmed"
    cancelled = await client.post(
        f"{CONTRACTS}/{contract['id']}/cancel", json={"reason": "buyer backed out"}, headers=sales
    )
    assert cancelled.status_code == 200, cancelled.text
    refused = await client.post(DISPUTES, json=dispute_body(contract), headers=sales)
    _problem(refused, 409, "dispute.contract_not_confirmed")


async def test_a_contract_the_caller_cannot_see_is_404(
    client: httpx.AsyncClient, sign_in: SignIn, contract: dict[str, Any]
) -> None:
    stranger = (await sign_in(roles=["partner"], partner_id=uuid.uuid4())).headers
    response = await client.post(
        DISPUTES, json=dispute_body(contract, raised_by_side=None), headers=stranger
    )
    _problem(response, 404, "contract.not_found")
    missing = await client.post(
        DISPUTES, json=dispute_body({"id": str(uuid.uuid4())}), headers=stranger
    )
    _problem(missing, 404, "contract.not_found")


async def test_review_resolve_close_with_etags_audit_and_the_contract_back_to_confirmed(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: dict[str, str],
    resolver: dict[str, str],
    contract: dict[str, Any],
) -> None:
    dispute = await raise_dispute(client, sales, contract)
    reviewing = await step(client, resolver, dispute, "review")
    assert reviewing["status"] == "under_review"
    assert reviewing["reviewed_by_id"] is not None and reviewing["reviewed_at"] is not None
    assert reviewing["version"] == dispute["version"] + 1
    assert await contract_status(client, sales, contract) == "disputed"

    done = await step(client, resolver, reviewing, "resolve", RESOLUTION)
    assert done["status"] == "resolved"
    assert done["resolution"] == RESOLUTION["resolution"]
    assert (done["resolution_kind"], done["settled_amount"]) == ("partially_upheld", "12500.00")
    assert done["resolved_by_id"] is not None
    assert await contract_status(client, sales, contract) == "confirmed"

    closed = await step(client, resolver, done, "close")
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    got = await client.get(f"{DISPUTES}/{dispute['id']}", headers=sales)
    assert got.headers["ETag"] == f'"{closed["version"]}"'
    assert await _actions(db, "dispute", dispute["id"]) == ["create", "review", "resolve", "close"]
    assert (await _actions(db, "contract", contract["id"]))[-2:] == ["dispute", "dispute_cleared"]
    event = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_id == dispute["id"], AuditEvent.action == "resolve"
        )
    )
    assert event is not None
    assert event.changes["status"] == {"old": "under_review", "new": "resolved"}
    assert event.changes["settled_amount"]["new"] == "12500.00"


async def test_wrong_steps_are_409_and_stale_versions_412(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    resolver: dict[str, str],
    contract: dict[str, Any],
) -> None:
    dispute = await raise_dispute(client, sales, contract)
    url = f"{DISPUTES}/{dispute['id']}"
    _problem(
        await client.post(f"{url}/resolve", json=RESOLUTION, headers=resolver),
        409,
        "dispute.invalid_transition",
    )
    _problem(await client.post(f"{url}/close", headers=resolver), 409, "dispute.invalid_transition")
    _problem(
        await client.post(f"{url}/reopen", json={"reason": "r"}, headers=resolver),
        409,
        "dispute.invalid_transition",
    )
    reviewing = await step(client, resolver, dispute, "review")
    stale = await client.post(
        f"{url}/resolve",
        json=RESOLUTION,
        headers={**resolver, "If-Match": f'"{dispute["version"]}"'},
    )
    _problem(stale, 412, "version.conflict")
    _problem(
        await client.post(f"{url}/review", headers=resolver), 409, "dispute.invalid_transition"
    )
    done = await step(client, resolver, reviewing, "resolve", RESOLUTION)
    withdrawn = await client.post(f"{url}/withdraw", json={"reason": "r"}, headers=sales)
    _problem(withdrawn, 409, "dispute.invalid_transition")
    closed = await step(client, resolver, done, "close")
    for action, body in (("review", None), ("resolve", RESOLUTION), ("reopen", {"reason": "r"})):
        _problem(
            await client.post(f"{url}/{action}", json=body, headers=resolver),
            409,
            "dispute.invalid_transition",
        )
    assert (await client.get(url, headers=sales)).json()["version"] == closed["version"]


async def test_only_the_brokers_staff_review_resolve_and_close(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    admin: dict[str, str],
    sales: dict[str, str],
    contract: dict[str, Any],
    world: World,
    buyer_user: dict[str, str],
) -> None:
    dispute = await raise_dispute(client, buyer_user, contract, raised_by_side=None)
    url = f"{DISPUTES}/{dispute['id']}"
    for headers in (buyer_user, sales):  # neither holds dispute:resolve
        _problem(await client.post(f"{url}/review", headers=headers), 403, "auth.forbidden")
    # Even a custom role granting the permission does not make a party's user the broker.
    created = await client.post(
        "/api/v1/roles",
        json={"name": "party_arbiter", "permissions": ["dispute:read", "dispute:resolve"]},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    arbiter = (
        await sign_in(roles=["party_arbiter"], partner_id=uuid.UUID(world.buyer["id"]))
    ).headers
    _problem(await client.post(f"{url}/review", headers=arbiter), 403, "dispute.staff_only")
    assert (await client.get(url, headers=sales)).json()["status"] == "open"


async def test_only_the_raiser_withdraws(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    sales: dict[str, str],
    resolver: dict[str, str],
    contract: dict[str, Any],
    world: World,
    buyer_user: dict[str, str],
    seller_user: dict[str, str],
) -> None:
    by_buyer = await raise_dispute(client, buyer_user, contract, raised_by_side=None)
    url = f"{DISPUTES}/{by_buyer['id']}/withdraw"
    reason = {"reason": "settled directly"}
    for headers in (seller_user, sales):
        _problem(await client.post(url, json=reason, headers=headers), 403, "dispute.not_raiser")
    reviewing = await step(client, resolver, by_buyer, "review")
    colleague = (await sign_in(roles=["partner"], partner_id=uuid.UUID(world.buyer["id"]))).headers
    withdrawn = await step(client, colleague, reviewing, "withdraw", reason)
    assert withdrawn["status"] == "withdrawn"
    assert withdrawn["status_reason"] == "settled directly"
    assert await contract_status(client, sales, contract) == "confirmed"

    # Raised by staff on the seller's behalf: staff withdraw it, or the seller's users.
    for headers in (sales, seller_user):
        on_behalf = await raise_dispute(client, sales, contract, raised_by_side="seller")
        _problem(
            await client.post(
                f"{DISPUTES}/{on_behalf['id']}/withdraw", json=reason, headers=buyer_user
            ),
            403,
            "dispute.not_raiser",
        )
        assert (await step(client, headers, on_behalf, "withdraw", reason))["status"] == "withdrawn"
    assert await contract_status(client, sales, contract) == "confirmed"


async def test_the_contract_stays_disputed_until_its_last_dispute_ends(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: dict[str, str],
    resolver: dict[str, str],
    contract: dict[str, Any],
) -> None:
    first = await raise_dispute(client, sales, contract)
    second = await raise_dispute(client, sales, contract, category="delivery")
    await resolved(client, resolver, first)
    assert await contract_status(client, sales, contract) == "disputed"
    await step(client, sales, second, "withdraw", {"reason": "delivered after all"})
    assert await contract_status(client, sales, contract) == "confirmed"
    actions = await _actions(db, "contract", contract["id"])
    assert actions.count("dispute") == 1 and actions.count("dispute_cleared") == 1


async def test_reopening_a_resolution_disputes_the_contract_again(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: dict[str, str],
    resolver: dict[str, str],
    contract: dict[str, Any],
) -> None:
    done = await resolved(client, resolver, await raise_dispute(client, sales, contract))
    assert await contract_status(client, sales, contract) == "confirmed"
    reopened = await step(client, resolver, done, "reopen", {"reason": "seller contests the rate"})
    assert reopened["status"] == "under_review"
    assert reopened["status_reason"] == "seller contests the rate"
    assert reopened["resolution"] is None and reopened["settled_amount"] is None
    assert await contract_status(client, sales, contract) == "disputed"
    assert await _actions(db, "dispute", done["id"]) == [
        "create",
        "review",
        "resolve",
        "reopen",
    ]
    again = await step(
        client, resolver, reopened, "resolve", {**RESOLUTION, "resolution_kind": "upheld"}
    )
    assert await contract_status(client, sales, contract) == "confirmed"

    # A contract cancelled after the resolution can no longer be disputed again.
    cancelled = await client.post(
        f"{CONTRACTS}/{contract['id']}/cancel", json={"reason": "closed out"}, headers=sales
    )
    assert cancelled.status_code == 200, cancelled.text
    refused = await client.post(
        f"{DISPUTES}/{again['id']}/reopen", json={"reason": "again"}, headers=resolver
    )
    _problem(refused, 409, "dispute.contract_not_confirmed")
    assert (await client.get(f"{DISPUTES}/{again['id']}", headers=sales)).json()[
        "status"
    ] == "resolved"


async def test_a_rejected_dispute_settles_nothing(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    resolver: dict[str, str],
    contract: dict[str, Any],
) -> None:
    reviewing = await step(client, resolver, await raise_dispute(client, sales, contract), "review")
    refused = await client.post(
        f"{DISPUTES}/{reviewing['id']}/resolve",
        json={**RESOLUTION, "resolution_kind": "rejected"},
        headers=resolver,
    )
    body = _problem(refused, 422, "dispute.settlement_on_rejection")
    assert body["errors"][0]["loc"] == ["body", "settled_amount"]
    rejected = await step(
        client,
        resolver,
        reviewing,
        "resolve",
        {"resolution": "Within the contract's tolerance", "resolution_kind": "rejected"},
    )
    assert (rejected["resolution_kind"], rejected["settled_amount"]) == ("rejected", None)


async def test_malformed_bodies_are_422(
    client: httpx.AsyncClient, sales: dict[str, str], contract: dict[str, Any]
) -> None:
    for overrides in (
        {"claimed_amount": "0"},
        {"claimed_amount": "-5"},
        {"claimed_amount": "1e3"},
        {"claimed_amount": "12.345"},
        {"claimed_amount": ""},
        {"category": "price"},
        {"raised_by_side": "broker"},
        {"subject": " "},
        {"subject": "x" * 201},
        {"description": ""},
        {"status": "resolved"},
    ):
        response = await client.post(
            DISPUTES, json=dispute_body(contract, **overrides), headers=sales
        )
        _problem(response, 422, "validation.invalid")
    assert await contract_status(client, sales, contract) == "confirmed"
