"""What the contract module counts as still open, for the partner field locks
(``partner.locks``, domain.md §3.8) and the year-end carry-forward report
(``financial_year.service``, domain.md §3.7). ``register()`` is called when the contract
router is imported, so the app always has these counters (calling it again is a no-op).

A contract is **open** while the deal is in flight or not yet fulfilled:
- ``pending_approval``: awaiting its checker; approval confirms it with these parties;
- ``disputed``: a dispute is open on it;
- ``confirmed`` with bales not yet on a live (not cancelled) goods invoice.
Not open: ``draft`` and ``rejected`` (not agreed: they are re-checked against the parties'
current details when submitted), ``cancelled``, and a ``confirmed`` contract whose every bale
is invoiced — what remains of it is money, which the invoice counter keeps open until paid.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.contract.domain import ContractStatus
from tradehub.contract.models import Contract
from tradehub.financial_year.models import FinancialYear
from tradehub.financial_year.service import register_carry_forward
from tradehub.invoice.domain import InvoiceStatus
from tradehub.invoice.models import Invoice
from tradehub.partner.locks import register_open_dealings

OPEN_DEALINGS = "contracts"
CARRY_UNINVOICED = "contracts_with_uninvoiced_bales"
CARRY_PENDING = "contracts_pending_approval"


def _invoiced_bales() -> Any:
    """The contract's bales on live invoices, per contract row of the outer query."""
    return (
        select(func.coalesce(func.sum(Invoice.bales), 0))
        .where(Invoice.contract_id == Contract.id, Invoice.status != InvoiceStatus.CANCELLED)
        .correlate(Contract)
        .scalar_subquery()
    )


def with_bales_to_invoice() -> ColumnElement[bool]:
    """Confirmed or disputed, with bales not yet on a live invoice."""
    return and_(
        Contract.status.in_([ContractStatus.CONFIRMED, ContractStatus.DISPUTED]),
        _invoiced_bales() < Contract.bales,
    )


def is_open() -> ColumnElement[bool]:
    return or_(
        Contract.status.in_([ContractStatus.PENDING_APPROVAL, ContractStatus.DISPUTED]),
        with_bales_to_invoice(),
    )


async def count_open_contracts(session: AsyncSession, partner_id: uuid.UUID) -> int:
    """Open contracts where the partner is seller or buyer."""
    count = await session.scalar(
        select(func.count())
        .select_from(Contract)
        .where(or_(Contract.seller_id == partner_id, Contract.buyer_id == partner_id), is_open())
    )
    return int(count or 0)


def _of_year(year: FinancialYear) -> ColumnElement[bool]:
    return and_(
        Contract.organization_id == year.organization_id, Contract.financial_year == year.code
    )


async def count_uninvoiced(session: AsyncSession, year: FinancialYear) -> int:
    """Contracts of the year (by ``contract_date``) still to be invoiced in a later one."""
    count = await session.scalar(
        select(func.count()).select_from(Contract).where(_of_year(year), with_bales_to_invoice())
    )
    return int(count or 0)


async def count_pending_approval(session: AsyncSession, year: FinancialYear) -> int:
    """Contracts of the year still awaiting approval: once the year is closed they can only be
    cancelled (approval needs the contract's year open)."""
    count = await session.scalar(
        select(func.count())
        .select_from(Contract)
        .where(_of_year(year), Contract.status == ContractStatus.PENDING_APPROVAL)
    )
    return int(count or 0)


def register() -> None:
    register_open_dealings(OPEN_DEALINGS, count_open_contracts)
    register_carry_forward(CARRY_UNINVOICED, count_uninvoiced)
    register_carry_forward(CARRY_PENDING, count_pending_approval)
