"""Partner use cases: onboarding (create, edit, submit, approve, reject), suspension, reads
with visibility, and the rule later modules call: only active partners deal.

Visibility: staff see every partner; a partner's portal user sees only its own partner
(anything else is 404).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.approval import service as approvals
from tradehub.approval.domain import makers
from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.kit.locks import transaction_lock
from tradehub.kit.types import utcnow
from tradehub.partner import versions
from tradehub.partner.checks import (
    BranchFields,
    FieldErrors,
    check_branches,
    check_identity,
    check_unique,
)
from tradehub.partner.domain import (
    EDITABLE,
    PartnerAction,
    PartnerKind,
    PartnerStatus,
    kyc_bucket,
    kyc_due_after,
    next_status,
)
from tradehub.partner.errors import (
    InvalidTransition,
    NotEditable,
    PartnerNotActive,
    PartnerNotFound,
)
from tradehub.partner.models import KycVerification, Partner, PartnerBranch
from tradehub.partner.schemas import BranchRead, PartnerCreate, PartnerRead, PartnerUpdate

APPROVAL_ACTION = "partner.onboarding"
HEAD_OFFICE_NAME = "Head office"


# --- reading ---------------------------------------------------------------------------------


def visible_partners(principal: Principal) -> Select[Any]:
    """The one place that decides which partners a caller sees."""
    statement: Select[Any] = select(Partner)
    if principal.partner_id is not None:
        statement = statement.where(Partner.id == principal.partner_id)
    return statement


async def get_partner(
    session: AsyncSession, principal: Principal, partner_id: uuid.UUID
) -> Partner:
    partner: Partner | None = await session.scalar(
        visible_partners(principal).where(Partner.id == partner_id)
    )
    if partner is None:
        raise PartnerNotFound("No such partner")
    return partner


async def lock_partner(session: AsyncSession, partner: Partner) -> Partner:
    """Hold the partner's row until the transaction ends and reload it: state changes, change
    requests and KYC of one partner run one at a time."""
    locked = await session.scalar(
        select(Partner)
        .where(Partner.id == partner.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:  # pragma: no cover - it was just read
        raise PartnerNotFound("No such partner")
    return locked


async def branches_by_partner(
    session: AsyncSession, partner_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[PartnerBranch]]:
    grouped: dict[uuid.UUID, list[PartnerBranch]] = defaultdict(list)
    if not partner_ids:
        return grouped
    rows = await session.scalars(
        select(PartnerBranch)
        .where(PartnerBranch.partner_id.in_(partner_ids))
        .order_by(PartnerBranch.is_head_office.desc(), PartnerBranch.name)
    )
    for branch in rows:
        grouped[branch.partner_id].append(branch)
    return grouped


async def partner_reads(
    session: AsyncSession, partners: list[Partner], *, today: date | None = None
) -> list[PartnerRead]:
    """Answers for many partners in one extra query, whatever their number."""
    today = today or utcnow().date()
    branches = await branches_by_partner(session, [p.id for p in partners])
    return [
        PartnerRead.model_validate(
            {
                **snapshot(partner, exclude=()),
                "branches": [BranchRead.model_validate(b) for b in branches[partner.id]],
                "kyc_bucket": kyc_bucket(partner.kyc_due_date, today),
            }
        )
        for partner in partners
    ]


async def partner_read(session: AsyncSession, partner: Partner) -> PartnerRead:
    return (await partner_reads(session, [partner]))[0]


async def require_active_partner(session: AsyncSession, partner_id: uuid.UUID) -> Partner:
    """For contracts and trades: only an active partner may be a party (422)."""
    partner = await session.get(Partner, partner_id)
    if partner is None or partner.status != PartnerStatus.ACTIVE:
        raise PartnerNotActive(
            "Only an active partner may be party to a contract",
            errors=[
                {"loc": ["body", "partner_id"], "msg": "not active", "type": "partner.not_active"}
            ],
        )
    return partner


# --- creating and editing --------------------------------------------------------------------


async def _next_code(session: AsyncSession) -> str:
    """``BP-2026-00001``: sequential per calendar year, under a lock so racing creates differ."""
    year = utcnow().year
    prefix = f"BP-{year}-"
    await transaction_lock(session, "partner_code", str(year))
    # Longest first, then by text: BP-2026-100000 comes after BP-2026-99999.
    last = await session.scalar(
        select(Partner.code)
        .where(Partner.code.like(f"{prefix}%"))
        .order_by(func.length(Partner.code).desc(), Partner.code.desc())
        .limit(1)
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:05d}"


def _branch_fields(body: PartnerCreate, gstin: str | None) -> list[BranchFields]:
    if body.branches:
        return [
            BranchFields(b.name, b.gstin, b.state_code, b.is_head_office) for b in body.branches
        ]
    if body.gstin is not None:
        # Without branches, the registration itself is the head office, in the GSTIN's state.
        return [BranchFields(HEAD_OFFICE_NAME, gstin, body.gstin.strip()[:2], True)]
    return []


async def create_partner(session: AsyncSession, actor: AuditActor, body: PartnerCreate) -> Partner:
    errors = FieldErrors()
    pan, gstin, mobile = check_identity(
        errors, kind=body.kind, pan=body.pan, gstin=body.gstin, mobile=body.mobile
    )
    branches = check_branches(errors, _branch_fields(body, gstin), pan=pan, kind=body.kind)
    errors.raise_if_any()
    email = str(body.email).strip().lower()
    branch_gstins = [b.gstin for b in branches if b.gstin]
    await check_unique(
        session, pan=pan, email=email, gstins=[*filter(None, [gstin]), *branch_gstins]
    )
    partner = Partner(
        code=await _next_code(session),
        legal_name=body.legal_name,
        trade_name=body.trade_name,
        kind=body.kind,
        status=PartnerStatus.DRAFT,
        pan=pan,
        gstin=gstin,
        email=email,
        mobile=mobile,
        address=body.address,
        revision=0,
        created_by_id=actor.user_id,
    )
    session.add(partner)
    await session.flush()
    addresses = {b.name: b.address for b in body.branches}
    for branch in branches:
        session.add(
            PartnerBranch(
                partner_id=partner.id,
                name=branch.name,
                gstin=branch.gstin,
                state_code=branch.state_code,
                is_head_office=branch.is_head_office,
                address=addresses.get(branch.name),
            )
        )
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="partner",
        entity_id=partner.id,
        changes={
            **diff({}, snapshot(partner)),
            "branches": {"old": None, "new": [b.name for b in branches]},
        },
    )
    return partner


def require_editable(partner: Partner) -> None:
    if partner.status not in EDITABLE:
        raise NotEditable(
            f"A partner that is {partner.status} is changed through a change request",
            code="partner.change_request_required",
        )


async def update_partner(
    session: AsyncSession, actor: AuditActor, partner: Partner, body: PartnerUpdate
) -> Partner:
    require_editable(partner)
    before = snapshot(partner)
    merged = {**before, **body.model_dump(exclude_unset=True)}
    for required in ("legal_name", "kind", "pan", "email"):
        if merged[required] is None:
            merged[required] = before[required]
    kind = PartnerKind(merged["kind"])
    errors = FieldErrors()
    pan, gstin, mobile = check_identity(
        errors, kind=kind, pan=merged["pan"], gstin=merged["gstin"], mobile=merged["mobile"]
    )
    branches = (await branches_by_partner(session, [partner.id]))[partner.id]
    check_branches(
        errors,
        [BranchFields(b.name, b.gstin, b.state_code, b.is_head_office) for b in branches],
        pan=pan,
        kind=kind,
    )
    errors.raise_if_any()
    email = str(merged["email"]).strip().lower()
    await check_unique(
        session, pan=pan, email=email, gstins=[g for g in [gstin] if g], partner_id=partner.id
    )
    merged.update(pan=pan, gstin=gstin, mobile=mobile, email=email, kind=kind)
    for name in ("legal_name", "trade_name", "kind", "pan", "gstin", "email", "mobile", "address"):
        setattr(partner, name, merged[name])
    changes = diff(before, snapshot(partner))
    if changes:
        await session.flush()
        await audit(
            session,
            actor=actor,
            action="update",
            entity_type="partner",
            entity_id=partner.id,
            changes=changes,
        )
    return partner


# --- lifecycle -------------------------------------------------------------------------------


async def _move(
    session: AsyncSession,
    actor: AuditActor,
    partner: Partner,
    action: PartnerAction,
    *,
    reason: str | None = None,
) -> Partner:
    current = PartnerStatus(partner.status)
    target = next_status(current, action)
    if target is None:
        raise InvalidTransition(f"A partner that is {current} cannot be sent to {action}")
    partner.status = target
    partner.status_reason = reason
    await session.flush()
    await audit(
        session,
        actor=actor,
        action=str(action),
        entity_type="partner",
        entity_id=partner.id,
        changes={"status": {"old": str(current), "new": str(target)}},
        reason=reason,
    )
    return partner


async def submit(session: AsyncSession, actor: AuditActor, partner: Partner) -> Partner:
    partner = await lock_partner(session, partner)
    if next_status(PartnerStatus(partner.status), PartnerAction.SUBMIT) is None:
        raise InvalidTransition(f"A partner that is {partner.status} cannot be submitted")
    partner.submitted_by_id = actor.user_id
    await approvals.open_request(
        session,
        entity_type="partner",
        entity_id=partner.id,
        action=APPROVAL_ACTION,
        requested_by_id=actor.user_id,
        maker_ids=makers(partner.created_by_id, actor.user_id),
        summary=f"Onboard {partner.kind} {partner.legal_name} ({partner.code})",
    )
    return await _move(session, actor, partner, PartnerAction.SUBMIT)


async def _decide_onboarding(
    session: AsyncSession, actor: AuditActor, partner: Partner, *, approve: bool, reason: str | None
) -> Partner:
    action = PartnerAction.APPROVE if approve else PartnerAction.REJECT
    if next_status(PartnerStatus(partner.status), action) is None:
        raise InvalidTransition(f"A partner that is {partner.status} cannot be {action}d")
    request = await approvals.pending_request(
        session, entity_type="partner", entity_id=partner.id, action=APPROVAL_ACTION
    )
    if request is None:  # pragma: no cover - submit always opens one
        raise InvalidTransition("This partner has no pending approval request")
    assert actor.user_id is not None, "decisions are taken by signed-in users"
    await approvals.decide(
        session, request, decided_by_id=actor.user_id, approve=approve, reason=reason
    )
    return await _move(session, actor, partner, action, reason=reason)


async def approve(session: AsyncSession, actor: AuditActor, partner: Partner) -> Partner:
    """Activate; the onboarding check counts as the first KYC, due again in a year, and the
    approved record becomes version 1."""
    partner = await lock_partner(session, partner)
    partner = await _decide_onboarding(session, actor, partner, approve=True, reason=None)
    now = utcnow()
    partner.approved_by_id = actor.user_id
    partner.approved_at = now
    await _record_onboarding_kyc(session, actor, partner, today=now.date())
    await versions.write_version(session, partner, changed_by_id=actor.user_id, reason="onboarding")
    return partner


async def _record_onboarding_kyc(
    session: AsyncSession, actor: AuditActor, partner: Partner, *, today: date
) -> None:
    due = kyc_due_after(today)
    session.add(
        KycVerification(
            partner_id=partner.id,
            verified_on=today,
            next_due_date=due,
            verified_by_id=actor.user_id,
            documents_checked=[],
            notes="Onboarding approval",
        )
    )
    partner.kyc_verified_on = today
    partner.kyc_due_date = due
    await session.flush()


async def reject(
    session: AsyncSession, actor: AuditActor, partner: Partner, *, reason: str
) -> Partner:
    partner = await lock_partner(session, partner)
    return await _decide_onboarding(session, actor, partner, approve=False, reason=reason)


async def suspend(
    session: AsyncSession, actor: AuditActor, partner: Partner, *, reason: str
) -> Partner:
    partner = await lock_partner(session, partner)
    return await _move(session, actor, partner, PartnerAction.SUSPEND, reason=reason)


async def reactivate(
    session: AsyncSession, actor: AuditActor, partner: Partner, *, reason: str | None
) -> Partner:
    partner = await lock_partner(session, partner)
    return await _move(session, actor, partner, PartnerAction.REACTIVATE, reason=reason)


async def move(
    session: AsyncSession,
    actor: AuditActor,
    partner: Partner,
    action: PartnerAction,
    *,
    reason: str | None = None,
) -> Partner:
    """A state change for other use cases of this module (KYC expiry and renewal)."""
    return await _move(session, actor, partner, action, reason=reason)
