"""/contracts through HTTP: create → submit → approve (number, brokerage) → amend → cancel."""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.contract.helpers import (
    CONTRACTS,
    World,
    build_world,
    confirmed_contract,
    create_contract,
)
from tradehub.audit.models import AuditEvent

PAISE = Decimal("0.01")


def _value(bales: int, rate: str) -> Decimal:
    exact = Decimal(bales) * Decimal(170) / Decimal("355.6") * Decimal(rate)
    return exact.quantize(PAISE, rounding=ROUND_HALF_UP)


async def test_happy_path_create_submit_approve_with_number_and_commissions(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    db: AsyncSession,
) -> None:
    created = await client.post(CONTRACTS, json=world.body(), headers=sales)
    assert created.status_code == 201, created.text
    draft = created.json()
    value = _value(100, "55500")
    assert draft["status"] == "draft"
    assert draft["contract_no"] is None
    assert draft["contract_value"] == str(value) == "2653262.09"
    assert draft["variety"] == "Shankar-6"  # the alias S-6 resolved to its variety
    assert draft["rate"] == "55500"
    assert draft["delivery_terms"] == world.delivery["name"]
    assert draft["payment_terms"] == world.payment["name"]
    assert draft["quality"]["mic"] == {"min": "3.8", "max": None}
    assert draft["commissions"] == []
    assert draft["financial_year"] == "2026-27"
    assert created.headers["ETag"] == f'"{draft["version"]}"'

    contract_id = draft["id"]
    got = await client.get(f"{CONTRACTS}/{contract_id}", headers=sales)
    assert got.status_code == 200 and got.headers["ETag"] == f'"{draft["version"]}"'

    submitted = await client.post(
        f"{CONTRACTS}/{contract_id}/submit",
        headers={**sales, "If-Match": got.headers["ETag"]},
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "pending_approval"

    self_approved = await client.post(f"{CONTRACTS}/{contract_id}/approve", headers=sales)
    assert self_approved.status_code == 403  # sales lacks contract:approve
    approved = await client.post(f"{CONTRACTS}/{contract_id}/approve", headers=manager)
    assert approved.status_code == 200, approved.text
    confirmed = approved.json()
    assert confirmed["status"] == "confirmed"
    assert confirmed["contract_no"] == "SC/26-27/00001"
    assert confirmed["revision"] == 1
    commissions = {c["side"]: c for c in confirmed["commissions"]}
    assert commissions["seller"] == {
        "party_id": world.seller["id"],
        "side": "seller",
        "amount": str((value * Decimal("0.5") / 100).quantize(PAISE, ROUND_HALF_UP)),
    }
    assert commissions["seller"]["amount"] == "13266.31"
    assert commissions["buyer"] == {
        "party_id": world.buyer["id"],
        "side": "buyer",
        "amount": "2500.00",
    }
    got = await client.get(f"{CONTRACTS}/{contract_id}", headers=sales)
    assert got.json()["commissions"] == confirmed["commissions"]

    actions = await db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type == "contract", AuditEvent.entity_id == contract_id)
        .order_by(AuditEvent.seq)
    )
    # Confirmation queues the parties' mails (tests/contract/test_mail.py), audited as such.
    assert list(actions) == ["create", "submit", "approve", "email_queued"]


async def test_the_creator_or_submitter_may_not_approve(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    admin: dict[str, str],
    sales: dict[str, str],
    world: World,
) -> None:
    # An admin may write and approve, but not its own contract.
    contract = await create_contract(client, admin, world)
    assert (await client.post(f"{CONTRACTS}/{contract['id']}/submit", headers=admin)).is_success
    answer = await client.post(f"{CONTRACTS}/{contract['id']}/approve", headers=admin)
    assert answer.status_code == 403
    assert answer.json()["code"] == "approval.self_approval"
    # A submitter who did not create it is a maker too.
    other = await create_contract(client, sales, world)
    submitter = (await sign_in(roles=["admin"])).headers
    assert (await client.post(f"{CONTRACTS}/{other['id']}/submit", headers=submitter)).is_success
    answer = await client.post(f"{CONTRACTS}/{other['id']}/approve", headers=submitter)
    assert answer.json()["code"] == "approval.self_approval"
    checker = (await sign_in(roles=["accounts"])).headers
    assert (await client.post(f"{CONTRACTS}/{other['id']}/approve", headers=checker)).is_success


async def test_reject_then_edit_and_resubmit(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str], world: World
) -> None:
    contract = await create_contract(client, sales, world)
    url = f"{CONTRACTS}/{contract['id']}"
    await client.post(f"{url}/submit", headers=sales)
    no_reason = await client.post(f"{url}/reject", json={}, headers=manager)
    assert no_reason.status_code == 422
    rejected = await client.post(f"{url}/reject", json={"reason": "rate too low"}, headers=manager)
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["status_reason"] == "rate too low"
    assert rejected.json()["contract_no"] is None
    edited = await client.patch(url, json={"rate": "56000", "bales": 50}, headers=sales)
    assert edited.status_code == 200, edited.text
    assert edited.json()["contract_value"] == str(_value(50, "56000"))
    assert (await client.post(f"{url}/submit", headers=sales)).json()["status"] == (
        "pending_approval"
    )
    approved = await client.post(f"{url}/approve", headers=manager)
    assert approved.json()["contract_no"] == "SC/26-27/00001"


async def test_amend_keeps_id_number_and_status_and_keeps_versions(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    db: AsyncSession,
) -> None:
    confirmed = await confirmed_contract(client, sales, manager, world)
    url = f"{CONTRACTS}/{confirmed['id']}"
    stale = await client.post(
        f"{url}/amend",
        json={"changes": {"bales": 120}, "reason": "buyer wants more"},
        headers={**sales, "If-Match": f'"{confirmed["version"] - 1}"'},
    )
    assert stale.status_code == 412 and stale.json()["code"] == "version.conflict"
    amended = await client.post(
        f"{url}/amend",
        json={
            "changes": {
                "bales": 120,
                "rate": "56000",
                "buyer_commission_structure_id": world.flat_id,
            },
            "reason": "buyer wants more",
        },
        headers={**sales, "If-Match": f'"{confirmed["version"]}"'},
    )
    assert amended.status_code == 200, amended.text
    after = amended.json()
    assert after["id"] == confirmed["id"]
    assert after["contract_no"] == confirmed["contract_no"]
    assert after["status"] == "confirmed"
    assert after["version"] > confirmed["version"]
    assert after["revision"] == 2
    assert after["contract_value"] == str(_value(120, "56000"))
    commissions = {c["side"]: c["amount"] for c in after["commissions"]}
    assert commissions == {
        "seller": str((_value(120, "56000") * Decimal("0.005")).quantize(PAISE, ROUND_HALF_UP)),
        "buyer": "1500.00",
    }

    versions = await client.get(f"{url}/versions", headers=sales)
    assert versions.status_code == 200
    page = versions.json()
    assert page["total"] == 2
    first, second = page["items"]
    assert (first["revision"], second["revision"]) == (1, 2)
    assert first["contract"]["bales"] == 100
    assert first["contract"]["contract_value"] == "2653262.09"
    assert second["contract"]["bales"] == 120
    assert second["reason"] == "buyer wants more"
    one = await client.get(f"{url}/versions/1", headers=sales)
    assert one.json() == first
    assert (await client.get(f"{url}/versions/3", headers=sales)).status_code == 404

    event = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_id == confirmed["id"], AuditEvent.action == "amend"
        )
    )
    assert event is not None and event.reason == "buyer wants more"
    assert event.changes["bales"] == {"old": 100, "new": 120}


async def test_amend_refusals(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    draft = await create_contract(client, sales, world)
    answer = await client.post(
        f"{CONTRACTS}/{draft['id']}/amend",
        json={"changes": {"bales": 5}, "reason": "x"},
        headers=sales,
    )
    assert answer.status_code == 409 and answer.json()["code"] == "contract.invalid_transition"

    confirmed = await confirmed_contract(client, sales, manager, world)
    url = f"{CONTRACTS}/{confirmed['id']}/amend"
    missing = await client.post(
        url, json={"changes": {"contract_date": "2027-04-02"}, "reason": "r"}, headers=sales
    )
    assert missing.json()["code"] == "financial_year.closed_or_missing"
    next_year = {"organization_id": world.organization_id, "code": "2027-28"}
    assert (await client.post("/api/v1/financial-years", json=next_year, headers=admin)).is_success
    cases = [
        ({"seller_id": world.buyer["id"]}, "contract.amend_not_allowed", "seller_id"),
        ({"colour": "white"}, "contract.amend_unknown_field", "colour"),
        ({"bales": 0}, "validation.invalid", "bales"),
        ({"contract_date": "2027-04-02"}, "contract.amend_financial_year", "contract_date"),
        ({"bales": 100}, "contract.amend_no_change", None),
    ]
    for changes, code, field in cases:
        answer = await client.post(url, json={"changes": changes, "reason": "r"}, headers=sales)
        assert answer.status_code == 422, (changes, answer.text)
        assert answer.json()["code"] == code
        if field:
            assert answer.json()["errors"][0]["loc"][:3] == ["body", "changes", field]
    no_reason = await client.post(url, json={"changes": {"bales": 5}}, headers=sales)
    assert no_reason.status_code == 422


async def test_cancel_from_draft_pending_and_confirmed_only(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str], world: World
) -> None:
    draft = await create_contract(client, sales, world)
    pending = await create_contract(client, sales, world)
    await client.post(f"{CONTRACTS}/{pending['id']}/submit", headers=sales)
    confirmed = await confirmed_contract(client, sales, manager, world)
    for contract in (draft, pending, confirmed):
        url = f"{CONTRACTS}/{contract['id']}/cancel"
        answer = await client.post(url, json={"reason": "deal off"}, headers=sales)
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "cancelled"
        again = await client.post(url, json={"reason": "deal off"}, headers=sales)
        assert again.status_code == 409
        assert again.json()["code"] == "contract.invalid_transition"
    # The cancelled pending contract's approval request is withdrawn: nothing left to approve.
    late = await client.post(f"{CONTRACTS}/{pending['id']}/approve", headers=manager)
    assert late.status_code == 409
    # The cancelled number stays cancelled; the next contract gets the next number.
    following = await confirmed_contract(client, sales, manager, world)
    assert following["contract_no"] == "SC/26-27/00002"


async def test_invalid_transitions_are_409(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str], world: World
) -> None:
    draft = await create_contract(client, sales, world)
    url = f"{CONTRACTS}/{draft['id']}"
    approve = await client.post(f"{url}/approve", headers=manager)
    assert approve.status_code == 409 and approve.json()["code"] == "contract.invalid_transition"
    reject = await client.post(f"{url}/reject", json={"reason": "r"}, headers=manager)
    assert reject.status_code == 409
    await client.post(f"{url}/submit", headers=sales)
    resubmit = await client.post(f"{url}/submit", headers=sales)
    assert resubmit.status_code == 409
    edit = await client.patch(url, json={"bales": 3}, headers=sales)
    assert edit.status_code == 409


async def test_stale_if_match_is_412_on_every_change(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str], world: World
) -> None:
    draft = await create_contract(client, sales, world)
    url = f"{CONTRACTS}/{draft['id']}"
    stale = {"If-Match": '"999"'}
    for method, path, body, headers in [
        ("PATCH", url, {"bales": 2}, sales),
        ("POST", f"{url}/submit", None, sales),
        ("POST", f"{url}/cancel", {"reason": "r"}, sales),
    ]:
        answer = await client.request(method, path, json=body, headers={**headers, **stale})
        assert answer.status_code == 412, (path, answer.text)
        assert answer.json()["code"] == "version.conflict"
    await client.post(f"{url}/submit", headers=sales)
    for path, body in [(f"{url}/approve", None), (f"{url}/reject", {"reason": "r"})]:
        answer = await client.post(path, json=body, headers={**manager, **stale})
        assert answer.status_code == 412


async def test_each_organization_starts_at_00001(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    other = await build_world(client, admin, sales, manager)
    first = await confirmed_contract(client, sales, manager, world)
    second = await confirmed_contract(client, sales, manager, world)
    elsewhere = await confirmed_contract(client, sales, manager, other)
    assert [first["contract_no"], second["contract_no"], elsewhere["contract_no"]] == [
        "SC/26-27/00001",
        "SC/26-27/00002",
        "SC/26-27/00001",
    ]


async def test_unknown_contract_is_404(client: httpx.AsyncClient, sales: dict[str, str]) -> None:
    answer = await client.get(f"{CONTRACTS}/{uuid.uuid4()}", headers=sales)
    assert answer.status_code == 404 and answer.json()["code"] == "contract.not_found"
