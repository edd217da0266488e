"""The route × role matrix, generated from the app's own routes.

Every route is public (api.md §1 names them), merely authenticated, or declares the
permissions it needs through ``require(...)``; a route that does none of these fails here.
Then every protected route is called without a token (401) and with each built-in role (403
exactly when the role lacks a permission). New modules' routes join the matrix by existing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from tests.auth_helpers import SignIn
from tradehub.api import api_routers
from tradehub.auth.dependencies import get_principal
from tradehub.auth.permissions import BUILTIN_ROLE_PERMISSIONS, BuiltinRole
from tradehub.main import API_PREFIX
from tradehub.ops.router import router as ops_router

PUBLIC_ROUTES = {
    ("GET", "/health"),
    ("GET", "/ready"),
    ("GET", "/metrics"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/password/reset-request"),
    ("POST", "/api/v1/auth/password/reset"),
    ("POST", "/api/v1/auth/otp/request"),
    ("POST", "/api/v1/auth/otp/verify"),
    ("POST", "/api/v1/auth/invitations/accept"),
}


def _walk(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _walk(sub)


def declared_access(route: APIRoute) -> tuple[bool, frozenset[str]]:
    """(needs a signed-in user, permissions it declares)."""
    calls = list(_walk(route.dependant))
    permissions: set[str] = set()
    for call in calls:
        permissions.update(getattr(call, "required_permissions", ()))
    return get_principal in calls, frozenset(permissions)


def app_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """Every (method, full path, route) the service mounts: ops routes and each module's."""
    mounted = [("", route) for route in ops_router.routes]
    mounted += [(API_PREFIX, route) for router in api_routers() for route in router.routes]
    routes = []
    for prefix, route in mounted:
        assert isinstance(route, APIRoute)
        for method in sorted(route.methods):
            routes.append((method, prefix + route.path, route))
    return routes


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)


def test_every_route_is_public_or_declares_its_access(app: FastAPI) -> None:
    undeclared = []
    for method, path, route in app_routes(app):
        authenticated, _ = declared_access(route)
        if (method, path) in PUBLIC_ROUTES:
            assert not authenticated, f"{method} {path} is public by contract but asks for a token"
        elif not authenticated:
            undeclared.append(f"{method} {path}")
    assert undeclared == []


async def test_protected_routes_without_a_token_are_401(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    checked = 0
    for method, path, _route in app_routes(app):
        if (method, path) in PUBLIC_ROUTES:
            continue
        response = await client.request(method, concrete(path), json={})
        assert response.status_code == 401, f"{method} {path}: {response.status_code}"
        assert response.json()["code"] == "auth.not_authenticated"
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("role", list(BuiltinRole))
async def test_each_role_reaches_exactly_the_routes_its_permissions_allow(
    app: FastAPI, client: httpx.AsyncClient, sign_in: SignIn, role: BuiltinRole
) -> None:
    signed = await sign_in(roles=[role.value])
    granted = BUILTIN_ROLE_PERMISSIONS[role]
    for method, path, route in app_routes(app):
        if (method, path) in PUBLIC_ROUTES or path == "/api/v1/auth/logout":
            continue
        _, needed = declared_access(route)
        response = await client.request(method, concrete(path), json={}, headers=signed.headers)
        if needed <= granted:
            assert response.status_code not in (401, 403), f"{role} {method} {path}"
        else:
            assert response.status_code == 403, f"{role} {method} {path}: {response.status_code}"
            assert response.json()["code"] == "auth.forbidden"
