"""Sub-user invitations (domain.md §1 "Sub-users"): a partner's primary user invites up to
``max_sub_users`` colleagues by e-mail, each limited to chosen branches; the link works once,
for 7 days."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import time_machine
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.auth_helpers import DEFAULT_PASSWORD, SignedIn, SignIn
from tests.conftest import QueryCounter
from tests.partner.helpers import ensure_partner_row
from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.audit.models import AuditEvent
from tradehub.auth import service, users_service
from tradehub.auth.models import Invitation, User
from tradehub.auth.schemas import UserCreate
from tradehub.kit.db import create_sessionmaker, session_scope
from tradehub.kit.outbox import OutboxMessage
from tradehub.kit.types import utcnow

INVITATIONS = "/api/v1/invitations"
ACCEPT = "/api/v1/auth/invitations/accept"
LOGIN = "/api/v1/auth/login"
NEW_PASSWORD = "Sub#User2026x"


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "email": f"colleague-{uuid.uuid4().hex[:8]}@example.com",
        "name": "Meena Shah",
        "branch_ids": [str(uuid.uuid4())],
    }
    body.update(overrides)
    return body


async def _primary(
    sign_in: SignIn, partner_id: uuid.UUID | None = None, **options: Any
) -> SignedIn:
    return await sign_in(roles=["partner"], partner_id=partner_id or uuid.uuid4(), **options)


async def _sub_user(sign_in: SignIn, db: AsyncSession, primary: SignedIn) -> SignedIn:
    """A colleague the primary user invited earlier (made directly, not through the flow)."""
    signed = await sign_in(roles=["partner"], partner_id=primary.user.partner_id)
    signed.user.invited_by_id = primary.user.id
    await db.flush()
    return signed


async def _invite(client: httpx.AsyncClient, who: SignedIn, **overrides: Any) -> httpx.Response:
    return await client.post(INVITATIONS, json=_body(**overrides), headers=who.headers)


async def _token(db: AsyncSession, email: str) -> str:
    message = await db.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == email, OutboxMessage.template == "invitation")
        .order_by(OutboxMessage.created_at.desc())
    )
    assert message is not None
    return parse_qs(urlparse(message.payload["link"]).query)["token"][0]


async def _invite_and_token(
    client: httpx.AsyncClient, db: AsyncSession, who: SignedIn, **overrides: Any
) -> tuple[dict[str, Any], str]:
    response = await _invite(client, who, **overrides)
    assert response.status_code == 201, response.text
    invitation = response.json()
    return invitation, await _token(db, invitation["email"])


def _assert_problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


# --- the whole flow --------------------------------------------------------------------------


async def test_invite_mail_accept_login_and_me(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession, app: FastAPI
) -> None:
    branch = uuid.uuid4()
    primary = await _primary(sign_in, name="Arjun Mehta")
    created = await _invite(
        client, primary, email="Meena.Shah@Example.com", branch_ids=[str(branch), str(branch)]
    )
    assert created.status_code == 201, created.text
    invitation = created.json()
    assert invitation["email"] == "meena.shah@example.com"
    assert invitation["status"] == "pending"
    assert invitation["partner_id"] == str(primary.user.partner_id)
    assert invitation["inviter_id"] == str(primary.user.id)
    assert invitation["branch_ids"] == [str(branch)]
    assert not any("token" in key for key in invitation)
    assert created.headers["ETag"] == '"1"'

    message = await db.scalar(select(OutboxMessage).where(OutboxMessage.template == "invitation"))
    assert message is not None
    assert message.recipient == "meena.shah@example.com"
    assert message.channel == "email"
    assert message.payload["name"] == "Meena Shah"
    assert message.payload["inviter_name"] == "Arjun Mehta"
    assert message.payload["days"] == 7
    public_url = app.state.settings.public_url.rstrip("/")
    assert message.payload["link"].startswith(f"{public_url}/accept-invitation?token=")
    token = await _token(db, "meena.shah@example.com")
    stored = await db.get(Invitation, uuid.UUID(invitation["id"]))
    assert stored is not None and token not in stored.token_hash and len(stored.token_hash) == 64

    accepted = await client.post(ACCEPT, json={"token": token, "password": NEW_PASSWORD})
    assert accepted.status_code == 201, accepted.text
    user = accepted.json()
    assert user["email"] == "meena.shah@example.com"
    assert user["name"] == "Meena Shah"
    assert user["roles"] == ["partner"]
    assert user["partner_id"] == str(primary.user.partner_id)
    assert user["branch_ids"] == [str(branch)]
    new_user = await db.get(User, uuid.UUID(user["id"]))
    assert new_user is not None
    assert new_user.invited_by_id == primary.user.id
    assert new_user.email_verified_at is not None

    login = await client.post(LOGIN, json={"email": user["email"], "password": NEW_PASSWORD})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = (await client.get("/api/v1/auth/me", headers=headers)).json()
    assert me["partner_id"] == str(primary.user.partner_id)
    assert me["branch_ids"] == [str(branch)]
    assert "subuser:invite" in me["permissions"]

    shown = await client.get(f"{INVITATIONS}/{invitation['id']}", headers=primary.headers)
    assert shown.json()["status"] == "accepted"
    assert shown.json()["accepted_user_id"] == user["id"]
    events = (
        await db.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity_type == "invitation", AuditEvent.entity_id == invitation["id"]
            )
        )
    ).all()
    assert sorted(events) == ["accept", "create"]


async def test_the_token_works_once(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    primary = await _primary(sign_in)
    _, token = await _invite_and_token(client, db, primary)
    first = await client.post(ACCEPT, json={"token": token, "password": NEW_PASSWORD})
    assert first.status_code == 201
    again = await client.post(ACCEPT, json={"token": token, "password": "Other#Pass2026"})
    _assert_problem(again, 400, "auth.invalid_token")


async def test_unknown_token_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(ACCEPT, json={"token": "made-up", "password": NEW_PASSWORD})
    _assert_problem(response, 400, "auth.invalid_token")


async def test_a_weak_password_does_not_spend_the_token(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    primary = await _primary(sign_in)
    invitation, token = await _invite_and_token(client, db, primary)
    for weak in ("weak", invitation["email"]):
        refused = await client.post(ACCEPT, json={"token": token, "password": weak})
        _assert_problem(refused, 422, "auth.weak_password")
        assert refused.json()["errors"][0]["loc"] == ["body", "password"]
    ok = await client.post(ACCEPT, json={"token": token, "password": NEW_PASSWORD})
    assert ok.status_code == 201


async def test_accept_is_rate_limited_per_address(client: httpx.AsyncClient, app: FastAPI) -> None:
    allowed = app.state.settings.reset_rate_per_hour
    for _ in range(allowed):
        answer = await client.post(ACCEPT, json={"token": "guess", "password": NEW_PASSWORD})
        assert answer.status_code == 400
    limited = await client.post(ACCEPT, json={"token": "guess", "password": NEW_PASSWORD})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1


async def test_an_inviter_deactivated_since_makes_the_link_invalid(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    primary = await _primary(sign_in)
    _, token = await _invite_and_token(client, db, primary)
    primary.user.is_active = False
    await db.flush()
    late = await client.post(ACCEPT, json={"token": token, "password": NEW_PASSWORD})
    _assert_problem(late, 400, "auth.invalid_token")


# --- who may invite --------------------------------------------------------------------------


async def test_a_sub_user_may_not_manage_invitations(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    primary = await _primary(sign_in)
    invitation = (await _invite(client, primary)).json()
    sub = await _sub_user(sign_in, db, primary)
    answers = [
        await _invite(client, sub),
        await client.get(INVITATIONS, headers=sub.headers),
        await client.get(f"{INVITATIONS}/{invitation['id']}", headers=sub.headers),
        await client.post(f"{INVITATIONS}/{invitation['id']}/revoke", headers=sub.headers),
    ]
    for answer in answers:
        _assert_problem(answer, 403, "invitation.not_primary")


async def test_staff_cannot_invite_but_admins_oversee_and_revoke(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    admin = await sign_in(roles=["admin"])
    _assert_problem(await _invite(client, admin), 403, "invitation.not_primary")
    manager = await sign_in(roles=["manager"])
    _assert_problem(await _invite(client, manager), 403, "auth.forbidden")

    first, second = await _primary(sign_in), await _primary(sign_in)
    mine = (await _invite(client, first)).json()
    (await _invite(client, second)).json()
    everything = (await client.get(INVITATIONS, headers=admin.headers)).json()
    assert everything["total"] == 2
    one_partner = await client.get(
        INVITATIONS, params={"partner_id": str(first.user.partner_id)}, headers=admin.headers
    )
    assert [i["id"] for i in one_partner.json()["items"]] == [mine["id"]]
    revoked = await client.post(f"{INVITATIONS}/{mine['id']}/revoke", headers=admin.headers)
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"


async def test_a_partner_role_without_a_partner_sees_nothing(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    primary = await _primary(sign_in)
    invitation = (await _invite(client, primary)).json()
    loose = await sign_in(roles=["partner"])  # no partner_id: a misconfigured account
    listing = await client.get(INVITATIONS, headers=loose.headers)
    assert listing.status_code == 200 and listing.json()["total"] == 0
    hidden = await client.get(f"{INVITATIONS}/{invitation['id']}", headers=loose.headers)
    _assert_problem(hidden, 404, "invitation.not_found")
    _assert_problem(await _invite(client, loose), 403, "invitation.not_primary")


# --- the rules of an invitation --------------------------------------------------------------


async def test_an_existing_users_email_is_409(client: httpx.AsyncClient, sign_in: SignIn) -> None:
    primary = await _primary(sign_in)
    other = await sign_in(roles=["sales"], email="taken@example.com")
    assert other.user.email == "taken@example.com"
    _assert_problem(
        await _invite(client, primary, email="TAKEN@example.com"), 409, "user.email_taken"
    )


async def test_a_pending_invitation_for_the_same_email_is_409_until_revoked(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    primary, elsewhere = await _primary(sign_in), await _primary(sign_in)
    first = (await _invite(client, primary, email="twice@example.com")).json()
    again = await _invite(client, primary, email="Twice@example.com")
    _assert_problem(again, 409, "invitation.duplicate")
    assert (await _invite(client, elsewhere, email="twice@example.com")).status_code == 201
    revoke = await client.post(f"{INVITATIONS}/{first['id']}/revoke", headers=primary.headers)
    assert revoke.status_code == 200
    assert (await _invite(client, primary, email="twice@example.com")).status_code == 201


async def test_the_second_acceptance_of_one_email_is_409(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    first, second = await _primary(sign_in), await _primary(sign_in)
    email = "wanted@example.com"
    _, token_a = await _invite_and_token(client, db, first, email=email)
    tokens = {token_a}
    response = await _invite(client, second, email=email)
    assert response.status_code == 201
    messages = (
        await db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email))
    ).all()
    [token_b] = {parse_qs(urlparse(m.payload["link"]).query)["token"][0] for m in messages} - tokens
    assert (await client.post(ACCEPT, json={"token": token_a, "password": NEW_PASSWORD})).is_success
    late = await client.post(ACCEPT, json={"token": token_b, "password": NEW_PASSWORD})
    _assert_problem(late, 409, "user.email_taken")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"branch_ids": []}, "branch_ids"),
        ({"branch_ids": ["not-a-uuid"]}, "branch_ids"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"partner_id": str(uuid.uuid4())}, "partner_id"),
    ],
)
async def test_malformed_bodies_are_422(
    client: httpx.AsyncClient, sign_in: SignIn, overrides: dict[str, Any], field: str
) -> None:
    primary = await _primary(sign_in)
    response = await _invite(client, primary, **overrides)
    _assert_problem(response, 422, "validation.invalid")
    assert any(field in error["loc"] for error in response.json()["errors"])


async def test_a_branch_limited_inviter_gives_only_its_own_branches(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    own_a, own_b, foreign = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    limited = await _primary(sign_in, branch_ids=[own_a, own_b])
    refused = await _invite(client, limited, branch_ids=[str(own_a), str(foreign)])
    _assert_problem(refused, 422, "invitation.branch_not_allowed")
    assert refused.json()["errors"][0]["loc"] == ["body", "branch_ids"]
    assert str(foreign) in refused.json()["detail"]
    assert (await _invite(client, limited, branch_ids=[str(own_b)])).status_code == 201
    unlimited = await _primary(sign_in)
    assert (await _invite(client, unlimited, branch_ids=[str(foreign)])).status_code == 201


# --- the limit -------------------------------------------------------------------------------


async def test_the_limit_counts_active_sub_users_and_pending_invitations(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    primary = await _primary(sign_in)
    admin = await sign_in(roles=["admin"])
    accepted_ids = []
    for _ in range(2):
        _, token = await _invite_and_token(client, db, primary)
        accepted = await client.post(ACCEPT, json={"token": token, "password": NEW_PASSWORD})
        assert accepted.status_code == 201
        accepted_ids.append(accepted.json()["id"])
    pending = [(await _invite(client, primary)).json() for _ in range(3)]
    assert all(p["status"] == "pending" for p in pending)
    full = await _invite(client, primary)
    _assert_problem(full, 409, "invitation.limit_reached")
    assert full.json()["limit"] == 5
    # Another partner's count is its own; the primary user is not a sub-user.
    assert (await _invite(client, await _primary(sign_in))).status_code == 201

    revoked = await client.post(f"{INVITATIONS}/{pending[0]['id']}/revoke", headers=primary.headers)
    assert revoked.status_code == 200
    assert (await _invite(client, primary)).status_code == 201
    _assert_problem(await _invite(client, primary), 409, "invitation.limit_reached")

    deactivated = await client.post(
        f"/api/v1/users/{accepted_ids[0]}/deactivate", headers=admin.headers
    )
    assert deactivated.status_code == 200
    assert (await _invite(client, primary)).status_code == 201
    _assert_problem(await _invite(client, primary), 409, "invitation.limit_reached")


async def test_the_limit_is_a_setting(
    client: httpx.AsyncClient, sign_in: SignIn, app: FastAPI
) -> None:
    app.state.identity = type(app.state.identity)(
        settings=app.state.settings.model_copy(update={"max_sub_users": 1}),
        hasher=app.state.identity.hasher,
    )
    primary = await _primary(sign_in)
    assert (await _invite(client, primary)).status_code == 201
    _assert_problem(await _invite(client, primary), 409, "invitation.limit_reached")


# --- expiry ----------------------------------------------------------------------------------


async def test_an_invitation_expires_after_seven_days(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    with time_machine.travel(utcnow(), tick=False) as clock:
        primary = await _primary(sign_in)
        partner_id = primary.user.partner_id
        early, early_token = await _invite_and_token(client, db, primary)
        late, late_token = await _invite_and_token(client, db, primary)
        assert late["expires_at"] == early["expires_at"]
        clock.shift(timedelta(days=7) - timedelta(minutes=1))
        in_time = await client.post(ACCEPT, json={"token": early_token, "password": NEW_PASSWORD})
        assert in_time.status_code == 201
        clock.shift(timedelta(minutes=1))
        too_late = await client.post(ACCEPT, json={"token": late_token, "password": NEW_PASSWORD})
        _assert_problem(too_late, 400, "auth.invalid_token")

        fresh = await _primary(sign_in, partner_id=partner_id)  # the old access token expired
        expired = await client.get(INVITATIONS, params={"status": "expired"}, headers=fresh.headers)
        assert [i["id"] for i in expired.json()["items"]] == [late["id"]]
        assert expired.json()["items"][0]["status"] == "expired"
        revoke = await client.post(f"{INVITATIONS}/{late['id']}/revoke", headers=fresh.headers)
        _assert_problem(revoke, 409, "invitation.not_pending")
        # An expired invitation neither blocks the same e-mail nor counts against the limit.
        again = await _invite(client, fresh, email=late["email"])
        assert again.status_code == 201


# --- reading and revoking --------------------------------------------------------------------


async def test_another_partners_invitation_is_404(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    owner, stranger = await _primary(sign_in), await _primary(sign_in)
    invitation = (await _invite(client, owner)).json()
    url = f"{INVITATIONS}/{invitation['id']}"
    _assert_problem(await client.get(url, headers=stranger.headers), 404, "invitation.not_found")
    revoke = await client.post(f"{url}/revoke", headers=stranger.headers)
    _assert_problem(revoke, 404, "invitation.not_found")
    listing = await client.get(INVITATIONS, headers=stranger.headers)
    assert listing.json()["total"] == 0
    assert (await client.get(url, headers=owner.headers)).json()["status"] == "pending"
    unknown = await client.get(f"{INVITATIONS}/{uuid.uuid4()}", headers=owner.headers)
    _assert_problem(unknown, 404, "invitation.not_found")


async def test_revoke_kills_the_link_honours_if_match_and_only_once(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    primary = await _primary(sign_in)
    invitation, token = await _invite_and_token(client, db, primary)
    url = f"{INVITATIONS}/{invitation['id']}"
    got = await client.get(url, headers=primary.headers)
    assert got.headers["ETag"] == '"1"'
    stale = await client.post(f"{url}/revoke", headers={**primary.headers, "If-Match": '"7"'})
    _assert_problem(stale, 412, "version.conflict")
    revoked = await client.post(f"{url}/revoke", headers={**primary.headers, "If-Match": '"1"'})
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked" and revoked.json()["revoked_at"]
    assert revoked.headers["ETag"] == '"2"'
    twice = await client.post(f"{url}/revoke", headers=primary.headers)
    _assert_problem(twice, 409, "invitation.not_pending")
    dead = await client.post(ACCEPT, json={"token": token, "password": NEW_PASSWORD})
    _assert_problem(dead, 400, "auth.invalid_token")
    event = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_id == invitation["id"], AuditEvent.action == "revoke"
        )
    )
    assert event is not None and event.actor_id == primary.user.id
    assert event.changes["status"] == {"old": "pending", "new": "revoked"}


async def test_revoking_an_accepted_invitation_is_409(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    primary = await _primary(sign_in)
    invitation, token = await _invite_and_token(client, db, primary)
    assert (await client.post(ACCEPT, json={"token": token, "password": NEW_PASSWORD})).is_success
    late = await client.post(f"{INVITATIONS}/{invitation['id']}/revoke", headers=primary.headers)
    _assert_problem(late, 409, "invitation.not_pending")


async def test_list_filters_by_status_and_costs_a_fixed_number_of_queries(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession, query_counter: QueryCounter
) -> None:
    primary = await _primary(sign_in)
    first, token = await _invite_and_token(client, db, primary, email="a@example.com")
    assert (await client.post(ACCEPT, json={"token": token, "password": NEW_PASSWORD})).is_success
    second = (await _invite(client, primary, email="b@example.com")).json()
    await client.post(f"{INVITATIONS}/{second['id']}/revoke", headers=primary.headers)
    third = (await _invite(client, primary, email="c@example.com")).json()

    async def ids(**params: str) -> list[str]:
        page = await client.get(INVITATIONS, params=params, headers=primary.headers)
        assert page.status_code == 200, page.text
        return [item["id"] for item in page.json()["items"]]

    assert await ids(status="accepted") == [first["id"]]
    assert await ids(status="revoked") == [second["id"]]
    assert await ids(status="pending") == [third["id"]]
    assert await ids(status="expired") == []
    assert await ids(sort="email") == [first["id"], second["id"], third["id"]]
    assert await ids() == [third["id"], second["id"], first["id"]]
    _assert_problem(
        await client.get(INVITATIONS, params={"status": "lost"}, headers=primary.headers),
        422,
        "validation.invalid",
    )
    _assert_problem(
        await client.get(INVITATIONS, params={"sort": "token_hash"}, headers=primary.headers),
        422,
        "validation.invalid",
    )

    query_counter.reset()
    await ids(limit="2")
    small = query_counter.count
    await client.post(f"{INVITATIONS}/{third['id']}/revoke", headers=primary.headers)
    for letter in "defg":
        await _invite(client, primary, email=f"{letter}@example.com")
    query_counter.reset()
    assert len(await ids(limit="200")) == 7
    assert query_counter.count == small


# --- racing invitations ----------------------------------------------------------------------


async def _committed_primary(engine: AsyncEngine, app: FastAPI) -> dict[str, str]:
    """A primary partner user created and signed in with real commits (for live_client)."""
    maker = create_sessionmaker(engine)
    email = f"primary-{uuid.uuid4().hex[:8]}@example.com"
    async with session_scope(maker) as session:
        body = UserCreate(
            email=email, name="Racing Primary", password=DEFAULT_PASSWORD, roles=["partner"]
        )
        partner_id = uuid.uuid4()
        await ensure_partner_row(session, partner_id)
        await users_service.create_user(
            session, app.state.identity, SYSTEM_ACTOR, body, partner_id=partner_id
        )
    async with session_scope(maker) as session:
        caller = service.Caller(ip="127.0.0.1", user_agent="tests", request_id=None)
        tokens = await service.login(
            session, app.state.identity, caller, email=email, password=DEFAULT_PASSWORD
        )
    return {"Authorization": f"Bearer {tokens.access_token}"}


@pytest.mark.parametrize(("racers", "already"), [(8, 0), (8, 3)])
async def test_racing_invitations_never_pass_the_limit(
    live_client: httpx.AsyncClient,
    live_app: FastAPI,
    engine: AsyncEngine,
    racers: int,
    already: int,
) -> None:
    headers = await _committed_primary(engine, live_app)
    for _ in range(already):
        assert (await live_client.post(INVITATIONS, json=_body(), headers=headers)).is_success
    answers = await asyncio.gather(
        *(live_client.post(INVITATIONS, json=_body(), headers=headers) for _ in range(racers))
    )
    room = 5 - already
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] * room + [409] * (racers - room), [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {
        "invitation.limit_reached"
    }
    async with create_sessionmaker(engine)() as session:
        assert await session.scalar(select(func.count()).select_from(Invitation)) == 5
        mails = select(func.count()).where(OutboxMessage.template == "invitation")
        assert await session.scalar(mails) == 5
