"""Partner change requests through HTTP: raising (validation, empty, one pending at a time),
maker-checker decisions, applying the diffs with a new version, stale detection, uniqueness at
apply time, field locks from open dealings, If-Match, lists and visibility, and a real race."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.auth_helpers import DEFAULT_PASSWORD, SignIn
from tests.conftest import QueryCounter
from tests.organization.helpers import make_gstin
from tests.partner.helpers import PARTNERS, active_partner, create_partner
from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.auth import service as auth_service
from tradehub.auth import users_service
from tradehub.auth.schemas import UserCreate
from tradehub.contract import dealings as contract_dealings
from tradehub.kit.db import create_sessionmaker, session_scope
from tradehub.partner.locks import (
    register_open_dealings,
    registered_open_dealings,
    unregister_open_dealings,
)
from tradehub.partner.models import Partner, PartnerVersion

CHANGE_REQUESTS = "/api/v1/partner-change-requests"
Headers = dict[str, str]


@pytest.fixture
async def sales(sign_in: SignIn) -> Headers:
    return (await sign_in(roles=["sales"])).headers


@pytest.fixture
async def manager(sign_in: SignIn) -> Headers:
    return (await sign_in(roles=["manager"])).headers


@pytest.fixture
async def partner(client: httpx.AsyncClient, sales: Headers, manager: Headers) -> dict[str, Any]:
    return await active_partner(client, sales, manager)


class OpenDealings:
    """A stand-in for the contract module's real counter (which tests/partner/
    test_open_dealings.py drives with real contracts): open contracts per partner, set by tests,
    so the lock mechanism is checked on exact counts."""

    def __init__(self) -> None:
        self.counts: dict[uuid.UUID, int] = {}

    async def __call__(self, _session: AsyncSession, partner_id: uuid.UUID) -> int:
        return self.counts.get(partner_id, 0)


@pytest.fixture
def open_contracts() -> Iterator[OpenDealings]:
    """Replaces the real ``contracts`` counter for the test, then puts it back."""
    counter = OpenDealings()
    unregister_open_dealings("contracts")
    register_open_dealings("contracts", counter)
    try:
        yield counter
    finally:
        unregister_open_dealings("contracts")
        contract_dealings.register()


def counts(**open_now: int) -> dict[str, int]:
    """``impact.open_dealings``: every registered counter (contracts, invoices, …), 0 unless
    given."""
    return {name: 0 for name in registered_open_dealings()} | open_now


def _on(partner: dict[str, Any]) -> str:
    return f"{PARTNERS}/{partner['id']}/change-requests"


async def raise_request(
    client: httpx.AsyncClient,
    headers: Headers,
    partner: dict[str, Any],
    changes: dict[str, Any] | None = None,
    **extra: Any,
) -> httpx.Response:
    body = {"changes": changes or {}, "reason": "Customer letter of 12 Nov", **extra}
    return await client.post(_on(partner), json=body, headers=headers)


async def raised(
    client: httpx.AsyncClient, headers: Headers, partner: dict[str, Any], **kwargs: Any
) -> dict[str, Any]:
    response = await raise_request(client, headers, partner, **kwargs)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def decide(
    client: httpx.AsyncClient, headers: Headers, request: dict[str, Any], action: str, **body: Any
) -> httpx.Response:
    return await client.post(
        f"{CHANGE_REQUESTS}/{request['id']}/{action}", json=body or None, headers=headers
    )


def _locs(response: httpx.Response) -> list[list[Any]]:
    return [error["loc"] for error in response.json()["errors"]]


# --- raising ---------------------------------------------------------------------------------


async def test_raise_stores_field_diffs_and_opens_an_approval(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, partner: dict[str, Any]
) -> None:
    response = await raise_request(
        client,
        sales,
        partner,
        {"email": "NEW-Accounts@Example.in", "address": "Plot 4, GIDC Rajkot"},
        justification="Old mailbox closed",
        urgency="high",
    )
    assert response.status_code == 201, response.text
    request = response.json()
    assert response.headers["etag"] == f'"{request["version"]}"'
    assert request["status"] == "pending"
    assert request["changes"] == {
        "address": {"old": None, "new": "Plot 4, GIDC Rajkot"},
        "email": {"old": partner["email"], "new": "new-accounts@example.in"},
    }
    assert request["branch_changes"] == {"added": [], "changed": []}
    assert request["base_revision"] == 1
    assert request["urgency"] == "high" and request["justification"] == "Old mailbox closed"
    assert request["impact"] == {
        "open_contracts": 0,
        "open_dealings": counts(),
        "locked_fields": [],
        "risk": "medium",
    }
    queue = await client.get(
        "/api/v1/approval-requests", params={"action": "partner.change"}, headers=manager
    )
    [approval] = [a for a in queue.json()["items"] if a["entity_id"] == partner["id"]]
    assert approval["id"] == request["approval_request_id"]
    assert approval["status"] == "pending" and approval["entity_type"] == "partner"
    unchanged = await client.get(f"{PARTNERS}/{partner['id']}", headers=sales)
    assert unchanged.json()["email"] == partner["email"]


async def test_a_draft_partner_has_no_change_requests(
    client: httpx.AsyncClient, sales: Headers
) -> None:
    draft = await create_partner(client, sales)
    response = await raise_request(client, sales, draft, {"address": "Somewhere"})
    assert response.status_code == 409
    assert response.json()["code"] == "partner.not_approved"


async def test_a_suspended_partner_may_still_be_corrected(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, partner: dict[str, Any]
) -> None:
    suspended = await client.post(
        f"{PARTNERS}/{partner['id']}/suspend", json={"reason": "KYC query"}, headers=manager
    )
    assert suspended.json()["status"] == "suspended"
    await raised(client, sales, partner, changes={"mobile": "9876543210"})


@pytest.mark.parametrize(
    ("changes", "loc", "code"),
    [
        ({"gstin": "24ABCDE1234F1Z"}, ["body", "changes", "gstin"], "partner.invalid_gstin"),
        ({"mobile": "5812345678"}, ["body", "changes", "mobile"], "partner.invalid_mobile"),
        ({"gstin": None}, ["body", "changes", "gstin"], "partner.gstin_required"),
        ({"legal_name": None}, ["body", "changes", "legal_name"], "change_request.required"),
        ({"pan": "AAAAA1111A"}, ["body", "changes", "pan"], "change_request.not_changeable"),
        ({"kind": "buyer"}, ["body", "changes", "kind"], "change_request.not_changeable"),
        ({"status": "active"}, ["body", "changes", "status"], "extra_forbidden"),
        ({"email": "not-an-email"}, ["body", "changes", "email"], "value_error"),
    ],
)
async def test_proposed_values_are_checked_as_at_creation(
    client: httpx.AsyncClient,
    sales: Headers,
    partner: dict[str, Any],
    changes: dict[str, Any],
    loc: list[Any],
    code: str,
) -> None:
    response = await raise_request(client, sales, partner, changes)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [loc, code] in [[e["loc"], e["type"]] for e in errors]


async def test_the_gstin_must_carry_the_partners_pan(
    client: httpx.AsyncClient, sales: Headers, partner: dict[str, Any]
) -> None:
    other_pan = make_gstin("24", "ABCPQ1234R")
    response = await raise_request(client, sales, partner, {"gstin": other_pan})
    assert response.status_code == 422
    assert _locs(response) == [["body", "changes", "gstin"]]


async def test_reason_is_required_and_urgency_is_a_known_level(
    client: httpx.AsyncClient, sales: Headers, partner: dict[str, Any]
) -> None:
    missing = await client.post(_on(partner), json={"changes": {"address": "New"}}, headers=sales)
    assert missing.status_code == 422 and ["body", "reason"] in _locs(missing)
    bad = await raise_request(client, sales, partner, {"address": "New"}, urgency="asap")
    assert bad.status_code == 422 and ["body", "urgency"] in _locs(bad)


@pytest.mark.parametrize("same", [False, True])
async def test_a_request_that_changes_nothing_is_refused(
    client: httpx.AsyncClient, sales: Headers, partner: dict[str, Any], same: bool
) -> None:
    changes = {"legal_name": partner["legal_name"], "email": partner["email"]} if same else {}
    response = await raise_request(client, sales, partner, changes)
    assert response.status_code == 422
    assert response.json()["code"] == "change_request.empty"


async def test_one_pending_request_per_partner(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, partner: dict[str, Any]
) -> None:
    first = await raised(client, sales, partner, changes={"address": "A"})
    second = await raise_request(client, manager, partner, {"mobile": "9876543210"})
    assert second.status_code == 409
    assert second.json()["code"] == "change_request.pending_exists"
    assert second.json()["pending_change_request_id"] == first["id"]
    rejected = await decide(client, manager, first, "reject", reason="Need the letter")
    assert rejected.status_code == 200
    await raised(client, manager, partner, changes={"mobile": "9876543210"})


async def test_a_value_taken_by_another_partner_is_refused_when_raised(
    client: httpx.AsyncClient, sales: Headers, partner: dict[str, Any]
) -> None:
    other = await create_partner(client, sales)
    response = await raise_request(client, sales, partner, {"email": other["email"]})
    assert response.status_code == 409
    assert response.json()["code"] == "partner.email_taken"


async def test_only_writers_raise(
    client: httpx.AsyncClient, sign_in: SignIn, partner: dict[str, Any]
) -> None:
    accounts = (await sign_in(roles=["accounts"])).headers
    response = await raise_request(client, accounts, partner, {"address": "X"})
    assert response.status_code == 403


# --- deciding --------------------------------------------------------------------------------


async def test_approve_applies_the_changes_writes_a_version_and_audits(
    client: httpx.AsyncClient,
    sales: Headers,
    manager: Headers,
    sign_in: SignIn,
    partner: dict[str, Any],
) -> None:
    request = await raised(
        client, sales, partner, changes={"legal_name": "Shree Cotton LLP", "trade_name": "SCL"}
    )
    response = await decide(client, manager, request, "approve")
    assert response.status_code == 200, response.text
    approved = response.json()
    assert approved["status"] == "approved"
    assert approved["decided_by_id"] is not None and approved["decided_at"] is not None
    assert response.headers["etag"] == f'"{approved["version"]}"'
    current = (await client.get(f"{PARTNERS}/{partner['id']}", headers=sales)).json()
    assert current["legal_name"] == "Shree Cotton LLP" and current["trade_name"] == "SCL"
    assert current["revision"] == 2
    latest = (await client.get(f"{PARTNERS}/{partner['id']}/versions/2", headers=sales)).json()
    assert latest["change_request_id"] == request["id"]
    assert latest["snapshot"]["legal_name"] == "Shree Cotton LLP"
    assert latest["reason"] == request["reason"]
    admin = (await sign_in(roles=["admin"])).headers
    events = await client.get(
        "/api/v1/audit-events",
        params={"entity_type": "partner", "entity_id": partner["id"], "action": "update"},
        headers=admin,
    )
    [event] = events.json()["items"]
    assert event["changes"] == {
        "legal_name": {"old": partner["legal_name"], "new": "Shree Cotton LLP"},
        "trade_name": {"old": None, "new": "SCL"},
    }
    trail = await client.get(
        "/api/v1/audit-events",
        params={"entity_type": "partner_change_request", "entity_id": request["id"]},
        headers=admin,
    )
    assert sorted(e["action"] for e in trail.json()["items"]) == ["approve", "create"]


async def test_the_requester_may_neither_approve_nor_reject(
    client: httpx.AsyncClient, manager: Headers, partner: dict[str, Any]
) -> None:
    request = await raised(client, manager, partner, changes={"address": "Mine"})
    for action, body in (("approve", {}), ("reject", {"reason": "oops"})):
        response = await decide(client, manager, request, action, **body)
        assert response.status_code == 403
        assert response.json()["code"] == "approval.self_approval"
    still = await client.get(f"{CHANGE_REQUESTS}/{request['id']}", headers=manager)
    assert still.json()["status"] == "pending"


async def test_reject_needs_a_reason_and_changes_nothing(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, partner: dict[str, Any]
) -> None:
    request = await raised(client, sales, partner, changes={"address": "Elsewhere"})
    missing = await decide(client, manager, request, "reject")
    assert missing.status_code == 422
    response = await decide(client, manager, request, "reject", reason="No supporting letter")
    assert response.status_code == 200
    rejected = response.json()
    assert rejected["status"] == "rejected"
    assert rejected["decision_reason"] == "No supporting letter"
    current = (await client.get(f"{PARTNERS}/{partner['id']}", headers=sales)).json()
    assert current["address"] is None and current["revision"] == 1


@pytest.mark.parametrize("first", ["approve", "reject", "cancel"])
async def test_a_decided_request_is_final(
    client: httpx.AsyncClient,
    sales: Headers,
    manager: Headers,
    partner: dict[str, Any],
    first: str,
) -> None:
    request = await raised(client, sales, partner, changes={"address": "Final"})
    body = {"reason": "no"} if first == "reject" else {}
    assert (await decide(client, manager, request, first, **body)).status_code == 200
    for action, again in (("approve", {}), ("reject", {"reason": "x"}), ("cancel", {})):
        response = await decide(client, manager, request, action, **again)
        assert response.status_code == 409, (action, response.text)
        assert response.json()["code"] == "approval.not_pending"


async def test_cancel_by_the_requester_or_a_checker_only(
    client: httpx.AsyncClient,
    sales: Headers,
    manager: Headers,
    sign_in: SignIn,
    partner: dict[str, Any],
) -> None:
    colleague = (await sign_in(roles=["sales"])).headers
    request = await raised(client, sales, partner, changes={"address": "One"})
    refused = await decide(client, colleague, request, "cancel")
    assert refused.status_code == 403
    assert refused.json()["code"] == "change_request.cancel_forbidden"
    cancelled = await decide(client, sales, request, "cancel", reason="Raised by mistake")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["decision_reason"] == "Raised by mistake"
    approval = await client.get(
        f"/api/v1/approval-requests/{request['approval_request_id']}", headers=manager
    )
    assert approval.json()["status"] == "cancelled"
    other = await raised(client, colleague, partner, changes={"address": "Two"})
    by_checker = await decide(client, manager, other, "cancel")
    assert by_checker.status_code == 200 and by_checker.json()["status"] == "cancelled"


async def test_stale_if_match_is_412_everywhere(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, partner: dict[str, Any]
) -> None:
    stale = {"If-Match": '"999"'}
    response = await client.post(
        _on(partner),
        json={"changes": {"address": "X"}, "reason": "r"},
        headers={**sales, **stale},
    )
    assert response.status_code == 412
    request = await raised(
        client,
        {**sales, "If-Match": f'"{partner["version"]}"'},
        partner,
        changes={"address": "X"},
    )
    for action, body in (("approve", None), ("reject", {"reason": "r"}), ("cancel", None)):
        response = await client.post(
            f"{CHANGE_REQUESTS}/{request['id']}/{action}", json=body, headers={**manager, **stale}
        )
        assert response.status_code == 412, action
        assert response.json()["code"] == "version.conflict"
    current = {"If-Match": f'"{request["version"]}"'}
    approved = await client.post(
        f"{CHANGE_REQUESTS}/{request['id']}/approve", headers={**manager, **current}
    )
    assert approved.status_code == 200


async def test_a_changed_field_that_moved_on_makes_the_request_stale(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: Headers,
    manager: Headers,
    partner: dict[str, Any],
) -> None:
    request = await raised(client, sales, partner, changes={"email": "new@example.in"})
    # Another writer (a later module, an operator's fix) changed the e-mail meanwhile.
    partner_id = uuid.UUID(partner["id"])
    await db.execute(
        update(Partner).where(Partner.id == partner_id).values(email="moved@example.in")
    )
    response = await decide(client, manager, request, "approve")
    assert response.status_code == 409
    assert response.json()["code"] == "change_request.stale"
    assert response.json()["stale_fields"] == ["email"]
    still = await client.get(f"{CHANGE_REQUESTS}/{request['id']}", headers=manager)
    assert still.json()["status"] == "pending"
    rejected = await decide(client, manager, request, "reject", reason="stale")
    assert rejected.status_code == 200


async def test_a_partner_that_moved_on_elsewhere_still_takes_the_change(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: Headers,
    manager: Headers,
    partner: dict[str, Any],
) -> None:
    request = await raised(client, sales, partner, changes={"mobile": "9876543210"})
    partner_id = uuid.UUID(partner["id"])
    await db.execute(
        update(Partner)
        .where(Partner.id == partner_id)
        .values(address="Changed elsewhere", revision=Partner.revision + 1)
    )
    response = await decide(client, manager, request, "approve")
    assert response.status_code == 200, response.text
    current = (await client.get(f"{PARTNERS}/{partner['id']}", headers=sales)).json()
    assert current["mobile"] == "+919876543210"
    assert current["address"] == "Changed elsewhere"
    assert current["revision"] == 3


async def test_uniqueness_is_checked_again_at_approval(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, partner: dict[str, Any]
) -> None:
    request = await raised(client, sales, partner, changes={"email": "wanted@example.in"})
    await create_partner(client, sales, email="wanted@example.in")
    response = await decide(client, manager, request, "approve")
    assert response.status_code == 409
    assert response.json()["code"] == "partner.email_taken"


# --- branches --------------------------------------------------------------------------------


async def test_branches_are_added_changed_and_the_head_office_moves(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, partner: dict[str, Any]
) -> None:
    [rajkot] = partner["branches"]
    akola_gstin = make_gstin("27", partner["pan"], "2")
    request = await raised(
        client,
        sales,
        partner,
        branches={
            "add": [
                {
                    "name": "Akola",
                    "gstin": akola_gstin,
                    "state_code": "27",
                    "is_head_office": True,
                }
            ],
            "update": [{"id": rajkot["id"], "address": "Gondal Road, Rajkot"}],
        },
    )
    assert request["changes"] == {}
    assert request["branch_changes"]["added"] == [
        {
            "id": None,
            "name": "Akola",
            "gstin": akola_gstin,
            "state_code": "27",
            "is_head_office": True,
            "address": None,
        }
    ]
    assert request["branch_changes"]["changed"] == [
        {
            "id": rajkot["id"],
            "name": "Rajkot",
            "changes": {
                "address": {"old": None, "new": "Gondal Road, Rajkot"},
                "is_head_office": {"old": True, "new": False},
            },
        }
    ]
    assert request["impact"]["risk"] == "medium"
    assert (await decide(client, manager, request, "approve")).status_code == 200
    branches = (await client.get(f"{PARTNERS}/{partner['id']}/branches", headers=sales)).json()
    assert [(b["name"], b["is_head_office"]) for b in branches] == [
        ("Akola", True),
        ("Rajkot", False),
    ]
    assert branches[1]["address"] == "Gondal Road, Rajkot"


async def test_branch_gstins_can_be_swapped_in_one_request(
    client: httpx.AsyncClient, sales: Headers, manager: Headers
) -> None:
    partner = await active_partner(client, sales, manager)
    first = make_gstin("24", partner["pan"], "1")
    second = make_gstin("24", partner["pan"], "2")
    added = await raised(
        client,
        sales,
        partner,
        branches={"add": [{"name": "Gondal", "gstin": second, "state_code": "24"}]},
    )
    assert (await decide(client, manager, added, "approve")).status_code == 200
    branches = (await client.get(f"{PARTNERS}/{partner['id']}/branches", headers=sales)).json()
    by_name = {b["name"]: b for b in branches}
    swap = await raised(
        client,
        sales,
        partner,
        branches={
            "update": [
                {"id": by_name["Rajkot"]["id"], "gstin": second},
                {"id": by_name["Gondal"]["id"], "gstin": first},
            ]
        },
    )
    assert swap["impact"]["locked_fields"] == ["branches.Gondal.gstin", "branches.Rajkot.gstin"]
    assert swap["impact"]["risk"] == "high"
    response = await decide(client, manager, swap, "approve")
    assert response.status_code == 200, response.text
    branches = (await client.get(f"{PARTNERS}/{partner['id']}/branches", headers=sales)).json()
    assert {b["name"]: b["gstin"] for b in branches} == {"Rajkot": second, "Gondal": first}


async def test_branch_changes_are_checked_naming_the_item(
    client: httpx.AsyncClient, sales: Headers, partner: dict[str, Any]
) -> None:
    [rajkot] = partner["branches"]
    response = await raise_request(
        client,
        sales,
        partner,
        branches={
            "add": [{"name": "Jalna", "gstin": make_gstin("27", "ABCPQ1234R"), "state_code": "27"}],
            "update": [
                {"id": str(uuid.uuid4()), "address": "?"},
                {"id": rajkot["id"], "is_head_office": False},
                {"id": rajkot["id"], "state_code": "99"},
            ],
        },
    )
    assert response.status_code == 422
    locs = _locs(response)
    assert ["body", "branches", "add", 0, "gstin"] in locs
    assert ["body", "branches", "update", 0, "id"] in locs
    assert ["body", "branches", "update", 1, "is_head_office"] in locs
    assert ["body", "branches", "update", 2, "id"] in locs  # listed twice


async def test_two_head_offices_or_repeated_names_are_refused(
    client: httpx.AsyncClient, sales: Headers, partner: dict[str, Any]
) -> None:
    pan = partner["pan"]
    response = await raise_request(
        client,
        sales,
        partner,
        branches={
            "add": [
                {
                    "name": "A",
                    "gstin": make_gstin("27", pan, "2"),
                    "state_code": "27",
                    "is_head_office": True,
                },
                {
                    "name": "rajkot",
                    "gstin": make_gstin("27", pan, "3"),
                    "state_code": "27",
                    "is_head_office": True,
                },
            ]
        },
    )
    assert response.status_code == 422
    types = {e["type"] for e in response.json()["errors"]}
    assert {"partner.head_office", "partner.branch_name_repeated"} <= types


# --- field locks -----------------------------------------------------------------------------


async def test_locked_fields_are_refused_while_dealings_are_open(
    client: httpx.AsyncClient,
    sales: Headers,
    partner: dict[str, Any],
    open_contracts: OpenDealings,
) -> None:
    open_contracts.counts[uuid.UUID(partner["id"])] = 2
    [rajkot] = partner["branches"]
    for changes, branches, field in (
        ({"legal_name": "Renamed Pvt Ltd"}, None, "legal_name"),
        ({"gstin": make_gstin("24", partner["pan"], "5")}, None, "gstin"),
        (
            None,
            {
                "update": [
                    {
                        "id": rajkot["id"],
                        "state_code": "27",
                        "gstin": make_gstin("27", partner["pan"]),
                    }
                ]
            },
            "branches.Rajkot.gstin",
        ),
    ):
        response = await raise_request(client, sales, partner, changes, branches=branches or {})
        assert response.status_code == 409, response.text
        problem = response.json()
        assert problem["code"] == "partner.fields_locked"
        assert field in problem["locked_fields"]
        assert problem["open_dealings"] == {"contracts": 2}
    allowed = await raised(client, sales, partner, changes={"mobile": "9876543210"})
    assert allowed["impact"] == {
        "open_contracts": 2,
        "open_dealings": counts(contracts=2),
        "locked_fields": [],
        "risk": "medium",
    }


async def test_locks_are_checked_again_at_approval(
    client: httpx.AsyncClient,
    sales: Headers,
    manager: Headers,
    partner: dict[str, Any],
    open_contracts: OpenDealings,
) -> None:
    request = await raised(client, sales, partner, changes={"legal_name": "New Name Ltd"})
    assert request["impact"]["risk"] == "high"
    assert request["impact"]["locked_fields"] == ["legal_name"]
    open_contracts.counts[uuid.UUID(partner["id"])] = 3
    refused = await decide(client, manager, request, "approve")
    assert refused.status_code == 409
    assert refused.json()["code"] == "partner.fields_locked"
    assert refused.json()["open_dealings"] == {"contracts": 3}
    open_contracts.counts[uuid.UUID(partner["id"])] = 0
    approved = await decide(client, manager, request, "approve")
    assert approved.status_code == 200


async def test_another_partners_dealings_do_not_lock(
    client: httpx.AsyncClient,
    sales: Headers,
    manager: Headers,
    partner: dict[str, Any],
    open_contracts: OpenDealings,
) -> None:
    other = await active_partner(client, sales, manager)
    open_contracts.counts[uuid.UUID(other["id"])] = 5
    await raised(client, sales, partner, changes={"legal_name": "Free To Rename Ltd"})


# --- lists and visibility --------------------------------------------------------------------


async def test_lists_filter_by_partner_and_status(
    client: httpx.AsyncClient, sales: Headers, manager: Headers
) -> None:
    one = await active_partner(client, sales, manager)
    two = await active_partner(client, sales, manager)
    first = await raised(client, sales, one, changes={"address": "1"})
    await decide(client, manager, first, "reject", reason="no")
    pending = await raised(client, sales, one, changes={"address": "2"})
    other = await raised(client, sales, two, changes={"address": "3"})
    by_partner = await client.get(
        CHANGE_REQUESTS, params={"partner_id": one["id"]}, headers=manager
    )
    assert [r["id"] for r in by_partner.json()["items"]] == [pending["id"], first["id"]]
    queue = await client.get(
        CHANGE_REQUESTS, params={"status": "pending", "limit": 200}, headers=manager
    )
    ids = {r["id"] for r in queue.json()["items"]}
    assert {pending["id"], other["id"]} <= ids and first["id"] not in ids
    nested = await client.get(_on(one), params={"status": "rejected"}, headers=sales)
    assert nested.json()["total"] == 1 and nested.json()["items"][0]["id"] == first["id"]
    bad = await client.get(CHANGE_REQUESTS, params={"sort": "urgency"}, headers=manager)
    assert bad.status_code == 422
    missing = await client.get(f"{CHANGE_REQUESTS}/{uuid.uuid4()}", headers=manager)
    assert missing.status_code == 404
    assert missing.json()["code"] == "change_request.not_found"


async def test_list_query_count_does_not_grow(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, query_counter: QueryCounter
) -> None:
    for _ in range(4):
        partner = await active_partner(client, sales, manager)
        await raised(client, sales, partner, changes={"address": "Q"})
    query_counter.reset()
    await client.get(CHANGE_REQUESTS, params={"limit": 1}, headers=manager)
    small = query_counter.count
    query_counter.reset()
    response = await client.get(CHANGE_REQUESTS, params={"limit": 4}, headers=manager)
    assert len(response.json()["items"]) == 4
    assert query_counter.count == small


async def test_a_portal_user_sees_only_its_partners_requests(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, sign_in: SignIn
) -> None:
    own = await active_partner(client, sales, manager)
    other = await active_partner(client, sales, manager)
    mine = await raised(client, sales, own, changes={"address": "Mine"})
    theirs = await raised(client, sales, other, changes={"address": "Theirs"})
    portal = (await sign_in(roles=["partner"], partner_id=uuid.UUID(own["id"]))).headers
    listed = await client.get(CHANGE_REQUESTS, headers=portal)
    assert [r["id"] for r in listed.json()["items"]] == [mine["id"]]
    filtered = await client.get(CHANGE_REQUESTS, params={"partner_id": other["id"]}, headers=portal)
    assert filtered.json()["items"] == []
    assert (await client.get(f"{CHANGE_REQUESTS}/{mine['id']}", headers=portal)).is_success
    hidden = await client.get(f"{CHANGE_REQUESTS}/{theirs['id']}", headers=portal)
    assert hidden.status_code == 404
    assert (await client.get(_on(other), headers=portal)).status_code == 404
    assert (await decide(client, portal, theirs, "cancel")).status_code == 404
    refused = await decide(client, portal, mine, "cancel")
    assert refused.status_code == 403
    assert (await decide(client, portal, mine, "approve")).status_code == 403


# --- races -----------------------------------------------------------------------------------


async def _committed_user(engine: AsyncEngine, app: FastAPI, role: str) -> Headers:
    """A user created and signed in with real commits, for ``live_client``."""
    maker = create_sessionmaker(engine)
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    async with session_scope(maker) as session:
        body = UserCreate(email=email, name=role, password=DEFAULT_PASSWORD, roles=[role])
        await users_service.create_user(session, app.state.identity, SYSTEM_ACTOR, body)
    async with session_scope(maker) as session:
        caller = auth_service.Caller(ip="127.0.0.1", user_agent="tests", request_id=None)
        tokens = await auth_service.login(
            session, app.state.identity, caller, email=email, password=DEFAULT_PASSWORD
        )
    return {"Authorization": f"Bearer {tokens.access_token}"}


@pytest.mark.live
async def test_racing_approvals_apply_once(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    sales = await _committed_user(engine, live_app, "sales")
    checkers = [await _committed_user(engine, live_app, "manager") for _ in range(4)]
    partner = await active_partner(live_client, sales, checkers[0])
    request = await raised(live_client, sales, partner, changes={"address": "Raced"})
    answers = await asyncio.gather(
        *(decide(live_client, checker, request, "approve") for checker in checkers)
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 409, 409, 409], [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"approval.not_pending"}
    async with create_sessionmaker(engine)() as session:
        versions = await session.scalar(
            select(func.count())
            .select_from(PartnerVersion)
            .where(PartnerVersion.partner_id == uuid.UUID(partner["id"]))
        )
        assert versions == 2


@pytest.mark.live
async def test_racing_requests_leave_one_pending(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    sales = await _committed_user(engine, live_app, "sales")
    manager = await _committed_user(engine, live_app, "manager")
    partner = await active_partner(live_client, sales, manager)
    answers = await asyncio.gather(
        *(raise_request(live_client, sales, partner, {"address": f"Race {n}"}) for n in range(5))
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201, 409, 409, 409, 409], [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {
        "change_request.pending_exists"
    }
