"""Pure trade desk rules (domain.py), with hypothesis: whose turn it is, when an offer is
decided or expired, the requirement's state machine, payment terms, certificates, bounds and
how master terms are picked."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradehub.trade_desk.domain import (
    ACTIVE_REQUIREMENT,
    CERTIFICATES,
    DECIDED_OFFER,
    OPEN_OFFER,
    PAYMENT_TERM_WORDS,
    OfferStatus,
    PaymentTerms,
    Refusal,
    RequirementStatus,
    Side,
    band_problems,
    canonical_certificates,
    loaded_bands,
    may_cancel_requirement,
    payment_problems,
    refusal,
    rejection_refusal,
    requirement_after_accept,
    requirement_after_counter,
    requirement_after_offer,
    stored_bands,
    term_rank,
    value_problems,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
statuses = st.sampled_from(list(OfferStatus))
sides = st.sampled_from(list(Side))
offsets = st.integers(min_value=-10_000, max_value=10_000).map(lambda s: timedelta(seconds=s))
decimals = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)


@given(statuses, offsets, sides, sides)
def test_refusal_is_expired_decided_turn_or_none(
    status: OfferStatus, offset: timedelta, last: Side, side: Side
) -> None:
    valid_until = NOW + offset
    reason = refusal(status, valid_until, NOW, last_side=last, side=side)
    past = valid_until <= NOW
    if status is OfferStatus.EXPIRED or (status in OPEN_OFFER and past):
        assert reason is Refusal.EXPIRED
    elif status in DECIDED_OFFER:
        assert reason is Refusal.DECIDED
    elif side is last:
        assert reason is Refusal.NOT_YOUR_TURN
    else:
        assert reason is None
    # Saying no needs no turn.
    assert rejection_refusal(status, valid_until, NOW) == (
        None if reason is Refusal.NOT_YOUR_TURN else reason
    )


@given(st.lists(sides, max_size=30))
def test_accepted_proposals_alternate_starting_with_the_buyer(attempts: list[Side]) -> None:
    """Whatever sides try to counter, the rounds that go through alternate."""
    rounds = [Side.SELLER]
    for side in attempts:
        if (
            refusal(
                OfferStatus.COUNTERED, NOW + timedelta(days=1), NOW, last_side=rounds[-1], side=side
            )
            is None
        ):
            rounds.append(side)
    assert all(a is not b for a, b in itertools.pairwise(rounds))
    assert rounds[0] is Side.SELLER


@given(st.sampled_from(list(RequirementStatus)), st.integers(1, 1000), st.integers(0, 2000))
def test_the_requirement_moves_forward_only(
    status: RequirementStatus, asked: int, contracted: int
) -> None:
    after_offer = requirement_after_offer(status)
    assert after_offer == (
        RequirementStatus.OFFERS_RECEIVED if status is RequirementStatus.OPEN else status
    )
    after_counter = requirement_after_counter(status)
    assert after_counter == (
        RequirementStatus.NEGOTIATION if status in ACTIVE_REQUIREMENT else status
    )
    after_accept = requirement_after_accept(status, asked_bales=asked, contracted_bales=contracted)
    assert (after_accept is RequirementStatus.CONTRACT_CREATED) == (
        contracted >= asked or status is RequirementStatus.CONTRACT_CREATED
    )
    assert may_cancel_requirement(status) == (status in ACTIVE_REQUIREMENT)


@given(st.sampled_from([*PaymentTerms, None]), st.one_of(st.none(), st.integers(-5, 400)))
def test_payment_days_only_with_credit(terms: PaymentTerms | None, days: int | None) -> None:
    problems = payment_problems(terms, days)
    if terms is PaymentTerms.CREDIT:
        assert (problems == []) == (days is not None and days > 0)
    else:
        assert (problems == []) == (days in (None, 0))
    assert all(loc == ["payment_days"] for loc, _, _ in problems)


spellings = st.sampled_from(CERTIFICATES).flatmap(
    lambda name: st.tuples(
        st.just(name),
        st.sampled_from([name, name.lower(), name.upper(), f" {name}".replace(" ", "-")]),
    )
)


@given(st.lists(spellings, max_size=8))
def test_certificates_are_canonical_once_each_in_order(given_names: list[tuple[str, str]]) -> None:
    found, problems = canonical_certificates([spelt for _, spelt in given_names])
    assert problems == []
    expected: list[str] = []
    for canonical, _ in given_names:
        if canonical not in expected:
            expected.append(canonical)
    assert found == expected
    assert canonical_certificates(found) == (found, [])


def test_unknown_certificates_are_named_by_position() -> None:
    found, problems = canonical_certificates(["fair trade", "Rainforest Alliance", "gots"])
    assert found == ["Fairtrade", "GOTS"]
    assert [loc for loc, _, _ in problems] == [["certificates", "1"]]


@given(decimals, decimals, st.one_of(st.none(), decimals), st.one_of(st.none(), decimals))
def test_bands_and_values_within_bounds(
    low: Decimal, high: Decimal, band_min: Decimal | None, band_max: Decimal | None
) -> None:
    low, high = min(low, high), max(low, high)
    bounds = {"mic": (low, high)}
    problems = band_problems({"mic": {"min": band_min, "max": band_max}}, bounds)
    outside = [
        end
        for end, value in (("min", band_min), ("max", band_max))
        if value is not None and not low <= value <= high
    ]
    assert [loc for loc, _, _ in problems] == [["parameters", "mic", end] for end in outside]
    if band_min is not None:
        assert (value_problems({"mic": band_min}, bounds) == []) == (low <= band_min <= high)
    assert band_problems({"colour": {"min": low}}, bounds)[0][2] == "unknown"
    stored = stored_bands({"mic": {"min": band_min, "max": band_max}})
    assert loaded_bands(stored) == {"mic": {"min": band_min, "max": band_max}}


@given(st.sampled_from(list(PaymentTerms)), st.integers(0, 120))
def test_the_term_named_like_the_agreed_kind_with_the_nearest_days_wins(
    terms: PaymentTerms, days: int
) -> None:
    masters = [
        ("advance", 0),
        ("against delivery", 0),
        ("30 days credit", 30),
        ("60 days credit", 60),
        ("90 days credit", 90),
    ]
    wanted = days if terms is PaymentTerms.CREDIT else 0
    best = min(
        masters,
        key=lambda t: term_rank(t[0], t[1], words=PAYMENT_TERM_WORDS[terms], wanted_days=wanted),
    )
    if terms is PaymentTerms.CREDIT:
        assert "credit" in best[0]
        assert abs(best[1] - days) == min(abs(d - days) for _, d in masters[2:])
    else:
        assert best[0] == ("advance" if terms is PaymentTerms.ADVANCE else "against delivery")
