"""The best ``k`` supplies for a demand without scoring all of them: exact pruning. Pure.

Scoring one demand against every supply costs a few milliseconds for 10⁵ supplies, too much for
10⁴ demands (a nightly re-match, a "matched buyers" fan-out). The index sorts the supplies by
*cell* (distinct place and terms, whose location and payment scores are one number per cell
for a demand) and then by price per kg. For a demand, every supply's score is bounded by

    bound = parameters weight × 100 + its cell's location and payment + its price score,

and "price score ≥ x" is a window of prices around the target (or under a limit without one),
so "every supply whose bound reaches θ" is one price window per cell, found by binary search.
The top ``k`` by exact score among those is the true top ``k`` once the ``k``-th best rounded
total T satisfies T − ½ ≥ θ: anything left out has a raw score under θ, so a rounded total
under T. θ starts just under the best bound and falls to T − ½ when that is not yet so (at most
a few rounds). Ranking: rounded total, best first, then the supply's position.

Demands are worked out in batches (``top_k_many``): the per-cell location and payment scores,
and each parameter's score of every distinct value (HVI results have one or two decimals, so a
column is stored as codes into its sorted distinct values), are tables computed for the whole
batch at once, and all the (demand, supply) pairs of the batch are scored in one pass of
lookups, a bounded number of pairs at a time. The arithmetic is that of ``scoring_arrays``
operation by operation, so the totals are bit for bit those of ``totals_many``.

Supplies quoted without a price unit (in "the demand's unit") cannot be ordered by price ahead
of the demand and are refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from tradehub.masters.units import kg_per
from tradehub.trade_desk.scoring import (
    LOCATION_REGION,
    LOCATION_STATE,
    LOCATION_STATION,
    LOCATION_TRADER,
    PAYMENT_RANK,
    Demand,
    Template,
    price_unit,
)
from tradehub.trade_desk.scoring_arrays import (
    NONE_CODE,
    ROUNDING_SLACK,
    Bools,
    Floats,
    Ints,
    SupplyArrays,
    lowest_price,
    parameter_terms,
    round_half_up,
)

CREDIT: Final = PAYMENT_RANK["credit"]
FIRST_MARGIN: Final = 1.0  # θ starts this far under the best bound (measured: bench/README.md)
WIDEN: Final = 1e-9  # windows are widened by this share so float edges never drop a supply
WIDEN_STEP: Final = 4.0  # θ falls by this (then twice as much, …) while fewer than k reach it


@dataclass(frozen=True)
class Levels:
    """A parameter column as codes into its sorted distinct values (NaN, missing, last)."""

    values: Floats
    codes: Ints  # per row, in index order


@dataclass(frozen=True)
class SupplyIndex:
    arrays: SupplyArrays  # as given (positions are into these)
    original: Ints  # per row: the position of the supply in ``arrays``
    cell: Ints  # per row
    levels: Mapping[str, Levels]
    price_per_kg: Floats  # per row
    inverse_price_per_kg: Floats  # per row
    cell_place: Ints  # per cell: the place and terms it stands for
    cell_terms: Ints
    cell_start: Ints  # per cell: first row, and one past the last
    cell_end: Ints
    keys: Floats  # per row: cell × span + price per kg (missing prices after every price)
    span: float

    @property
    def size(self) -> int:
        return int(self.original.shape[0])

    @classmethod
    def build(cls, arrays: SupplyArrays) -> SupplyIndex:
        if arrays.has_unitless_prices:
            raise ValueError("supplies quoted without a price unit cannot be indexed")
        n_terms = max(int(arrays.terms_table.rank.shape[0]), 1)
        cells, cell = np.unique(arrays.place * n_terms + arrays.terms, return_inverse=True)
        prices = arrays.price_per_kg
        top = float(np.nanmax(prices)) if np.any(~np.isnan(prices)) else 1.0
        span = 2.0 * top + 2.0
        keys = cell * span + np.where(np.isnan(prices), span - 1.0, prices)
        order = np.argsort(keys, kind="stable")
        sorted_cell = cell[order]
        numbers = np.arange(cells.shape[0])
        levels = {}
        for name, column in arrays.parameters.items():
            values, codes = np.unique(column[order], return_inverse=True, equal_nan=True)
            levels[name] = Levels(values=values.astype(np.float64), codes=codes.ravel())
        return cls(
            arrays=arrays,
            original=order,
            cell=sorted_cell,
            levels=levels,
            price_per_kg=prices[order],
            inverse_price_per_kg=arrays.inverse_price_per_kg[order],
            cell_place=cells // n_terms,
            cell_terms=cells % n_terms,
            cell_start=np.searchsorted(sorted_cell, numbers, side="left"),
            cell_end=np.searchsorted(sorted_cell, numbers, side="right"),
            keys=keys[order],
            span=span,
        )


@dataclass(frozen=True)
class TopK:
    positions: Ints  # of the supplies in ``SupplyIndex.arrays``, best first
    totals: Ints  # their rounded totals
    scored: int  # supplies scored exactly to find them (the rest were pruned by their bound)


@dataclass(frozen=True)
class _Batch:
    """What a batch of demands needs, worked out once for all of them (row r: demand r)."""

    places: Floats  # (R, places): weighted location score
    terms: Floats  # (R, terms): weighted payment score
    best: Floats  # (R, cells): bound without the price (parameters at their best)
    tables: dict[str, Floats]  # name → (R, levels): weighted score of each distinct value
    constant: Floats  # (R,): the parameters' share when a demand weighs nothing
    target: Bools  # (R,): compares with a target price
    ratio: Floats  # (R,): kg / target (the price score's slope per kg price)
    lowest_factor: Floats  # (R,): lowest / kg × 100 × price weight
    target_per_kg: Floats  # (R,)
    lowest_per_kg: Floats  # (R,)
    price_weight: float


def _terms_table(
    demands: Sequence[Demand], index: SupplyIndex, template: Template
) -> tuple[dict[str, Floats], Floats]:
    """Per parameter, each demand's weighted score of every distinct value: the arithmetic of
    ``add_term``, row by row (a demand not asking it: 0)."""
    weight = float(template.parameters_weight)
    rows = [parameter_terms(d, template, weight) for d in demands]
    constant = np.array([100.0 * weight if r is None else 0.0 for r in rows])
    tables = {}
    for name, levels in index.levels.items():
        asked = [next((t for t in r or [] if t.name == name), None) for r in rows]
        if not any(asked):
            continue

        def column(field: str, default: float, asked: list[Any] = asked) -> Floats:
            return np.array([default if t is None else getattr(t, field) for t in asked])[:, None]

        values = levels.values[None, :]
        two_sided = np.array([t is not None and t.two_sided for t in asked])[:, None]
        mult = column("mult", 0.0)
        score = np.where(two_sided, np.abs(values - column("middle", 0.0)) * mult, values * mult)
        score = np.fmax(np.minimum(score + column("add", 0.0), column("top", 0.0)), 0.0)
        tables[name] = np.where(np.array([t is not None for t in asked])[:, None], score, 0.0)
    return tables, constant


def _places_table(demands: Sequence[Demand], arrays: SupplyArrays) -> Floats:
    """``location_table`` of each demand, as rows."""
    places = arrays.places
    trader = np.where(places.trader, float(LOCATION_TRADER), 0.0)
    score = np.broadcast_to(trader, (len(demands), trader.shape[0]))
    tiers = (
        ("state", [d.state_code for d in demands], places.state, LOCATION_STATE),
        ("region", [d.region for d in demands], places.region, LOCATION_REGION),
        ("station", [d.station_id for d in demands], places.station, LOCATION_STATION),
    )
    for kind, values, codes, points in tiers:
        wanted = np.array([NONE_CODE - 1 if v is None else arrays.code_of(kind, v) for v in values])
        asked = np.array([v is not None for v in values])[:, None]
        score = np.where(asked & (codes[None, :] == wanted[:, None]), float(points), score)
    nowhere = np.array(
        [d.station_id is None and d.region is None and d.state_code is None for d in demands]
    )
    return np.where(nowhere[:, None], 100.0, score)


def _payments_table(demands: Sequence[Demand], arrays: SupplyArrays) -> Floats:
    """``payment_table`` of each demand, as rows."""
    terms = arrays.terms_table
    asked = np.array(
        [
            PAYMENT_RANK.get(d.payment_terms or "", NONE_CODE) if d.payment_terms else NONE_CODE
            for d in demands
        ]
    )[:, None]
    days = np.array([d.payment_days or 0 for d in demands])[:, None]
    delivery = np.array(
        [np.inf if d.delivery_days is None else float(d.delivery_days) for d in demands]
    )[:, None]
    supported = (asked == NONE_CODE) | (terms.rank[None, :] >= asked)
    both_credit = (asked == CREDIT) & (terms.rank[None, :] == CREDIT)
    supported &= ~both_credit | (terms.days[None, :] >= days)
    supported &= np.isinf(delivery) | (terms.delivery[None, :] <= delivery)
    return np.where(supported, 100.0, 0.0)


def _batch(demands: Sequence[Demand], index: SupplyIndex, template: Template) -> _Batch:
    arrays = index.arrays
    places = _places_table(demands, arrays) * float(template.location_weight)
    terms = _payments_table(demands, arrays) * float(template.payment_weight)
    tables, constant = _terms_table(demands, index, template)
    price_weight = float(template.price_weight)
    target, ratio, factor, target_kg, lowest_kg = [], [], [], [], []
    for d in demands:
        kg = float(kg_per(price_unit(d.price_unit)))
        t = None if d.target_price is None else float(d.target_price)
        lowest = lowest_price(d, arrays)
        target.append(t is not None and t > 0)
        ratio.append(kg / t if t is not None and t > 0 else np.nan)  # as price_into does
        factor.append(np.nan if lowest is None else lowest / kg * 100.0 * price_weight)
        target_kg.append(t / kg if t is not None and t > 0 else np.nan)
        lowest_kg.append(np.nan if lowest is None else lowest / kg)
    best = places[:, index.cell_place] + terms[:, index.cell_terms]
    best += 100.0 * float(template.parameters_weight)
    return _Batch(
        places=places,
        terms=terms,
        best=best,
        tables=tables,
        constant=constant,
        target=np.array(target),
        ratio=np.array(ratio),
        lowest_factor=np.array(factor),
        target_per_kg=np.array(target_kg),
        lowest_per_kg=np.array(lowest_kg),
        price_weight=price_weight,
    )


def _ranges(
    index: SupplyIndex, batch: _Batch, rows: Ints, theta: Floats
) -> tuple[Ints, Ints, Ints]:
    """(demand, start, end) of every cell's window of rows whose bound reaches ``theta``, for
    the demands ``rows`` of the batch. A cell reaching it without the price is taken whole
    (missing prices too); one that needs a price score is searched for its price window."""
    need = theta[:, None] - batch.best[rows]  # what the price score must bring
    weight = batch.price_weight * 100.0
    whole_demand, whole_cell = np.nonzero(need <= 0)
    part_demand, part_cell = np.nonzero((need > 0) & (need <= weight * (1.0 + WIDEN)))
    share = need[part_demand, part_cell] / weight if weight > 0 else need[part_demand, part_cell]
    demand = rows[part_demand]
    target = batch.target[demand]
    reach = (1.0 - share) * (1.0 + WIDEN) + WIDEN  # |p/t − 1| ≤ 1 − share
    target_kg = batch.target_per_kg[demand]
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.where(target, target_kg * (1.0 - reach), 0.0)
        ceiling = batch.lowest_per_kg[demand] / share * (1.0 + WIDEN)  # lowest/p ≥ share
    high = np.where(target, target_kg * (1.0 + reach), ceiling)
    high = np.nan_to_num(np.minimum(high, index.span - 2.0), nan=-1.0)  # never missing prices
    base = part_cell * index.span
    return (
        np.concatenate([rows[whole_demand], demand]),
        np.concatenate([index.cell_start[whole_cell], np.searchsorted(index.keys, base + low)]),
        np.concatenate(
            [index.cell_end[whole_cell], np.searchsorted(index.keys, base + high, side="right")]
        ),
    )


def _totals(index: SupplyIndex, batch: _Batch, demand: Ints, rows: Ints) -> Floats:
    """Raw totals of (demand, row) pairs, summed as ``totals_many`` sums them (same floats)."""
    raw = batch.constant[demand]
    for name in sorted(batch.tables):
        table = batch.tables[name]
        raw = raw + table.ravel()[demand * table.shape[1] + index.levels[name].codes[rows]]
    per_kg = index.price_per_kg[rows]
    scale = batch.price_weight
    by_target = np.abs(per_kg * batch.ratio[demand] - 1.0) * (-100.0 * scale) + 100.0 * scale
    by_lowest = np.minimum(
        index.inverse_price_per_kg[rows] * batch.lowest_factor[demand], 100.0 * scale
    )
    price = np.where(batch.target[demand], np.fmax(by_target, 0.0), by_lowest)
    raw += np.where(np.isnan(price), 0.0, price)
    cells = index.cell[rows]
    raw += batch.places[demand, index.cell_place[cells]]
    raw += batch.terms[demand, index.cell_terms[cells]]
    return raw


def _pairs(starts: Ints, ends: Ints, owners: Ints) -> tuple[Ints, Ints]:
    """Every (owner, row) of the ranges ``[start, end)``."""
    counts = np.maximum(ends - starts, 0)
    total = int(counts.sum())
    offsets = np.cumsum(counts) - counts
    rows = np.repeat(starts - offsets, counts) + np.arange(total)
    return np.repeat(owners, counts), rows


def _kth_totals(demand: Ints, totals: Ints, size: int, k: int) -> tuple[Ints, Ints]:
    """Per demand of the batch: how many totals it has, and its k-th best (−1: fewer)."""
    counts = np.bincount(demand * 101 + totals, minlength=size * 101).reshape(size, 101)
    from_top = np.cumsum(counts[:, ::-1], axis=1)
    kth = 100 - np.argmax(from_top >= k, axis=1)
    had = from_top[:, -1]
    return had, np.where(had >= k, kth, -1)


def _chosen(demand: Ints, positions: Ints, totals: Ints, k: int) -> tuple[Ints, Ints, Ints]:
    """The best ``k`` (demand, position, total) of each demand: total desc, position asc."""
    order = np.lexsort((positions, -totals, demand))
    demand, positions, totals = demand[order], positions[order], totals[order]
    first = np.searchsorted(demand, demand, side="left")
    keep = np.arange(demand.shape[0]) - first < k
    return demand[keep], positions[keep], totals[keep]


def top_k_many(
    demands: Sequence[Demand],
    index: SupplyIndex,
    template: Template,
    k: int,
    *,
    batch_size: int = 128,
    pair_limit: int = 2_000_000,
) -> list[TopK]:
    """``top_k`` of each demand, worked out ``batch_size`` demands at a time; the (demand,
    supply) pairs scored at once are kept under about ``pair_limit`` (memory stays bounded)."""
    found: list[TopK] = []
    for first in range(0, len(demands), batch_size):
        found += _top_k_batch(demands[first : first + batch_size], index, template, k, pair_limit)
    return found


def _top_k_batch(
    demands: Sequence[Demand], index: SupplyIndex, template: Template, k: int, pair_limit: int
) -> list[TopK]:
    empty = np.empty(0, dtype=np.int64)
    if k <= 0 or index.size == 0:
        return [TopK(empty, empty, 0) for _ in demands]
    batch = _batch(demands, index, template)
    theta = batch.best.max(axis=1) + batch.price_weight * 100.0 - FIRST_MARGIN
    scored = np.zeros(len(demands), dtype=np.int64)
    step = np.full(len(demands), WIDEN_STEP)
    results: dict[int, TopK] = {}
    pending = np.arange(len(demands))
    while pending.size:
        owners, starts, ends = _ranges(index, batch, pending, theta[pending])
        sizes = np.bincount(owners, weights=np.maximum(ends - starts, 0), minlength=len(demands))
        # Groups of pending demands whose pairs stay under the limit (one demand at least).
        cumulative = np.cumsum(sizes[pending])
        group_of = (cumulative - sizes[pending]) // max(pair_limit, 1)
        retry = []
        for group in np.unique(group_of):
            members = pending[group_of == group]
            mine = np.isin(owners, members)
            demand, rows = _pairs(starts[mine], ends[mine], owners[mine])
            totals = round_half_up(_totals(index, batch, demand, rows))
            had, kth = _kth_totals(demand, totals, len(demands), k)
            scored += had
            everything = had == index.size
            done = (kth >= 0) & (kth - 0.5 - ROUNDING_SLACK >= theta) | everything
            done_members = members[done[members]]
            keep = np.isin(demand, done_members) & (totals >= np.maximum(kth, 0)[demand])
            best_demand, positions, best_totals = _chosen(
                demand[keep], index.original[rows[keep]], totals[keep], k
            )
            for r in done_members:
                mine_best = best_demand == r
                results[int(r)] = TopK(positions[mine_best], best_totals[mine_best], int(scored[r]))
            for r in members[~done[members]]:
                # T − ½ makes the next round the last; with fewer than k, widen (doubling).
                if kth[r] >= 0:
                    theta[r] = kth[r] - 0.5 - 2 * ROUNDING_SLACK
                else:
                    theta[r] -= step[r]
                    step[r] *= 2
                retry.append(r)
        pending = np.array(retry, dtype=np.int64)
    return [results[r] for r in range(len(demands))]


def top_k(demand: Demand, index: SupplyIndex, template: Template, k: int) -> TopK:
    """The best ``k`` supplies for ``demand`` (fewer when there are fewer)."""
    return top_k_many([demand], index, template, k)[0]
