"""The live socket through a real server and a real WebSocket client (in-process hub)."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta

import pytest
from pydantic import SecretStr

from tests.conftest import http_client
from tests.live.conftest import (
    TEST_LIMITS,
    Member,
    World,
    app_with,
    close_code,
    dial,
    limits,
    receive,
    serving,
    signed_in,
)
from tradehub.auth.service import ACCESS_TOKEN_TYPE
from tradehub.config import Settings
from tradehub.kit.security import encode_jwt
from tradehub.kit.types import utcnow

pytestmark = pytest.mark.live


def forged(settings: Settings, member: Member, *, lifetime: timedelta, ago: timedelta) -> str:
    """An access token for ``member``'s real session, with the lifetime we want."""
    claims = {
        "sub": str(member.user_id),
        "sid": str(member.session_id),
        "typ": ACCESS_TOKEN_TYPE,
        "jti": uuid.uuid4().hex,
    }
    return encode_jwt(settings, claims, issued_at=utcnow() - ago, lifetime=lifetime)


async def refused(url: str, first: str | bytes) -> tuple[dict[str, object], int | None]:
    async with dial(url) as client:
        await client.send(first)
        answer = await receive(client)
        return answer, await close_code(client)


async def test_auth_success_subscribes_the_user_channel_and_events_arrive(
    live_world: World,
) -> None:
    member = await live_world.member()
    url = live_world.url
    client = await dial(url)
    await client.send(member.auth)
    answer = await receive(client)
    assert answer["type"] == "auth_success"
    assert answer["user_id"] == str(member.user_id)
    assert answer["channels"] == [f"user:{member.user_id}"]
    assert answer["expires_at"].endswith("Z")

    await live_world.app.state.live_hub.publish(
        f"user:{member.user_id}", "offer.submitted", {"offer_id": "o-1", "price": "55500.00"}
    )
    assert await receive(client) == {
        "event": "offer.submitted",
        "channel": f"user:{member.user_id}",
        "data": {"offer_id": "o-1", "price": "55500.00"},
    }
    await client.close()


async def test_a_bare_token_is_accepted_too(live_world: World) -> None:
    member = await live_world.member()
    async with dial(live_world.url) as client:
        await client.send(json.dumps({"type": "auth", "token": member.token}))
        assert (await receive(client))["type"] == "auth_success"


@pytest.mark.parametrize(
    "token",
    ["not-a-jwt", "Bearer ", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."],
    ids=["garbage", "empty-bearer", "alg-none"],
)
async def test_an_invalid_token_is_refused_with_4401(live_world: World, token: str) -> None:
    url = live_world.url
    answer, code = await refused(url, json.dumps({"type": "auth", "token": token}))
    assert answer == {"type": "auth_failed", "code": "auth.not_authenticated"}
    assert code == 4401


async def test_expired_tampered_and_refresh_tokens_are_refused(
    live_world: World, test_settings: Settings
) -> None:
    member = await live_world.member()
    expired = forged(test_settings, member, lifetime=timedelta(minutes=30), ago=timedelta(hours=1))
    other_key = test_settings.model_copy(update={"secret_key": SecretStr("k" * 48)})
    tampered = forged(other_key, member, lifetime=timedelta(minutes=30), ago=timedelta(0))
    head, body, _signature = member.token.split(".")
    resigned = f"{head}.{body}.{tampered.split('.')[2]}"
    url = live_world.url
    for token in (expired, tampered, resigned, f"{member.session_id}.refresh-secret"):
        answer, code = await refused(url, json.dumps({"type": "auth", "token": token}))
        assert (answer["type"], code) == ("auth_failed", 4401), token
    # The genuine token still works: the refusals were about the tokens.
    client = await signed_in(url, member)
    await client.close()


async def test_a_revoked_session_is_refused(live_world: World) -> None:
    member = await live_world.member()
    async with http_client(live_world.app) as http:
        out = await http.post(
            "/api/v1/auth/logout", headers={"Authorization": f"Bearer {member.token}"}
        )
        assert out.status_code == 204
    url = live_world.url
    answer, code = await refused(url, member.auth)
    assert (answer, code) == ({"type": "auth_failed", "code": "auth.not_authenticated"}, 4401)


async def test_a_temporary_password_is_refused_with_4403(live_world: World) -> None:
    member = await live_world.member(must_change_password=True)
    url = live_world.url
    answer, code = await refused(url, member.auth)
    assert answer == {"type": "auth_failed", "code": "auth.password_change_required"}
    assert code == 4403


@pytest.mark.parametrize(
    "first",
    [
        json.dumps({"type": "ping"}),
        json.dumps({"type": "subscribe", "channel": "user:x"}),
        "{not json",
        b"\x00binary",
    ],
    ids=["ping", "subscribe", "malformed", "binary"],
)
async def test_any_other_first_message_is_refused(live_world: World, first: str | bytes) -> None:
    url = live_world.url
    answer, code = await refused(url, first)
    assert (answer["type"], code) == ("auth_failed", 4401)


async def test_no_auth_in_time_is_refused(live_world: World) -> None:
    assert TEST_LIMITS.auth_timeout_seconds == 2.0
    async with dial(live_world.url) as client:
        started = asyncio.get_running_loop().time()
        answer = await receive(client)
        assert answer == {"type": "auth_failed", "code": "live.auth_timeout"}
        assert await close_code(client) == 4401
        assert asyncio.get_running_loop().time() - started >= 1.9


async def test_the_socket_closes_with_4401_when_the_token_expires(
    live_world: World, test_settings: Settings
) -> None:
    member = await live_world.member()
    token = forged(test_settings, member, lifetime=timedelta(seconds=6), ago=timedelta(0))
    async with dial(live_world.url) as client:
        await client.send(json.dumps({"type": "auth", "token": f"Bearer {token}"}))
        assert (await receive(client))["type"] == "auth_success"
        await client.send(json.dumps({"type": "ping"}))
        assert await receive(client) == {"type": "pong"}  # open while the token is valid
        assert await close_code(client) == 4401


async def test_logout_closes_an_open_socket_at_the_next_recheck(live_world: World) -> None:
    live_world.app.state.live_limits = limits(recheck_seconds=0.2)
    member = await live_world.member()
    url = live_world.url
    client = await signed_in(url, member)
    async with http_client(live_world.app) as http:
        out = await http.post(
            "/api/v1/auth/logout", headers={"Authorization": f"Bearer {member.token}"}
        )
        assert out.status_code == 204
    assert await close_code(client) == 4401


async def test_subscribe_own_channel_ping_and_unsubscribe(live_world: World) -> None:
    member = await live_world.member()
    own = f"user:{member.user_id}"
    url = live_world.url
    client = await signed_in(url, member)
    await client.send(json.dumps({"type": "subscribe", "channel": own}))
    assert await receive(client) == {"type": "subscribed", "channel": own}
    await client.send(json.dumps({"type": "ping", "sent_at": 1}))  # extra fields ignored
    assert await receive(client) == {"type": "pong"}

    await client.send(json.dumps({"type": "unsubscribe", "channel": own}))
    assert await receive(client) == {"type": "unsubscribed", "channel": own}
    await live_world.app.state.live_hub.publish(own, "offer.rejected", {"offer_id": "o"})
    await client.send(json.dumps({"type": "ping"}))
    assert await receive(client) == {"type": "pong"}  # the event did not come
    await client.close()


async def test_another_users_channel_is_forbidden_and_the_socket_stays_open(
    live_world: World,
) -> None:
    member, other = await live_world.member(), await live_world.member()
    url = live_world.url
    client = await signed_in(url, member)
    await client.send(json.dumps({"type": "subscribe", "channel": f"user:{other.user_id}"}))
    answer = await receive(client)
    assert (answer["type"], answer["code"]) == ("error", "live.channel_forbidden")
    assert answer["channel"] == f"user:{other.user_id}"
    await live_world.app.state.live_hub.publish(f"user:{other.user_id}", "x", {})
    await client.send(json.dumps({"type": "ping"}))
    assert await receive(client) == {"type": "pong"}
    await client.close()


async def test_organization_channel_is_for_that_organizations_staff(live_world: World) -> None:
    organization, (branch,) = await live_world.organization(branches=1)
    elsewhere, (other_branch,) = await live_world.organization(branches=1)
    channel = f"organization:{organization}"
    of_branch = await live_world.member(roles=["sales"], branch_ids=[branch])
    unrestricted = await live_world.member(roles=["manager"])
    other_branch_staff = await live_world.member(roles=["sales"], branch_ids=[other_branch])
    portal = await live_world.member(roles=["partner"], partner_id=uuid.uuid4())

    async def subscribe(member: Member, name: str = channel) -> dict[str, object]:
        client = await signed_in(url, member)
        clients.append(client)
        await client.send(json.dumps({"type": "subscribe", "channel": name}))
        return await receive(client)

    clients = []
    url = live_world.url
    assert await subscribe(of_branch) == {"type": "subscribed", "channel": channel}
    assert await subscribe(unrestricted) == {"type": "subscribed", "channel": channel}
    for outsider in (other_branch_staff, portal):
        assert (await subscribe(outsider))["code"] == "live.channel_forbidden"
    missing = f"organization:{uuid.uuid4()}"
    assert (await subscribe(unrestricted, missing))["code"] == "live.channel_forbidden"
    assert elsewhere != organization

    await live_world.app.state.live_hub.publish(channel, "requirement.posted", {"n": 1})
    for client in clients[:2]:
        message = await receive(client)
        assert (message["event"], message["channel"]) == ("requirement.posted", channel)
    for client in clients:
        await client.close()


@pytest.mark.parametrize(
    ("sent", "code"),
    [
        ("{not json", "live.malformed_json"),
        ("[1, 2]", "live.bad_message"),
        (json.dumps({"type": "dance"}), "live.bad_message"),
        (json.dumps({"type": "subscribe"}), "live.bad_message"),
        (json.dumps({"type": "subscribe", "channel": "trade/1"}), "live.bad_message"),
        (json.dumps({"type": "auth", "token": "again"}), "live.already_authenticated"),
    ],
    ids=["malformed", "array", "unknown-type", "no-channel", "bad-channel", "second-auth"],
)
async def test_bad_messages_get_an_error_and_the_socket_stays_open(
    live_world: World, sent: str, code: str
) -> None:
    member = await live_world.member()
    url = live_world.url
    client = await signed_in(url, member)
    await client.send(sent)
    answer = await receive(client)
    assert (answer["type"], answer["code"]) == ("error", code)
    await client.send(b"binary frame")
    assert (await receive(client))["code"] == "live.bad_message"
    await client.send(json.dumps({"type": "ping"}))
    assert await receive(client) == {"type": "pong"}
    await client.close()


async def test_an_oversized_message_closes_with_1009(live_world: World) -> None:
    member = await live_world.member()
    url = live_world.url
    client = await signed_in(url, member)
    padding = "x" * TEST_LIMITS.max_message_bytes
    await client.send(json.dumps({"type": "ping", "padding": padding}))
    answer = await receive(client)
    assert (answer["type"], answer["code"]) == ("error", "live.message_too_large")
    assert await close_code(client) == 1009


async def test_subscriptions_per_socket_are_capped(live_world: World) -> None:
    live_world.app.state.live_limits = limits(max_subscriptions=2)
    organizations = [(await live_world.organization())[0] for _ in range(2)]
    member = await live_world.member(roles=["manager"])
    url = live_world.url
    client = await signed_in(url, member)  # its own channel is the first
    first, second = (f"organization:{key}" for key in organizations)
    await client.send(json.dumps({"type": "subscribe", "channel": first}))
    assert (await receive(client))["type"] == "subscribed"
    await client.send(json.dumps({"type": "subscribe", "channel": second}))
    answer = await receive(client)
    assert (answer["code"], answer["channel"]) == ("live.too_many_subscriptions", second)
    await client.send(json.dumps({"type": "unsubscribe", "channel": first}))
    assert (await receive(client))["type"] == "unsubscribed"
    await client.send(json.dumps({"type": "subscribe", "channel": second}))
    assert (await receive(client))["type"] == "subscribed"
    await client.close()


async def test_a_client_that_falls_behind_is_closed_with_1013_and_publishing_goes_on(
    live_world: World,
) -> None:
    live_world.app.state.live_limits = limits(queue_size=4)
    slow, other = await live_world.member(), await live_world.member()
    url = live_world.url
    slow_client, other_client = await signed_in(url, slow), await signed_in(url, other)
    hub = live_world.app.state.live_hub
    # The in-process publish never yields, so the writer cannot drain between these.
    for index in range(20):
        await hub.publish(f"user:{slow.user_id}", "offer.countered", {"n": index})
    await hub.publish(f"user:{other.user_id}", "offer.countered", {"n": 0})
    assert await close_code(slow_client) == 1013
    assert (await receive(other_client))["data"] == {"n": 0}
    await other_client.close()


async def test_server_shutdown_closes_open_sockets(
    live_world: World, test_settings: Settings
) -> None:
    member = await live_world.member()
    app = app_with(test_settings, live_world.engine)  # a server of its own, to stop
    async with serving(app) as url:
        client = await signed_in(url, member)
    assert await close_code(client) in (1001, 1012)  # ours (hub closed) or uvicorn's restart
