"""EMD over time: full date, standing on a date, EMD e-mails (domain.md §3.6)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.pricing.strategies import amounts
from tradehub.pricing.cci import CciTerms, EmdStatus, emd_late_interest
from tradehub.pricing.cci_emd import (
    Deposit,
    EmdEmail,
    emd_emails_due,
    emd_full_on,
    emd_standing,
)

D = Decimal
DAY = date(2026, 10, 1)  # grace expires 2026-10-06 with the default 5 days
offsets = st.integers(min_value=0, max_value=400)
deposit_lists = st.lists(
    st.builds(
        lambda n, a: Deposit(on=DAY + timedelta(days=n), amount=a),
        offsets,
        amounts(D(10**7)).filter(lambda a: a > 0),
    ),
    max_size=8,
)


def test_full_on_is_the_day_the_running_total_reaches_the_requirement() -> None:
    deposits = [
        Deposit(on=date(2026, 10, 9), amount=D(60)),
        Deposit(on=date(2026, 10, 2), amount=D(40)),
        Deposit(on=date(2026, 10, 12), amount=D(5)),
    ]
    assert emd_full_on(deposits, required=D(100), since=DAY) == date(2026, 10, 9)
    assert emd_full_on(deposits, required=D(106), since=DAY) is None
    assert emd_full_on([], required=D(0), since=DAY) == DAY


def test_standing_while_short_accrues_interest_to_the_day_asked() -> None:
    deposits = [Deposit(on=date(2026, 10, 3), amount=D(1000000))]
    early = emd_standing(
        required=D(2976000), deposits=deposits, contract_date=DAY, as_of=date(2026, 10, 6)
    )
    assert early.position.status is EmdStatus.PARTIAL
    assert (early.days_late, early.late_interest, early.blocked) == (0, D(0), True)
    late = emd_standing(
        required=D(2976000), deposits=deposits, contract_date=DAY, as_of=date(2026, 10, 9)
    )
    # 3 days past 6 October: 2,976,000 × 10 % × 3 / 365 = 2,446.03
    assert (late.days_late, late.late_interest) == (3, D("2446.03"))
    assert late.position.shortfall == D("1976000.00")


def test_standing_once_full_late_stops_accruing() -> None:
    deposits = [
        Deposit(on=date(2026, 10, 3), amount=D(1000000)),
        Deposit(on=date(2026, 10, 9), amount=D(1976000)),
        Deposit(on=date(2026, 12, 1), amount=D(10)),  # after as_of: not counted
    ]
    standing = emd_standing(
        required=D(2976000), deposits=deposits, contract_date=DAY, as_of=date(2026, 11, 30)
    )
    assert standing.position.status is EmdStatus.LATE_FULL
    assert standing.full_on == date(2026, 10, 9)
    assert (standing.days_late, standing.late_interest) == (3, D("2446.03"))
    assert not standing.blocked and standing.position.excess == 0


def test_emails_of_a_contract_paid_late() -> None:
    full_on = date(2026, 10, 14)

    def on(n: int) -> list[EmdEmail]:
        return emd_emails_due(contract_date=DAY, on=DAY + timedelta(days=n), full_on=full_on)

    assert on(0) == [EmdEmail.INITIAL]
    assert on(1) == [] and on(4) == []
    assert on(5) == [EmdEmail.GRACE_EXPIRY]  # not also "overdue": that is after expiry
    assert on(6) == [] and on(10) == [EmdEmail.OVERDUE]
    assert on(13) == [EmdEmail.CONFIRMATION]
    assert on(15) == []  # paid: reminders stop


def test_emails_of_a_contract_paid_on_the_day() -> None:
    assert emd_emails_due(contract_date=DAY, on=DAY, full_on=DAY) == [
        EmdEmail.INITIAL,
        EmdEmail.CONFIRMATION,
    ]
    assert emd_emails_due(contract_date=DAY, on=DAY + timedelta(days=5), full_on=DAY) == []


def test_bad_deposit_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        emd_full_on([Deposit(on=DAY, amount=D("0.001"))], required=D(1), since=DAY)
    with pytest.raises(TypeError):
        emd_full_on([Deposit(on=DAY, amount=1.5)], required=D(1), since=DAY)  # type: ignore[arg-type]


@given(deposits=deposit_lists, required=amounts(D(10**7)), as_of=offsets)
def test_standing_agrees_with_the_deposits_counted(
    deposits: list[Deposit], required: Decimal, as_of: int
) -> None:
    day = DAY + timedelta(days=as_of)
    s = emd_standing(required=required, deposits=deposits, contract_date=DAY, as_of=day)
    paid = sum((d.amount for d in deposits if d.on <= day), D(0))
    assert s.position.paid == paid
    assert s.blocked is (paid < required)
    assert (s.full_on is None) is (paid < required)
    if s.full_on is not None:
        assert s.full_on <= day
        # the running total first reaches the requirement on full_on, never before
        before = sum((d.amount for d in deposits if d.on < s.full_on), D(0))
        assert required == 0 or before < required <= before + sum(
            (d.amount for d in deposits if d.on == s.full_on), D(0)
        )
        assert s.days_late == max(0, (s.full_on - s.grace_expiry).days)
    else:
        assert s.days_late == max(0, (day - s.grace_expiry).days)
    assert s.late_interest == emd_late_interest(s.position.required, days_late=s.days_late)


@given(deposits=deposit_lists, required=amounts(D(10**7)), a=offsets, b=offsets)
def test_late_interest_never_falls_as_time_passes(
    deposits: list[Deposit], required: Decimal, a: int, b: int
) -> None:
    first, second = sorted((a, b))
    x, y = (
        emd_standing(
            required=required,
            deposits=deposits,
            contract_date=DAY,
            as_of=DAY + timedelta(days=n),
        )
        for n in (first, second)
    )
    assert x.late_interest <= y.late_interest
    assert x.position.paid <= y.position.paid
    assert not (not x.blocked and y.blocked)  # once full, always full


@given(
    full=st.one_of(st.none(), offsets),
    n=offsets,
    grace=st.integers(min_value=0, max_value=30),
    every=st.integers(min_value=0, max_value=10),
)
def test_emails_follow_the_schedule(full: int | None, n: int, grace: int, every: int) -> None:
    terms = CciTerms(emd_days=grace, emd_reminder_days=every)
    on = DAY + timedelta(days=n)
    full_on = None if full is None else DAY + timedelta(days=full)
    due = emd_emails_due(contract_date=DAY, on=on, full_on=full_on, terms=terms)
    assert len(due) == len(set(due))
    assert (EmdEmail.INITIAL in due) is (n == 0)
    assert (EmdEmail.CONFIRMATION in due) is (full_on == on)
    paid_by_now = full_on is not None and full_on <= on
    if paid_by_now:
        assert EmdEmail.GRACE_EXPIRY not in due and EmdEmail.OVERDUE not in due
    else:
        assert (EmdEmail.GRACE_EXPIRY in due) is (n == grace)
        overdue = n > grace and every > 0 and n % every == 0
        assert (EmdEmail.OVERDUE in due) is overdue
