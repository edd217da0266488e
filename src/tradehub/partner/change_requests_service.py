"""Change requests to approved partners (maker-checker) and reads of their versions.

An approved partner is never edited in place: a user with ``partner:write`` proposes field
diffs, another with ``partner:approve`` applies them, and each application writes the next
partner version. At most one change request per partner is pending at a time (checked under
the partner's row lock and backed by the approval table's partial unique index), so diffs never
pile up against an outdated record; ``stale_fields`` still guards against anyone else who
changed the record after the request was raised.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.approval import service as approvals
from tradehub.approval.domain import makers
from tradehub.approval.errors import ApprovalNotPending
from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.kit.errors import Conflict, Forbidden, NotFound
from tradehub.kit.types import utcnow
from tradehub.partner import change_requests_proposal as proposals
from tradehub.partner import versions
from tradehub.partner.change_requests_schemas import (
    ChangeRequestCreate,
    ChangeRequestRead,
)
from tradehub.partner.domain import (
    APPROVED_ONCE,
    ChangeRequestStatus,
    Urgency,
    assess_impact,
    branch_changes,
    compare_snapshots,
    partner_field_changes,
    stale_fields,
)
from tradehub.partner.locks import refuse_locked_changes
from tradehub.partner.models import Partner, PartnerBranch, PartnerChangeRequest, PartnerVersion
from tradehub.partner.service import branches_by_partner, lock_partner

APPROVAL_ACTION = "partner.change"
ENTITY = "partner_change_request"


class ChangeRequestNotFound(NotFound):
    code = "change_request.not_found"


class PartnerNotApproved(Conflict):
    code = "partner.not_approved"


class PendingExists(Conflict):
    code = "change_request.pending_exists"


class StaleChangeRequest(Conflict):
    code = "change_request.stale"


class CancelForbidden(Forbidden):
    code = "change_request.cancel_forbidden"


class VersionNotFound(NotFound):
    code = "partner.version_not_found"


class NoVersionAt(NotFound):
    code = "partner.no_version_at"


# --- reading ---------------------------------------------------------------------------------


def visible_change_requests(principal: Principal) -> Select[Any]:
    """A partner's portal user sees only its own partner's change requests."""
    statement: Select[Any] = select(PartnerChangeRequest)
    if principal.partner_id is not None:
        statement = statement.where(PartnerChangeRequest.partner_id == principal.partner_id)
    return statement


def change_request_filters(
    statement: Select[Any],
    *,
    partner_id: uuid.UUID | None,
    status: ChangeRequestStatus | None,
    urgency: Urgency | None,
) -> Select[Any]:
    if partner_id is not None:
        statement = statement.where(PartnerChangeRequest.partner_id == partner_id)
    if status is not None:
        statement = statement.where(PartnerChangeRequest.status == status)
    if urgency is not None:
        statement = statement.where(PartnerChangeRequest.urgency == urgency)
    return statement


async def get_change_request(
    session: AsyncSession, principal: Principal, change_request_id: uuid.UUID
) -> PartnerChangeRequest:
    found: PartnerChangeRequest | None = await session.scalar(
        visible_change_requests(principal).where(PartnerChangeRequest.id == change_request_id)
    )
    if found is None:
        raise ChangeRequestNotFound("No such change request")
    return found


def change_request_read(change_request: PartnerChangeRequest) -> ChangeRequestRead:
    return ChangeRequestRead.model_validate(
        {
            **snapshot(change_request, exclude=()),
            "changes": partner_field_changes(change_request.changes),
            "branch_changes": branch_changes(change_request.changes),
        }
    )


def _require_approved_once(partner: Partner) -> None:
    if partner.status not in APPROVED_ONCE:
        raise PartnerNotApproved(
            f"A partner that is {partner.status} is edited directly, not by change request"
        )


async def _pending_for(session: AsyncSession, partner_id: uuid.UUID) -> uuid.UUID | None:
    pending: uuid.UUID | None = await session.scalar(
        select(PartnerChangeRequest.id).where(
            PartnerChangeRequest.partner_id == partner_id,
            PartnerChangeRequest.status == ChangeRequestStatus.PENDING,
        )
    )
    return pending


async def raise_request(
    session: AsyncSession, actor: AuditActor, partner: Partner, body: ChangeRequestCreate
) -> PartnerChangeRequest:
    partner = await lock_partner(session, partner)
    _require_approved_once(partner)
    pending = await _pending_for(session, partner.id)
    if pending is not None:
        raise PendingExists(
            "This partner has a pending change request: decide or cancel it first",
            pending_change_request_id=str(pending),
        )
    changes = await proposals.proposal(session, partner, body)
    await proposals.check_unique(session, partner, changes)
    counts = await refuse_locked_changes(session, partner.id, changes)
    touched = sorted(
        {*partner_field_changes(changes), *(["branches"] if "branches" in changes else [])}
    )
    approval = await approvals.open_request(
        session,
        entity_type="partner",
        entity_id=partner.id,
        action=APPROVAL_ACTION,
        requested_by_id=actor.user_id,
        maker_ids=makers(actor.user_id),
        summary=f"Change {', '.join(touched)} of {partner.code} {partner.legal_name}",
    )
    change_request = PartnerChangeRequest(
        partner_id=partner.id,
        status=ChangeRequestStatus.PENDING,
        changes=changes,
        reason=body.reason,
        justification=body.justification,
        urgency=body.urgency,
        base_revision=partner.revision,
        impact=assess_impact(changes, counts),
        approval_request_id=approval.id,
        requested_by_id=actor.user_id,
    )
    session.add(change_request)
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type=ENTITY,
        entity_id=change_request.id,
        changes=diff({}, snapshot(change_request)),
        reason=body.reason,
    )
    return change_request


# --- deciding --------------------------------------------------------------------------------


async def _lock(
    session: AsyncSession, change_request: PartnerChangeRequest
) -> tuple[Partner, PartnerChangeRequest]:
    """Hold the partner's row, then re-read the request: of two racing decisions, the second
    sees the first one's outcome and is refused."""
    partner = await session.get(Partner, change_request.partner_id)
    assert partner is not None, "a change request's partner exists (foreign key)"
    partner = await lock_partner(session, partner)
    reloaded = await session.scalar(
        select(PartnerChangeRequest)
        .where(PartnerChangeRequest.id == change_request.id)
        .execution_options(populate_existing=True)
    )
    assert reloaded is not None, "change requests are never deleted"
    if reloaded.status != ChangeRequestStatus.PENDING:
        raise ApprovalNotPending(f"This change request is already {reloaded.status}")
    return partner, reloaded


async def _close(
    session: AsyncSession,
    actor: AuditActor,
    change_request: PartnerChangeRequest,
    status: ChangeRequestStatus,
    reason: str | None,
) -> PartnerChangeRequest:
    change_request.status = status
    change_request.decided_by_id = actor.user_id
    change_request.decided_at = utcnow()
    change_request.decision_reason = reason
    await session.flush()
    action = {"approved": "approve", "rejected": "reject", "cancelled": "cancel"}[status]
    await audit(
        session,
        actor=actor,
        action=action,
        entity_type=ENTITY,
        entity_id=change_request.id,
        changes={"status": {"old": "pending", "new": str(status)}},
        reason=reason,
    )
    return change_request


async def _decide(
    session: AsyncSession,
    actor: AuditActor,
    change_request: PartnerChangeRequest,
    *,
    approve: bool,
    reason: str | None = None,
) -> None:
    """The maker-checker rule: the requester may neither approve nor reject (403)."""
    assert actor.user_id is not None, "decisions are taken by signed-in users"
    assert change_request.approval_request_id is not None, "raising opens an approval request"
    request = await approvals.get_request(session, change_request.approval_request_id)
    await approvals.decide(
        session,
        request,
        decided_by_id=actor.user_id,
        approve=approve,
        reason=reason,
    )


async def approve(
    session: AsyncSession, actor: AuditActor, change_request: PartnerChangeRequest
) -> PartnerChangeRequest:
    """Apply the diffs under the partner's lock and write the next version. Refused when a
    changed field moved on since the request (409 ``change_request.stale``), when a locked
    field would change while dealings are open, or when a value is now taken."""
    partner, change_request = await _lock(session, change_request)
    await _decide(session, actor, change_request, approve=True)
    _require_approved_once(partner)
    changes = change_request.changes
    current = (await branches_by_partner(session, [partner.id]))[partner.id]
    stale = stale_fields(
        changes,
        proposals.current_fields(partner),
        {str(b.id): proposals.branch_values(b) for b in current},
    )
    if stale:
        raise StaleChangeRequest(
            f"{', '.join(stale)} changed since this request was raised; reject it and raise "
            "a new one",
            stale_fields=stale,
        )
    await refuse_locked_changes(session, partner.id, changes)
    await proposals.check_unique(session, partner, changes)
    await _apply(session, actor, partner, current, change_request)
    await versions.write_version(
        session,
        partner,
        changed_by_id=actor.user_id,
        reason=change_request.reason,
        change_request_id=change_request.id,
    )
    return await _close(session, actor, change_request, ChangeRequestStatus.APPROVED, None)


async def _apply(
    session: AsyncSession,
    actor: AuditActor,
    partner: Partner,
    current: list[PartnerBranch],
    change_request: PartnerChangeRequest,
) -> None:
    fields = partner_field_changes(change_request.changes)
    for name, change in fields.items():
        setattr(partner, name, change["new"])
    await _apply_branches(session, actor, partner, current, change_request)
    if fields:
        await session.flush()
        await audit(
            session,
            actor=actor,
            action="update",
            entity_type="partner",
            entity_id=partner.id,
            changes=fields,
            reason=f"Change request {change_request.id}: {change_request.reason}",
        )


async def _apply_branches(
    session: AsyncSession,
    actor: AuditActor,
    partner: Partner,
    current: list[PartnerBranch],
    change_request: PartnerChangeRequest,
) -> None:
    spec = branch_changes(change_request.changes)
    by_id = {str(b.id): b for b in current}
    moving = [(by_id[item["id"]], item["changes"]) for item in spec["changed"]]
    # Free the GSTINs and the head-office flag that move first, so a swap between branches
    # never trips the unique indexes halfway through.
    for branch, changes in moving:
        if "gstin" in changes:
            branch.gstin = None
        if "is_head_office" in changes:
            branch.is_head_office = False
    await session.flush()
    for branch, changes in moving:
        for name, change in changes.items():
            setattr(branch, name, change["new"])
    await session.flush()
    created = [PartnerBranch(partner_id=partner.id, **values) for values in spec["added"]]
    session.add_all(created)
    await session.flush()
    reason = f"Change request {change_request.id}"
    for branch, changes in moving:
        await audit(
            session,
            actor=actor,
            action="update",
            entity_type="partner_branch",
            entity_id=branch.id,
            changes=changes,
            reason=reason,
        )
    for branch in created:
        await audit(
            session,
            actor=actor,
            action="create",
            entity_type="partner_branch",
            entity_id=branch.id,
            changes=diff({}, snapshot(branch)),
            reason=reason,
        )


async def reject(
    session: AsyncSession, actor: AuditActor, change_request: PartnerChangeRequest, *, reason: str
) -> PartnerChangeRequest:
    _, change_request = await _lock(session, change_request)
    await _decide(session, actor, change_request, approve=False, reason=reason)
    return await _close(session, actor, change_request, ChangeRequestStatus.REJECTED, reason)


async def cancel(
    session: AsyncSession,
    principal: Principal,
    actor: AuditActor,
    change_request: PartnerChangeRequest,
    *,
    reason: str | None,
) -> PartnerChangeRequest:
    """The requester withdraws it, or a checker clears it from the queue."""
    if change_request.requested_by_id != principal.user_id and not principal.can("partner:approve"):
        raise CancelForbidden("Only the requester or a checker may cancel this change request")
    _, change_request = await _lock(session, change_request)
    assert change_request.approval_request_id is not None, "raising opens an approval request"
    request = await approvals.get_request(session, change_request.approval_request_id)
    await approvals.cancel(session, request, cancelled_by_id=actor.user_id)
    return await _close(session, actor, change_request, ChangeRequestStatus.CANCELLED, reason)


# --- versions --------------------------------------------------------------------------------


def versions_of(partner: Partner) -> Select[Any]:
    return select(PartnerVersion).where(PartnerVersion.partner_id == partner.id)


async def get_version(session: AsyncSession, partner: Partner, revision: int) -> PartnerVersion:
    found: PartnerVersion | None = await session.scalar(
        versions_of(partner).where(PartnerVersion.revision == revision)
    )
    if found is None:
        raise VersionNotFound(f"{partner.code} has no version {revision}")
    return found


async def version_at(session: AsyncSession, partner: Partner, at: datetime) -> PartnerVersion:
    """The version valid at ``at``: from its ``valid_from`` (inclusive) to its ``valid_to``
    (exclusive)."""
    found: PartnerVersion | None = await session.scalar(
        versions_of(partner)
        .where(
            PartnerVersion.valid_from <= at,
            or_(PartnerVersion.valid_to.is_(None), PartnerVersion.valid_to > at),
        )
        .order_by(PartnerVersion.revision.desc())
        .limit(1)
    )
    if found is None:
        raise NoVersionAt(f"{partner.code} had no approved version at {at.isoformat()}")
    return found


def _ref(version: PartnerVersion) -> dict[str, Any]:
    return {
        "revision": version.revision,
        "valid_from": version.valid_from,
        "valid_to": version.valid_to,
    }


async def compare_versions(
    session: AsyncSession, partner: Partner, from_revision: int, to_revision: int
) -> dict[str, Any]:
    old = await get_version(session, partner, from_revision)
    new = await get_version(session, partner, to_revision)
    return {
        "partner_id": partner.id,
        "from_version": _ref(old),
        "to_version": _ref(new),
        **compare_snapshots(old.snapshot, new.snapshot),
    }
