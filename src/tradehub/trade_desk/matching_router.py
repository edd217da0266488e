"""/trade-desk/requirements/{id}/matches: offers and tested lots ranked for a requirement."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from tradehub.auth.dependencies import require
from tradehub.auth.principal import Principal
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.trade_desk import matching_service as service
from tradehub.trade_desk.matching_schemas import MatchRead, MatchScope, MatchSort

router = api_router(tags=["trade desk"])

CanRead = Annotated[Principal, Depends(require("trade_desk:read"))]


@router.get(
    "/trade-desk/requirements/{requirement_id}/matches",
    response_model=Page[MatchRead],
    responses=problem_responses(401, 403, 404, 422),
)
async def list_matches(
    requirement_id: uuid.UUID,
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: MatchSort = MatchSort("-match_score"),  # type: ignore[valid-type]
    scope: Annotated[
        MatchScope,
        Query(description="local: the requirement's state and traders; all: anywhere (staff)"),
    ] = MatchScope.LOCAL,
) -> Page[MatchRead]:
    """Offers (open ones on this requirement and open offers on none) and active tested lots of
    the same commodity, still valid, whose sellers hold every certificate the requirement asks
    (verified), ranked by match score (domain.md §4.4) then the quality-normalised price. A
    portal user sees only the offers and lots it may see; an unseen requirement is 404."""
    return await service.find_matches(
        session,
        principal,
        requirement_id,
        scope=scope,
        sort=str(sort),
        paging=paging,
    )
