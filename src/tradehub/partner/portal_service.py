"""Portal users of a partner: logins with the ``partner`` role, bound to that partner."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.auth import users_service
from tradehub.auth.models import User
from tradehub.auth.permissions import BuiltinRole
from tradehub.auth.schemas import UserCreate, UserRead
from tradehub.auth.service import Identity
from tradehub.partner.checks import FieldErrors
from tradehub.partner.models import Partner
from tradehub.partner.repository import portal_users_of
from tradehub.partner.schemas import PortalUserCreate
from tradehub.partner.service import branches_by_partner


async def create_portal_user(
    session: AsyncSession,
    identity: Identity,
    actor: AuditActor,
    partner: Partner,
    body: PortalUserCreate,
) -> User:
    own = {b.id for b in (await branches_by_partner(session, [partner.id]))[partner.id]}
    errors = FieldErrors()
    for index, branch_id in enumerate(body.branch_ids):
        if branch_id not in own:
            errors.add(
                ("branch_ids", index), "Not a branch of this partner", "partner.branch_unknown"
            )
    errors.raise_if_any()
    user = UserCreate(
        email=body.email,
        name=body.name,
        password=body.password,
        roles=[BuiltinRole.PARTNER.value],
        branch_ids=list(dict.fromkeys(body.branch_ids)),
        mobile=body.mobile,
        must_change_password=body.must_change_password,
    )
    return await users_service.create_user(session, identity, actor, user, partner_id=partner.id)


async def portal_users(session: AsyncSession, partner: Partner) -> list[UserRead]:
    return await users_service.user_reads(session, await portal_users_of(session, partner.id))
