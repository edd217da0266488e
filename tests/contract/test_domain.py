"""The contract state machine and side rules, without a database."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradehub.contract.domain import (
    TRANSITIONS,
    ContractAction,
    ContractStatus,
    Side,
    brokerage,
    may_be,
    next_status,
    value_of,
)
from tradehub.contract.domain import ContractAction as A
from tradehub.contract.domain import ContractStatus as S


def test_the_lifecycle() -> None:
    assert next_status(S.DRAFT, A.SUBMIT) is S.PENDING_APPROVAL
    assert next_status(S.PENDING_APPROVAL, A.APPROVE) is S.CONFIRMED
    assert next_status(S.PENDING_APPROVAL, A.REJECT) is S.REJECTED
    assert next_status(S.REJECTED, A.SUBMIT) is S.PENDING_APPROVAL
    assert next_status(S.CONFIRMED, A.AMEND) is S.CONFIRMED
    for status in (S.DRAFT, S.PENDING_APPROVAL, S.CONFIRMED):
        assert next_status(status, A.CANCEL) is S.CANCELLED


@given(st.sampled_from(list(ContractStatus)), st.sampled_from(list(ContractAction)))
def test_cancelled_and_disputed_are_terminal_here(
    status: ContractStatus, action: ContractAction
) -> None:
    if status in (ContractStatus.CANCELLED, ContractStatus.DISPUTED):
        assert next_status(status, action) is None
    assert next_status(status, action) == TRANSITIONS.get((status, action))


def test_who_may_be_which_side() -> None:
    assert may_be(Side.SELLER, "seller") and may_be(Side.SELLER, "trader")
    assert may_be(Side.BUYER, "buyer") and may_be(Side.BUYER, "trader")
    assert not may_be(Side.SELLER, "buyer") and not may_be(Side.BUYER, "seller")
    assert not may_be(Side.BUYER, "broker")


def test_value_and_brokerage_examples() -> None:
    value = value_of(100, rate=Decimal("55500"), rate_unit="candy")
    assert value == Decimal("2653262.09")
    assert brokerage(kind="percentage", value=Decimal("0.5"), contract_value=value, bales=100) == (
        Decimal("13266.31")
    )
    assert brokerage(
        kind="per_bale", value=Decimal("25.0000"), contract_value=value, bales=100
    ) == (Decimal("2500.00"))
    assert brokerage(kind="flat", value=Decimal("1500"), contract_value=value, bales=100) == (
        Decimal("1500.00")
    )
