"""Partner queries: list filters, and the portal users of a partner."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.models import User
from tradehub.partner.domain import KycBucket, PartnerKind, PartnerStatus, kyc_bucket_bounds
from tradehub.partner.models import Partner, PartnerBranch


def partner_filters(
    statement: Select[Any],
    *,
    status: PartnerStatus | None,
    kind: PartnerKind | None,
    kyc_bucket: KycBucket | None,
    state_code: str | None,
    q: str | None,
    today: date,
) -> Select[Any]:
    if status is not None:
        statement = statement.where(Partner.status == status)
    if kind is not None:
        statement = statement.where(Partner.kind == kind)
    if kyc_bucket is KycBucket.NOT_DONE:
        statement = statement.where(Partner.kyc_due_date.is_(None))
    elif kyc_bucket is not None:
        low, high = kyc_bucket_bounds(kyc_bucket, today)
        if low is not None:
            statement = statement.where(Partner.kyc_due_date >= low)
        if high is not None:
            statement = statement.where(Partner.kyc_due_date <= high)
    if state_code is not None:
        statement = statement.where(
            exists().where(
                PartnerBranch.partner_id == Partner.id, PartnerBranch.state_code == state_code
            )
        )
    if q:
        text = q.strip()
        pattern = f"%{text.lower()}%"
        statement = statement.where(
            or_(
                Partner.legal_name.ilike(pattern),
                Partner.trade_name.ilike(pattern),
                Partner.code.ilike(pattern),
                Partner.pan == text.upper(),
                Partner.gstin == text.upper(),
            )
        )
    return statement


async def portal_users_of(session: AsyncSession, partner_id: uuid.UUID) -> list[User]:
    rows = await session.scalars(
        select(User).where(User.partner_id == partner_id).order_by(User.created_at, User.id)
    )
    return list(rows)
