"""The trade desk dashboard: counts, value, scores, response times, top commodities and seller
performance over a period, each figure aggregated in SQL (five queries whatever the data).

**Scope.** Every figure starts from the trade desk's own visibility (``repository.visible_*``)
and, for a partner's users, keeps only what is theirs: requirements their partner posted, and
offers their partner made or received on its requirements (open offers of others and active
requirements of others, visible for trading, are not their business figures). Staff see all,
narrowed by ``organization_id`` when given.

**Dates.** Requirements count by their ``created_at``, offers by theirs, within the period's
India calendar days. Response times belong to the requirements posted in the period: for each,
the first offer in scope (whenever made) minus the posting time.

The requirements' visibility clause holds an EXISTS on offers, which SQLAlchemy correlates to
the enclosing FROM: it is only ever applied where requirements are the whole FROM (a derived
table ``_posted`` when offers are joined), never beside offers.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from tradehub.auth.principal import Principal
from tradehub.kit.errors import Unprocessable
from tradehub.kit.types import utcnow
from tradehub.masters.models import Commodity
from tradehub.partner.models import Partner
from tradehub.trade_desk import dashboard_domain as rules
from tradehub.trade_desk.dashboard_schemas import (
    DashboardRead,
    OfferCounts,
    PeriodRead,
    RequirementCounts,
    SellerPerformance,
    TopCommodity,
)
from tradehub.trade_desk.domain import OfferStatus
from tradehub.trade_desk.models import Offer, Requirement
from tradehub.trade_desk.repository import visible_offers, visible_requirements


class DashboardPeriodInvalid(Unprocessable):
    code = "trade_desk.dashboard_period"


class _MillisBetween(FunctionElement[int]):
    """``later − earlier`` in whole milliseconds, for two timestamp expressions."""

    type = BigInteger()
    inherit_cache = True
    name = "millis_between"


@compiles(_MillisBetween, "sqlite")
def _millis_sqlite(element: _MillisBetween, compiler: SQLCompiler, **kw: Any) -> str:
    # julianday() keeps milliseconds; timestamps are stored as naive UTC text.
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(ROUND((julianday({later}) - julianday({earlier})) * 86400000.0) AS INTEGER)"


@compiles(_MillisBetween, "postgresql")
def _millis_postgresql(element: _MillisBetween, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({later} - {earlier})) * 1000) AS BIGINT)"


class _Scope:
    """The WHERE clauses of one dashboard request."""

    def __init__(
        self,
        principal: Principal,
        period: rules.Period,
        *,
        commodity_id: uuid.UUID | None,
        organization_id: uuid.UUID | None,
    ) -> None:
        start, end = period.utc_bounds()
        partner_id = principal.partner_id
        requirement_visible = _where(visible_requirements(principal))
        offer_visible = _where(visible_offers(principal))
        requirement_mine: ColumnElement[bool] = true()
        offer_mine: ColumnElement[bool] = true()
        if partner_id is not None:
            requirement_mine = Requirement.buyer_id == partner_id
            offer_mine = or_(
                Offer.seller_id == partner_id,
                Offer.requirement_id.in_(
                    select(Requirement.id).where(Requirement.buyer_id == partner_id)
                ),
            )
        requirement_filters = _filters(Requirement, commodity_id, organization_id)
        # Requirements posted in the period that the caller may see (response times).
        self.requirements_visible = and_(
            requirement_visible,
            Requirement.created_at >= start,
            Requirement.created_at < end,
            *requirement_filters,
        )
        # ... of which the caller's own (counts, top commodities).
        self.requirements = and_(self.requirements_visible, requirement_mine)
        # Offers the caller is party to, made since the period began, whenever after: the
        # first offers on the requirements posted in it (they cannot be older; the bound
        # lets the database use the created_at index).
        self.offers_since_start = and_(offer_visible, offer_mine, Offer.created_at >= start)
        # ... made in the period (counts, value, scores, sellers).
        self.offers = and_(
            self.offers_since_start,
            Offer.created_at < end,
            *_filters(Offer, commodity_id, organization_id),
        )


def _where(statement: Select[Any]) -> ColumnElement[bool]:
    clause = statement.whereclause
    return true() if clause is None else clause


def _filters(
    table: type[Requirement] | type[Offer],
    commodity_id: uuid.UUID | None,
    organization_id: uuid.UUID | None,
) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = []
    if commodity_id is not None:
        filters.append(table.commodity_id == commodity_id)
    if organization_id is not None:
        filters.append(table.organization_id == organization_id)
    return filters


def _accepted_value() -> ColumnElement[Any]:
    """An accepted offer's value in paise (see dashboard_domain), NULL for other offers."""
    price = type_coerce(Offer.last_price, BigInteger)  # the stored integer of paise
    bales = func.coalesce(Offer.accepted_bales, Offer.last_bales)
    by_unit = case(
        *(
            (Offer.price_unit == unit, (price * bales * (2 * a) + b) // (2 * b))
            for unit, a, b in rules.VALUE_RATIOS
        ),
        else_=None,
    )
    return case((Offer.status == OfferStatus.ACCEPTED.value, by_unit), else_=None)


def _tied_score() -> ColumnElement[Any]:
    return case((Offer.requirement_id.is_not(None), Offer.match_score), else_=None)


def _paise_sum() -> ColumnElement[Any]:
    return func.coalesce(func.sum(_accepted_value()), 0)


async def _requirement_counts(session: AsyncSession, scope: _Scope) -> RequirementCounts:
    rows = await session.execute(
        select(Requirement.status, func.count())
        .where(scope.requirements)
        .group_by(Requirement.status)
    )
    counts = {str(status): int(n) for status, n in rows}
    return RequirementCounts(**counts, total=sum(counts.values()))


class _OfferFigures:
    def __init__(self, rows: list[Any]) -> None:
        counts = {str(row.status): int(row.n) for row in rows}
        self.counts = OfferCounts(**counts, total=sum(counts.values()))
        self.value = rules.paise_to_rupees(sum(int(row.value) for row in rows))
        self.score = rules.average_tenths(
            sum(int(row.score_sum or 0) for row in rows), sum(int(row.scored) for row in rows)
        )


async def _offer_figures(session: AsyncSession, scope: _Scope) -> _OfferFigures:
    tied = _tied_score()
    rows = await session.execute(
        select(
            Offer.status.label("status"),
            func.count().label("n"),
            _paise_sum().label("value"),
            func.sum(tied).label("score_sum"),
            func.count(tied).label("scored"),
        )
        .where(scope.offers)
        .group_by(Offer.status)
    )
    return _OfferFigures(list(rows))


def _posted(scope: _Scope) -> Any:
    """The requirements posted in the period that the caller may see, with their posting."""
    return (
        select(Requirement.id.label("id"), Requirement.created_at.label("created_at"))
        .where(scope.requirements_visible)
        .subquery()
    )


async def _average_response(session: AsyncSession, scope: _Scope) -> int | None:
    posted = _posted(scope)
    waits = (
        select(_MillisBetween(func.min(Offer.created_at), posted.c.created_at).label("ms"))
        .join(posted, posted.c.id == Offer.requirement_id)
        .where(scope.offers_since_start)
        .group_by(posted.c.id, posted.c.created_at)
        .subquery()
    )
    row = (await session.execute(select(func.sum(waits.c.ms), func.count(waits.c.ms)))).one()
    return rules.average_seconds(row[0], int(row[1]))


async def _top_commodities(session: AsyncSession, scope: _Scope) -> list[TopCommodity]:
    zero = literal_column("0", BigInteger())
    per_commodity = union_all(
        select(
            Requirement.commodity_id.label("commodity_id"),
            func.count().label("requirements"),
            zero.label("offers"),
            zero.label("value"),
        )
        .where(scope.requirements)
        .group_by(Requirement.commodity_id),
        select(Offer.commodity_id, zero, func.count(), _paise_sum())
        .where(scope.offers)
        .group_by(Offer.commodity_id),
    ).subquery()
    requirements = func.sum(per_commodity.c.requirements)
    offers = func.sum(per_commodity.c.offers)
    value = func.sum(per_commodity.c.value)
    rows = await session.execute(
        select(per_commodity.c.commodity_id, Commodity.name, requirements, offers, value)
        .join(Commodity, Commodity.id == per_commodity.c.commodity_id)
        .group_by(per_commodity.c.commodity_id, Commodity.name)
        .order_by(
            value.desc(),
            (requirements + offers).desc(),
            Commodity.name,
            per_commodity.c.commodity_id,
        )
        .limit(rules.TOP_COMMODITIES)
    )
    return [
        TopCommodity(
            commodity_id=commodity_id,
            name=name,
            requirements=int(n_requirements),
            offers=int(n_offers),
            value=rules.paise_to_rupees(paise),
        )
        for commodity_id, name, n_requirements, n_offers, paise in rows
    ]


def _seller_responses(scope: _Scope) -> Any:
    """Per seller: Σ and count of (its first offer on a requirement − the posting), over the
    requirements posted in the period."""
    posted = _posted(scope)
    waits = (
        select(
            Offer.seller_id.label("seller_id"),
            _MillisBetween(func.min(Offer.created_at), posted.c.created_at).label("ms"),
        )
        .join(posted, posted.c.id == Offer.requirement_id)
        .where(scope.offers_since_start)
        .group_by(Offer.seller_id, posted.c.id, posted.c.created_at)
        .subquery()
    )
    return (
        select(
            waits.c.seller_id,
            func.sum(waits.c.ms).label("wait_ms"),
            func.count(waits.c.ms).label("waits"),
        )
        .group_by(waits.c.seller_id)
        .subquery()
    )


async def _seller_performance(session: AsyncSession, scope: _Scope) -> list[SellerPerformance]:
    tied = _tied_score()
    accepted = case((Offer.status == OfferStatus.ACCEPTED.value, 1), else_=None)
    stats = (
        select(
            Offer.seller_id.label("seller_id"),
            func.count().label("submitted"),
            func.count(accepted).label("accepted"),
            func.sum(tied).label("score_sum"),
            func.count(tied).label("scored"),
            _paise_sum().label("value"),
        )
        .where(scope.offers)
        .group_by(Offer.seller_id)
        .subquery()
    )
    responses = _seller_responses(scope)
    rows = await session.execute(
        select(stats, Partner.legal_name, responses.c.wait_ms, responses.c.waits)
        .join(Partner, Partner.id == stats.c.seller_id)
        .outerjoin(responses, responses.c.seller_id == stats.c.seller_id)
        .order_by(
            stats.c.value.desc(),
            stats.c.accepted.desc(),
            stats.c.submitted.desc(),
            Partner.legal_name,
            Partner.id,
        )
        .limit(rules.TOP_SELLERS)
    )
    return [_seller_row(row) for row in rows]


def _seller_row(row: Any) -> SellerPerformance:
    submitted, accepted = int(row.submitted), int(row.accepted)
    return SellerPerformance(
        seller_id=row.seller_id,
        seller_name=row.legal_name,
        offers_submitted=submitted,
        offers_accepted=accepted,
        acceptance_rate=rules.rate_percent(accepted, submitted) or Decimal(0),
        average_match_score=rules.average_tenths(row.score_sum, int(row.scored)),
        average_response_time_seconds=rules.average_seconds(row.wait_ms, int(row.waits or 0)),
        accepted_value=rules.paise_to_rupees(row.value),
    )


async def dashboard(
    session: AsyncSession,
    principal: Principal,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    commodity_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    today: date | None = None,
) -> DashboardRead:
    """The dashboard of what ``principal`` may see (see the module docstring)."""
    try:
        period = rules.resolve_period(
            date_from, date_to, today=today or rules.india_today(utcnow())
        )
    except rules.InvalidPeriod as exc:
        raise DashboardPeriodInvalid(
            str(exc),
            errors=[{"loc": ["query", "from"], "msg": str(exc), "type": "value_error"}],
        ) from exc
    scope = _Scope(principal, period, commodity_id=commodity_id, organization_id=organization_id)
    offers = await _offer_figures(session, scope)
    return DashboardRead(
        period=PeriodRead(first=period.first, last=period.last),
        requirements=await _requirement_counts(session, scope),
        offers=offers.counts,
        total_value=offers.value,
        average_match_score=offers.score,
        average_response_time_seconds=await _average_response(session, scope),
        top_commodities=await _top_commodities(session, scope),
        seller_performance=await _seller_performance(session, scope),
    )
