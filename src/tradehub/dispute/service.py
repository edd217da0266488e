"""Dispute use cases: raise, review, resolve, close, withdraw, reopen; reads shaped for the
caller.

Every step that can change whether a contract has an open dispute first locks the contract's
row (``contract.service.lock_contract``), then the dispute's, then counts the contract's
active disputes: racing disputes on one contract take turns, so the contract's ``disputed``
flag always matches the count. The flag itself is set and cleared by the contract service.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.contract import service as contracts
from tradehub.contract.domain import DISPUTABLE, Side
from tradehub.contract.models import Contract
from tradehub.dispute import domain, notices, repository
from tradehub.dispute.domain import DisputeAction, DisputeStatus, SideProblem
from tradehub.dispute.errors import (
    ContractNotDisputable,
    DisputeNotFound,
    InvalidTransition,
    NotRaiser,
    StaffOnly,
)
from tradehub.dispute.models import Dispute
from tradehub.dispute.schemas import DisputeCreate, DisputeRead, ResolveIn
from tradehub.kit.identifiers import invalid_field
from tradehub.kit.types import utcnow

ENTITY = "dispute"
_USER_FIELDS = (
    "raised_by_id",
    "reviewed_by_id",
    "resolved_by_id",
    "closed_by_id",
    "withdrawn_by_id",
)
_AUDITED = (
    "status",
    "category",
    "subject",
    "claimed_amount",
    "raised_by_side",
    "status_reason",
    "resolution",
    "resolution_kind",
    "settled_amount",
)


# --- reading ---------------------------------------------------------------------------------


def visible_disputes(principal: Principal) -> Select[Any]:
    return repository.visible_disputes(principal)


async def get_dispute(
    session: AsyncSession, principal: Principal, dispute_id: uuid.UUID
) -> Dispute:
    dispute: Dispute | None = await session.scalar(
        visible_disputes(principal).where(Dispute.id == dispute_id)
    )
    if dispute is None:
        raise DisputeNotFound("No such dispute")
    return dispute


def dispute_read(dispute: Dispute, principal: Principal) -> DisputeRead:
    """A party's users see who at the broker worked on it as nobody (no internal user ids)."""
    read = DisputeRead.model_validate(dispute)
    if principal.is_partner_user:
        read = read.model_copy(update=dict.fromkeys(_USER_FIELDS))
    return read


# --- raising ---------------------------------------------------------------------------------


def _side(principal: Principal, contract: Contract, stated: Side | None) -> Side:
    side = domain.raising_side(
        caller_partner_id=principal.partner_id,
        seller_id=contract.seller_id,
        buyer_id=contract.buyer_id,
        stated=stated,
    )
    if side is SideProblem.REQUIRED:
        raise invalid_field(
            "raised_by_side", "say which side (buyer or seller) raises it", code=side.value
        )
    if isinstance(side, SideProblem):
        raise invalid_field(
            "raised_by_side", "a party raises disputes for its own side only", code=side.value
        )
    return side


def _audited(dispute: Dispute) -> dict[str, Any]:
    return {name: getattr(dispute, name) for name in _AUDITED}


async def raise_dispute(
    session: AsyncSession, principal: Principal, actor: AuditActor, body: DisputeCreate
) -> Dispute:
    """A dispute ``open`` on a confirmed (or already disputed) contract the caller sees; the
    contract becomes ``disputed``; the other side is e-mailed."""
    visible = await contracts.get_contract(session, principal, body.contract_id)
    side = _side(principal, visible, body.raised_by_side)
    contract = await contracts.lock_contract(session, visible.id)
    if contract.status not in DISPUTABLE:
        raise ContractNotDisputable(
            f"The contract is {contract.status}; disputes are raised on confirmed contracts"
        )
    dispute = Dispute(
        organization_id=contract.organization_id,
        financial_year=contract.financial_year,
        contract_id=contract.id,
        contract_no=contract.contract_no,
        seller_id=contract.seller_id,
        buyer_id=contract.buyer_id,
        category=body.category.value,
        subject=body.subject,
        description=body.description,
        claimed_amount=body.claimed_amount,
        status=DisputeStatus.OPEN.value,
        raised_by_side=side.value,
        raised_by_partner_id=contract.seller_id if side is Side.SELLER else contract.buyer_id,
        raised_on_portal=principal.is_partner_user,
        raised_by_id=actor.user_id,
    )
    session.add(dispute)
    await session.flush()
    await contracts.mark_disputed(session, actor, contract, reason=f"dispute {dispute.id} raised")
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type=ENTITY,
        entity_id=dispute.id,
        changes=diff({}, _audited(dispute) | {"contract_id": contract.id}),
    )
    await notices.dispute_raised(session, dispute)
    return dispute


# --- lifecycle -------------------------------------------------------------------------------


def _target(dispute: Dispute, action: DisputeAction) -> DisputeStatus:
    current = DisputeStatus(dispute.status)
    target = domain.next_status(current, action)
    if target is None:
        raise InvalidTransition(f"A dispute that is {current} cannot be sent to {action}")
    return target


def _check_caller(principal: Principal, dispute: Dispute, action: DisputeAction) -> None:
    """Staff steps are refused to a party's users even under a custom role granting the
    permission; only the raiser withdraws."""
    if action in domain.STAFF_ONLY and principal.is_partner_user:
        raise StaffOnly(f"Only the broker's staff {action} disputes")
    if action is DisputeAction.WITHDRAW and not domain.may_withdraw(
        caller_partner_id=principal.partner_id,
        raised_by_partner_id=dispute.raised_by_partner_id,
        raised_on_portal=dispute.raised_on_portal,
    ):
        raise NotRaiser("Only the side that raised a dispute withdraws it")


async def _step(
    session: AsyncSession,
    principal: Principal,
    actor: AuditActor,
    dispute: Dispute,
    action: DisputeAction,
    *,
    reason: str | None = None,
    apply: dict[str, Any] | None = None,
) -> Dispute:
    """Lock the contract, then the dispute; check the step on what is now committed; move;
    then bring the contract's flag in line with its active disputes."""
    _check_caller(principal, dispute, action)
    contract = await contracts.lock_contract(session, dispute.contract_id)
    locked = await repository.lock(session, dispute.id)
    if locked is None:  # pragma: no cover - it was just read
        raise DisputeNotFound("No such dispute")
    dispute = locked
    was_active = domain.is_active(DisputeStatus(dispute.status))
    target = _target(dispute, action)
    if domain.is_active(target) and not was_active and contract.status not in DISPUTABLE:
        raise ContractNotDisputable(
            f"The contract is {contract.status}; its disputes can no longer be reopened"
        )
    before = _audited(dispute)
    dispute.status = target.value
    if reason is not None:
        dispute.status_reason = reason
    for name, value in (apply or {}).items():
        setattr(dispute, name, value)
    await session.flush()
    await _sync_contract(session, actor, contract, dispute, was_active=was_active)
    await audit(
        session,
        actor=actor,
        action=str(action),
        entity_type=ENTITY,
        entity_id=dispute.id,
        changes=diff(before, _audited(dispute)),
        reason=reason,
    )
    return dispute


async def _sync_contract(
    session: AsyncSession,
    actor: AuditActor,
    contract: Contract,
    dispute: Dispute,
    *,
    was_active: bool,
) -> None:
    is_active = domain.is_active(DisputeStatus(dispute.status))
    if is_active and not was_active:
        await contracts.mark_disputed(
            session, actor, contract, reason=f"dispute {dispute.id} {dispute.status}"
        )
    elif was_active and not is_active and await repository.active_count(session, contract.id) == 0:
        await contracts.clear_disputed(
            session, actor, contract, reason=f"dispute {dispute.id} {dispute.status}"
        )


async def review(
    session: AsyncSession, principal: Principal, actor: AuditActor, dispute: Dispute
) -> Dispute:
    return await _step(
        session,
        principal,
        actor,
        dispute,
        DisputeAction.REVIEW,
        apply={"reviewed_by_id": actor.user_id, "reviewed_at": utcnow()},
    )


async def resolve(
    session: AsyncSession,
    principal: Principal,
    actor: AuditActor,
    dispute: Dispute,
    body: ResolveIn,
) -> Dispute:
    problem = domain.resolution_problem(body.resolution_kind, body.settled_amount)
    if problem is not None:
        raise invalid_field("settled_amount", problem, code="dispute.settlement_on_rejection")
    dispute = await _step(
        session,
        principal,
        actor,
        dispute,
        DisputeAction.RESOLVE,
        apply={
            "resolution": body.resolution,
            "resolution_kind": body.resolution_kind.value,
            "settled_amount": body.settled_amount,
            "resolved_by_id": actor.user_id,
            "resolved_at": utcnow(),
        },
    )
    await notices.dispute_resolved(session, dispute)
    return dispute


async def close(
    session: AsyncSession, principal: Principal, actor: AuditActor, dispute: Dispute
) -> Dispute:
    return await _step(
        session,
        principal,
        actor,
        dispute,
        DisputeAction.CLOSE,
        apply={"closed_by_id": actor.user_id, "closed_at": utcnow()},
    )


async def withdraw(
    session: AsyncSession,
    principal: Principal,
    actor: AuditActor,
    dispute: Dispute,
    *,
    reason: str,
) -> Dispute:
    return await _step(
        session,
        principal,
        actor,
        dispute,
        DisputeAction.WITHDRAW,
        reason=reason,
        apply={"withdrawn_by_id": actor.user_id, "withdrawn_at": utcnow()},
    )


async def reopen(
    session: AsyncSession,
    principal: Principal,
    actor: AuditActor,
    dispute: Dispute,
    *,
    reason: str,
) -> Dispute:
    """resolved → under_review: the resolution is set aside (kept in the audit trail) and the
    contract is disputed again."""
    return await _step(
        session,
        principal,
        actor,
        dispute,
        DisputeAction.REOPEN,
        reason=reason,
        apply={
            "resolution": None,
            "resolution_kind": None,
            "settled_amount": None,
            "resolved_by_id": None,
            "resolved_at": None,
        },
    )
