"""Pure rules of the live-events socket: channel names, who may see which, limits, close codes.

No I/O here: the socket loop (``connection.py``) asks these functions and acts on the answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum
from typing import Final, Protocol

USER: Final = "user"
ORGANIZATION: Final = "organization"

# Close codes. 4xxx are private-use codes (RFC 6455 §7.4.2); 4401/4403 mirror HTTP 401/403 so a
# client can tell "sign in again" from "stop trying".
CLOSE_NOT_AUTHENTICATED: Final = 4401
CLOSE_FORBIDDEN: Final = 4403
CLOSE_TOO_LARGE: Final = 1009  # RFC 6455 "message too big"
CLOSE_INTERNAL: Final = 1011
CLOSE_TRY_AGAIN_LATER: Final = 1013  # the client read too slowly and fell behind
CLOSE_GOING_AWAY: Final = 1001  # the server is shutting down

# Error codes of ``{"type": "error", "code": ...}`` messages (the socket stays open).
MALFORMED_JSON: Final = "live.malformed_json"
BAD_MESSAGE: Final = "live.bad_message"
MESSAGE_TOO_LARGE: Final = "live.message_too_large"
CHANNEL_FORBIDDEN: Final = "live.channel_forbidden"
TOO_MANY_SUBSCRIPTIONS: Final = "live.too_many_subscriptions"
ALREADY_AUTHENTICATED: Final = "live.already_authenticated"
# Codes carried by ``auth_failed`` before the socket closes.
NOT_AUTHENTICATED: Final = "auth.not_authenticated"
PASSWORD_CHANGE_REQUIRED: Final = "auth.password_change_required"  # noqa: S105 - a code
AUTH_TIMEOUT: Final = "live.auth_timeout"

# The event sent to every socket of a process when it may have missed events (the Redis
# subscriber connection was lost and is back): the client refetches what it shows.
RESYNC_EVENT: Final = "live.resync"
ORGANIZATION_PERMISSION: Final = "organization:read"


@dataclass(frozen=True)
class LiveLimits:
    """What one socket may do. Kept on ``app.state.live_limits``; tests shorten the times."""

    auth_timeout_seconds: float = 5.0
    max_message_bytes: int = 4096
    max_subscriptions: int = 32
    queue_size: int = 256  # unsent messages per socket before it is closed as too slow
    recheck_seconds: float = 60.0  # how often a revoked session or deactivated user is noticed
    send_timeout_seconds: float = 10.0


@dataclass(frozen=True)
class Channel:
    kind: str
    id: uuid.UUID

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.id}"


def user_channel(user_id: uuid.UUID) -> str:
    return Channel(USER, user_id).name


def organization_channel(organization_id: uuid.UUID) -> str:
    return Channel(ORGANIZATION, organization_id).name


def parse_channel(name: str) -> Channel | None:
    """``user:<uuid>`` or ``organization:<uuid>`` in canonical form, else None."""
    kind, separator, raw_id = name.partition(":")
    if not separator or kind not in (USER, ORGANIZATION):
        return None
    try:
        channel_id = uuid.UUID(raw_id)
    except ValueError:
        return None
    channel = Channel(kind, channel_id)
    return channel if channel.name == name else None  # one spelling per channel


def bearer_token(value: str) -> str:
    """The token of ``Bearer <token>`` (any case), or the value itself when sent bare."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() == "bearer" and rest.strip():
        return rest.strip()
    return value.strip()


class Viewer(Protocol):
    @property
    def user_id(self) -> uuid.UUID: ...

    @property
    def partner_id(self) -> uuid.UUID | None: ...

    @property
    def permissions(self) -> Collection[str]: ...


class Access(Enum):
    ALLOWED = "allowed"
    DENIED = "denied"
    ORGANIZATION_MEMBERSHIP = "organization_membership"  # staff: allowed if of that organization


def channel_access(channel: Channel, viewer: Viewer) -> Access:
    """A user channel is its owner's alone; an organization channel is for its staff only.

    Portal (partner) users never see an organization channel: it carries the broker's view
    across every partner.
    """
    if channel.kind == USER:
        return Access.ALLOWED if channel.id == viewer.user_id else Access.DENIED
    if viewer.partner_id is not None or ORGANIZATION_PERMISSION not in viewer.permissions:
        return Access.DENIED
    return Access.ORGANIZATION_MEMBERSHIP
