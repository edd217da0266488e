"""Payment queries: what a caller sees (one place), list filters, allocations, the row lock."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.principal import Principal
from tradehub.kit.visibility import visible_to
from tradehub.payment.domain import Method, PaymentStatus
from tradehub.payment.models import Payment, PaymentAllocation


def visible_payments(principal: Principal) -> Select[Any]:
    """Staff see every payment; a partner's users only those their partner made or received."""
    statement: Select[Any] = select(Payment)
    if principal.partner_id is None:
        return statement
    return visible_to(statement, principal, party_columns=[Payment.payer_id, Payment.payee_id])


def payment_filters(
    statement: Select[Any],
    *,
    status: PaymentStatus | None = None,
    organization_id: uuid.UUID | None = None,
    payer_id: uuid.UUID | None = None,
    payee_id: uuid.UUID | None = None,
    party_id: uuid.UUID | None = None,
    invoice_id: uuid.UUID | None = None,
    method: Method | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select[Any]:
    if status is not None:
        statement = statement.where(Payment.status == status)
    if organization_id is not None:
        statement = statement.where(Payment.organization_id == organization_id)
    if payer_id is not None:
        statement = statement.where(Payment.payer_id == payer_id)
    if payee_id is not None:
        statement = statement.where(Payment.payee_id == payee_id)
    if party_id is not None:
        statement = statement.where(or_(Payment.payer_id == party_id, Payment.payee_id == party_id))
    if invoice_id is not None:
        statement = statement.where(
            Payment.id.in_(
                select(PaymentAllocation.payment_id).where(
                    PaymentAllocation.invoice_id == invoice_id
                )
            )
        )
    if method is not None:
        statement = statement.where(Payment.method == method)
    if date_from is not None:
        statement = statement.where(Payment.payment_date >= date_from)
    if date_to is not None:
        statement = statement.where(Payment.payment_date <= date_to)
    return statement


async def allocations_by_payment(
    session: AsyncSession, payment_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[PaymentAllocation]]:
    grouped: dict[uuid.UUID, list[PaymentAllocation]] = defaultdict(list)
    if not payment_ids:
        return grouped
    rows = await session.scalars(
        select(PaymentAllocation)
        .where(PaymentAllocation.payment_id.in_(payment_ids))
        .order_by(PaymentAllocation.line)
    )
    for row in rows:
        grouped[row.payment_id].append(row)
    return grouped


async def lock(session: AsyncSession, payment_id: uuid.UUID) -> Payment | None:
    result: Payment | None = await session.scalar(
        select(Payment)
        .where(Payment.id == payment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result
