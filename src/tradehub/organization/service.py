"""Organization and branch use cases. GSTINs must carry the PAN and the state they belong to;
every change is audited."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.geo.service import require_state
from tradehub.kit.errors import Conflict, NotFound
from tradehub.kit.identifiers import field_checked, validate_gstin, validate_pan
from tradehub.organization.models import Branch, Organization
from tradehub.organization.schemas import (
    BranchCreate,
    BranchUpdate,
    OrganizationCreate,
    OrganizationUpdate,
)


class OrganizationNotFound(NotFound):
    code = "organization.not_found"


class BranchNotFound(NotFound):
    code = "branch.not_found"


# --- organizations ---------------------------------------------------------------------------


async def _check_identity(
    session: AsyncSession, *, pan: str, gstin: str, state_code: str
) -> tuple[str, str]:
    pan = field_checked("pan", validate_pan, pan, code="organization.invalid_pan")
    await require_state(session, state_code)
    gstin = field_checked(
        "gstin",
        validate_gstin,
        gstin,
        pan=pan,
        state_code=state_code,
        code="organization.invalid_gstin",
    )
    return pan, gstin


async def _check_unique_org(
    session: AsyncSession, *, code: str, gstin: str, except_id: uuid.UUID | None = None
) -> None:
    rows = await session.execute(
        select(Organization.id, Organization.code, Organization.gstin).where(
            (Organization.code == code) | (Organization.gstin == gstin)
        )
    )
    for other_id, other_code, other_gstin in rows:
        if other_id == except_id:
            continue
        if other_code == code:
            raise Conflict("An organization with this code exists", code="organization.code_taken")
        if other_gstin == gstin:
            raise Conflict(
                "An organization with this GSTIN exists", code="organization.gstin_taken"
            )


async def create_organization(
    session: AsyncSession, actor: AuditActor, body: OrganizationCreate
) -> Organization:
    pan, gstin = await _check_identity(
        session, pan=body.pan, gstin=body.gstin, state_code=body.state_code
    )
    await _check_unique_org(session, code=body.code, gstin=gstin)
    organization = Organization(
        name=body.name,
        code=body.code,
        gstin=gstin,
        pan=pan,
        state_code=body.state_code,
        address=body.address,
    )
    session.add(organization)
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="organization",
        entity_id=organization.id,
        changes=diff({}, snapshot(organization)),
    )
    return organization


async def get_organization(session: AsyncSession, organization_id: uuid.UUID) -> Organization:
    organization = await session.get(Organization, organization_id)
    if organization is None:
        raise OrganizationNotFound("No such organization")
    return organization


async def lock_organization(session: AsyncSession, organization_id: uuid.UUID) -> Organization:
    """The organization, its row locked until the transaction ends (PostgreSQL ``FOR UPDATE``;
    SQLite writers are already serialised by ``BEGIN IMMEDIATE``). Other modules call this to
    serialise per-organization changes (the active financial year, number series)."""
    organization = await session.scalar(
        select(Organization)
        .where(Organization.id == organization_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if organization is None:
        raise OrganizationNotFound("No such organization")
    return organization


def organization_list_statement(*, q: str | None) -> Select[Any]:
    statement: Select[Any] = select(Organization)
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            Organization.name.ilike(pattern) | Organization.code.ilike(pattern)
        )
    return statement


async def update_organization(
    session: AsyncSession, actor: AuditActor, organization: Organization, body: OrganizationUpdate
) -> Organization:
    before = snapshot(organization)
    fields = body.model_dump(exclude_unset=True, exclude_none=True)
    merged = {**before, **fields}
    if {"pan", "gstin", "state_code"} & fields.keys():
        merged["pan"], merged["gstin"] = await _check_identity(
            session, pan=merged["pan"], gstin=merged["gstin"], state_code=merged["state_code"]
        )
    if merged["pan"] != organization.pan and await session.scalar(
        select(Branch.id)
        .where(Branch.organization_id == organization.id, Branch.gstin.is_not(None))
        .limit(1)
    ):
        raise Conflict(
            "Branch GSTINs carry the current PAN: change them first", code="organization.pan_in_use"
        )
    if merged["code"] != organization.code or merged["gstin"] != organization.gstin:
        await _check_unique_org(
            session, code=merged["code"], gstin=merged["gstin"], except_id=organization.id
        )
    for field in ("name", "code", "gstin", "pan", "state_code", "address"):
        setattr(organization, field, merged[field])
    changes = diff(before, snapshot(organization))
    if changes:
        await session.flush()
        await audit(
            session,
            actor=actor,
            action="update",
            entity_type="organization",
            entity_id=organization.id,
            changes=changes,
        )
    return organization


# --- branches --------------------------------------------------------------------------------


async def _check_branch(
    session: AsyncSession,
    organization: Organization,
    *,
    code: str,
    state_code: str,
    gstin: str | None,
    except_id: uuid.UUID | None = None,
) -> str | None:
    await require_state(session, state_code)
    if gstin is not None:
        gstin = field_checked(
            "gstin",
            validate_gstin,
            gstin,
            pan=organization.pan,
            state_code=state_code,
            code="branch.invalid_gstin",
        )
    rows = await session.execute(
        select(Branch.id, Branch.code, Branch.gstin).where(
            ((Branch.organization_id == organization.id) & (Branch.code == code))
            | ((Branch.gstin == gstin) if gstin is not None else false())
        )
    )
    for other_id, other_code, other_gstin in rows:
        if other_id == except_id:
            continue
        if other_code == code:
            raise Conflict(
                "This organization has a branch with this code", code="branch.code_taken"
            )
        if gstin is not None and other_gstin == gstin:
            raise Conflict("A branch with this GSTIN exists", code="branch.gstin_taken")
    return gstin


async def create_branch(
    session: AsyncSession, actor: AuditActor, organization: Organization, body: BranchCreate
) -> Branch:
    gstin = await _check_branch(
        session, organization, code=body.code, state_code=body.state_code, gstin=body.gstin
    )
    branch = Branch(
        organization_id=organization.id,
        name=body.name,
        code=body.code,
        state_code=body.state_code,
        gstin=gstin,
    )
    session.add(branch)
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="branch",
        entity_id=branch.id,
        changes=diff({}, snapshot(branch)),
    )
    return branch


async def get_branch(session: AsyncSession, branch_id: uuid.UUID) -> Branch:
    branch = await session.get(Branch, branch_id)
    if branch is None:
        raise BranchNotFound("No such branch")
    return branch


def branch_list_statement(*, organization_id: uuid.UUID | None) -> Select[Any]:
    statement: Select[Any] = select(Branch)
    if organization_id is not None:
        statement = statement.where(Branch.organization_id == organization_id)
    return statement


async def update_branch(
    session: AsyncSession, actor: AuditActor, branch: Branch, body: BranchUpdate
) -> Branch:
    before = snapshot(branch)
    fields = body.model_dump(exclude_unset=True)
    merged = {**before, **{k: v for k, v in fields.items() if v is not None or k == "gstin"}}
    organization = await get_organization(session, branch.organization_id)
    merged["gstin"] = await _check_branch(
        session,
        organization,
        code=merged["code"],
        state_code=merged["state_code"],
        gstin=merged["gstin"],
        except_id=branch.id,
    )
    for field in ("name", "code", "state_code", "gstin"):
        setattr(branch, field, merged[field])
    changes = diff(before, snapshot(branch))
    if changes:
        await session.flush()
        await audit(
            session,
            actor=actor,
            action="update",
            entity_type="branch",
            entity_id=branch.id,
            changes=changes,
        )
    return branch
