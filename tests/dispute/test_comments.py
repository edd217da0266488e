"""Threaded comments: internal notes for the broker's staff, external comments for everyone who
sees the dispute; replies; closed disputes take none."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.dispute.helpers import DISPUTES, raise_dispute, resolved, step
from tradehub.audit.models import AuditEvent


async def _comment(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    dispute: dict[str, Any],
    body: str,
    visibility: str = "external",
    parent: dict[str, Any] | None = None,
    *,
    expect: int = 201,
) -> dict[str, Any]:
    payload: dict[str, Any] = {"body": body, "visibility": visibility}
    if parent is not None:
        payload["parent_id"] = parent["id"]
    response = await client.post(
        f"{DISPUTES}/{dispute['id']}/comments", json=payload, headers=headers
    )
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    return result


async def _thread(
    client: httpx.AsyncClient, headers: dict[str, str], dispute: dict[str, Any], **params: Any
) -> dict[str, Any]:
    response = await client.get(
        f"{DISPUTES}/{dispute['id']}/comments", params=params, headers=headers
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_parties_see_external_comments_only_and_staff_see_all(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: dict[str, str],
    contract: dict[str, Any],
    buyer_user: dict[str, str],
    seller_user: dict[str, str],
) -> None:
    dispute = await raise_dispute(client, buyer_user, contract, raised_by_side=None)
    opening = await _comment(client, buyer_user, dispute, "HVI report attached, see lot 14")
    assert (opening["author_side"], opening["visibility"]) == ("buyer", "external")
    assert opening["author_id"] is not None, "a party sees its own users"
    note = await _comment(
        client, sales, dispute, "Seller had a similar claim last year", "internal"
    )
    assert (note["author_side"], note["visibility"]) == ("broker", "internal")
    answer = await _comment(
        client, seller_user, dispute, "Samples were drawn wrongly", parent=opening
    )
    assert (answer["parent_id"], answer["author_side"]) == (opening["id"], "seller")
    staff_reply = await _comment(client, sales, dispute, "Re-sampling on Monday", parent=answer)

    everything = await _thread(client, sales, dispute)
    assert [c["id"] for c in everything["items"]] == [
        opening["id"],
        note["id"],
        answer["id"],
        staff_reply["id"],
    ]
    assert everything["total"] == 4
    assert all(c["author_id"] is not None for c in everything["items"])
    for party in (buyer_user, seller_user):
        seen = await _thread(client, party, dispute)
        assert [c["id"] for c in seen["items"]] == [opening["id"], answer["id"], staff_reply["id"]]
        assert seen["total"] == 3
        assert all(c["visibility"] == "external" for c in seen["items"])
    as_seller = {c["id"]: c for c in (await _thread(client, seller_user, dispute))["items"]}
    assert as_seller[answer["id"]]["author_id"] is not None
    assert as_seller[opening["id"]]["author_id"] is None, "the other side's users are not named"
    assert as_seller[staff_reply["id"]]["author_id"] is None, "nor the broker's staff"

    newest_first = await _thread(client, sales, dispute, sort="-created_at", limit=2)
    assert [c["id"] for c in newest_first["items"]] == [staff_reply["id"], answer["id"]]
    audited = await db.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_id == dispute["id"], AuditEvent.action == "comment"
        )
    )
    logged = {e.changes["comment_id"]["new"]: e.changes["visibility"]["new"] for e in audited}
    assert logged == {
        opening["id"]: "external",
        note["id"]: "internal",
        answer["id"]: "external",
        staff_reply["id"]: "external",
    }


async def test_parties_cannot_write_or_reach_internal_notes(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    contract: dict[str, Any],
    buyer_user: dict[str, str],
) -> None:
    dispute = await raise_dispute(client, sales, contract)
    refused = await _comment(client, buyer_user, dispute, "secret", "internal", expect=403)
    assert refused["code"] == "dispute.internal_comment_forbidden"
    note = await _comment(client, sales, dispute, "internal view", "internal")
    # Replying to a note they cannot see looks the same as replying to nothing.
    hidden = await _comment(client, buyer_user, dispute, "reply", parent=note, expect=422)
    assert hidden["code"] == "dispute.parent_unknown"
    assert hidden["errors"][0]["loc"] == ["body", "parent_id"]
    # Staff may not hang an external comment off an internal note either.
    leaked = await _comment(client, sales, dispute, "to all", parent=note, expect=422)
    assert leaked["code"] == "dispute.parent_internal"
    assert (await _comment(client, sales, dispute, "and more", "internal", parent=note))[
        "parent_id"
    ]


async def test_a_parent_must_be_a_comment_of_the_same_dispute(
    client: httpx.AsyncClient, sales: dict[str, str], contract: dict[str, Any]
) -> None:
    first = await raise_dispute(client, sales, contract)
    second = await raise_dispute(client, sales, contract, category="weight")
    elsewhere = await _comment(client, sales, first, "on the first one")
    for parent in (elsewhere, {"id": str(uuid.uuid4())}):
        wrong = await _comment(client, sales, second, "reply", parent=parent, expect=422)
        assert wrong["code"] == "dispute.parent_unknown"


async def test_closed_and_withdrawn_disputes_take_no_comments(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    resolver: dict[str, str],
    contract: dict[str, Any],
) -> None:
    done = await resolved(client, resolver, await raise_dispute(client, sales, contract))
    await _comment(client, sales, done, "payment of the settlement follows")
    closed = await step(client, resolver, done, "close")
    refused = await _comment(client, sales, closed, "late", expect=409)
    assert refused["code"] == "dispute.final"
    withdrawn = await step(
        client, sales, await raise_dispute(client, sales, contract), "withdraw", {"reason": "r"}
    )
    assert (await _comment(client, sales, withdrawn, "late", expect=409))["code"] == "dispute.final"
    assert (await _thread(client, sales, closed))["total"] == 1


async def test_comment_bodies_and_lists_are_validated(
    client: httpx.AsyncClient, sales: dict[str, str], contract: dict[str, Any]
) -> None:
    dispute = await raise_dispute(client, sales, contract)
    url = f"{DISPUTES}/{dispute['id']}/comments"
    for body in (
        {"body": "", "visibility": "external"},
        {"body": "x"},
        {"body": "x", "visibility": "public"},
        {"body": "x", "visibility": "external", "author_id": str(uuid.uuid4())},
    ):
        response = await client.post(url, json=body, headers=sales)
        assert response.status_code == 422, body
    for params in ({"sort": "body"}, {"limit": 0}, {"limit": 201}, {"page": 0}):
        assert (await client.get(url, params=params, headers=sales)).status_code == 422, params
    past = await client.get(url, params={"page": 9}, headers=sales)
    assert past.json() == {"items": [], "total": 0, "page": 9, "limit": 50}
    missing = await client.get(f"{DISPUTES}/{uuid.uuid4()}/comments", headers=sales)
    assert missing.status_code == 404 and missing.json()["code"] == "dispute.not_found"


async def test_the_thread_costs_the_same_queries_for_one_or_many_comments(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    contract: dict[str, Any],
    query_counter: Any,
) -> None:
    dispute = await raise_dispute(client, sales, contract)
    await _comment(client, sales, dispute, "one")
    query_counter.reset()
    await _thread(client, sales, dispute)
    one = query_counter.count
    for n in range(5):
        await _comment(client, sales, dispute, f"more {n}", "internal" if n % 2 else "external")
    query_counter.reset()
    assert (await _thread(client, sales, dispute))["total"] == 6
    assert query_counter.count == one
