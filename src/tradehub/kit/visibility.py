"""Row visibility for list and detail queries, applied by repositories in one place.

A viewer bound to a business partner sees only rows where that partner is a party; a viewer
limited to branches sees only rows of those branches. Rows outside are simply not found (404),
so nothing leaks whether they exist. kit knows nothing of users: any object with these
attributes is a viewer.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, false, or_

S = TypeVar("S", bound=Select[Any])


class Viewer(Protocol):
    @property
    def partner_id(self) -> uuid.UUID | None: ...

    @property
    def branch_ids(self) -> Collection[uuid.UUID]: ...


def visible_to(
    statement: S,
    viewer: Viewer,
    *,
    party_columns: Sequence[Any] = (),
    branch_columns: Sequence[Any] = (),
) -> S:
    """Narrow ``statement`` to what the viewer may see.

    ``party_columns`` hold partner ids (seller_id, buyer_id, …); ``branch_columns`` hold branch
    ids (the broker's branch, or the partner's). A partner viewer with no party column to match
    sees nothing: a table that does not say whose it is is not theirs.
    """
    if viewer.partner_id is not None:
        if not party_columns:
            return statement.where(false())
        statement = statement.where(or_(*(column == viewer.partner_id for column in party_columns)))
    if viewer.branch_ids and branch_columns:
        branches = list(viewer.branch_ids)
        statement = statement.where(or_(*(column.in_(branches) for column in branch_columns)))
    return statement
