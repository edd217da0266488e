"""The protocol's pure rules: channel names, tokens, who may see what, message shapes."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradehub.live.domain import (
    Access,
    Channel,
    bearer_token,
    channel_access,
    organization_channel,
    parse_channel,
    user_channel,
)
from tradehub.live.schemas import (
    AuthMessage,
    PingMessage,
    ProtocolError,
    SubscribeMessage,
    UnsubscribeMessage,
    auth_success,
    event_message,
    parse_client_message,
)


@dataclass(frozen=True)
class Viewer:
    user_id: uuid.UUID
    partner_id: uuid.UUID | None = None
    permissions: frozenset[str] = field(default_factory=lambda: frozenset({"organization:read"}))


@given(st.uuids())
def test_channel_names_round_trip(key: uuid.UUID) -> None:
    assert parse_channel(user_channel(key)) == Channel("user", key)
    assert parse_channel(organization_channel(key)) == Channel("organization", key)


@given(st.uuids(), st.sampled_from(["user", "organization"]))
def test_only_the_canonical_spelling_is_a_channel(key: uuid.UUID, kind: str) -> None:
    for spelling in (
        f"{kind}:{str(key).upper()}",
        f"{kind}:{{{key}}}",
        f"{kind}:{key.hex}",
        f"{kind.upper()}:{key}",
        f"{kind}/{key}",
        f" {kind}:{key}",
        f"{kind}:{key}:extra",
    ):
        assert parse_channel(spelling) is None, spelling


@pytest.mark.parametrize("name", ["", "user:", "trade/1", "dashboard:1", "team:" + "0" * 32])
def test_other_names_are_not_channels(name: str) -> None:
    assert parse_channel(name) is None


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=80))
def test_bearer_prefix_is_optional(token: str) -> None:
    assert bearer_token(f"Bearer {token}") == token
    assert bearer_token(f"bearer  {token} ") == token
    assert bearer_token(token) == token


@given(st.uuids(), st.uuids())
def test_a_user_channel_is_its_owners_alone(owner: uuid.UUID, other: uuid.UUID) -> None:
    channel = Channel("user", owner)
    assert channel_access(channel, Viewer(owner)) is Access.ALLOWED
    assert channel_access(channel, Viewer(owner, partner_id=other)) is Access.ALLOWED
    if other != owner:
        assert channel_access(channel, Viewer(other)) is Access.DENIED


@given(st.uuids(), st.uuids())
def test_an_organization_channel_is_for_staff_who_read_organizations(
    viewer_id: uuid.UUID, organization: uuid.UUID
) -> None:
    channel = Channel("organization", organization)
    assert channel_access(channel, Viewer(viewer_id)) is Access.ORGANIZATION_MEMBERSHIP
    portal = Viewer(viewer_id, partner_id=uuid.uuid4())
    assert channel_access(channel, portal) is Access.DENIED
    assert channel_access(channel, Viewer(viewer_id, permissions=frozenset())) is Access.DENIED


def test_client_messages_parse_into_their_types() -> None:
    assert parse_client_message('{"type":"auth","token":"t"}') == AuthMessage(
        type="auth", token="t"
    )
    assert isinstance(parse_client_message('{"type":"ping","extra":1}'), PingMessage)
    subscribe = parse_client_message('{"type":"subscribe","channel":"user:x"}')
    assert subscribe == SubscribeMessage(type="subscribe", channel="user:x")
    unsubscribe = parse_client_message('{"type":"unsubscribe","channel":"user:x"}')
    assert isinstance(unsubscribe, UnsubscribeMessage)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "live.malformed_json"),
        ("{", "live.malformed_json"),
        ("null", "live.bad_message"),
        ('"ping"', "live.bad_message"),
        ('{"type":"ping "}', "live.bad_message"),
        ('{"type":"auth"}', "live.bad_message"),
        ('{"type":"auth","token":""}', "live.bad_message"),
        ('{"type":"subscribe","channel":5}', "live.bad_message"),
        ('{"type":"subscribe","channel":"' + "u" * 101 + '"}', "live.bad_message"),
    ],
)
def test_bad_client_messages_raise_protocol_errors(text: str, code: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_client_message(text)
    assert caught.value.code == code


@given(st.text(max_size=200))
def test_any_text_parses_or_raises_a_protocol_error(text: str) -> None:
    code = None
    try:
        parse_client_message(text)
    except ProtocolError as exc:
        code = exc.code
    assert code in (None, "live.malformed_json", "live.bad_message")


def test_server_messages_render_ids_money_and_times_as_json_strings() -> None:
    key, when = uuid.uuid4(), datetime(2026, 11, 28, 6, 54, tzinfo=UTC)
    event = json.loads(
        event_message(
            "user:a", "offer.accepted", {"contract_id": key, "price": Decimal("55500.00")}
        )
    )
    assert event == {
        "event": "offer.accepted",
        "channel": "user:a",
        "data": {"contract_id": str(key), "price": "55500.00"},
    }
    success = json.loads(auth_success(key, ["user:b", "user:a"], when))
    assert success == {
        "type": "auth_success",
        "user_id": str(key),
        "channels": ["user:a", "user:b"],
        "expires_at": "2026-11-28T06:54:00Z",
    }
