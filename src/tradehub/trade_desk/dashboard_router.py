"""/trade-desk/dashboard: the desk's figures over a period (domain.md §4.6)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from tradehub.auth.dependencies import require
from tradehub.auth.principal import Principal
from tradehub.kit.errors import problem_responses
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.trade_desk import dashboard_service as service
from tradehub.trade_desk.dashboard_schemas import DashboardRead

router = api_router(tags=["trade desk"])

CanRead = Annotated[Principal, Depends(require("trade_desk:read"))]


@router.get(
    "/trade-desk/dashboard",
    response_model=DashboardRead,
    responses=problem_responses(401, 403, 422),
)
async def get_dashboard(
    session: DbSession,
    principal: CanRead,
    date_from: Annotated[
        date | None,
        Query(alias="from", description="First India calendar day (default: `to` − 29 days)"),
    ] = None,
    date_to: Annotated[
        date | None, Query(alias="to", description="Last India calendar day (default: today)")
    ] = None,
    commodity_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
) -> DashboardRead:
    """Requirements and offers by status, accepted value, average match score and response
    time, top commodities and seller performance, for what the caller may see: staff all (or
    one organization's), a partner's users only their partner's requirements, the offers on
    them and their partner's own offers. Requirements count by posting day, offers by the day
    they were made; `from` after `to` is 422."""
    return await service.dashboard(
        session,
        principal,
        date_from=date_from,
        date_to=date_to,
        commodity_id=commodity_id,
        organization_id=organization_id,
    )
