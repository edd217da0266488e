"""Organizations written straight to the database, for numbering tests."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from tests.organization.helpers import organization_body
from tradehub.organization.models import Organization


async def add_organization(session: AsyncSession) -> uuid.UUID:
    body = organization_body()
    organization = Organization(**body)
    session.add(organization)
    await session.flush()
    return organization.id
