"""Match score of a requirement against an offer or a tested lot (domain.md §4.4). Pure.

``score_one`` is the reference: exact rational arithmetic (``Fraction``; ``Decimal`` division
would round 100/3 and can tip a total that is exactly x.5 the wrong way), one pair at a time,
used when an offer is created and by the property tests. ``score_many`` (in
``scoring_arrays``) is the same formula in numpy over many supplies at once and agrees with
``score_one`` on every total and label and on every component to the displayed 0.01.

Choices the spec leaves open (written down in the module README as well):

- **Parameters.** Only the requirement's parameters count. A value inside ``[min, max]`` scores
  100; a missing value 0; otherwise ``max(0, 100 − dist/(3·tol)·100)`` with
  ``tol = max(max − min, 1)``. For a **one-sided band** ("trash max 3") the band has no width,
  so ``tol`` is the formula's floor, 1: the buyer named a limit and means it, and borrowing the
  commodity's whole range as a width would let a clear miss score in the nineties. A band with
  neither bound accepts any present value. The weighted mean uses the template's parameter
  weights (a parameter the template does not know weighs 1); a requirement with no parameters,
  or whose weights are all 0, scores 100 (nothing was asked).
- **Price** is converted to the requirement's price unit by weight (bale 170 kg, candy 355.6 kg,
  …). With a target ``t > 0``: ``max(0, 100 − |p − t|/t·100)``. Without one:
  ``lowest/p·100`` where ``lowest`` is the lowest price among the candidates, passed by the
  caller as ``lowest_price`` in the requirement's unit (``None``: this supply is the only one,
  so it is the lowest and scores 100). A missing or non-positive price scores 0.
- **Location**: same station 100, same region 85, same state 70, a trader (who sources
  anywhere) 60, otherwise 0. A requirement that names no place at all scores 100.
- **Payment/delivery** is one component, 100 when both are supported, else 0. Payment is
  supported when the requirement asks nothing, or the supply's terms are at least as good for
  the buyer: ``advance`` < ``against_delivery`` < ``credit``, and credit against credit needs
  offered days ≥ asked days. Delivery is supported when the requirement asks nothing or the
  supply delivers within the asked days. Unknown terms on the supply side are not supported.
- **Total** = round-half-up of the weighted sum of the unrounded components; the components are
  shown rounded half-up to 0.01.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final
from uuid import UUID

from tradehub.masters.units import PRECISION, Unit, kg_per

HUNDRED: Final = Fraction(100)
ZERO: Final = Fraction(0)
ONE: Final = Decimal(1)
CENT: Final = Decimal("0.01")

DEFAULT_PARAMETERS_WEIGHT: Final = Decimal("0.45")
DEFAULT_PRICE_WEIGHT: Final = Decimal("0.35")
DEFAULT_LOCATION_WEIGHT: Final = Decimal("0.10")
DEFAULT_PAYMENT_WEIGHT: Final = Decimal("0.10")
DEFAULT_PARAMETER_WEIGHT: Final = ONE  # a parameter the template does not list

LOCATION_STATION: Final = Fraction(100)
LOCATION_REGION: Final = Fraction(85)
LOCATION_STATE: Final = Fraction(70)
LOCATION_TRADER: Final = Fraction(60)

# How good a payment term is for the buyer: a supply is acceptable when it is at least as good.
PAYMENT_RANK: Final[Mapping[str, int]] = MappingProxyType(
    {"advance": 0, "against_delivery": 1, "credit": 2}
)

# Price units as they are written in requests and parses, to the masters' units.
_PRICE_UNITS: Final[Mapping[str, Unit]] = MappingProxyType(
    {
        "candy": Unit.CANDY,
        "per_candy": Unit.CANDY,
        "bale": Unit.BALES,
        "bales": Unit.BALES,
        "per_bale": Unit.BALES,
        "quintal": Unit.QUINTAL,
        "qtl": Unit.QUINTAL,
        "per_quintal": Unit.QUINTAL,
        "kg": Unit.KG,
        "kgs": Unit.KG,
        "per_kg": Unit.KG,
        "tonne": Unit.TONNE,
        "tonnes": Unit.TONNE,
        "per_tonne": Unit.TONNE,
    }
)


def price_unit(name: str) -> Unit:
    """The masters' unit a price is quoted per (``"candy"``, ``"per_candy"``, ``"bale"``, …)."""
    try:
        return _PRICE_UNITS[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown price unit: {name!r}") from None


def exact_price(price: Decimal | Fraction, from_unit: str, to_unit: str) -> Fraction:
    """A price per ``from_unit`` expressed per ``to_unit`` (₹/candy → ₹/quintal, …), exact."""
    source, target = price_unit(from_unit), price_unit(to_unit)
    if source is target:
        return Fraction(price)
    return Fraction(price) * Fraction(kg_per(target)) / Fraction(kg_per(source))


def convert_price(price: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """``exact_price`` as a ``Decimal`` (50 significant digits, unrounded for money purposes)."""
    exact = exact_price(price, from_unit, to_unit)
    return PRECISION.divide(Decimal(exact.numerator), Decimal(exact.denominator))


@dataclass(frozen=True)
class Band:
    """The range a requirement asks for one parameter; either side may be open."""

    min: Decimal | None
    max: Decimal | None

    def __post_init__(self) -> None:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"band min {self.min} is above max {self.max}")

    @property
    def tolerance(self) -> Decimal:
        """``max(max − min, 1)``; 1 for a one-sided band (see the module docstring)."""
        if self.min is None or self.max is None:
            return ONE
        return max(self.max - self.min, ONE)


@dataclass(frozen=True)
class Demand:
    """A requirement, as far as scoring is concerned."""

    parameters: Mapping[str, Band]
    target_price: Decimal | None
    price_unit: str
    station_id: UUID | None
    region: str | None
    state_code: str | None
    payment_terms: str | None
    payment_days: int | None
    delivery_days: int | None


@dataclass(frozen=True)
class Supply:
    """An offer or a tested lot, as far as scoring is concerned."""

    parameters: Mapping[str, Decimal]
    price: Decimal | None
    price_unit: str | None  # None: quoted in the requirement's unit
    station_id: UUID | None
    region: str | None
    state_code: str | None
    seller_is_trader: bool
    payment_terms: str | None
    payment_days: int | None
    delivery_days: int | None


@dataclass(frozen=True)
class Template:
    """Per commodity: the weight of each quality parameter and of the four components.

    The four component weights are non-negative and sum to 1 so that the total stays in 0–100.
    """

    parameter_weights: Mapping[str, Decimal] = field(default_factory=dict)
    parameters_weight: Decimal = DEFAULT_PARAMETERS_WEIGHT
    price_weight: Decimal = DEFAULT_PRICE_WEIGHT
    location_weight: Decimal = DEFAULT_LOCATION_WEIGHT
    payment_weight: Decimal = DEFAULT_PAYMENT_WEIGHT

    def __post_init__(self) -> None:
        components = self.component_weights()
        if any(weight < 0 for weight in components.values()):
            raise ValueError("component weights may not be negative")
        if sum(components.values()) != ONE:
            raise ValueError(f"component weights must sum to 1, not {sum(components.values())}")
        if any(weight < 0 for weight in self.parameter_weights.values()):
            raise ValueError("parameter weights may not be negative")

    def weight_of(self, parameter: str) -> Decimal:
        return self.parameter_weights.get(parameter, DEFAULT_PARAMETER_WEIGHT)

    def component_weights(self) -> dict[str, Decimal]:
        return {
            "parameters": self.parameters_weight,
            "price": self.price_weight,
            "location": self.location_weight,
            "payment": self.payment_weight,
        }


@dataclass(frozen=True)
class Score:
    total: int
    parameters: Decimal
    price: Decimal
    location: Decimal
    payment: Decimal
    # value − nearest bound for each requirement parameter the supply has: 0 inside the band,
    # negative below min, positive above max. Missing parameters are listed in ``missing``.
    deviations: Mapping[str, Decimal]
    label: str
    parameter_scores: Mapping[str, Decimal] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    def breakdown(self) -> dict[str, Any]:
        """The JSON-ready ``score_breakdown``: decimals as strings, the total as an integer."""
        return {
            "total": self.total,
            "label": self.label,
            "parameters": str(self.parameters),
            "price": str(self.price),
            "location": str(self.location),
            "payment": str(self.payment),
            "parameter_scores": {name: str(s) for name, s in self.parameter_scores.items()},
            "missing_parameters": list(self.missing),
        }

    def deviations_json(self) -> dict[str, str]:
        """``parameter_deviations`` as JSON strings."""
        return {name: str(value) for name, value in self.deviations.items()}


def label_for(total: int) -> str:
    if total >= 90:
        return "best"
    if total >= 75:
        return "good"
    if total >= 60:
        return "average"
    return "poor"


def deviation(value: Decimal, band: Band) -> Decimal:
    """Signed distance from ``value`` to ``band``: 0 inside, negative below, positive above."""
    if band.min is not None and value < band.min:
        return value - band.min
    if band.max is not None and value > band.max:
        return value - band.max
    return Decimal(0)


def parameter_score(value: Decimal | None, band: Band) -> Fraction:
    if value is None:
        return ZERO
    distance = Fraction(abs(deviation(value, band)))
    if distance == 0:
        return HUNDRED
    return max(ZERO, HUNDRED - distance / (3 * Fraction(band.tolerance)) * HUNDRED)


def parameters_score(scores: Mapping[str, Fraction], template: Template) -> Fraction:
    """Weighted mean of per-parameter scores; 100 when nothing (or nothing weighed) was asked."""
    weights = {name: Fraction(template.weight_of(name)) for name in scores}
    total_weight = sum(weights.values(), ZERO)
    if total_weight == 0:
        return HUNDRED
    return sum((weights[name] * s for name, s in scores.items()), ZERO) / total_weight


def price_in_demand_unit(demand: Demand, supply: Supply) -> Fraction | None:
    if supply.price is None:
        return None
    return exact_price(supply.price, supply.price_unit or demand.price_unit, demand.price_unit)


def price_score(
    price: Fraction | None, target: Decimal | None, lowest: Decimal | Fraction | None
) -> Fraction:
    """``price``, ``target`` and ``lowest`` all per the requirement's price unit."""
    if price is None or price <= 0:
        return ZERO
    if target is not None and target > 0:
        return max(ZERO, HUNDRED - abs(price - Fraction(target)) / Fraction(target) * HUNDRED)
    if lowest is None or lowest <= 0:
        return HUNDRED
    return min(HUNDRED, Fraction(lowest) / price * HUNDRED)


def location_score(demand: Demand, supply: Supply) -> Fraction:
    if demand.station_id is None and demand.region is None and demand.state_code is None:
        return HUNDRED
    if demand.station_id is not None and supply.station_id == demand.station_id:
        return LOCATION_STATION
    if demand.region is not None and supply.region == demand.region:
        return LOCATION_REGION
    if demand.state_code is not None and supply.state_code == demand.state_code:
        return LOCATION_STATE
    if supply.seller_is_trader:
        return LOCATION_TRADER
    return ZERO


def payment_supported(demand: Demand, supply: Supply) -> bool:
    if demand.payment_terms is None:
        return True
    asked = PAYMENT_RANK.get(demand.payment_terms)
    offered = PAYMENT_RANK.get(supply.payment_terms or "")
    if asked is None:
        return True  # a term we do not rank asks nothing we can check
    if offered is None or offered < asked:
        return False
    if offered == asked == PAYMENT_RANK["credit"]:
        return (supply.payment_days or 0) >= (demand.payment_days or 0)
    return True


def delivery_supported(demand: Demand, supply: Supply) -> bool:
    if demand.delivery_days is None:
        return True
    return supply.delivery_days is not None and supply.delivery_days <= demand.delivery_days


def payment_score(demand: Demand, supply: Supply) -> Fraction:
    supported = payment_supported(demand, supply) and delivery_supported(demand, supply)
    return HUNDRED if supported else ZERO


def round_score(value: Fraction) -> int:
    """Half-up to a whole number, exactly (scores are never negative)."""
    whole, remainder = divmod(value.numerator, value.denominator)
    return whole + (1 if 2 * remainder >= value.denominator else 0)


def cents(value: Fraction) -> Decimal:
    """A score as shown: half-up to 0.01 (exact: the division is done on integers)."""
    hundredths = round_score(value * 100)
    return (Decimal(hundredths) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def score_one(
    demand: Demand,
    supply: Supply,
    template: Template,
    *,
    lowest_price: Decimal | Fraction | None = None,
) -> Score:
    """Score one supply against one demand. ``lowest_price``: see the module docstring."""
    per_parameter = {
        name: parameter_score(supply.parameters.get(name), band)
        for name, band in demand.parameters.items()
    }
    deviations = {
        name: deviation(supply.parameters[name], band)
        for name, band in demand.parameters.items()
        if supply.parameters.get(name) is not None
    }
    missing = tuple(name for name in demand.parameters if supply.parameters.get(name) is None)
    parameters = parameters_score(per_parameter, template)
    price = price_score(price_in_demand_unit(demand, supply), demand.target_price, lowest_price)
    location = location_score(demand, supply)
    payment = payment_score(demand, supply)
    total = round_score(
        Fraction(template.parameters_weight) * parameters
        + Fraction(template.price_weight) * price
        + Fraction(template.location_weight) * location
        + Fraction(template.payment_weight) * payment
    )
    return Score(
        total=total,
        parameters=cents(parameters),
        price=cents(price),
        location=cents(location),
        payment=cents(payment),
        deviations=deviations,
        label=label_for(total),
        parameter_scores={name: cents(s) for name, s in per_parameter.items()},
        missing=missing,
    )
