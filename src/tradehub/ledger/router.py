"""/partners/{id}/ledger and /reports/outstanding (api.md §8): the broker's party ledger and
the ageing of what partners owe. A partner the caller may not see is a 404."""

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
from tradehub.ledger import service
from tradehub.ledger.domain import Kind
from tradehub.ledger.schemas import LedgerRead, OutstandingRead

router = api_router(tags=["ledger"])

CanReadLedger = Annotated[Principal, Depends(require("ledger:read"))]
CanReadReport = Annotated[Principal, Depends(require("ledger:report"))]
KindQuery = Annotated[
    Kind,
    Query(description="`brokerage` (bills and receipts against them) or `goods` (invoices)"),
]
OrganizationQuery = Annotated[
    uuid.UUID | None, Query(description="Only this organization's books (default: all)")
]


@router.get(
    "/partners/{partner_id}/ledger",
    response_model=LedgerRead,
    responses=problem_responses(401, 403, 404, 422),
)
async def party_ledger(
    partner_id: uuid.UUID,
    session: DbSession,
    principal: CanReadLedger,
    date_from: Annotated[
        date | None, Query(alias="from", description="First day; earlier entries open it")
    ] = None,
    date_to: Annotated[date | None, Query(alias="to", description="Last day (included)")] = None,
    kind: KindQuery = Kind.BROKERAGE,
    organization_id: OrganizationQuery = None,
) -> LedgerRead:
    """The partner's account in the broker's books, in date order: brokerage bills debit,
    receipts against them credit (``document_no`` = the payment's reference); a cancelled bill
    and a reversed receipt are opposite entries on the day they happened. ``opening_balance``
    = everything dated before ``from``; balance = debits − credits."""
    return await service.party_ledger(
        session,
        principal,
        partner_id,
        kind=kind,
        organization_id=organization_id,
        date_from=date_from,
        date_to=date_to,
    )


@router.get(
    "/reports/outstanding",
    response_model=OutstandingRead,
    responses=problem_responses(401, 403, 422),
)
async def outstanding_report(
    session: DbSession,
    principal: CanReadReport,
    as_of: Annotated[date | None, Query(description="Default: today in India")] = None,
    kind: KindQuery = Kind.BROKERAGE,
    organization_id: OrganizationQuery = None,
) -> OutstandingRead:
    """Per partner, total − paid as of ``as_of`` of its brokerage bills (``kind=brokerage``,
    the default) or of the goods invoices it bought (``kind=goods``), aged by document date:
    0–30, 31–60, 61–90, over 90 days. Payments dated after ``as_of`` do not count; documents
    dated after it are left out."""
    return await service.outstanding_report(
        session, principal, kind=kind, as_of=as_of, organization_id=organization_id
    )
