"""Giving numbers, cancelling them, and the queries behind /numbering.

``next_number`` must run in the transaction that confirms the document and that transaction
must be a write transaction (every non-GET request, ``session_scope(writes=True)``): the
counter row stays locked until it ends, so racing confirmations take turns, and a rollback
gives the number back. Services never commit; neither does this one.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Select, Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import record as audit
from tradehub.financial_year.domain import fy_code_for
from tradehub.kit.db import insert_or_ignore
from tradehub.kit.types import utcnow
from tradehub.numbering import domain, errors
from tradehub.numbering.models import CancelledNumber, NumberSeries

_series = cast(Table, NumberSeries.__table__)
_KEY = ["organization_id", "financial_year", "series"]


def _checked(financial_year: str, series: str) -> None:
    try:
        domain.short_year(financial_year)
        domain.check_series(series)
    except ValueError as error:
        raise errors.InvalidNumbering(str(error)) from error


async def _increment(
    session: AsyncSession, organization_id: uuid.UUID, financial_year: str, series: str
) -> int | None:
    """``last_number + 1`` in one statement; the row lock it takes (PostgreSQL) or the write
    lock the transaction holds (SQLite) lasts until the transaction ends."""
    statement = (
        update(_series)
        .where(
            _series.c.organization_id == organization_id,
            _series.c.financial_year == financial_year,
            _series.c.series == series,
        )
        .values(last_number=_series.c.last_number + 1, updated_at=utcnow())
        .returning(_series.c.last_number)
    )
    return cast(int | None, (await session.execute(statement)).scalar_one_or_none())


async def next_number(
    session: AsyncSession, *, organization_id: uuid.UUID, financial_year: str, series: str
) -> str:
    """The next number of the series, e.g. ``SC/26-27/00042``, taken in the caller's
    transaction: gapless and unique whatever the races, given back by a rollback."""
    _checked(financial_year, series)
    sequence = await _increment(session, organization_id, financial_year, series)
    if sequence is None:
        # First number of the series: create the counter; a racer creating it too waits for
        # us (PostgreSQL) or for our write lock (SQLite), then finds it and increments it.
        now = utcnow()
        await insert_or_ignore(
            session,
            _series,
            {
                "organization_id": organization_id,
                "financial_year": financial_year,
                "series": series,
                "last_number": 0,
                "created_at": now,
                "updated_at": now,
            },
            conflict_columns=_KEY,
        )
        sequence = await _increment(session, organization_id, financial_year, series)
        assert sequence is not None
    try:
        return domain.format_number(series, financial_year, sequence)
    except domain.SeriesExhausted as error:
        raise errors.SeriesExhausted(str(error)) from error


async def next_number_on(
    session: AsyncSession, *, organization_id: uuid.UUID, on: date | datetime, series: str
) -> str:
    """``next_number`` in the financial year holding ``on`` (timestamps in Asia/Kolkata)."""
    return await next_number(
        session, organization_id=organization_id, financial_year=fy_code_for(on), series=series
    )


async def last_number(
    session: AsyncSession, *, organization_id: uuid.UUID, financial_year: str, series: str
) -> int:
    """The last sequence given in the series (0 when none)."""
    value = await session.scalar(
        select(NumberSeries.last_number).where(
            NumberSeries.organization_id == organization_id,
            NumberSeries.financial_year == financial_year,
            NumberSeries.series == series,
        )
    )
    return int(value or 0)


async def cancel_number(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    financial_year: str,
    series: str,
    number: str,
    document_type: str,
    document_id: uuid.UUID,
    reason: str,
    actor: AuditActor,
) -> CancelledNumber:
    """Record that ``number`` (already given) belongs to a cancelled document. The counter is
    untouched: a cancelled number is never given again. Cancelling it twice is 409."""
    _checked(financial_year, series)
    try:
        parsed = domain.parse_number(number)
    except domain.MalformedNumber as error:
        raise errors.InvalidNumbering(str(error)) from error
    if parsed.series != series or parsed.year != domain.short_year(financial_year):
        raise errors.InvalidNumbering(f"{number} is not of series {series} in {financial_year}")
    issued = await last_number(
        session, organization_id=organization_id, financial_year=financial_year, series=series
    )
    if parsed.sequence > issued:
        raise errors.NumberNotIssued(f"{number} has not been given yet")
    if not reason.strip():
        raise errors.InvalidNumbering("A cancellation needs a reason")
    entry = CancelledNumber(
        organization_id=organization_id,
        financial_year=financial_year,
        series=series,
        sequence=parsed.sequence,
        number=number,
        document_type=document_type,
        document_id=document_id,
        reason=reason.strip(),
        cancelled_by_id=actor.user_id,
        cancelled_by_label=actor.label[:320],
    )
    try:
        async with session.begin_nested():
            session.add(entry)
            await session.flush()
    except IntegrityError as error:
        raise errors.NumberAlreadyCancelled(f"{number} is already cancelled") from error
    await audit(
        session,
        actor=actor,
        action="cancel",
        entity_type="cancelled_number",
        entity_id=entry.id,
        changes={
            "number": {"old": None, "new": number},
            "document_type": {"old": None, "new": document_type},
            "document_id": {"old": None, "new": document_id},
        },
        reason=entry.reason,
    )
    return entry


def series_statement(
    *,
    organization_id: uuid.UUID | None = None,
    financial_year: str | None = None,
    series: str | None = None,
) -> Select[Any]:
    statement = select(NumberSeries)
    if organization_id is not None:
        statement = statement.where(NumberSeries.organization_id == organization_id)
    if financial_year is not None:
        statement = statement.where(NumberSeries.financial_year == financial_year)
    if series is not None:
        statement = statement.where(NumberSeries.series == series)
    return statement


def cancelled_statement(
    *,
    organization_id: uuid.UUID | None = None,
    financial_year: str | None = None,
    series: str | None = None,
) -> Select[Any]:
    statement = select(CancelledNumber)
    if organization_id is not None:
        statement = statement.where(CancelledNumber.organization_id == organization_id)
    if financial_year is not None:
        statement = statement.where(CancelledNumber.financial_year == financial_year)
    if series is not None:
        statement = statement.where(CancelledNumber.series == series)
    return statement


def last_issued(row: NumberSeries) -> str | None:
    if row.last_number < 1:
        return None
    return domain.format_number(row.series, row.financial_year, row.last_number)
