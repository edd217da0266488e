"""Building the audit actor from a request: who (the principal), from where, which request."""

from __future__ import annotations

import uuid
from typing import Protocol

from fastapi import Request

from tradehub.audit.domain import ANONYMOUS_LABEL, AuditActor


class PrincipalLike(Protocol):
    """Whatever the identity layer authenticates: anything with a user id and an email."""

    @property
    def user_id(self) -> uuid.UUID: ...

    @property
    def email(self) -> str: ...


def actor_from_request(request: Request, principal: PrincipalLike | None = None) -> AuditActor:
    """The caller's address (the direct peer) and request id, and the principal if known."""
    return AuditActor(
        user_id=principal.user_id if principal is not None else None,
        label=principal.email if principal is not None else ANONYMOUS_LABEL,
        ip=request.client.host if request.client else None,
        request_id=getattr(request.state, "request_id", None),
    )
