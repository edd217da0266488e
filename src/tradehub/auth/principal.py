"""Who is calling: the authenticated user with everything authorization needs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    email: str
    name: str
    session_id: uuid.UUID
    roles: frozenset[str]
    permissions: frozenset[str]
    partner_id: uuid.UUID | None
    branch_ids: frozenset[uuid.UUID]
    must_change_password: bool

    @property
    def is_partner_user(self) -> bool:
        return self.partner_id is not None

    def can(self, permission: str) -> bool:
        return permission in self.permissions
