"""Dispute queries: what a caller sees (one place), list filters, the lock, the count that
decides whether a contract stays disputed, comments and the parties' addresses."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.principal import Principal
from tradehub.contract.models import Contract
from tradehub.dispute.domain import ACTIVE, Category, DisputeStatus, Visibility
from tradehub.dispute.models import Dispute, DisputeComment
from tradehub.kit.visibility import visible_to
from tradehub.partner.models import Partner


def visible_disputes(principal: Principal) -> Select[Any]:
    """Staff see every dispute; a partner's users those of contracts where their partner is
    seller or buyer — exactly the contracts they see: a user limited to branches sees disputes
    of contracts where one of its branches is the party's (the contract's branches may be
    amended, so they are read from the contract, not copied)."""
    statement: Select[Any] = select(Dispute)
    if principal.partner_id is None:
        return statement
    if principal.branch_ids:
        statement = statement.join(Contract, Contract.id == Dispute.contract_id)
    return visible_to(
        statement,
        principal,
        party_columns=[Dispute.seller_id, Dispute.buyer_id],
        branch_columns=[Contract.seller_branch_id, Contract.buyer_branch_id],
    )


def dispute_filters(
    statement: Select[Any],
    *,
    status: DisputeStatus | None = None,
    contract_id: uuid.UUID | None = None,
    category: Category | None = None,
    partner_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
) -> Select[Any]:
    if status is not None:
        statement = statement.where(Dispute.status == status)
    if contract_id is not None:
        statement = statement.where(Dispute.contract_id == contract_id)
    if category is not None:
        statement = statement.where(Dispute.category == category)
    if partner_id is not None:
        statement = statement.where(
            or_(Dispute.seller_id == partner_id, Dispute.buyer_id == partner_id)
        )
    if organization_id is not None:
        statement = statement.where(Dispute.organization_id == organization_id)
    return statement


async def lock(session: AsyncSession, dispute_id: uuid.UUID) -> Dispute | None:
    """The dispute's row, held until the transaction ends, reloaded."""
    result: Dispute | None = await session.scalar(
        select(Dispute)
        .where(Dispute.id == dispute_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result


async def active_count(session: AsyncSession, contract_id: uuid.UUID) -> int:
    """How many of the contract's disputes keep it disputed (read under the contract's lock)."""
    count = await session.scalar(
        select(func.count())
        .select_from(Dispute)
        .where(Dispute.contract_id == contract_id, Dispute.status.in_([str(s) for s in ACTIVE]))
    )
    return int(count or 0)


def comments_statement(
    dispute_id: uuid.UUID, *, visibilities: Collection[Visibility]
) -> Select[Any]:
    statement: Select[Any] = select(DisputeComment).where(DisputeComment.dispute_id == dispute_id)
    if set(visibilities) != set(Visibility):
        statement = statement.where(DisputeComment.visibility.in_([str(v) for v in visibilities]))
    return statement


async def comment_of(
    session: AsyncSession, dispute_id: uuid.UUID, comment_id: uuid.UUID
) -> DisputeComment | None:
    result: DisputeComment | None = await session.scalar(
        select(DisputeComment).where(
            DisputeComment.id == comment_id, DisputeComment.dispute_id == dispute_id
        )
    )
    return result


async def partner_addresses(
    session: AsyncSession, partner_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str]]:
    """``{partner id: (e-mail, legal name)}`` in one query."""
    rows = await session.execute(
        select(Partner.id, Partner.email, Partner.legal_name).where(Partner.id.in_(partner_ids))
    )
    return {row.id: (row.email, row.legal_name) for row in rows}
