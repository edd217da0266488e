"""Maker-checker rules, free of I/O."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from enum import StrEnum


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


def makers(*user_ids: uuid.UUID | None) -> list[str]:
    """The distinct users who made a change, in order, as stored in ``maker_ids``."""
    return list(dict.fromkeys(str(user_id) for user_id in user_ids if user_id is not None))


def is_maker(user_id: uuid.UUID, maker_ids: Iterable[str]) -> bool:
    return str(user_id) in set(maker_ids)
