"""Pure rules of delivery orders and of this module's CCI glue (no database)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from tradehub.delivery.cci_domain import (
    MASTER_FIELDS,
    candy_rate,
    days_from,
    default_buyer_class,
    terms_from,
)
from tradehub.delivery.domain import (
    COUNTED,
    FINAL,
    TRANSITIONS,
    DeliveryAction,
    DeliveryStatus,
    bales_left,
    next_status,
)
from tradehub.pricing.cci import DEFAULT_TERMS, BuyerClass

statuses = st.sampled_from(list(DeliveryStatus))
actions = st.sampled_from(list(DeliveryAction))


def test_the_state_machine() -> None:
    s, a = DeliveryStatus, DeliveryAction
    assert next_status(s.SCHEDULED, a.DISPATCH) is s.DISPATCHED
    assert next_status(s.DISPATCHED, a.DELIVER) is s.DELIVERED
    assert next_status(s.SCHEDULED, a.CANCEL) is s.CANCELLED
    assert next_status(s.DISPATCHED, a.CANCEL) is s.CANCELLED
    assert next_status(s.SCHEDULED, a.DELIVER) is None  # nothing arrives before it leaves
    assert set(DeliveryStatus) - {s.CANCELLED} == COUNTED


@given(path=st.lists(actions, max_size=8))
def test_any_sequence_of_actions_ends_final_or_movable(path: list[DeliveryAction]) -> None:
    status = DeliveryStatus.SCHEDULED
    seen = [status]
    for action in path:
        target = next_status(status, action)
        if status in FINAL:
            assert target is None  # delivered and cancelled are final
        if target is not None:
            status = target
            seen.append(status)
    # a DO never goes back, and visits each status at most once
    order = [DeliveryStatus.SCHEDULED, DeliveryStatus.DISPATCHED, DeliveryStatus.DELIVERED]
    ranks = [order.index(s) if s in order else 3 for s in seen]
    assert ranks == sorted(ranks) and len(seen) == len(set(seen))


@given(status=statuses, action=actions)
def test_transitions_table_is_the_only_source(
    status: DeliveryStatus, action: DeliveryAction
) -> None:
    assert next_status(status, action) == TRANSITIONS.get((status, action))


@given(
    total=st.integers(min_value=1, max_value=10_000),
    orders=st.lists(st.tuples(statuses, st.integers(min_value=1, max_value=500)), max_size=20),
)
def test_cancelled_orders_do_not_take_bales(
    total: int, orders: list[tuple[DeliveryStatus, int]]
) -> None:
    left = bales_left(total, orders)
    counted = sum(b for s, b in orders if s is not DeliveryStatus.CANCELLED)
    assert left == total - counted
    cancelled_too = [*orders, (DeliveryStatus.CANCELLED, 10**6)]
    assert bales_left(total, cancelled_too) == left


def test_terms_from_a_master_version_and_the_defaults() -> None:
    assert terms_from(None) is DEFAULT_TERMS
    version = SimpleNamespace(**{name: getattr(DEFAULT_TERMS, name) for name in MASTER_FIELDS})
    version.emd_days, version.late_lifting_tier2_days = 7, 45
    version.carrying_tier1_pct = Decimal("1.5")
    terms = terms_from(version)
    assert (terms.emd_days, terms.late_lifting_tier2_days, terms.carrying_tier1_pct) == (
        7,
        45,
        Decimal("1.5"),
    )
    # what the master has no column for stays at the §3.6 defaults
    assert (terms.emd_kvic_pct, terms.candy_per_bale, terms.emd_late_interest_pct) == (
        Decimal(10),
        Decimal("0.48"),
        Decimal(10),
    )


def test_buyer_classes_by_kind() -> None:
    assert default_buyer_class("trader") is BuyerClass.TRADER
    assert default_buyer_class("buyer") is BuyerClass.PRIVATE_MILL


@given(rate=st.decimals(min_value=1, max_value=10**6, places=4, allow_nan=False))
def test_candy_rate(rate: Decimal) -> None:
    assert candy_rate(rate, "candy") == rate
    per_quintal = candy_rate(rate, "quintal")
    exact = rate * Decimal("355.6") / Decimal(100)
    assert per_quintal == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert per_quintal.as_tuple().exponent == -2


@given(
    start=st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 1, 1)),
    n=st.integers(min_value=-400, max_value=400),
)
def test_days_from(start: date, n: int) -> None:
    assert days_from(start, start + timedelta(days=n)) == max(0, n)
