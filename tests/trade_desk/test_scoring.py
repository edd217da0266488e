"""Every clause of the match score (domain.md §4.4), exact Decimal reference ``score_one``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.trade_desk.scoring_strategies import (
    REGIONS,
    STATES,
    STATIONS,
    bands,
    decimals,
    demand,
    demands,
    supplies,
    supply,
    templates,
)
from tradehub.trade_desk import scoring
from tradehub.trade_desk.scoring import (
    Band,
    Demand,
    Supply,
    Template,
    convert_price,
    exact_price,
    label_for,
    parameter_score,
    price_unit,
    score_one,
)

D = Decimal
F = Fraction


def shown(value: Fraction | Decimal) -> Decimal:
    """How a component is shown: half-up to 0.01, from the exact value."""
    exact = Fraction(value)
    decimal = Context(prec=60).divide(Decimal(exact.numerator), Decimal(exact.denominator))
    return decimal.quantize(D("0.01"), rounding=ROUND_HALF_UP)


PARAMETERS_ONLY = Template(
    parameters_weight=D(1), price_weight=D(0), location_weight=D(0), payment_weight=D(0)
)


def _inside(band: Band, data: st.DataObject) -> Decimal:
    low = band.min if band.min is not None else D(-50)
    high = band.max if band.max is not None else D(90)
    return data.draw(decimals(str(low), str(high), 2))


# --- parameters -------------------------------------------------------------------------


@given(band=bands(), data=st.data())
def test_a_value_inside_the_band_scores_100(band: Band, data: st.DataObject) -> None:
    assert parameter_score(_inside(band, data), band) == 100


@given(band=bands(), distance=decimals("0.01", "200", 2), below=st.booleans())
def test_outside_the_band_the_score_falls_linearly_over_three_tolerances(
    band: Band, distance: Decimal, below: bool
) -> None:
    assume(band.min is not None if below else band.max is not None)
    value = band.min - distance if below and band.min is not None else None
    if not below and band.max is not None:
        value = band.max + distance
    assert value is not None
    tolerance = (
        max(band.max - band.min, D(1)) if band.min is not None and band.max is not None else D(1)
    )
    expected = max(F(0), 100 - F(distance) / (3 * F(tolerance)) * 100)
    assert parameter_score(value, band) == expected
    assert parameter_score(value, band) < 100
    if distance >= 3 * tolerance:
        assert parameter_score(value, band) == 0


def test_falloff_examples() -> None:
    band = Band(D(28), D(30))  # tol 2: 6 units to reach 0
    assert parameter_score(D("27"), band) == F(250, 3)
    assert parameter_score(D("33"), band) == 50
    assert parameter_score(D("36"), band) == 0
    narrow = Band(D("3.5"), D("4.0"))  # width 0.5 → tol floored at 1
    assert parameter_score(D("4.3"), narrow) == 90
    one_sided = Band(None, D(3))  # tol 1 (documented): 3 units to reach 0
    assert parameter_score(D("4.5"), one_sided) == 50
    assert parameter_score(D("-100"), one_sided) == 100
    assert parameter_score(D("7"), Band(None, None)) == 100


@given(band=bands(), d1=decimals("0", "50", 2), d2=decimals("0", "50", 2))
def test_the_score_never_rises_with_the_distance(band: Band, d1: Decimal, d2: Decimal) -> None:
    assume(band.max is not None)
    assert band.max is not None
    near, far = sorted([d1, d2])
    assert parameter_score(band.max + near, band) >= parameter_score(band.max + far, band)


@given(band=bands())
def test_a_missing_value_scores_0(band: Band) -> None:
    assert parameter_score(None, band) == 0
    score = score_one(
        demand(parameters={"mic": band, "staple_mm": Band(D(28), D(30))}),
        supply(parameters={"staple_mm": D(29)}),
        PARAMETERS_ONLY,
    )
    assert score.parameter_scores["mic"] == 0
    assert score.missing == ("mic",)
    assert "mic" not in score.deviations
    assert score.parameters == 50  # equal default weights: (0 + 100) / 2


def test_deviations_are_signed_distances_to_the_nearest_bound() -> None:
    score = score_one(
        demand(parameters={"staple_mm": Band(D(28), D(30)), "mic": Band(D("3.5"), D("4.5"))}),
        supply(parameters={"staple_mm": D("27.2"), "mic": D("4.9"), "trash_pct": D(2)}),
        PARAMETERS_ONLY,
    )
    assert score.deviations == {"staple_mm": D("-0.8"), "mic": D("0.4")}
    inside = score_one(
        demand(parameters={"staple_mm": Band(D(28), D(30))}),
        supply(parameters={"staple_mm": D(29)}),
        PARAMETERS_ONLY,
    )
    assert inside.deviations == {"staple_mm": 0}


@given(
    w1=decimals("0", "3", 1),
    w2=decimals("0", "3", 1),
    value=decimals("20", "40", 1),
)
def test_parameters_combine_as_the_weighted_mean_of_the_template_weights(
    w1: Decimal, w2: Decimal, value: Decimal
) -> None:
    template = Template(
        parameter_weights={"staple_mm": w1, "mic": w2},
        parameters_weight=D(1),
        price_weight=D(0),
        location_weight=D(0),
        payment_weight=D(0),
    )
    bands_ = {"staple_mm": Band(D(28), D(30)), "mic": Band(D("3.5"), D("4.5"))}
    score = score_one(
        demand(parameters=bands_),
        supply(parameters={"staple_mm": value, "mic": D(4)}),
        template,
    )
    staple = parameter_score(value, bands_["staple_mm"])
    expected = F(100) if w1 + w2 == 0 else (F(w1) * staple + F(w2) * 100) / F(w1 + w2)
    assert score.parameters == shown(expected)


def test_a_parameter_the_template_does_not_list_weighs_1_and_no_parameters_scores_100() -> None:
    template = Template(parameter_weights={"staple_mm": D(3)})
    score = score_one(
        demand(parameters={"staple_mm": Band(D(28), D(30)), "rd": Band(D(70), D(80))}),
        supply(parameters={"staple_mm": D(29)}),
        template,
    )
    assert score.parameters == 75  # (3·100 + 1·0) / 4
    assert score_one(demand(), supply(), template).parameters == 100


# --- price ------------------------------------------------------------------------------


@given(target=decimals("1000", "80000", 2), price=decimals("0.01", "160000", 2))
def test_price_with_a_target(target: Decimal, price: Decimal) -> None:
    score = score_one(demand(target_price=target), supply(price=price), Template())
    expected = max(F(0), 100 - F(abs(price - target)) / F(target) * 100)
    assert score.price == shown(expected)


def test_price_with_a_target_examples() -> None:
    at = score_one(demand(target_price=D(48000)), supply(price=D(48000)), Template())
    assert at.price == 100
    assert score_one(demand(target_price=D(48000)), supply(price=D(50400)), Template()).price == 95
    assert score_one(demand(target_price=D(48000)), supply(price=D(45600)), Template()).price == 95
    assert score_one(demand(target_price=D(100)), supply(price=D(250)), Template()).price == 0
    assert score_one(demand(target_price=D(100)), supply(price=None), Template()).price == 0


@given(lowest=decimals("1", "50000", 2), extra=decimals("0", "50000", 2))
def test_price_without_a_target_is_the_lowest_over_the_price(
    lowest: Decimal, extra: Decimal
) -> None:
    price = lowest + extra
    score = score_one(demand(), supply(price=price), Template(), lowest_price=lowest)
    assert score.price == shown(F(lowest) / F(price) * 100)
    assert score_one(demand(), supply(price=price), Template()).price == 100  # alone: lowest


def test_the_price_is_compared_in_the_requirement_unit() -> None:
    per_candy = D(48000)
    assert exact_price(per_candy, "candy", "quintal") == F(48000 * 100) / F(D("355.6"))
    per_quintal = convert_price(per_candy, "candy", "quintal")
    assert abs(per_quintal - D(48000) * 1000 / 3556) < D("1e-20")
    score = score_one(
        demand(target_price=per_candy, price_unit="candy"),
        supply(price=per_quintal.quantize(D("0.01")), price_unit="quintal"),
        Template(),
    )
    assert score.price == 100
    assert exact_price(per_candy, "per_candy", "bale") == F(48000 * 1700, 3556)
    unquoted = score_one(
        demand(target_price=D(100), price_unit="kg"),
        supply(price=D(100), price_unit=None),
        Template(),
    )
    assert unquoted.price == 100
    with pytest.raises(ValueError, match="unknown price unit"):
        price_unit("per_furlong")


# --- location ---------------------------------------------------------------------------


def test_location_tiers() -> None:
    asked = demand(station_id=STATIONS[0], region=REGIONS[0], state_code=STATES[0])

    def location(**where: object) -> Decimal:
        return score_one(asked, supply(**where), Template()).location

    assert location(station_id=STATIONS[0], region=REGIONS[0], state_code=STATES[0]) == 100
    assert location(station_id=STATIONS[1], region=REGIONS[0], state_code=STATES[0]) == 85
    assert location(station_id=STATIONS[1], region=REGIONS[1], state_code=STATES[0]) == 70
    assert location(station_id=STATIONS[1], region=REGIONS[1], state_code=STATES[1]) == 0
    assert location(station_id=STATIONS[2], state_code=STATES[1], seller_is_trader=True) == 60
    assert location(state_code=STATES[0], seller_is_trader=True) == 70  # the better tier wins
    assert score_one(demand(), supply(), Template()).location == 100  # nothing asked


@given(d=demands(), s=supplies())
def test_location_is_one_of_the_tiers_and_a_trader_never_scores_below_60(
    d: Demand, s: Supply
) -> None:
    score = score_one(d, s, Template()).location
    assert score in {0, 60, 70, 85, 100}
    if s.seller_is_trader:
        assert score >= 60


# --- payment and delivery ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "asked_days", "offered", "offered_days", "supported"),
    [
        (None, None, None, None, True),
        ("advance", None, "advance", None, True),
        ("advance", None, "against_delivery", None, True),  # better for the buyer
        ("advance", None, "credit", 30, True),
        ("against_delivery", None, "advance", None, False),
        ("against_delivery", None, None, None, False),  # unknown terms: not supported
        ("credit", 30, "credit", 30, True),
        ("credit", 30, "credit", 45, True),
        ("credit", 30, "credit", 15, False),
        ("credit", 30, "against_delivery", None, False),
    ],
)
def test_payment_terms(
    asked: str | None,
    asked_days: int | None,
    offered: str | None,
    offered_days: int | None,
    supported: bool,
) -> None:
    score = score_one(
        demand(payment_terms=asked, payment_days=asked_days),
        supply(payment_terms=offered, payment_days=offered_days),
        Template(),
    )
    assert score.payment == (100 if supported else 0)


@pytest.mark.parametrize(
    ("asked", "offered", "supported"),
    [(None, None, True), (15, 10, True), (15, 15, True), (15, 16, False), (15, None, False)],
)
def test_delivery_within_the_asked_days(
    asked: int | None, offered: int | None, supported: bool
) -> None:
    score = score_one(demand(delivery_days=asked), supply(delivery_days=offered), Template())
    assert score.payment == (100 if supported else 0)


def test_payment_needs_both_terms_and_delivery() -> None:
    score = score_one(
        demand(payment_terms="advance", delivery_days=10),
        supply(payment_terms="advance", delivery_days=20),
        Template(),
    )
    assert score.payment == 0


# --- total and label --------------------------------------------------------------------


@given(d=demands(), s=supplies(), template=templates(), lowest=st.none() | decimals("1", "9000"))
def test_the_total_is_the_rounded_weighted_sum_of_the_components(
    d: Demand, s: Supply, template: Template, lowest: Decimal | None
) -> None:
    score = score_one(d, s, template, lowest_price=lowest)
    assert 0 <= score.total <= 100
    # Recompute from the unrounded components.
    parameters = scoring.parameters_score(
        {n: parameter_score(s.parameters.get(n), b) for n, b in d.parameters.items()}, template
    )
    price = scoring.price_score(scoring.price_in_demand_unit(d, s), d.target_price, lowest)
    raw = (
        F(template.parameters_weight) * parameters
        + F(template.price_weight) * price
        + F(template.location_weight) * scoring.location_score(d, s)
        + F(template.payment_weight) * scoring.payment_score(d, s)
    )
    # Half-up: total − ½ ≤ raw < total + ½, on the exact value.
    assert F(score.total) - F(1, 2) <= raw < F(score.total) + F(1, 2)
    assert score.label == label_for(score.total)


def test_default_weights_and_half_up_rounding() -> None:
    # parameters 50, price 100, location 85, payment 0 → 22.5 + 35 + 8.5 + 0 = 66
    score = score_one(
        demand(
            parameters={"staple_mm": Band(D(28), D(30)), "mic": Band(D("3.5"), D("4.5"))},
            target_price=D(48000),
            region="Vidarbha",
            payment_terms="advance",
        ),
        supply(parameters={"staple_mm": D(29)}, price=D(48000), region="Vidarbha"),
        Template(),
    )
    assert (score.parameters, score.price, score.location, score.payment) == (50, 100, 85, 0)
    assert score.total == 66
    # 0.45·100 + 0.35·90 + 0.10·85 + 0 = 85.0; price 90 at 10 % off target
    half = score_one(
        demand(target_price=D(1000), state_code="27"),
        supply(price=D(1090), state_code="27", seller_is_trader=True),
        Template(
            parameters_weight=D("0.5"),
            price_weight=D("0.25"),
            location_weight=D("0.15"),
            payment_weight=D("0.1"),
        ),
    )
    # 50 + 0.25·91 + 0.15·70 + 10 = 50 + 22.75 + 10.5 + 10 = 93.25 → 93
    assert half.total == 93
    # 45 + 0.35·90 + 10 + 10 = 96.5 → 97 (half up, not to even)
    exact_half = score_one(demand(target_price=D(1000)), supply(price=D(1100)), Template())
    assert exact_half.price == 90
    assert exact_half.total == 97


@pytest.mark.parametrize(
    ("total", "label"),
    [
        (100, "best"),
        (90, "best"),
        (89, "good"),
        (75, "good"),
        (74, "average"),
        (60, "average"),
        (59, "poor"),
        (0, "poor"),
    ],
)
def test_labels(total: int, label: str) -> None:
    assert label_for(total) == label


def test_the_breakdown_is_json_ready() -> None:
    score = score_one(
        demand(parameters={"staple_mm": Band(D(28), D(30))}, target_price=D(48000)),
        supply(parameters={"staple_mm": D("27.5")}, price=D(47000)),
        Template(parameter_weights={"staple_mm": D(1)}),
    )
    breakdown = score.breakdown()
    assert breakdown == {
        "total": score.total,
        "label": score.label,
        "parameters": "91.67",
        "price": "97.92",
        "location": "100.00",
        "payment": "100.00",
        "parameter_scores": {"staple_mm": "91.67"},
        "missing_parameters": [],
    }
    assert score.deviations_json() == {"staple_mm": "-0.5"}


@pytest.mark.parametrize(
    "weights",
    [("0.5", "0.5", "0.1", "0"), ("-0.1", "0.6", "0.4", "0.1"), ("0.45", "0.35", "0.1", "0.05")],
)
def test_component_weights_must_be_non_negative_and_sum_to_1(weights: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="weights"):
        Template(
            parameters_weight=D(weights[0]),
            price_weight=D(weights[1]),
            location_weight=D(weights[2]),
            payment_weight=D(weights[3]),
        )


def test_a_band_with_min_above_max_is_refused() -> None:
    with pytest.raises(ValueError, match="above max"):
        Band(D(30), D(28))
