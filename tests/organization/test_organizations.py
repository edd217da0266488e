"""/organizations and branches through HTTP (api.md §4)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tests.organization.helpers import (
    ORGANIZATIONS,
    create_organization,
    make_gstin,
    make_pan,
    organization_body,
)
from tradehub.audit.models import AuditEvent

BRANCHES = "/api/v1/branches"


async def test_admin_creates_an_organization(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    admin = await sign_in()
    body = organization_body(code="rnrl", pan="AAPFU0939F", gstin=" 27aapfu0939f1zv ")
    response = await client.post(ORGANIZATIONS, json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    organization = response.json()
    assert organization["code"] == "RNRL"
    assert organization["gstin"] == "27AAPFU0939F1ZV"
    assert organization["address"] == body["address"]
    assert response.headers["ETag"] == '"1"'
    got = await client.get(f"{ORGANIZATIONS}/{organization['id']}", headers=admin.headers)
    assert got.status_code == 200 and got.json() == organization
    event = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_type == "organization", AuditEvent.entity_id == organization["id"]
        )
    )
    assert event is not None and event.action == "create"
    assert event.actor_id == admin.user.id
    assert event.changes["gstin"] == {"old": None, "new": "27AAPFU0939F1ZV"}


def _mutate_check(gstin: str) -> str:
    return gstin[:14] + ("0" if gstin[14] != "0" else "1")


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (lambda b: {"pan": "AAPF0939F"}, "pan", "organization.invalid_pan"),
        (lambda b: {"gstin": _mutate_check(b["gstin"])}, "gstin", "organization.invalid_gstin"),
        (lambda b: {"gstin": make_gstin("27", make_pan())}, "gstin", "organization.invalid_gstin"),
        (lambda b: {"gstin": make_gstin("24", b["pan"])}, "gstin", "organization.invalid_gstin"),
        (lambda b: {"gstin": b["gstin"][:14]}, "gstin", "organization.invalid_gstin"),
        (lambda b: {"state_code": "25"}, "state_code", "state.unknown"),
        (lambda b: {"state_code": "Gujarat"}, "state_code", "validation.invalid"),
        (lambda b: {"code": "no spaces"}, "code", "validation.invalid"),
        (lambda b: {"address": ""}, "address", "validation.invalid"),
        (lambda b: {"name": None}, "name", "validation.invalid"),
        (lambda b: {"logo": "x"}, "logo", "validation.invalid"),
    ],
)
async def test_bad_organizations_are_422_naming_the_field(
    client: httpx.AsyncClient, auth_headers: dict[str, str], change: object, field: str, code: str
) -> None:
    body = organization_body()
    body.update(change(body))  # type: ignore[operator]
    response = await client.post(ORGANIZATIONS, json=body, headers=auth_headers)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == code
    assert problem["errors"][0]["loc"][:2] == ["body", field]


async def test_code_and_gstin_are_unique(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    first = await create_organization(client, auth_headers)
    same_code = organization_body(code=first["code"].lower())
    response = await client.post(ORGANIZATIONS, json=same_code, headers=auth_headers)
    assert response.status_code == 409
    assert response.json()["code"] == "organization.code_taken"
    same_gstin = organization_body(pan=first["pan"], gstin=first["gstin"])
    response = await client.post(ORGANIZATIONS, json=same_gstin, headers=auth_headers)
    assert response.status_code == 409
    assert response.json()["code"] == "organization.gstin_taken"


async def test_patch_checks_gstin_pan_and_state_together(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: AsyncSession
) -> None:
    organization = await create_organization(client, auth_headers)
    url = f"{ORGANIZATIONS}/{organization['id']}"
    moved = await client.patch(url, json={"state_code": "24"}, headers=auth_headers)
    assert moved.status_code == 422
    assert moved.json()["errors"][0]["loc"] == ["body", "gstin"]
    gujarat = make_gstin("24", organization["pan"])
    stale = await client.patch(
        url,
        json={"state_code": "24", "gstin": gujarat},
        headers={**auth_headers, "If-Match": '"9"'},
    )
    assert stale.status_code == 412
    changed = await client.patch(
        url,
        json={"state_code": "24", "gstin": gujarat, "name": "RNRL Gujarat"},
        headers={**auth_headers, "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["state_code"] == "24" and changed.headers["ETag"] == '"2"'
    event = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_id == organization["id"], AuditEvent.action == "update"
        )
    )
    assert event is not None
    assert set(event.changes) == {"state_code", "gstin", "name"}


async def test_only_admins_write_and_partners_see_nothing(
    client: httpx.AsyncClient, sign_in: SignIn, auth_headers: dict[str, str]
) -> None:
    organization = await create_organization(client, auth_headers)
    url = f"{ORGANIZATIONS}/{organization['id']}"
    for role in ("manager", "sales", "accounts", "dispute_manager"):
        staff = await sign_in(roles=[role])
        assert (await client.get(url, headers=staff.headers)).status_code == 200
        assert (await client.get(ORGANIZATIONS, headers=staff.headers)).status_code == 200
        denied = await client.post(ORGANIZATIONS, json=organization_body(), headers=staff.headers)
        assert denied.status_code == 403
        assert (
            await client.patch(url, json={"name": "x"}, headers=staff.headers)
        ).status_code == 403
    partner = await sign_in(roles=["partner"])
    for path in (url, ORGANIZATIONS, f"{url}/branches", BRANCHES):
        response = await client.get(path, headers=partner.headers)
        assert response.status_code == 403
        assert "RNRL" not in response.text


async def test_unknown_organization_is_404(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    url = f"{ORGANIZATIONS}/{uuid.uuid4()}"
    assert (await client.get(url, headers=auth_headers)).status_code == 404
    assert (await client.patch(url, json={}, headers=auth_headers)).status_code == 404
    branch = {"name": "Rajkot", "code": "RJT", "state_code": "24"}
    response = await client.post(f"{url}/branches", json=branch, headers=auth_headers)
    assert response.status_code == 404
    assert response.json()["code"] == "organization.not_found"
    assert (await client.get(f"{url}/branches", headers=auth_headers)).status_code == 404


async def test_organization_list_pages_and_sorts_in_bounded_queries(
    client: httpx.AsyncClient, auth_headers: dict[str, str], query_counter: QueryCounter
) -> None:
    for name in ("Charlie", "Alpha", "Bravo"):
        await create_organization(client, auth_headers, name=name)
    response = await client.get(ORGANIZATIONS, headers=auth_headers)
    assert [o["name"] for o in response.json()["items"]] == ["Alpha", "Bravo", "Charlie"]
    response = await client.get(
        ORGANIZATIONS, params={"sort": "-name", "limit": 1, "page": 2}, headers=auth_headers
    )
    assert response.json() == {**response.json(), "total": 3, "page": 2, "limit": 1}
    assert [o["name"] for o in response.json()["items"]] == ["Bravo"]
    response = await client.get(ORGANIZATIONS, params={"q": "rav"}, headers=auth_headers)
    assert [o["name"] for o in response.json()["items"]] == ["Bravo"]
    assert (
        await client.get(ORGANIZATIONS, params={"sort": "gstin"}, headers=auth_headers)
    ).status_code == 422
    query_counter.reset()
    await client.get(ORGANIZATIONS, params={"limit": 200}, headers=auth_headers)
    assert query_counter.count <= 6, query_counter.statements


# --- branches --------------------------------------------------------------------------------


async def test_branches_with_and_without_gstin(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: AsyncSession
) -> None:
    organization = await create_organization(client, auth_headers)
    url = f"{ORGANIZATIONS}/{organization['id']}/branches"
    mumbai = await client.post(
        url, json={"name": "Mumbai", "code": "mum", "state_code": "27"}, headers=auth_headers
    )
    assert mumbai.status_code == 201, mumbai.text
    assert mumbai.json()["code"] == "MUM" and mumbai.json()["gstin"] is None
    gstin = make_gstin("24", organization["pan"], entity="2")
    rajkot = await client.post(
        url,
        json={"name": "Rajkot", "code": "RJT", "state_code": "24", "gstin": gstin},
        headers=auth_headers,
    )
    assert rajkot.status_code == 201, rajkot.text
    assert rajkot.json()["organization_id"] == organization["id"]
    listed = await client.get(url, headers=auth_headers)
    assert [b["name"] for b in listed.json()["items"]] == ["Mumbai", "Rajkot"]
    listed = await client.get(
        BRANCHES, params={"organization_id": organization["id"]}, headers=auth_headers
    )
    assert listed.json()["total"] == 2
    got = await client.get(f"{BRANCHES}/{rajkot.json()['id']}", headers=auth_headers)
    assert got.status_code == 200 and got.json() == rajkot.json()
    event = await db.scalar(select(AuditEvent).where(AuditEvent.entity_id == rajkot.json()["id"]))
    assert event is not None and event.entity_type == "branch" and event.action == "create"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"state_code": "24", "gstin": "OTHER_PAN"}, 422, "gstin"),
        ({"state_code": "27", "gstin": "OTHER_STATE"}, 422, "gstin"),
        ({"state_code": "24", "gstin": "BAD_CHECK"}, 422, "gstin"),
        ({"state_code": "28"}, 422, "state_code"),
        ({"state_code": "24", "code": "MUM"}, 409, None),
    ],
)
async def test_bad_branches(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    body: dict[str, str],
    status: int,
    field: str | None,
) -> None:
    organization = await create_organization(client, auth_headers)
    url = f"{ORGANIZATIONS}/{organization['id']}/branches"
    first = {"name": "Mumbai", "code": "MUM", "state_code": "27"}
    assert (await client.post(url, json=first, headers=auth_headers)).status_code == 201
    own = make_gstin("24", organization["pan"], entity="2")
    replacements = {
        "OTHER_PAN": make_gstin("24", make_pan()),
        "OTHER_STATE": own,
        "BAD_CHECK": own[:14] + ("0" if own[14] != "0" else "1"),
    }
    if "gstin" in body:
        body = {**body, "gstin": replacements[body["gstin"]]}
    response = await client.post(
        url, json={"name": "Rajkot", "code": "RJT", **body}, headers=auth_headers
    )
    assert response.status_code == status, response.text
    if field:
        assert response.json()["errors"][0]["loc"] == ["body", field]
    else:
        assert response.json()["code"] == "branch.code_taken"


async def test_branch_gstin_is_unique_and_patch_rechecks(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    organization = await create_organization(client, auth_headers)
    url = f"{ORGANIZATIONS}/{organization['id']}/branches"
    gstin = make_gstin("24", organization["pan"], entity="2")
    body = {"name": "Rajkot", "code": "RJT", "state_code": "24", "gstin": gstin}
    branch = (await client.post(url, json=body, headers=auth_headers)).json()
    again = await client.post(url, json={**body, "code": "RJT2"}, headers=auth_headers)
    assert again.status_code == 409
    assert again.json()["code"] == "branch.gstin_taken"
    branch_url = f"{BRANCHES}/{branch['id']}"
    moved = await client.patch(branch_url, json={"state_code": "27"}, headers=auth_headers)
    assert moved.status_code == 422
    assert moved.json()["errors"][0]["loc"] == ["body", "gstin"]
    stale = await client.patch(
        branch_url, json={"name": "Gondal"}, headers={**auth_headers, "If-Match": '"3"'}
    )
    assert stale.status_code == 412
    cleared = await client.patch(
        branch_url,
        json={"state_code": "27", "gstin": None, "name": "Akola"},
        headers={**auth_headers, "If-Match": '"1"'},
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["gstin"] is None and cleared.json()["state_code"] == "27"
    # the organization's PAN cannot change under branch GSTINs... none left now, so it can
    new_pan = make_pan()
    org_url = f"{ORGANIZATIONS}/{organization['id']}"
    changed = await client.patch(
        org_url, json={"pan": new_pan, "gstin": make_gstin("27", new_pan)}, headers=auth_headers
    )
    assert changed.status_code == 200, changed.text


async def test_pan_change_is_refused_while_branch_gstins_carry_it(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    organization = await create_organization(client, auth_headers)
    url = f"{ORGANIZATIONS}/{organization['id']}"
    branch = {
        "name": "Rajkot",
        "code": "RJT",
        "state_code": "24",
        "gstin": make_gstin("24", organization["pan"], entity="2"),
    }
    assert (
        await client.post(f"{url}/branches", json=branch, headers=auth_headers)
    ).status_code == 201
    new_pan = make_pan()
    response = await client.patch(
        url, json={"pan": new_pan, "gstin": make_gstin("27", new_pan)}, headers=auth_headers
    )
    assert response.status_code == 409
    assert response.json()["code"] == "organization.pan_in_use"


async def test_unknown_branch_is_404(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    url = f"{BRANCHES}/{uuid.uuid4()}"
    assert (await client.get(url, headers=auth_headers)).status_code == 404
    response = await client.patch(url, json={"name": "x"}, headers=auth_headers)
    assert response.status_code == 404
    assert response.json()["code"] == "branch.not_found"


async def test_branch_lists_are_bounded(
    client: httpx.AsyncClient, auth_headers: dict[str, str], query_counter: QueryCounter
) -> None:
    organization = await create_organization(client, auth_headers)
    url = f"{ORGANIZATIONS}/{organization['id']}/branches"
    for i in range(4):
        body = {"name": f"Branch {i}", "code": f"B{i}", "state_code": "27"}
        assert (await client.post(url, json=body, headers=auth_headers)).status_code == 201
    query_counter.reset()
    response = await client.get(url, params={"sort": "-code"}, headers=auth_headers)
    assert [b["code"] for b in response.json()["items"]] == ["B3", "B2", "B1", "B0"]
    assert query_counter.count <= 7, query_counter.statements
    query_counter.reset()
    response = await client.get(BRANCHES, headers=auth_headers)
    assert response.json()["total"] == 4
    assert query_counter.count <= 6, query_counter.statements
