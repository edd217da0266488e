"""Login, lockout, rate limit, tokens and sessions (api.md §3, security-reliability.md)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import jwt
import pytest
import time_machine
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import DEFAULT_PASSWORD, MakeUser, SignIn
from tradehub.audit.models import AuditEvent
from tradehub.kit.types import utcnow

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"


def _without_request_id(body: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in body.items() if k != "request_id"}


async def test_login_answers_tokens_and_the_user(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user(roles=["sales"], email="Asha@Example.com")
    response = await client.post(
        LOGIN, json={"email": "asha@example.COM", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 1800
    assert body["user"]["id"] == str(user.id)
    assert body["user"]["email"] == "asha@example.com"
    assert body["user"]["roles"] == ["sales"]
    me = await client.get(ME, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert set(me.json()) == {
        "id",
        "email",
        "name",
        "roles",
        "permissions",
        "partner_id",
        "branch_ids",
        "must_change_password",
    }


async def test_wrong_password_and_unknown_account_answer_alike(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    wrong = await client.post(LOGIN, json={"email": user.email, "password": "Wrong#Pass1"})
    unknown = await client.post(
        LOGIN, json={"email": "nobody@example.com", "password": "Wrong#Pass1"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert _without_request_id(wrong.json()) == _without_request_id(unknown.json())
    assert wrong.json()["code"] == "auth.invalid_credentials"


async def test_unknown_account_still_costs_a_password_verification(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    hasher = app.state.identity.hasher
    calls: list[str] = []
    original = hasher.hasher.verify_and_update

    def counting(password: str, hashed: str) -> tuple[bool, str | None]:
        calls.append(hashed)
        return original(password, hashed)

    monkeypatch.setattr(hasher.hasher, "verify_and_update", counting)
    await client.post(LOGIN, json={"email": "ghost@example.com", "password": "Whatever#1"})
    assert len(calls) == 1
    assert calls[0].startswith("$argon2id$")


async def test_five_failures_lock_the_account_for_thirty_minutes(
    client: httpx.AsyncClient, make_user: MakeUser, db: AsyncSession
) -> None:
    user = await make_user()
    with time_machine.travel(utcnow(), tick=False) as clock:
        for _ in range(5):
            failed = await client.post(LOGIN, json={"email": user.email, "password": "Bad#Pass123"})
            assert failed.status_code == 401
        locked = await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
        assert locked.status_code == 423
        assert locked.json()["code"] == "auth.locked"
        clock.shift(timedelta(minutes=29))
        still = await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
        assert still.status_code == 423
        clock.shift(timedelta(minutes=2))
        after = await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
        assert after.status_code == 200
    actions = (
        await db.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_id == str(user.id))
            .order_by(AuditEvent.seq)
        )
    ).all()
    assert actions.count("login_failed") == 5
    assert "login_locked" in actions


async def test_failures_spread_over_more_than_15_minutes_do_not_lock(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    with time_machine.travel(utcnow(), tick=False) as clock:
        for _ in range(4):
            await client.post(LOGIN, json={"email": user.email, "password": "Bad#Pass123"})
        clock.shift(timedelta(minutes=16))
        for _ in range(4):
            await client.post(LOGIN, json={"email": user.email, "password": "Bad#Pass123"})
        ok = await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert ok.status_code == 200


async def test_a_success_resets_the_failure_count(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    for _ in range(4):
        await client.post(LOGIN, json={"email": user.email, "password": "Bad#Pass123"})
    assert (
        await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    ).status_code == 200
    for _ in range(4):
        await client.post(LOGIN, json={"email": user.email, "password": "Bad#Pass123"})
    final = await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert final.status_code == 200


async def test_more_than_20_attempts_a_minute_from_one_address_is_429(
    client: httpx.AsyncClient,
) -> None:
    statuses = []
    for i in range(21):
        response = await client.post(
            LOGIN, json={"email": f"who{i}@example.com", "password": "Nope#1234"}
        )
        statuses.append(response.status_code)
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["code"] == "rate_limited"


async def test_the_oauth2_form_route_logs_in_too(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    response = await client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["access_token"]
    bad = await client.post("/api/v1/auth/token", data={"username": user.email, "password": "x"})
    assert bad.status_code == 401


async def test_a_user_may_hold_several_sessions(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    first = (
        await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    ).json()
    second = (
        await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    ).json()
    for pair in (first, second):
        me = await client.get(ME, headers={"Authorization": f"Bearer {pair['access_token']}"})
        assert me.status_code == 200


async def test_refresh_rotates_and_reuse_revokes_the_whole_session(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    signed = await sign_in()
    rotated = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": signed.refresh_token}
    )
    assert rotated.status_code == 200
    pair = rotated.json()
    assert pair["refresh_token"] != signed.refresh_token
    new_headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert (await client.get(ME, headers=new_headers)).status_code == 200

    reused = await client.post("/api/v1/auth/refresh", json={"refresh_token": signed.refresh_token})
    assert reused.status_code == 401
    assert reused.json()["code"] == "auth.not_authenticated"
    assert (await client.get(ME, headers=new_headers)).status_code == 401
    latest = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert latest.status_code == 401


@pytest.mark.parametrize("token", ["", "garbage", "0" * 32 + ".x", "not-a-uuid.secret"])
async def test_malformed_refresh_tokens_are_401(client: httpx.AsyncClient, token: str) -> None:
    response = await client.post("/api/v1/auth/refresh", json={"refresh_token": token or "x"})
    assert response.status_code == 401


async def test_logout_ends_access_and_refresh_at_once(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    signed = await sign_in()
    assert (await client.post("/api/v1/auth/logout", headers=signed.headers)).status_code == 204
    assert (await client.get(ME, headers=signed.headers)).status_code == 401
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": signed.refresh_token}
    )
    assert refreshed.status_code == 401


async def test_a_session_idle_for_30_minutes_is_closed(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    with time_machine.travel(utcnow(), tick=False) as clock:
        signed = await sign_in()
        clock.shift(timedelta(minutes=20))
        assert (await client.get(ME, headers=signed.headers)).status_code == 200
        clock.shift(timedelta(minutes=20))  # active 20 min ago: still alive, token refreshable
        refreshed = await client.post(
            "/api/v1/auth/refresh", json={"refresh_token": signed.refresh_token}
        )
        assert refreshed.status_code == 200
        clock.shift(timedelta(minutes=31))
        idle = await client.post(
            "/api/v1/auth/refresh", json={"refresh_token": refreshed.json()["refresh_token"]}
        )
        assert idle.status_code == 401


async def test_access_tokens_expire_after_30_minutes(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    with time_machine.travel(utcnow(), tick=False) as clock:
        signed = await sign_in()
        clock.shift(timedelta(minutes=29))
        assert (await client.get(ME, headers=signed.headers)).status_code == 200
        clock.shift(timedelta(minutes=2))
        assert (await client.get(ME, headers=signed.headers)).status_code == 401


def _forge(app: FastAPI, signed_token: str, **changes: object) -> str:
    settings = app.state.settings
    claims = jwt.decode(signed_token, options={"verify_signature": False})
    claims.update(changes)
    key = settings.secret_key.get_secret_value()
    return jwt.encode(claims, key, algorithm="HS256")


@pytest.mark.parametrize(
    "tamper",
    [
        "expired",
        "not_yet_valid",
        "wrong_audience",
        "wrong_issuer",
        "alg_none",
        "bad_signature",
        "refresh_as_access",
        "other_type",
        "missing_bearer",
    ],
)
async def test_bad_tokens_are_401(
    client: httpx.AsyncClient, sign_in: SignIn, app: FastAPI, tamper: str
) -> None:
    signed = await sign_in()
    token = signed.access_token
    now = int(utcnow().timestamp())
    forged = {
        "expired": lambda: _forge(app, token, exp=now - 10),
        "not_yet_valid": lambda: _forge(app, token, nbf=now + 600, iat=now + 600),
        "wrong_audience": lambda: _forge(app, token, aud="someone-else"),
        "wrong_issuer": lambda: _forge(app, token, iss="someone-else"),
        "alg_none": lambda: jwt.encode(
            jwt.decode(token, options={"verify_signature": False}), None, algorithm="none"
        ),
        "bad_signature": lambda: token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),
        "refresh_as_access": lambda: signed.refresh_token,
        "other_type": lambda: _forge(app, token, typ="refresh"),
        "missing_bearer": lambda: "",
    }[tamper]()
    response = await client.get(ME, headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.json()["code"] == "auth.not_authenticated"


async def test_no_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "auth.not_authenticated"


async def test_a_deactivated_user_loses_access_at_the_next_request(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    admin = await sign_in()
    victim = await sign_in(roles=["sales"])
    assert (await client.get(ME, headers=victim.headers)).status_code == 200
    deactivated = await client.post(
        f"/api/v1/users/{victim.user.id}/deactivate", headers=admin.headers
    )
    assert deactivated.status_code == 200
    assert (await client.get(ME, headers=victim.headers)).status_code == 401
    again = await client.post(LOGIN, json={"email": victim.user.email, "password": victim.password})
    assert again.status_code == 401


async def test_login_upgrades_a_hash_made_with_old_parameters(
    client: httpx.AsyncClient, make_user: MakeUser, db: AsyncSession, app: FastAPI
) -> None:
    from tradehub.kit.security import PasswordHasher

    weaker = PasswordHasher.from_settings(
        app.state.settings.model_copy(update={"argon2_memory_kib": 512})
    )
    user = await make_user()
    user.password_hash = await weaker.hash(DEFAULT_PASSWORD)
    await db.flush()
    assert "m=512" in user.password_hash
    response = await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    await db.refresh(user)
    assert "m=1024" in user.password_hash
