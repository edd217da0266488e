"""Partner onboarding through HTTP: create, validation naming the field, uniqueness, the
draft → pending_approval → active | rejected lifecycle with maker-checker, suspension, branches,
portal users and visibility (api.md §5)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tests.organization.helpers import make_gstin, make_pan
from tests.partner.helpers import PARTNERS, active_partner, create_partner, partner_body
from tradehub.partner.models import Partner


@pytest.fixture
async def sales(sign_in: SignIn) -> dict[str, str]:
    return (await sign_in(roles=["sales"])).headers


@pytest.fixture
async def manager(sign_in: SignIn) -> dict[str, str]:
    return (await sign_in(roles=["manager"])).headers


def _locs(response: httpx.Response) -> list[list[Any]]:
    return [error["loc"] for error in response.json()["errors"]]


async def test_create_answers_a_draft_with_its_head_office(
    client: httpx.AsyncClient, sales: dict[str, str]
) -> None:
    body = partner_body(kind="buyer", state="27")
    response = await client.post(PARTNERS, json=body, headers=sales)
    assert response.status_code == 201, response.text
    partner = response.json()
    assert partner["status"] == "draft"
    assert partner["kind"] == "buyer"
    assert partner["pan"] == body["pan"] and partner["gstin"] == body["gstin"]
    assert partner["mobile"] == "+919825012345"
    assert partner["code"].startswith("BP-")
    assert partner["revision"] == 0
    assert response.headers["etag"] == f'"{partner["version"]}"'
    [branch] = partner["branches"]
    assert branch["is_head_office"] and branch["state_code"] == "27"
    fetched = await client.get(f"{PARTNERS}/{partner['id']}", headers=sales)
    assert fetched.status_code == 200 and fetched.json() == partner


async def test_without_branches_the_gstin_state_becomes_the_head_office(
    client: httpx.AsyncClient, sales: dict[str, str]
) -> None:
    partner = await create_partner(client, sales, state="24", branches=[])
    [branch] = partner["branches"]
    assert branch["is_head_office"]
    assert branch["state_code"] == "24"
    assert branch["gstin"] == partner["gstin"]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("pan", "ABCDE1234", "partner.invalid_pan"),
        ("pan", "ABCD12345F", "partner.invalid_pan"),
        ("gstin", "24ABCDE1234F1Z", "partner.invalid_gstin"),
        ("mobile", "5812345678", "partner.invalid_mobile"),
        ("mobile", "+92 9812345678", "partner.invalid_mobile"),
    ],
)
async def test_bad_identifiers_are_a_422_naming_the_field(
    client: httpx.AsyncClient, sales: dict[str, str], field: str, value: str, code: str
) -> None:
    response = await client.post(PARTNERS, json=partner_body(**{field: value}), headers=sales)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert ["body", field] in _locs(response)
    assert code in {error["type"] for error in response.json()["errors"]}


async def test_gstin_must_carry_the_pan_and_a_valid_check_character(
    client: httpx.AsyncClient, sales: dict[str, str]
) -> None:
    pan = make_pan()
    other = make_gstin("24", make_pan())
    response = await client.post(
        PARTNERS, json=partner_body(pan=pan, gstin=other, branches=[]), headers=sales
    )
    assert response.status_code == 422
    assert ["body", "gstin"] in _locs(response)
    good = make_gstin("24", pan)
    wrong_check = good[:-1] + ("A" if good[-1] != "A" else "B")
    response = await client.post(
        PARTNERS, json=partner_body(pan=pan, gstin=wrong_check, branches=[]), headers=sales
    )
    assert response.status_code == 422
    assert "check" in response.json()["errors"][0]["msg"].lower()


async def test_gstin_state_must_be_a_gst_state_code(
    client: httpx.AsyncClient, sales: dict[str, str]
) -> None:
    pan = make_pan()
    response = await client.post(
        PARTNERS,
        json=partner_body(pan=pan, gstin=make_gstin("99", pan), branches=[]),
        headers=sales,
    )
    assert response.status_code == 422
    assert ["body", "gstin"] in _locs(response)


@pytest.mark.parametrize("kind", ["buyer", "seller", "trader"])
async def test_gstin_is_required_for_those_who_trade_goods(
    client: httpx.AsyncClient, sales: dict[str, str], kind: str
) -> None:
    response = await client.post(
        PARTNERS, json=partner_body(kind=kind, gstin=None, branches=[]), headers=sales
    )
    assert response.status_code == 422
    assert ["body", "gstin"] in _locs(response)


@pytest.mark.parametrize("kind", ["broker", "transporter", "controller"])
async def test_service_partners_may_have_no_gstin(
    client: httpx.AsyncClient, sales: dict[str, str], kind: str
) -> None:
    partner = await create_partner(
        client,
        sales,
        kind=kind,
        gstin=None,
        branches=[{"name": "Yard", "state_code": "24", "is_head_office": True}],
    )
    assert partner["gstin"] is None and partner["kind"] == kind


async def test_every_bad_field_is_named_at_once(
    client: httpx.AsyncClient, sales: dict[str, str]
) -> None:
    body = partner_body(pan="BAD", mobile="12345", email="not-an-email")
    response = await client.post(PARTNERS, json=body, headers=sales)
    assert response.status_code == 422
    assert ["body", "email"] in _locs(response)
    body["email"] = "ok@example.in"
    response = await client.post(PARTNERS, json=body, headers=sales)
    assert {("body", "pan"), ("body", "mobile")} <= {tuple(loc) for loc in _locs(response)}


async def test_branch_gstin_carries_the_pan_and_the_branch_state(
    client: httpx.AsyncClient, sales: dict[str, str]
) -> None:
    pan = make_pan()
    body = partner_body(pan=pan, state="24")
    body["branches"].append(
        {"name": "Akola", "gstin": make_gstin("24", pan, "2"), "state_code": "27"}
    )
    response = await client.post(PARTNERS, json=body, headers=sales)
    assert response.status_code == 422
    assert ["body", "branches", 1, "gstin"] in _locs(response)


@pytest.mark.parametrize("heads", [0, 2])
async def test_branches_have_exactly_one_head_office(
    client: httpx.AsyncClient, sales: dict[str, str], heads: int
) -> None:
    pan = make_pan()
    body = partner_body(pan=pan, state="24")
    body["branches"] = [
        {
            "name": f"B{i}",
            "gstin": make_gstin("24", pan, str(i + 1)),
            "state_code": "24",
            "is_head_office": i < heads,
        }
        for i in range(2)
    ]
    response = await client.post(PARTNERS, json=body, headers=sales)
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "partner.head_office"


@pytest.mark.parametrize("field", ["pan", "email"])
async def test_pan_and_email_are_unique(
    client: httpx.AsyncClient, sales: dict[str, str], field: str
) -> None:
    first = await create_partner(client, sales)
    body = partner_body()
    # A GSTIN carries its PAN, so a second partner with a taken GSTIN has a taken PAN.
    if field == "pan":
        body = partner_body(pan=first["pan"], state="27")
    else:
        body["email"] = first["email"].upper()
    response = await client.post(PARTNERS, json=body, headers=sales)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == f"partner.{field}_taken"


async def test_unknown_fields_and_kinds_are_refused(
    client: httpx.AsyncClient, sales: dict[str, str]
) -> None:
    response = await client.post(PARTNERS, json=partner_body(status="active"), headers=sales)
    assert response.status_code == 422
    response = await client.post(PARTNERS, json=partner_body(kind="vendor"), headers=sales)
    assert response.status_code == 422
    assert ["body", "kind"] in _locs(response)


# --- lifecycle -------------------------------------------------------------------------------


async def test_submit_then_approve_by_another_user_activates(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str]
) -> None:
    partner = await create_partner(client, sales)
    submitted = await client.post(f"{PARTNERS}/{partner['id']}/submit", headers=sales)
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "pending_approval"
    approved = await client.post(f"{PARTNERS}/{partner['id']}/approve", headers=manager)
    assert approved.status_code == 200, approved.text
    active = approved.json()
    assert active["status"] == "active"
    assert active["revision"] == 1
    assert active["approved_at"] is not None
    assert active["kyc_due_date"] is not None and active["kyc_bucket"] == "current"
    queue = await client.get(
        "/api/v1/approval-requests", params={"entity_id": partner["id"]}, headers=manager
    )
    [request] = queue.json()["items"]
    assert request["status"] == "approved" and request["action"] == "partner.onboarding"


async def test_the_creator_may_not_approve(
    client: httpx.AsyncClient, sign_in: SignIn, sales: dict[str, str]
) -> None:
    maker = (await sign_in(roles=["manager"])).headers
    partner = await create_partner(client, maker)
    await client.post(f"{PARTNERS}/{partner['id']}/submit", headers=sales)
    response = await client.post(f"{PARTNERS}/{partner['id']}/approve", headers=maker)
    assert response.status_code == 403
    assert response.json()["code"] == "approval.self_approval"
    still = await client.get(f"{PARTNERS}/{partner['id']}", headers=maker)
    assert still.json()["status"] == "pending_approval"


async def test_the_submitter_may_not_approve_or_reject(
    client: httpx.AsyncClient, sales: dict[str, str], sign_in: SignIn
) -> None:
    submitter = (await sign_in(roles=["manager"])).headers
    partner = await create_partner(client, sales)
    await client.post(f"{PARTNERS}/{partner['id']}/submit", headers=submitter)
    for action, body in (("approve", None), ("reject", {"reason": "incomplete"})):
        response = await client.post(
            f"{PARTNERS}/{partner['id']}/{action}", json=body, headers=submitter
        )
        assert response.status_code == 403
        assert response.json()["code"] == "approval.self_approval"


async def test_reject_needs_a_reason_and_can_be_resubmitted(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str]
) -> None:
    partner = await create_partner(client, sales)
    await client.post(f"{PARTNERS}/{partner['id']}/submit", headers=sales)
    missing = await client.post(f"{PARTNERS}/{partner['id']}/reject", json={}, headers=manager)
    assert missing.status_code == 422
    rejected = await client.post(
        f"{PARTNERS}/{partner['id']}/reject",
        json={"reason": "PAN card unreadable"},
        headers=manager,
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["status_reason"] == "PAN card unreadable"
    edited = await client.patch(
        f"{PARTNERS}/{partner['id']}", json={"legal_name": "Corrected Name"}, headers=sales
    )
    assert edited.status_code == 200 and edited.json()["legal_name"] == "Corrected Name"
    again = await client.post(f"{PARTNERS}/{partner['id']}/submit", headers=sales)
    assert again.json()["status"] == "pending_approval"
    approved = await client.post(f"{PARTNERS}/{partner['id']}/approve", headers=manager)
    assert approved.json()["status"] == "active"


@pytest.mark.parametrize(
    ("status_path", "action"),
    [
        ([], "approve"),
        ([], "reject"),
        (["submit"], "submit"),
        (["submit", "approve"], "submit"),
        (["submit", "approve"], "approve"),
        ([], "reactivate"),
        ([], "suspend"),
    ],
)
async def test_invalid_transitions_are_409(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    status_path: list[str],
    action: str,
) -> None:
    partner = await create_partner(client, sales)
    for step in status_path:
        headers = manager if step == "approve" else sales
        assert (await client.post(f"{PARTNERS}/{partner['id']}/{step}", headers=headers)).is_success
    body = {"reason": "because"} if action in ("reject", "suspend") else None
    response = await client.post(f"{PARTNERS}/{partner['id']}/{action}", json=body, headers=manager)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "partner.invalid_transition"


async def test_an_active_partner_is_not_edited_directly(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str]
) -> None:
    partner = await active_partner(client, sales, manager)
    response = await client.patch(
        f"{PARTNERS}/{partner['id']}", json={"legal_name": "Sneaky"}, headers=sales
    )
    assert response.status_code == 409
    assert response.json()["code"] == "partner.change_request_required"


async def test_suspend_and_reactivate(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str]
) -> None:
    partner = await active_partner(client, sales, manager)
    suspended = await client.post(
        f"{PARTNERS}/{partner['id']}/suspend", json={"reason": "cheque bounced"}, headers=manager
    )
    assert suspended.json()["status"] == "suspended"
    forbidden = await client.post(f"{PARTNERS}/{partner['id']}/reactivate", headers=sales)
    assert forbidden.status_code == 403
    back = await client.post(f"{PARTNERS}/{partner['id']}/reactivate", headers=manager)
    assert back.json()["status"] == "active"


async def test_stale_if_match_is_412_and_changes_nothing(
    client: httpx.AsyncClient, sales: dict[str, str]
) -> None:
    partner = await create_partner(client, sales)
    response = await client.post(
        f"{PARTNERS}/{partner['id']}/submit", headers={**sales, "If-Match": '"999"'}
    )
    assert response.status_code == 412
    assert response.json()["code"] == "version.conflict"
    fetched = await client.get(f"{PARTNERS}/{partner['id']}", headers=sales)
    assert fetched.json()["status"] == "draft"


async def test_each_step_is_audited(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str], sign_in: SignIn
) -> None:
    partner = await active_partner(client, sales, manager)
    admin = (await sign_in(roles=["admin"])).headers
    events = await client.get(
        "/api/v1/audit-events",
        params={"entity_type": "partner", "entity_id": partner["id"]},
        headers=admin,
    )
    actions = sorted(event["action"] for event in events.json()["items"])
    assert actions == ["approve", "create", "submit"]


# --- lists and visibility --------------------------------------------------------------------


async def test_list_filters_and_search(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str]
) -> None:
    mill = await create_partner(client, sales, kind="buyer", legal_name="Arvind Mills Spinning")
    ginner = await active_partner(client, sales, manager, kind="seller")
    by_kind = await client.get(PARTNERS, params={"kind": "buyer", "limit": 200}, headers=sales)
    assert mill["id"] in {p["id"] for p in by_kind.json()["items"]}
    assert all(p["kind"] == "buyer" for p in by_kind.json()["items"])
    active = await client.get(PARTNERS, params={"status": "active", "limit": 200}, headers=sales)
    assert ginner["id"] in {p["id"] for p in active.json()["items"]}
    found = await client.get(PARTNERS, params={"q": "arvind mills"}, headers=sales)
    assert [p["id"] for p in found.json()["items"]] == [mill["id"]]
    by_pan = await client.get(PARTNERS, params={"q": mill["pan"].lower()}, headers=sales)
    assert [p["id"] for p in by_pan.json()["items"]] == [mill["id"]]
    bad = await client.get(PARTNERS, params={"sort": "pan"}, headers=sales)
    assert bad.status_code == 422


async def test_list_query_count_does_not_grow(
    client: httpx.AsyncClient, sales: dict[str, str], query_counter: QueryCounter
) -> None:
    for _ in range(8):
        await create_partner(client, sales)
    query_counter.reset()
    await client.get(PARTNERS, params={"limit": 2}, headers=sales)
    small = query_counter.count
    query_counter.reset()
    response = await client.get(PARTNERS, params={"limit": 8}, headers=sales)
    assert len(response.json()["items"]) == 8
    assert query_counter.count == small


async def test_a_portal_user_sees_only_its_own_partner(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    sign_in: SignIn,
) -> None:
    admin = (await sign_in(roles=["admin"])).headers
    own = await active_partner(client, sales, manager)
    other = await active_partner(client, sales, manager)
    created = await client.post(
        f"{PARTNERS}/{own['id']}/users",
        json={
            "email": f"mill-{uuid.uuid4().hex[:6]}@example.in",
            "name": "Mill Accounts",
            "password": "Cotton#Bale2026",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    portal_user = created.json()
    assert portal_user["roles"] == ["partner"] and portal_user["partner_id"] == own["id"]
    login = await client.post(
        "/api/v1/auth/login",
        json={"email": portal_user["email"], "password": "Cotton#Bale2026"},
    )
    assert login.status_code == 200, login.text
    portal = {"Authorization": f"Bearer {login.json()['access_token']}"}
    listed = await client.get(PARTNERS, headers=portal)
    assert [p["id"] for p in listed.json()["items"]] == [own["id"]]
    assert (await client.get(f"{PARTNERS}/{own['id']}", headers=portal)).status_code == 200
    hidden = await client.get(f"{PARTNERS}/{other['id']}", headers=portal)
    assert hidden.status_code == 404
    assert (await client.get(f"{PARTNERS}/{uuid.uuid4()}", headers=portal)).status_code == 404
    refused = await client.post(PARTNERS, json=partner_body(), headers=portal)
    assert refused.status_code == 403


async def test_portal_user_branches_must_be_the_partners(
    client: httpx.AsyncClient, sales: dict[str, str], sign_in: SignIn
) -> None:
    admin = (await sign_in(roles=["admin"])).headers
    partner = await create_partner(client, sales)
    response = await client.post(
        f"{PARTNERS}/{partner['id']}/users",
        json={
            "email": "x@example.in",
            "name": "X",
            "password": "Cotton#Bale2026",
            "branch_ids": [str(uuid.uuid4())],
        },
        headers=admin,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "branch_ids", 0]
    own_branch = partner["branches"][0]["id"]
    response = await client.post(
        f"{PARTNERS}/{partner['id']}/users",
        json={
            "email": "y@example.in",
            "name": "Y",
            "password": "Cotton#Bale2026",
            "branch_ids": [own_branch],
        },
        headers=admin,
    )
    assert response.status_code == 201
    assert response.json()["branch_ids"] == [own_branch]
    users = await client.get(f"{PARTNERS}/{partner['id']}/users", headers=admin)
    assert [u["email"] for u in users.json()] == ["y@example.in"]


# --- branches --------------------------------------------------------------------------------


async def test_branches_of_a_draft_are_added_and_the_head_office_moves(
    client: httpx.AsyncClient, sales: dict[str, str]
) -> None:
    partner = await create_partner(client, sales, state="24")
    gstin = make_gstin("27", partner["pan"], "2")
    added = await client.post(
        f"{PARTNERS}/{partner['id']}/branches",
        json={"name": "Akola", "gstin": gstin, "state_code": "27", "is_head_office": True},
        headers=sales,
    )
    assert added.status_code == 201, added.text
    branches = await client.get(f"{PARTNERS}/{partner['id']}/branches", headers=sales)
    heads = [b["name"] for b in branches.json() if b["is_head_office"]]
    assert heads == ["Akola"]
    unset = await client.patch(
        f"{PARTNERS}/{partner['id']}/branches/{added.json()['id']}",
        json={"is_head_office": False},
        headers=sales,
    )
    assert unset.status_code == 409
    wrong_pan = await client.post(
        f"{PARTNERS}/{partner['id']}/branches",
        json={"name": "Jalna", "gstin": make_gstin("27", make_pan()), "state_code": "27"},
        headers=sales,
    )
    assert wrong_pan.status_code == 422
    assert wrong_pan.json()["errors"][0]["loc"] == ["body", "gstin"]
    other_partners_gstin = (await create_partner(client, sales))["gstin"]
    taken = await client.post(
        f"{PARTNERS}/{partner['id']}/branches",
        json={"name": "Kadi", "gstin": other_partners_gstin, "state_code": "24"},
        headers=sales,
    )
    assert taken.status_code == 422  # another PAN: it cannot be this partner's GSTIN at all


async def test_codes_continue_past_five_digits(
    client: httpx.AsyncClient, sales: dict[str, str], db: AsyncSession
) -> None:
    first = await create_partner(client, sales)
    prefix = first["code"].rsplit("-", 1)[0]
    partner = await db.get(Partner, uuid.UUID(first["id"]))
    assert partner is not None
    partner.code = f"{prefix}-99999"
    await db.flush()
    assert (await create_partner(client, sales))["code"] == f"{prefix}-100000"
    assert (await create_partner(client, sales))["code"] == f"{prefix}-100001"
