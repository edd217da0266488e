"""The pure rules: payment status, what is outstanding, what may be cancelled."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradehub.brokerage.domain import BillStatus, cancellable, outstanding, payment_status

paise = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(total=paise, paid=paise)
def test_status_and_outstanding_agree(total: Decimal, paid: Decimal) -> None:
    status = payment_status(total, paid)
    left = outstanding(total, paid, status)
    assert left >= 0
    assert (status == BillStatus.PAID) == (paid > 0 and left == 0)
    assert (status == BillStatus.UNPAID) == (paid == 0)
    assert outstanding(total, paid, BillStatus.CANCELLED) == 0


def test_only_an_unpaid_bill_may_be_cancelled() -> None:
    zero = Decimal("0.00")
    assert cancellable(BillStatus.UNPAID, zero)
    assert not cancellable(BillStatus.PARTIALLY_PAID, Decimal("1.00"))
    assert not cancellable(BillStatus.PAID, Decimal("10.00"))
    assert not cancellable(BillStatus.CANCELLED, zero)
