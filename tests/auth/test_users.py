"""Users, roles and permissions administration (api.md §3)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import DEFAULT_PASSWORD, SignIn
from tests.conftest import QueryCounter
from tradehub.audit.models import AuditEvent
from tradehub.auth.permissions import PERMISSIONS

USERS = "/api/v1/users"


def _new_user(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "email": f"new-{uuid.uuid4().hex[:8]}@example.com",
        "name": "Ravi Patel",
        "password": "Gin#Rajkot2026",
        "roles": ["sales"],
        "branch_ids": [],
    }
    body.update(overrides)
    return body


async def test_admin_creates_a_user_who_can_log_in(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    admin = await sign_in()
    branch = str(uuid.uuid4())
    body = _new_user(roles=["sales", "accounts"], branch_ids=[branch])
    created = await client.post(USERS, json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["roles"] == ["accounts", "sales"]
    assert user["branch_ids"] == [branch]
    assert user["is_active"] is True
    assert "password" not in user and "password_hash" not in user
    assert created.headers["ETag"] == '"1"'
    login = await client.post(
        "/api/v1/auth/login", json={"email": body["email"], "password": body["password"]}
    )
    assert login.status_code == 200
    assert login.json()["user"]["branch_ids"] == [branch]
    event = await db.scalar(
        select(AuditEvent).where(AuditEvent.entity_id == user["id"], AuditEvent.action == "create")
    )
    assert event is not None
    assert event.actor_id == admin.user.id
    assert event.changes["roles"]["new"] == ["accounts", "sales"]


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"roles": ["wizard"]}, 422, "role.unknown"),
        ({"roles": []}, 422, "validation.invalid"),
        ({"password": "weakpass"}, 422, "auth.weak_password"),
        ({"email": "not-an-email"}, 422, "validation.invalid"),
        ({"is_active": False}, 422, "validation.invalid"),
        ({"partner_id": str(uuid.uuid4())}, 422, "validation.invalid"),
    ],
)
async def test_bad_user_bodies_are_refused(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    overrides: dict[str, object],
    status: int,
    code: str,
) -> None:
    admin = await sign_in()
    response = await client.post(USERS, json=_new_user(**overrides), headers=admin.headers)
    assert response.status_code == status
    assert response.json()["code"] == code


async def test_duplicate_email_is_409_whatever_its_case(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    admin = await sign_in()
    body = _new_user(email="dup@example.com")
    assert (await client.post(USERS, json=body, headers=admin.headers)).status_code == 201
    again = await client.post(USERS, json=_new_user(email="DUP@example.com"), headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "user.email_taken"


async def test_list_filters_and_costs_a_fixed_number_of_queries(
    client: httpx.AsyncClient, sign_in: SignIn, query_counter: QueryCounter
) -> None:
    admin = await sign_in()
    for i in range(6):
        roles = ["sales"] if i % 2 else ["accounts"]
        body = _new_user(name=f"Person {i}", roles=roles)
        assert (await client.post(USERS, json=body, headers=admin.headers)).status_code == 201
    query_counter.reset()
    page = await client.get(USERS, params={"role": "sales", "sort": "name"}, headers=admin.headers)
    assert page.status_code == 200
    body = page.json()
    assert body["total"] == 3
    assert [u["name"] for u in body["items"]] == ["Person 1", "Person 3", "Person 5"]
    small = query_counter.count
    for i in range(6, 30):
        await client.post(USERS, json=_new_user(name=f"Person {i}"), headers=admin.headers)
    query_counter.reset()
    bigger = await client.get(USERS, params={"limit": 100}, headers=admin.headers)
    assert bigger.json()["total"] == 31
    assert query_counter.count == small
    found = await client.get(USERS, params={"q": "person 2"}, headers=admin.headers)
    assert {u["name"] for u in found.json()["items"]} >= {"Person 2", "Person 20"}


async def test_patch_honours_if_match_and_refuses_fields_it_does_not_own(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    admin = await sign_in()
    user = (await client.post(USERS, json=_new_user(), headers=admin.headers)).json()
    url = f"{USERS}/{user['id']}"
    changed = await client.patch(
        url,
        json={"name": "Ravi K. Patel", "roles": ["manager"]},
        headers={**admin.headers, "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["roles"] == ["manager"]
    assert changed.json()["version"] == 2
    stale = await client.patch(
        url, json={"name": "Too late"}, headers={**admin.headers, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    for field, value in [
        ("is_active", False),
        ("partner_id", str(uuid.uuid4())),
        ("password_hash", "x"),
        ("email", "x@example.com"),
        ("status", "active"),
    ]:
        refused = await client.patch(url, json={field: value}, headers=admin.headers)
        assert refused.status_code == 422, field
    current = (await client.get(url, headers=admin.headers)).json()
    assert current["name"] == "Ravi K. Patel"


async def test_unknown_user_is_404(client: httpx.AsyncClient, sign_in: SignIn) -> None:
    admin = await sign_in()
    response = await client.get(f"{USERS}/{uuid.uuid4()}", headers=admin.headers)
    assert response.status_code == 404
    assert response.json()["code"] == "user.not_found"


async def test_an_admin_cannot_deactivate_themselves(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    admin = await sign_in()
    response = await client.post(f"{USERS}/{admin.user.id}/deactivate", headers=admin.headers)
    assert response.status_code == 409


async def test_reactivated_user_can_log_in_again(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    admin = await sign_in()
    other = await sign_in(roles=["sales"])
    await client.post(f"{USERS}/{other.user.id}/deactivate", headers=admin.headers)
    await client.post(f"{USERS}/{other.user.id}/activate", headers=admin.headers)
    login = await client.post(
        "/api/v1/auth/login", json={"email": other.user.email, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200


async def test_staff_without_the_permission_get_403_and_it_is_audited(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    sales = await sign_in(roles=["sales"])
    response = await client.get(USERS, headers=sales.headers)
    assert response.status_code == 403
    assert response.json()["code"] == "auth.forbidden"
    denial = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "permission_denied", AuditEvent.actor_id == sales.user.id
        )
    )
    assert denial is not None
    assert "user:read" in (denial.reason or "")


async def test_builtin_roles_are_listed_with_their_permissions(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    admin = await sign_in()
    roles = (await client.get("/api/v1/roles", headers=admin.headers)).json()["items"]
    by_name = {role["name"]: role for role in roles}
    assert set(by_name) >= {"admin", "manager", "sales", "accounts", "dispute_manager", "partner"}
    assert set(by_name["admin"]["permissions"]) == set(PERMISSIONS)
    assert all(role["is_builtin"] for role in by_name.values())


async def test_a_custom_role_grants_exactly_its_permissions(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    admin = await sign_in()
    created = await client.post(
        "/api/v1/roles",
        json={
            "name": "auditor",
            "description": "Reads the log",
            "permissions": ["audit:read", "user:read"],
        },
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    auditor = await sign_in(roles=["auditor"])
    assert (await client.get(USERS, headers=auditor.headers)).status_code == 200
    assert (await client.post(USERS, json=_new_user(), headers=auditor.headers)).status_code == 403
    me = (await client.get("/api/v1/auth/me", headers=auditor.headers)).json()
    assert me["permissions"] == ["audit:read", "user:read"]


async def test_role_rules(client: httpx.AsyncClient, sign_in: SignIn) -> None:
    admin = await sign_in()
    unknown = await client.post(
        "/api/v1/roles",
        json={"name": "x_role", "permissions": ["launch:rockets"]},
        headers=admin.headers,
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "permission.unknown"
    roles = (await client.get("/api/v1/roles", headers=admin.headers)).json()["items"]
    admin_role = next(role for role in roles if role["name"] == "admin")
    builtin = await client.patch(
        f"/api/v1/roles/{admin_role['id']}", json={"permissions": []}, headers=admin.headers
    )
    assert builtin.status_code == 403
    assert builtin.json()["code"] == "role.builtin"
    dup = await client.post(
        "/api/v1/roles", json={"name": "sales", "permissions": []}, headers=admin.headers
    )
    assert dup.status_code == 409


async def test_permissions_are_listed(client: httpx.AsyncClient, sign_in: SignIn) -> None:
    admin = await sign_in()
    listed = (await client.get("/api/v1/permissions", headers=admin.headers)).json()
    assert {p["name"] for p in listed} == set(PERMISSIONS)
