"""The dispute rules without a database: state machine, sides, withdrawal, comment visibility."""

from __future__ import annotations

import uuid
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradehub.contract.domain import Side
from tradehub.dispute.domain import (
    ACTIVE,
    FINAL,
    STAFF_ONLY,
    TRANSITIONS,
    DisputeAction,
    DisputeStatus,
    ResolutionKind,
    SideProblem,
    Visibility,
    is_active,
    may_post,
    may_reply,
    may_withdraw,
    next_status,
    other_side,
    raising_side,
    resolution_problem,
    sees_comment,
)
from tradehub.dispute.domain import DisputeAction as A
from tradehub.dispute.domain import DisputeStatus as S

statuses = st.sampled_from(list(DisputeStatus))
actions = st.sampled_from(list(DisputeAction))
ids = st.uuids()


def test_the_lifecycle() -> None:
    assert next_status(S.OPEN, A.REVIEW) is S.UNDER_REVIEW
    assert next_status(S.UNDER_REVIEW, A.RESOLVE) is S.RESOLVED
    assert next_status(S.RESOLVED, A.CLOSE) is S.CLOSED
    assert next_status(S.OPEN, A.WITHDRAW) is S.WITHDRAWN
    assert next_status(S.UNDER_REVIEW, A.WITHDRAW) is S.WITHDRAWN
    assert next_status(S.RESOLVED, A.REOPEN) is S.UNDER_REVIEW
    # No shortcuts: a dispute is reviewed before it is resolved, resolved before it is closed.
    assert next_status(S.OPEN, A.RESOLVE) is None
    assert next_status(S.OPEN, A.CLOSE) is None
    assert next_status(S.UNDER_REVIEW, A.CLOSE) is None
    assert next_status(S.RESOLVED, A.WITHDRAW) is None


@given(statuses, actions)
def test_final_statuses_go_nowhere_and_the_table_is_the_rule(
    status: DisputeStatus, action: DisputeAction
) -> None:
    if status in FINAL:
        assert next_status(status, action) is None
    assert next_status(status, action) == TRANSITIONS.get((status, action))


@given(st.lists(actions, max_size=12))
def test_any_walk_keeps_the_contract_flag_consistent(walk: list[DisputeAction]) -> None:
    """Walking any sequence of allowed steps: active exactly in open/under_review, and once
    final, the dispute stays where it is."""
    status = S.OPEN
    for action in walk:
        target = next_status(status, action)
        if target is None:
            continue
        assert status not in FINAL
        status = target
        assert is_active(status) == (status in (S.OPEN, S.UNDER_REVIEW))
    assert is_active(status) == (status in ACTIVE)


def test_staff_take_every_step_but_withdrawal() -> None:
    assert frozenset(DisputeAction) - STAFF_ONLY == {A.WITHDRAW}


@given(ids, ids, st.sampled_from([None, *Side]))
def test_staff_raise_for_the_side_they_state(
    seller: uuid.UUID, buyer: uuid.UUID, stated: Side | None
) -> None:
    side = raising_side(caller_partner_id=None, seller_id=seller, buyer_id=buyer, stated=stated)
    assert side == (stated if stated is not None else SideProblem.REQUIRED)


@given(ids, ids, st.booleans(), st.sampled_from([None, *Side]))
def test_a_party_raises_for_its_own_side_only(
    seller: uuid.UUID, buyer: uuid.UUID, is_seller: bool, stated: Side | None
) -> None:
    caller = seller if is_seller else buyer
    own = Side.SELLER if is_seller else Side.BUYER
    side = raising_side(caller_partner_id=caller, seller_id=seller, buyer_id=buyer, stated=stated)
    if seller == buyer:  # never on a contract; whatever comes out, it is not a problem
        return
    assert side == (own if stated in (None, own) else SideProblem.MISMATCH)


@given(ids, ids, ids)
def test_a_stranger_raises_for_no_side(
    seller: uuid.UUID, buyer: uuid.UUID, caller: uuid.UUID
) -> None:
    if caller in (seller, buyer):
        return
    side = raising_side(caller_partner_id=caller, seller_id=seller, buyer_id=buyer, stated=None)
    assert side is SideProblem.MISMATCH


def test_other_side() -> None:
    assert other_side(Side.BUYER) is Side.SELLER and other_side(Side.SELLER) is Side.BUYER


@given(st.one_of(st.none(), ids), ids, st.booleans())
def test_only_the_raiser_withdraws(
    caller: uuid.UUID | None, raiser: uuid.UUID, on_portal: bool
) -> None:
    allowed = may_withdraw(
        caller_partner_id=caller, raised_by_partner_id=raiser, raised_on_portal=on_portal
    )
    if caller is None:
        assert allowed is (not on_portal)  # staff withdraw only what staff raised
    else:
        assert allowed is (caller == raiser)
    assert may_withdraw(
        caller_partner_id=raiser, raised_by_partner_id=raiser, raised_on_portal=True
    )


@given(
    st.sampled_from(list(ResolutionKind)),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=10**9, places=2)),
)
def test_a_rejection_settles_nothing(kind: ResolutionKind, amount: Decimal | None) -> None:
    problem = resolution_problem(kind, amount)
    refused = kind is ResolutionKind.REJECTED and amount is not None and amount > 0
    assert (problem is not None) is refused


@given(st.booleans(), st.sampled_from(list(Visibility)), st.sampled_from(list(Visibility)))
def test_parties_never_see_or_write_internal_notes(
    staff: bool, visibility: Visibility, parent: Visibility
) -> None:
    external = visibility is Visibility.EXTERNAL
    assert sees_comment(viewer_is_staff=staff, visibility=visibility) is (staff or external)
    assert may_post(viewer_is_staff=staff, visibility=visibility) is (staff or external)
    # A thread the parties see never hangs off a note they cannot see.
    if may_reply(reply=visibility, parent=parent) and external:
        assert parent is Visibility.EXTERNAL
