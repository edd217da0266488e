"""What the invoice module counts as still open, for the partner field locks
(``partner.locks``, domain.md §3.8) and the year-end carry-forward report
(``financial_year.service``, domain.md §3.7). ``register()`` is called when the invoice
router is imported, so the app always has these counters (calling it again is a no-op).

A goods invoice is **open** while the buyer still owes on it: ``unpaid`` or
``partially_paid``. ``paid``, ``credited`` (wholly credited) and ``cancelled`` are closed.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.financial_year.models import FinancialYear
from tradehub.financial_year.service import register_carry_forward
from tradehub.invoice.domain import OPEN_STATUSES
from tradehub.invoice.models import Invoice
from tradehub.partner.locks import register_open_dealings

OPEN_DEALINGS = "invoices"
CARRY_UNPAID = "invoices_unpaid"


async def count_open_invoices(session: AsyncSession, partner_id: uuid.UUID) -> int:
    """Open goods invoices where the partner is seller or buyer."""
    count = await session.scalar(
        select(func.count())
        .select_from(Invoice)
        .where(
            or_(Invoice.seller_id == partner_id, Invoice.buyer_id == partner_id),
            Invoice.status.in_(sorted(OPEN_STATUSES)),
        )
    )
    return int(count or 0)


async def count_unpaid(session: AsyncSession, year: FinancialYear) -> int:
    """Invoices of the year (by ``invoice_date``) with something still owed: they are paid or
    credited in a later year."""
    count = await session.scalar(
        select(func.count())
        .select_from(Invoice)
        .where(
            Invoice.organization_id == year.organization_id,
            Invoice.financial_year == year.code,
            Invoice.status.in_(sorted(OPEN_STATUSES)),
        )
    )
    return int(count or 0)


def register() -> None:
    register_open_dealings(OPEN_DEALINGS, count_open_invoices)
    register_carry_forward(CARRY_UNPAID, count_unpaid)
