"""``offer_expiry`` (every 5 minutes, api.md §10): what has outlived its validity expires.

Each run, in the job's one transaction and in this order (the order every negotiation step
locks rows in, so the job never deadlocks with them):

1. active requirements (open, offers received, in negotiation) whose ``valid_until`` passed;
2. open offers (pending or countered) whose ``valid_until`` passed or whose requirement has
   expired;
3. active tested lots whose ``valid_until`` passed.

Rows are claimed in batches with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL: a row held by a
negotiation step in flight is left for the next run, and that step itself refuses an offer
past its validity (410), so nothing depends on the job having run. Each change is audited as
the system. A second run finds nothing more to do.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.audit.service import record as audit
from tradehub.jobs.domain import Every
from tradehub.jobs.registry import JobContext, registry
from tradehub.trade_desk.domain import (
    ACTIVE_REQUIREMENT,
    OPEN_OFFER,
    LotStatus,
    OfferStatus,
    RequirementStatus,
)
from tradehub.trade_desk.models import Offer, Requirement, TestedLot

BATCH_SIZE = 500
Expirable = type[Requirement] | type[Offer] | type[TestedLot]


@registry.job(
    "offer_expiry",
    schedule=Every(timedelta(minutes=5)),
    description="Expire trade desk requirements, open offers and tested lots past their "
    "validity (and the open offers of expired requirements)",
)
async def offer_expiry(ctx: JobContext) -> dict[str, Any]:
    return await expire_due(ctx.session, now=ctx.now)


async def expire_due(
    session: AsyncSession, *, now: datetime, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    requirements = await _expire(
        session,
        Requirement,
        RequirementStatus.EXPIRED,
        [
            Requirement.status.in_([str(s) for s in ACTIVE_REQUIREMENT]),
            Requirement.valid_until <= now,
        ],
        entity_type="requirement",
        now=now,
        batch_size=batch_size,
    )
    offers = await _expire(
        session,
        Offer,
        OfferStatus.EXPIRED,
        [
            Offer.status.in_([str(s) for s in OPEN_OFFER]),
            or_(
                Offer.valid_until <= now,
                Offer.requirement_id.in_(
                    select(Requirement.id).where(Requirement.status == RequirementStatus.EXPIRED)
                ),
            ),
        ],
        entity_type="offer",
        now=now,
        batch_size=batch_size,
    )
    lots = await _expire(
        session,
        TestedLot,
        LotStatus.EXPIRED,
        [TestedLot.status == LotStatus.ACTIVE, TestedLot.valid_until <= now],
        entity_type="tested_lot",
        now=now,
        batch_size=batch_size,
    )
    return {
        "requirements_expired": requirements,
        "offers_expired": offers,
        "tested_lots_expired": lots,
    }


async def _expire(
    session: AsyncSession,
    model: Expirable,
    expired: str,
    conditions: list[ColumnElement[bool]],
    *,
    entity_type: str,
    now: datetime,
    batch_size: int,
) -> int:
    """Mark the rows meeting ``conditions`` expired, a batch at a time; their count."""
    count = 0
    while True:
        rows: list[Requirement | Offer | TestedLot] = list(
            await session.scalars(
                select(model)
                .where(*conditions)
                .order_by(model.valid_until, model.id)
                .limit(batch_size)
                .with_for_update(skip_locked=True)
            )
        )
        previous = [row.status for row in rows]
        for row in rows:
            row.status = expired
            if isinstance(row, Requirement):
                row.closed_at = now
            if isinstance(row, Offer):
                row.decided_at = now
        await session.flush()
        for row, old in zip(rows, previous, strict=True):
            await audit(
                session,
                actor=SYSTEM_ACTOR,
                action="expire",
                entity_type=entity_type,
                entity_id=row.id,
                changes={"status": {"old": old, "new": expired}},
            )
        count += len(rows)
        for row in rows:  # written: keep memory bounded across batches
            session.expunge(row)
        if len(rows) < batch_size:
            return count
