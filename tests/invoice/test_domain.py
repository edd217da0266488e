"""Pure invoice balance rules, with random allocation / reversal sequences."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradehub.invoice import domain
from tradehub.invoice.domain import InvoiceStatus

PAISE = st.integers(min_value=1, max_value=10_000_000).map(lambda p: Decimal(p).scaleb(-2))


def test_status_follows_paid_amount() -> None:
    total = Decimal("100.00")
    assert domain.status_for(total, Decimal("0.00")) is InvoiceStatus.UNPAID
    assert domain.status_for(total, Decimal("0.01")) is InvoiceStatus.PARTIALLY_PAID
    assert domain.status_for(total, Decimal("100.00")) is InvoiceStatus.PAID


def test_over_allocation_and_over_release_are_refused() -> None:
    with pytest.raises(domain.BalanceError):
        domain.allocate(Decimal("10.00"), Decimal("5.00"), Decimal("5.01"))
    with pytest.raises(domain.BalanceError):
        domain.allocate(Decimal("10.00"), Decimal("5.00"), Decimal("0.00"))
    with pytest.raises(domain.BalanceError):
        domain.release(Decimal("5.00"), Decimal("5.01"))


STEPS = st.lists(st.tuples(st.booleans(), PAISE, st.integers(0, 50)), max_size=40)


@given(total=PAISE, steps=STEPS)
def test_random_sequences_keep_paid_equal_to_active_allocations(
    total: Decimal, steps: list[tuple[bool, Decimal, int]]
) -> None:
    """Allocate (refused when over the outstanding) or reverse an earlier active allocation:
    paid == sum of active allocations and 0 ≤ outstanding == total − paid, always."""
    paid = Decimal("0.00")
    active: list[Decimal] = []
    for is_allocation, amount, pick in steps:
        if is_allocation or not active:
            try:
                paid = domain.allocate(total, paid, amount)
            except domain.BalanceError:
                assert amount > total - paid
            else:
                active.append(amount)
        else:
            released = active.pop(pick % len(active))
            paid = domain.release(paid, released)
        assert paid == sum(active, Decimal("0.00"))
        assert domain.outstanding(total, paid) == total - paid >= 0
        expected = (
            InvoiceStatus.PAID
            if paid == total
            else InvoiceStatus.PARTIALLY_PAID
            if paid > 0
            else InvoiceStatus.UNPAID
        )
        assert domain.status_for(total, paid) is expected
