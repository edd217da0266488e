"""Branches of a draft or rejected partner. An approved partner's branches change through a
change request, like its other fields."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.kit.errors import Conflict
from tradehub.partner.checks import BranchFields, FieldErrors, check_branch, check_unique
from tradehub.partner.domain import PartnerKind
from tradehub.partner.errors import BranchNotFound
from tradehub.partner.models import Partner, PartnerBranch
from tradehub.partner.schemas import BranchIn, BranchUpdate
from tradehub.partner.service import branches_by_partner, lock_partner, require_editable


async def get_branch(
    session: AsyncSession, partner: Partner, branch_id: uuid.UUID
) -> PartnerBranch:
    branch = await session.scalar(
        select(PartnerBranch).where(
            PartnerBranch.id == branch_id, PartnerBranch.partner_id == partner.id
        )
    )
    if branch is None:
        raise BranchNotFound("This partner has no such branch")
    return branch


async def _check(
    session: AsyncSession,
    partner: Partner,
    fields: BranchFields,
    *,
    siblings: list[PartnerBranch],
) -> BranchFields:
    """``fields`` valid for ``partner`` and clashing with none of its other branches."""
    errors = FieldErrors()
    checked = check_branch(errors, (), fields, pan=partner.pan, kind=PartnerKind(partner.kind))
    errors.raise_if_any()
    if any(b.name.lower() == checked.name.lower() for b in siblings):
        raise Conflict("This partner has a branch with this name", code="partner.branch_name_taken")
    if checked.gstin:
        if any(b.gstin == checked.gstin for b in siblings):
            raise Conflict("Another branch has this GSTIN", code="partner.gstin_taken")
        await check_unique(
            session,
            pan=partner.pan,
            email=partner.email,
            gstins=[checked.gstin],
            partner_id=partner.id,
        )
    return checked


async def _clear_head_office(session: AsyncSession, branches: list[PartnerBranch]) -> None:
    for branch in branches:
        if branch.is_head_office:
            branch.is_head_office = False
    # The partial unique index allows one head office: clear the old one before setting anew.
    await session.flush()


async def add_branch(
    session: AsyncSession, actor: AuditActor, partner: Partner, body: BranchIn
) -> PartnerBranch:
    partner = await lock_partner(session, partner)
    require_editable(partner)
    existing = (await branches_by_partner(session, [partner.id]))[partner.id]
    # The first branch is the head office whatever the flag says: there must be one.
    head_office = body.is_head_office or not existing
    fields = BranchFields(body.name, body.gstin, body.state_code, head_office)
    checked = await _check(session, partner, fields, siblings=existing)
    if head_office:
        await _clear_head_office(session, existing)
    branch = PartnerBranch(
        partner_id=partner.id,
        name=checked.name,
        gstin=checked.gstin,
        state_code=checked.state_code,
        is_head_office=head_office,
        address=body.address,
    )
    session.add(branch)
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="partner_branch",
        entity_id=branch.id,
        changes=diff({}, snapshot(branch)),
    )
    return branch


async def update_branch(
    session: AsyncSession,
    actor: AuditActor,
    partner: Partner,
    branch: PartnerBranch,
    body: BranchUpdate,
) -> PartnerBranch:
    partner = await lock_partner(session, partner)
    require_editable(partner)
    before = snapshot(branch)
    values = body.model_dump(exclude_unset=True)
    if values.get("is_head_office") is False and branch.is_head_office:
        raise Conflict(
            "Make another branch the head office instead", code="partner.head_office_required"
        )
    fields = BranchFields(
        values.get("name") or branch.name,
        values.get("gstin", branch.gstin),
        values.get("state_code") or branch.state_code,
        branch.is_head_office or bool(values.get("is_head_office")),
    )
    existing = (await branches_by_partner(session, [partner.id]))[partner.id]
    siblings = [other for other in existing if other.id != branch.id]
    checked = await _check(session, partner, fields, siblings=siblings)
    if checked.is_head_office and not branch.is_head_office:
        await _clear_head_office(session, siblings)
    branch.name, branch.gstin, branch.state_code = checked.name, checked.gstin, checked.state_code
    branch.is_head_office = checked.is_head_office
    if "address" in values:
        branch.address = values["address"]
    changes = diff(before, snapshot(branch))
    if changes:
        await session.flush()
        await audit(
            session,
            actor=actor,
            action="update",
            entity_type="partner_branch",
            entity_id=branch.id,
            changes=changes,
        )
    return branch
