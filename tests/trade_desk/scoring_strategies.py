"""Builders and hypothesis strategies for the scoring tests."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from tradehub.trade_desk.scoring import Band, Demand, Supply, Template

PARAMETERS = ("staple_mm", "mic", "strength_gpt", "trash_pct", "moisture_pct")
STATIONS = tuple(uuid.UUID(int=i) for i in range(1, 5))
REGIONS = ("Vidarbha", "Marathwada", "Saurashtra")
STATES = ("27", "24")
PAYMENT_TERMS = ("advance", "against_delivery", "credit")
PRICE_UNITS = ("candy", "quintal", "bale", "kg")


def demand(**overrides: Any) -> Demand:
    fields: dict[str, Any] = {
        "parameters": {},
        "target_price": None,
        "price_unit": "candy",
        "station_id": None,
        "region": None,
        "state_code": None,
        "payment_terms": None,
        "payment_days": None,
        "delivery_days": None,
    }
    fields.update(overrides)
    return Demand(**fields)


def supply(**overrides: Any) -> Supply:
    fields: dict[str, Any] = {
        "parameters": {},
        "price": Decimal(48000),
        "price_unit": "candy",
        "station_id": None,
        "region": None,
        "state_code": None,
        "seller_is_trader": False,
        "payment_terms": None,
        "payment_days": None,
        "delivery_days": None,
    }
    fields.update(overrides)
    return Supply(**fields)


def decimals(low: str, high: str, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.decimals(Decimal(low), Decimal(high), places=places, allow_nan=False)


@st.composite
def bands(draw: st.DrawFn) -> Band:
    a, b = sorted([draw(decimals("0", "40", 1)), draw(decimals("0", "40", 1))])
    kind = draw(st.sampled_from(["both", "min", "max", "none"]))
    return Band(
        min=a if kind in ("both", "min") else None,
        max=b if kind in ("both", "max") else None,
    )


@st.composite
def templates(draw: st.DrawFn) -> Template:
    # Four non-negative weights in hundredths summing to 1.
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=3, max_size=3)))
    parts = [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 100 - cuts[2]]
    parameter_weights = {
        name: draw(decimals("0", "2", 1)) for name in PARAMETERS if draw(st.booleans())
    }
    return Template(
        parameter_weights=parameter_weights,
        parameters_weight=Decimal(parts[0]) / 100,
        price_weight=Decimal(parts[1]) / 100,
        location_weight=Decimal(parts[2]) / 100,
        payment_weight=Decimal(parts[3]) / 100,
    )


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def demands(draw: st.DrawFn) -> Demand:
    names = draw(st.lists(st.sampled_from(PARAMETERS), unique=True, max_size=5))
    return demand(
        parameters={name: draw(bands()) for name in names},
        target_price=draw(_maybe(decimals("100", "80000", 2))),
        price_unit=draw(st.sampled_from(PRICE_UNITS)),
        station_id=draw(_maybe(st.sampled_from(STATIONS))),
        region=draw(_maybe(st.sampled_from(REGIONS))),
        state_code=draw(_maybe(st.sampled_from(STATES))),
        payment_terms=draw(_maybe(st.sampled_from(PAYMENT_TERMS))),
        payment_days=draw(_maybe(st.integers(0, 120))),
        delivery_days=draw(_maybe(st.integers(0, 60))),
    )


@st.composite
def supplies(draw: st.DrawFn) -> Supply:
    names = draw(st.lists(st.sampled_from(PARAMETERS), unique=True, max_size=5))
    return supply(
        parameters={name: draw(decimals("0", "45", 2)) for name in names},
        price=draw(_maybe(decimals("0", "90000", 2))),
        price_unit=draw(_maybe(st.sampled_from(PRICE_UNITS))),
        station_id=draw(_maybe(st.sampled_from(STATIONS))),
        region=draw(_maybe(st.sampled_from(REGIONS))),
        state_code=draw(_maybe(st.sampled_from(STATES))),
        seller_is_trader=draw(st.booleans()),
        payment_terms=draw(_maybe(st.sampled_from(PAYMENT_TERMS))),
        payment_days=draw(_maybe(st.integers(0, 120))),
        delivery_days=draw(_maybe(st.integers(0, 60))),
    )
