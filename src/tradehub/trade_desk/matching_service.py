"""Matching: rank the offers and tested lots that could fill a requirement (domain.md §4.4).

``matching_candidates`` narrows them in SQL and by certificates; numpy scores them all at once
(``scoring_arrays``), the premium table gives each its quality-normalised price, and only the
page shown is scored again exactly (``scoring.score_one``) for its breakdown. A constant number
of queries whatever the number of candidates.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.principal import Principal
from tradehub.geo.models import Station
from tradehub.kit.errors import Forbidden
from tradehub.kit.pagination import Page, PageParams
from tradehub.kit.types import utcnow
from tradehub.masters.models import Commodity, QualityParameter
from tradehub.trade_desk import repository
from tradehub.trade_desk.domain import loaded_bands
from tradehub.trade_desk.errors import RequirementNotFound
from tradehub.trade_desk.matching_candidates import Candidate
from tradehub.trade_desk.matching_candidates import candidates as load_candidates
from tradehub.trade_desk.matching_schemas import MatchRead, MatchScope
from tradehub.trade_desk.models import Requirement
from tradehub.trade_desk.premiums import PremiumTable, normalised_price, table_for
from tradehub.trade_desk.scoring import (
    Band,
    Demand,
    Supply,
    Template,
    price_in_demand_unit,
    score_one,
)
from tradehub.trade_desk.scoring_arrays import SupplyArrays, round_half_up, totals_many


class MatchScopeStaffOnly(Forbidden):
    code = "trade_desk.scope_staff_only"


async def template_for(session: AsyncSession, commodity_id: uuid.UUID) -> Template:
    """The commodity's scoring template: active parameters' weights and the component weights.

    Component weights live on the commodity (``match_*_weight``, all set or all null, summing to
    1 by a check constraint); null means the defaults 0.45/0.35/0.10/0.10.
    """
    weights = (
        await session.execute(
            select(
                Commodity.match_parameters_weight,
                Commodity.match_price_weight,
                Commodity.match_location_weight,
                Commodity.match_payment_weight,
            ).where(Commodity.id == commodity_id)
        )
    ).one_or_none()
    rows = await session.execute(
        select(QualityParameter.name, QualityParameter.weight).where(
            QualityParameter.commodity_id == commodity_id, QualityParameter.is_active.is_(True)
        )
    )
    parameter_weights: dict[str, Decimal] = {name: weight for name, weight in rows}
    parameters, price, location, payment = weights if weights is not None else (None,) * 4
    if parameters is None or price is None or location is None or payment is None:
        return Template(parameter_weights=parameter_weights)
    return Template(
        parameter_weights=parameter_weights,
        parameters_weight=parameters,
        price_weight=price,
        location_weight=location,
        payment_weight=payment,
    )


def demand_of(requirement: Requirement, at: Station | None) -> Demand:
    return Demand(
        parameters={
            name: Band(band["min"], band["max"])
            for name, band in loaded_bands(requirement.parameters).items()
        },
        target_price=requirement.target_price,
        price_unit=requirement.price_unit,
        station_id=requirement.station_id,
        region=at.region if at is not None else None,
        state_code=at.state_code if at is not None else None,
        payment_terms=requirement.payment_terms,
        payment_days=requirement.payment_days,
        delivery_days=requirement.delivery_days,
    )


async def _visible_requirement(
    session: AsyncSession, principal: Principal, requirement_id: uuid.UUID
) -> Requirement:
    found: Requirement | None = await session.scalar(
        repository.visible_requirements(principal).where(Requirement.id == requirement_id)
    )
    if found is None:
        raise RequirementNotFound("No such requirement")
    return found


def rank(
    totals: Sequence[int],
    normalised: Sequence[Decimal | None],
    ids: Sequence[uuid.UUID],
    *,
    by_price: bool,
    descending: bool,
) -> list[int]:
    """Indexes in answer order. Score: best first, then the lowest normalised price; price:
    lowest first, then the best score; a missing price last; the id breaks ties. ``descending``
    reverses the primary key only."""

    def key(i: int) -> tuple[Any, ...]:
        value = normalised[i]
        missing, price = (1, Decimal(0)) if value is None else (0, value)
        if by_price:
            return (missing, -price if descending else price, -totals[i], ids[i])
        return (-totals[i] if descending else totals[i], missing, price, ids[i])

    return sorted(range(len(totals)), key=key)


async def find_matches(
    session: AsyncSession,
    principal: Principal,
    requirement_id: uuid.UUID,
    *,
    scope: MatchScope,
    sort: str,
    paging: PageParams,
) -> Page[MatchRead]:
    if scope is MatchScope.ALL and principal.partner_id is not None:
        raise MatchScopeStaffOnly("Only staff may look for matches beyond the requirement's state")
    requirement = await _visible_requirement(session, principal, requirement_id)
    at = await session.get(Station, requirement.station_id) if requirement.station_id else None
    demand = demand_of(requirement, at)
    template = await template_for(session, requirement.commodity_id)
    table = table_for(
        await session.scalar(
            select(Commodity.name_key).where(Commodity.id == requirement.commodity_id)
        )
        or ""
    )
    candidates = await load_candidates(
        session, principal, requirement, state_code=demand.state_code, scope=scope, now=utcnow()
    )

    arrays = SupplyArrays.build([c.supply for c in candidates], names=demand.parameters)
    totals = round_half_up(totals_many(demand, arrays, template)).tolist()
    normalised = [_normalised(demand, c.supply, table) for c in candidates]
    order = rank(
        totals,
        normalised,
        [c.row["id"] for c in candidates],
        by_price=sort.lstrip("-") == "normalised_price",
        descending=sort.startswith("-"),
    )
    shown = order[paging.offset : paging.offset + paging.limit]
    lowest = _lowest(demand, candidates)
    items = [_read(demand, candidates[i], template, lowest, normalised[i]) for i in shown]
    return Page(items=items, total=len(candidates), page=paging.page, limit=paging.limit)


def _normalised(demand: Demand, supply: Supply, table: PremiumTable | None) -> Decimal | None:
    return normalised_price(
        price=supply.price,
        price_unit=supply.price_unit or demand.price_unit,
        parameters=supply.parameters,
        bands=demand.parameters,
        table=table,
        to_unit=demand.price_unit,
    )


def _lowest(demand: Demand, candidates: Sequence[Candidate]) -> Fraction | None:
    """The lowest positive price among the candidates, per the requirement's unit, exact."""
    prices = [price_in_demand_unit(demand, c.supply) for c in candidates]
    positive = [p for p in prices if p is not None and p > 0]
    return min(positive) if positive else None


def _read(
    demand: Demand,
    candidate: Candidate,
    template: Template,
    lowest: Fraction | None,
    normalised: Decimal | None,
) -> MatchRead:
    score = score_one(demand, candidate.supply, template, lowest_price=lowest)
    return MatchRead(
        kind=candidate.kind,
        normalised_price=normalised,
        normalised_price_unit=demand.price_unit,
        match_score=score.total,
        label=score.label,
        score_breakdown=score.breakdown(),
        parameter_deviations=score.deviations_json(),
        **candidate.row,
    )
