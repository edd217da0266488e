"""The match score of ``scoring.score_one`` over many supplies at once, in numpy. Pure.

``SupplyArrays.build`` turns supplies into columns once: each parameter as float64 with NaN for
a missing value, the price per kg (and its inverse), and the place and the terms as codes into
small tables of the distinct places (station, region, state, trader) and terms (payment rank,
days, delivery days). ``score_many`` then scores one demand against all of them: the place and
terms components are worked out once per distinct place or terms and gathered, the rest is a
handful of in-place array operations per parameter.

Floats are used only to rank; the numbers shown to people come from ``score_one`` (exact), and
the two agree on every total and label (property-tested): the total is rounded half-up with a
slack of 1e-9 so that a float landing a hair under an exact .5 rounds as the exact value does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from tradehub.masters.units import kg_per
from tradehub.trade_desk.scoring import (
    LOCATION_REGION,
    LOCATION_STATE,
    LOCATION_STATION,
    LOCATION_TRADER,
    PAYMENT_RANK,
    Band,
    Demand,
    Supply,
    Template,
    price_unit,
)

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
Prices = tuple[Floats, Floats, Floats, bool]

ROUNDING_SLACK: Final = 1e-9
NONE_CODE: Final = -1  # the supply has no such place / term
NO_MATCH_CODE: Final = -2  # the demand's place is held by no supply
_CREDIT: Final = PAYMENT_RANK["credit"]


@dataclass(frozen=True)
class PlaceTable:
    """The distinct (station, region, state, trader) of the supplies, as codes."""

    station: Ints
    region: Ints
    state: Ints
    trader: Bools


@dataclass(frozen=True)
class TermsTable:
    """The distinct (payment rank, payment days, delivery days) of the supplies."""

    rank: Ints  # PAYMENT_RANK, NONE_CODE when unknown
    days: Ints  # 0 when not given
    delivery: Floats  # NaN when not given (never within any asked days)


@dataclass(frozen=True)
class SupplyArrays:
    """Supplies as columns, row ``i`` being the ``i``-th supply given to ``build``."""

    parameters: Mapping[str, Floats]  # NaN where the supply has no value
    price_per_kg: Floats  # NaN when missing, not positive, or quoted in the demand's unit
    inverse_price_per_kg: Floats  # 1 / price_per_kg, 0 where that is NaN
    unitless_price: Floats  # the price quoted without a unit (the demand's), else NaN
    place: Ints  # index into ``places``
    terms: Ints  # index into ``terms_table``
    places: PlaceTable
    terms_table: TermsTable
    codes: Mapping[tuple[str, object], int]  # (kind, value) → code of a station/region/state
    lowest_price_per_kg: float | None  # of ``price_per_kg``; None when it is all NaN
    lowest_unitless_price: float | None  # of ``unitless_price``; None when it is all NaN

    @property
    def size(self) -> int:
        return int(self.place.shape[0])

    @property
    def has_unitless_prices(self) -> bool:
        return self.lowest_unitless_price is not None

    def code_of(self, kind: str, value: object) -> int:
        """The code of a demand's place; ``NO_MATCH_CODE`` when no supply is there."""
        return self.codes.get((kind, value), NO_MATCH_CODE)

    @classmethod
    def build(cls, supplies: Sequence[Supply], names: Iterable[str] | None = None) -> SupplyArrays:
        """Columns for ``supplies``; ``names``: the parameters to keep (default: all seen)."""
        wanted = (
            sorted({name for s in supplies for name in s.parameters})
            if names is None
            else list(names)
        )
        nan = float("nan")
        codes: dict[tuple[str, object], int] = {}

        def code(kind: str, value: object) -> int:
            return NONE_CODE if value is None else codes.setdefault((kind, value), len(codes))

        place_keys: dict[tuple[int, int, int, bool], int] = {}
        terms_keys: dict[tuple[int, int, float], int] = {}
        place, terms = [], []
        per_kg, unitless = [], []
        for s in supplies:
            key = (
                code("station", s.station_id),
                code("region", s.region),
                code("state", s.state_code),
                s.seller_is_trader,
            )
            place.append(place_keys.setdefault(key, len(place_keys)))
            rank = PAYMENT_RANK.get(s.payment_terms or "", NONE_CODE)
            delivery = nan if s.delivery_days is None else float(s.delivery_days)
            term = (rank, s.payment_days or 0, delivery)
            terms.append(terms_keys.setdefault(term, len(terms_keys)))
            price = nan if s.price is None or s.price <= 0 else float(s.price)
            if s.price_unit is None:
                per_kg.append(nan)
                unitless.append(price)
            else:
                per_kg.append(price / float(kg_per(price_unit(s.price_unit))))
                unitless.append(nan)

        price_per_kg = np.array(per_kg, dtype=np.float64)
        unitless_prices = np.array(unitless, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            inverse = np.where(np.isnan(price_per_kg), 0.0, 1.0 / price_per_kg)
        places = list(place_keys)
        term_rows = list(terms_keys)
        return cls(
            parameters={
                name: np.array(
                    [
                        nan if s.parameters.get(name) is None else float(s.parameters[name])
                        for s in supplies
                    ],
                    dtype=np.float64,
                )
                for name in wanted
            },
            price_per_kg=price_per_kg,
            inverse_price_per_kg=inverse,
            unitless_price=unitless_prices,
            place=np.array(place, dtype=np.int64),
            terms=np.array(terms, dtype=np.int64),
            places=PlaceTable(
                station=np.array([p[0] for p in places], dtype=np.int64),
                region=np.array([p[1] for p in places], dtype=np.int64),
                state=np.array([p[2] for p in places], dtype=np.int64),
                trader=np.array([p[3] for p in places], dtype=bool),
            ),
            terms_table=TermsTable(
                rank=np.array([t[0] for t in term_rows], dtype=np.int64),
                days=np.array([t[1] for t in term_rows], dtype=np.int64),
                delivery=np.array([t[2] for t in term_rows], dtype=np.float64),
            ),
            codes=codes,
            lowest_price_per_kg=nan_min(price_per_kg),
            lowest_unitless_price=nan_min(unitless_prices),
        )


@dataclass(frozen=True)
class ScoreArrays:
    total: Ints
    raw: Floats  # the total before rounding
    parameters: Floats
    price: Floats
    location: Floats
    payment: Floats


@dataclass(frozen=True)
class ParameterTerm:
    """One asked parameter's share of the total, ``scale`` × its score, as the constants of
    ``clip(add + mult·|value − middle|, 0, top)`` (two-sided band) or
    ``clip(add + mult·value, 0, top)`` (one-sided band; no band: mult 0)."""

    name: str
    two_sided: bool
    middle: float
    mult: float
    add: float
    top: float  # 100 × scale


def _term(name: str, band: Band, scale: float) -> ParameterTerm:
    slope = 100.0 / (3.0 * float(band.tolerance))  # points lost a unit outside the band
    top = 100.0 * scale
    if band.min is not None and band.max is not None:
        low, high = float(band.min), float(band.max)
        middle, half = (low + high) / 2, (high - low) / 2
        return ParameterTerm(name, True, middle, -slope * scale, top + half * slope * scale, top)
    if band.max is not None:  # 100 − slope·(value − max)
        high = float(band.max)
        return ParameterTerm(name, False, 0.0, -slope * scale, top + slope * scale * high, top)
    if band.min is not None:  # 100 − slope·(min − value)
        low = float(band.min)
        return ParameterTerm(name, False, 0.0, slope * scale, top - slope * scale * low, top)
    return ParameterTerm(name, False, 0.0, 0.0, top, top)  # any present value is inside


def parameter_terms(demand: Demand, template: Template, scale: float) -> list[ParameterTerm] | None:
    """The terms of ``scale`` × the weighted mean of the parameter scores, by name (one fixed
    order, so that every path sums them alike), weight 0 left out; None when nothing is
    weighed (the mean is then 100)."""
    weights = {name: float(template.weight_of(name)) for name in sorted(demand.parameters)}
    total_weight = sum(weights.values())
    if total_weight == 0:
        return None
    return [
        _term(name, demand.parameters[name], scale * weight / total_weight)
        for name, weight in weights.items()
        if weight != 0
    ]


def add_term(values: Floats, term: ParameterTerm, out: Floats, *, first: bool) -> None:
    """``out`` += the term's score of each value (``out`` ← when ``first``); a NaN value
    (missing) scores 0."""
    target = out if first else np.empty_like(out)
    if term.two_sided:
        np.subtract(values, term.middle, out=target)
        np.abs(target, out=target)
        np.multiply(target, term.mult, out=target)
    else:
        np.multiply(values, term.mult, out=target)
    np.add(target, term.add, out=target)
    np.minimum(target, term.top, out=target)  # inside the band; NaN stays NaN
    np.fmax(target, 0.0, out=target)  # below 0, and NaN (missing), become 0
    if not first:
        out += target


def _parameters_into(
    demand: Demand, arrays: SupplyArrays, template: Template, scale: float, out: Floats
) -> None:
    """``out`` ← ``scale`` × the weighted mean of the parameter scores."""
    terms = parameter_terms(demand, template, scale)
    if terms is None:
        out.fill(100.0 * scale)
        return
    out.fill(0.0)
    first = True
    for term in terms:
        values = arrays.parameters.get(term.name)
        if values is None:
            continue  # nobody has it: every supply scores 0 on it
        add_term(values, term, out, first=first)
        first = False


def parameters_many(demand: Demand, arrays: SupplyArrays, template: Template) -> Floats:
    out = np.empty(arrays.size)
    _parameters_into(demand, arrays, template, 1.0, out)
    return out


def nan_min(values: Floats) -> float | None:
    """The least value that is not NaN, or None."""
    if values.size == 0 or bool(np.all(np.isnan(values))):
        return None
    return float(np.nanmin(values))


def lowest_price(demand: Demand, arrays: SupplyArrays) -> float | None:
    """The lowest positive price among the supplies, per the demand's unit, or None."""
    lowest = []
    if arrays.lowest_price_per_kg is not None:
        lowest.append(arrays.lowest_price_per_kg * float(kg_per(price_unit(demand.price_unit))))
    if arrays.lowest_unitless_price is not None:
        lowest.append(arrays.lowest_unitless_price)
    return min(lowest) if lowest else None


def price_into(
    demand: Demand,
    prices: Prices,
    lowest: float | None,
    scale: float,
    out: Floats,
) -> None:
    """``out`` += ``scale`` × the price score; ``prices``: price per kg, its inverse, the
    unitless price of each supply (``SupplyArrays`` columns, or rows of them) and whether any
    unitless price is there."""
    per_kg, inverse, unitless, has_unitless = prices
    demand_kg = float(kg_per(price_unit(demand.price_unit)))
    target = None if demand.target_price is None else float(demand.target_price)
    score = np.empty(per_kg.shape)
    if target is not None and target > 0:
        # 100 − |p − t|/t·100 with p = price per kg × kg: 100 − |price_per_kg·(kg/t) − 1|·100
        np.multiply(per_kg, demand_kg / target, out=score)
        np.subtract(score, 1.0, out=score)
        np.abs(score, out=score)
        np.multiply(score, -100.0 * scale, out=score)
        np.add(score, 100.0 * scale, out=score)
        np.fmax(score, 0.0, out=score)  # also: no price (NaN) → 0
        if has_unitless:
            by_unit = np.fmax(100.0 - np.abs(unitless - target) / target * 100, 0) * scale
            np.copyto(score, by_unit, where=~np.isnan(unitless))
    elif lowest is None or lowest <= 0:
        score.fill(100.0 * scale)
        np.copyto(score, 0.0, where=np.isnan(per_kg))
        if has_unitless:
            np.copyto(score, 100.0 * scale, where=~np.isnan(unitless))
    else:  # lowest/p·100 = (lowest/kg)·100 · 1/(price per kg); no price: inverse 0 → 0
        np.multiply(inverse, lowest / demand_kg * 100.0 * scale, out=score)
        np.minimum(score, 100.0 * scale, out=score)
        if has_unitless:
            by_unit = np.minimum(lowest / unitless * 100.0, 100.0) * scale
            np.copyto(score, by_unit, where=~np.isnan(unitless))
    out += score


def _prices(arrays: SupplyArrays) -> Prices:
    return (
        arrays.price_per_kg,
        arrays.inverse_price_per_kg,
        arrays.unitless_price,
        arrays.has_unitless_prices,
    )


def price_many(demand: Demand, arrays: SupplyArrays, lowest: float | None) -> Floats:
    out = np.zeros(arrays.size)
    price_into(demand, _prices(arrays), lowest, 1.0, out)
    return out


def location_table(demand: Demand, arrays: SupplyArrays) -> Floats:
    """The location score of every distinct place."""
    places = arrays.places
    if demand.station_id is None and demand.region is None and demand.state_code is None:
        return np.full(places.station.shape, 100.0)
    score = np.where(places.trader, float(LOCATION_TRADER), 0.0)
    tiers = (
        ("state", demand.state_code, places.state, LOCATION_STATE),
        ("region", demand.region, places.region, LOCATION_REGION),
        ("station", demand.station_id, places.station, LOCATION_STATION),
    )
    for kind, value, codes, points in tiers:  # lowest tier first, so the best one wins
        if value is not None:
            score = np.where(codes == arrays.code_of(kind, value), float(points), score)
    return score


def payment_table(demand: Demand, arrays: SupplyArrays) -> Floats:
    """The payment/delivery score of every distinct set of terms."""
    terms = arrays.terms_table
    supported = np.ones(terms.rank.shape, dtype=bool)
    asked = PAYMENT_RANK.get(demand.payment_terms or "")
    if demand.payment_terms is not None and asked is not None:
        supported &= terms.rank >= asked
        if asked == _CREDIT:
            both_credit = terms.rank == _CREDIT
            supported &= ~both_credit | (terms.days >= (demand.payment_days or 0))
    if demand.delivery_days is not None:
        supported &= terms.delivery <= demand.delivery_days  # NaN compares False
    return np.where(supported, 100.0, 0.0)


def round_half_up(values: Floats) -> Ints:
    return np.floor(values + (0.5 + ROUNDING_SLACK)).astype(np.int64)


def _lowest_or_own(demand: Demand, arrays: SupplyArrays, lowest: float | None) -> float | None:
    return lowest if lowest is not None else lowest_price(demand, arrays)


def totals_many(
    demand: Demand, arrays: SupplyArrays, template: Template, *, lowest: float | None = None
) -> Floats:
    """The unrounded totals (what ranking needs), with every weight folded into the work."""
    raw = np.empty(arrays.size)
    _parameters_into(demand, arrays, template, float(template.parameters_weight), raw)
    price_into(
        demand,
        _prices(arrays),
        _lowest_or_own(demand, arrays, lowest),
        float(template.price_weight),
        raw,
    )
    places = location_table(demand, arrays) * float(template.location_weight)
    terms = payment_table(demand, arrays) * float(template.payment_weight)
    raw += places[arrays.place]
    raw += terms[arrays.terms]
    return raw


def score_many(
    demand: Demand, arrays: SupplyArrays, template: Template, *, lowest: float | None = None
) -> ScoreArrays:
    """Scores of every supply in ``arrays`` against ``demand``, with the four components.

    Without a target price the price component compares with ``lowest`` (per the demand's unit)
    when given, otherwise with the lowest price among these supplies, as ``score_one`` does
    when it is passed that lowest price.
    """
    raw = totals_many(demand, arrays, template, lowest=lowest)
    return ScoreArrays(
        total=round_half_up(raw),
        raw=raw,
        parameters=parameters_many(demand, arrays, template),
        price=price_many(demand, arrays, _lowest_or_own(demand, arrays, lowest)),
        location=location_table(demand, arrays)[arrays.place],
        payment=payment_table(demand, arrays)[arrays.terms],
    )
