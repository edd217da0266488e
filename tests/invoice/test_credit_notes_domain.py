"""Pure rules of credit notes and cancellation (``invoice.credit_notes_domain``) and the
invoice balance with credits (``invoice.domain``), by property."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tradehub.invoice.credit_notes_domain import (
    InvoiceRefusal,
    cancel_refusal,
    credit,
    credit_note_amounts,
    uncredit,
)
from tradehub.invoice.domain import (
    BalanceError,
    InvoiceStatus,
    allocate,
    outstanding,
    status_for,
)

PAISE = Decimal("0.01")
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)
amount_or_zero = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999.99"), places=2)


@st.composite
def balances(draw: st.DrawFn) -> tuple[Decimal, Decimal, Decimal]:
    """(total, paid, credited) with paid + credited ≤ total."""
    total = draw(money)
    paid = draw(st.decimals(min_value=Decimal("0"), max_value=total, places=2))
    credited = draw(st.decimals(min_value=Decimal("0"), max_value=total - paid, places=2))
    return total, paid, credited


@given(balances(), amount_or_zero)
def test_a_credit_never_passes_the_outstanding(
    balance: tuple[Decimal, Decimal, Decimal], amount: Decimal
) -> None:
    total, paid, credited = balance
    left = outstanding(total, paid, credited)
    if amount <= 0 or amount > left:
        with pytest.raises(BalanceError):
            credit(total, paid, credited, amount)
        return
    after = credit(total, paid, credited, amount)
    assert after == credited + amount
    assert paid + after <= total
    assert outstanding(total, paid, after) == left - amount
    assert uncredit(after, amount) == credited  # cancelling the note undoes it exactly


@given(balances())
def test_the_status_follows_paid_and_credited_together(
    balance: tuple[Decimal, Decimal, Decimal],
) -> None:
    total, paid, credited = balance
    status = status_for(total, paid, credited)
    settled = paid + credited >= total
    assert (status is InvoiceStatus.PAID) == (settled and paid > 0)
    assert (status is InvoiceStatus.CREDITED) == (settled and paid == 0)
    assert (status is InvoiceStatus.PARTIALLY_PAID) == (not settled and paid > 0)
    assert (status is InvoiceStatus.UNPAID) == (not settled and paid == 0)
    assert status_for(total, paid) == status_for(total, paid, Decimal("0"))


@given(balances(), money)
def test_an_allocation_sees_the_credits(
    balance: tuple[Decimal, Decimal, Decimal], amount: Decimal
) -> None:
    total, paid, credited = balance
    if amount > outstanding(total, paid, credited):
        with pytest.raises(BalanceError):
            allocate(total, paid, amount, credited)
    else:
        assert allocate(total, paid, amount, credited) + credited <= total


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2),
    st.sampled_from([Decimal("0"), Decimal("5"), Decimal("12"), Decimal("18"), Decimal("2.5")]),
    st.sampled_from(["24", "27"]),
)
def test_note_amounts_add_up_like_an_invoices(
    taxable: Decimal, rate: Decimal, buyer_state: str
) -> None:
    amounts = credit_note_amounts(
        taxable, gst_rate=rate, seller_state="24", buyer_state=buyer_state
    )
    assert amounts.taxable_value == taxable
    parts = amounts.taxable_value + amounts.cgst + amounts.sgst + amounts.igst + amounts.round_off
    assert parts == amounts.total_amount
    assert amounts.total_amount == amounts.total_amount.to_integral_value()
    assert abs(amounts.round_off) <= Decimal("0.50")
    for value in (amounts.cgst, amounts.sgst, amounts.igst, amounts.round_off):
        assert value == value.quantize(PAISE)
    if buyer_state == "24":
        assert amounts.igst == 0 and amounts.cgst == amounts.sgst
    else:
        assert amounts.cgst == amounts.sgst == 0


@given(st.sampled_from(list(InvoiceStatus)), amount_or_zero, amount_or_zero)
def test_only_an_invoice_with_nothing_paid_or_credited_is_cancelled(
    status: InvoiceStatus, paid: Decimal, credited: Decimal
) -> None:
    assume(status is not InvoiceStatus.CANCELLED or (paid == 0 and credited == 0))
    refusal = cancel_refusal(status, paid, credited)
    if status is InvoiceStatus.CANCELLED:
        assert refusal is InvoiceRefusal.CANCELLED
    elif paid > 0:
        assert refusal is InvoiceRefusal.HAS_PAYMENTS
    elif credited > 0:
        assert refusal is InvoiceRefusal.HAS_CREDIT_NOTES
    else:
        assert refusal is None


def test_uncredit_refuses_more_than_was_credited() -> None:
    with pytest.raises(BalanceError):
        uncredit(Decimal("10.00"), Decimal("10.01"))
    with pytest.raises(BalanceError):
        uncredit(Decimal("10.00"), Decimal("0"))
