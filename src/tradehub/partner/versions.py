"""Partner versions: a full snapshot of the approved record (with its branches) each time it
is approved or changed by an approved change request. Exactly one version is open (no
``valid_to``) at a time; the record as of any instant is the version valid then."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.kit.types import utcnow
from tradehub.partner.models import Partner, PartnerBranch, PartnerVersion

# Fields frozen into each version; bookkeeping (timestamps, workflow users) is left out.
VERSIONED_FIELDS = (
    "code",
    "legal_name",
    "trade_name",
    "kind",
    "status",
    "pan",
    "gstin",
    "email",
    "mobile",
    "address",
)
BRANCH_FIELDS = ("name", "gstin", "state_code", "is_head_office", "address")


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


async def partner_snapshot(session: AsyncSession, partner: Partner) -> dict[str, Any]:
    """The versioned fields and branches of ``partner`` as JSON-ready values."""
    branches = await session.scalars(
        select(PartnerBranch)
        .where(PartnerBranch.partner_id == partner.id)
        .order_by(PartnerBranch.is_head_office.desc(), PartnerBranch.name)
    )
    return {
        **{name: _plain(getattr(partner, name)) for name in VERSIONED_FIELDS},
        "branches": [
            {"id": str(b.id), **{name: _plain(getattr(b, name)) for name in BRANCH_FIELDS}}
            for b in branches
        ],
    }


async def write_version(
    session: AsyncSession,
    partner: Partner,
    *,
    changed_by_id: uuid.UUID | None,
    reason: str | None,
    change_request_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> PartnerVersion:
    """Close the open version and open the next one from the partner as it now stands."""
    now = now or utcnow()
    await session.execute(
        update(PartnerVersion)
        .where(PartnerVersion.partner_id == partner.id, PartnerVersion.valid_to.is_(None))
        .values(valid_to=now)
    )
    partner.revision += 1
    version = PartnerVersion(
        partner_id=partner.id,
        revision=partner.revision,
        snapshot=await partner_snapshot(session, partner),
        valid_from=now,
        valid_to=None,
        changed_by_id=changed_by_id,
        reason=reason,
        change_request_id=change_request_id,
    )
    session.add(version)
    await session.flush()
    return version
