"""Financial year use cases, and the checks other modules call for their dated documents.

    year = await require_open_year(session, organization_id, contract_date)

At most one year per organization is active: activation locks the organization row, so racing
activations queue, and a partial unique index backs the rule. The active year is only the
default for new documents; a document may fall in any existing, open year.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.financial_year.domain import bounds
from tradehub.financial_year.models import FinancialYear
from tradehub.financial_year.schemas import FinancialYearCreate
from tradehub.kit.errors import Conflict, NotFound, Unprocessable
from tradehub.kit.identifiers import invalid_field
from tradehub.kit.types import utcnow
from tradehub.organization.service import get_organization, lock_organization


class FinancialYearNotFound(NotFound):
    code = "financial_year.not_found"


class FinancialYearClosedError(Conflict):
    code, title = "financial_year.closed", "Financial year closed"


# --- carry-forward registry ------------------------------------------------------------------

CarryForwardCounter = Callable[[AsyncSession, FinancialYear], Awaitable[int]]
_CARRY_FORWARD: dict[str, CarryForwardCounter] = {}


def register_carry_forward(kind: str, counter: CarryForwardCounter) -> None:
    """Modules with dated documents (invoices, commissions, disputes) register how many of
    theirs are still open in a year; closing the year reports them."""
    _CARRY_FORWARD[kind] = counter


async def carry_forward_report(session: AsyncSession, year: FinancialYear) -> dict[str, int]:
    return {kind: await count(session, year) for kind, count in sorted(_CARRY_FORWARD.items())}


# --- use cases -------------------------------------------------------------------------------


async def create_year(
    session: AsyncSession, actor: AuditActor, body: FinancialYearCreate
) -> FinancialYear:
    try:
        start, end = bounds(body.code)
    except ValueError as error:
        raise invalid_field("code", str(error), code="financial_year.invalid_code") from None
    organization = await get_organization(session, body.organization_id)
    existing = await session.scalar(
        select(FinancialYear.id).where(
            FinancialYear.organization_id == organization.id, FinancialYear.code == body.code
        )
    )
    if existing is not None:
        raise Conflict(
            "This organization already has that financial year", code="financial_year.duplicate"
        )
    year = FinancialYear(
        organization_id=organization.id,
        code=body.code,
        start_date=start,
        end_date=end,
        is_active=False,
        is_closed=False,
    )
    session.add(year)
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="financial_year",
        entity_id=year.id,
        changes=diff({}, snapshot(year)),
    )
    return year


async def get_year(session: AsyncSession, year_id: uuid.UUID) -> FinancialYear:
    year = await session.get(FinancialYear, year_id)
    if year is None:
        raise FinancialYearNotFound("No such financial year")
    return year


def year_list_statement(
    *, organization_id: uuid.UUID | None, is_active: bool | None, is_closed: bool | None
) -> Select[Any]:
    statement: Select[Any] = select(FinancialYear)
    if organization_id is not None:
        statement = statement.where(FinancialYear.organization_id == organization_id)
    if is_active is not None:
        statement = statement.where(FinancialYear.is_active.is_(is_active))
    if is_closed is not None:
        statement = statement.where(FinancialYear.is_closed.is_(is_closed))
    return statement


async def lock_year(session: AsyncSession, year_id: uuid.UUID) -> FinancialYear:
    """The year, read again after locking its organization: what racing changes left."""
    year = await get_year(session, year_id)
    await lock_organization(session, year.organization_id)
    await session.refresh(year)
    return year


async def activate(session: AsyncSession, actor: AuditActor, year: FinancialYear) -> FinancialYear:
    """Make ``year`` its organization's active year; call with the organization locked
    (``lock_year``)."""
    if year.is_closed:
        raise FinancialYearClosedError("A closed financial year cannot be activated")
    if year.is_active:
        return year
    others = await session.scalars(
        select(FinancialYear).where(
            FinancialYear.organization_id == year.organization_id,
            FinancialYear.is_active.is_(True),
            FinancialYear.id != year.id,
        )
    )
    for other in others.all():
        other.is_active = False
        await session.flush()
        await audit(
            session,
            actor=actor,
            action="deactivate",
            entity_type="financial_year",
            entity_id=other.id,
            changes={"is_active": {"old": True, "new": False}},
        )
    year.is_active = True
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="activate",
        entity_type="financial_year",
        entity_id=year.id,
        changes={"is_active": {"old": False, "new": True}},
    )
    return year


async def close(
    session: AsyncSession, actor: AuditActor, year: FinancialYear
) -> tuple[FinancialYear, dict[str, int]]:
    """Close the year (no more documents dated in it); the active year closed leaves none."""
    if year.is_closed:
        raise FinancialYearClosedError("The financial year is already closed")
    report = await carry_forward_report(session, year)
    before = snapshot(year)
    year.is_closed = True
    year.is_active = False
    year.closed_at = utcnow()
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="close",
        entity_type="financial_year",
        entity_id=year.id,
        changes=diff(before, snapshot(year)),
        reason=f"carry forward: {report}" if report else None,
    )
    return year, report


# --- for other modules -----------------------------------------------------------------------


async def year_for(
    session: AsyncSession, organization_id: uuid.UUID, on: date
) -> FinancialYear | None:
    """The organization's financial year holding ``on`` (open or closed), if it exists."""
    return await session.scalar(
        select(FinancialYear).where(
            FinancialYear.organization_id == organization_id,
            FinancialYear.start_date <= on,
            FinancialYear.end_date >= on,
        )
    )


async def require_open_year(
    session: AsyncSession, organization_id: uuid.UUID, on: date
) -> FinancialYear:
    """The open financial year holding ``on``, or 422 ``financial_year.closed_or_missing``."""
    year = await year_for(session, organization_id, on)
    if year is None or year.is_closed:
        state = "is closed" if year is not None else "does not exist"
        raise Unprocessable(
            f"The financial year holding {on.isoformat()} {state} for this organization",
            code="financial_year.closed_or_missing",
            errors=[
                {
                    "loc": ["body", "date"],
                    "msg": f"no open financial year holds {on.isoformat()}",
                    "type": "financial_year.closed_or_missing",
                }
            ],
        )
    return year
