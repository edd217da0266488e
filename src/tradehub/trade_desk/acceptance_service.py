"""What accepting an offer produces: a draft sales contract through the contracts service, and
the bales taken from the seller's tested lot. Sources of the contract's fields: README."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import snapshot
from tradehub.contract import service as contracts
from tradehub.contract.schemas import ContractCreate
from tradehub.kit.errors import Unprocessable
from tradehub.masters import terms_service
from tradehub.masters.schemas import TermKind
from tradehub.trade_desk import repository
from tradehub.trade_desk import service as shared
from tradehub.trade_desk.domain import PAYMENT_TERM_WORDS, LotStatus, PaymentTerms, term_rank
from tradehub.trade_desk.errors import LotInsufficient
from tradehub.trade_desk.models import Offer, Requirement
from tradehub.trade_desk.schemas import AcceptIn

# The contract is dated on the Indian calendar day of the acceptance (its financial year too).
INDIA = timezone(timedelta(hours=5, minutes=30), "IST")


async def take_from_lot(session: AsyncSession, actor: AuditActor, offer: Offer, bales: int) -> None:
    """The accepted bales leave the offered tested lot (409 when it no longer has them)."""
    if offer.tested_lot_id is None:
        return
    lot = await repository.lock_tested_lot(session, offer.tested_lot_id)
    assert lot is not None
    if lot.available_bales < bales:
        raise LotInsufficient(f"The tested lot has only {lot.available_bales} bales left")
    before = snapshot(lot)
    lot.available_bales -= bales
    if lot.available_bales == 0:
        lot.status = LotStatus.DEPLETED
    await shared.audit_changed(session, actor, "tested_lot", lot, before, action="allocate")


async def _branch(
    session: AsyncSession,
    errors: shared.FieldErrors,
    given: uuid.UUID | None,
    partner_id: uuid.UUID,
    name: str,
) -> str | None:
    if given is not None:
        return str(given)  # the contract checks it belongs to the party
    branch = await repository.head_office(session, partner_id)
    if branch is None:
        errors.add([name], "the partner has no branch; name one", "offer.branch_missing")
        return None
    return str(branch.id)


async def _term(
    session: AsyncSession,
    errors: shared.FieldErrors,
    kind: TermKind,
    *,
    words: tuple[str, ...],
    wanted_days: int,
) -> str | None:
    """The active master term of ``kind`` that best fits what was agreed (``term_rank``)."""
    terms = list(
        await session.scalars(terms_service.term_list_statement(kind=kind, is_active=True))
    )
    if not terms:
        errors.add(
            [f"{kind.value}_terms"],
            f"no active {kind.value} term in the masters; name one",
            "offer.term_missing",
        )
        return None
    best = min(
        terms, key=lambda t: term_rank(t.name_key, t.days, words=words, wanted_days=wanted_days)
    )
    return str(best.id)


async def _payment_term(
    session: AsyncSession, errors: shared.FieldErrors, offer: Offer
) -> str | None:
    words: tuple[str, ...] = ()
    if offer.payment_terms is not None:
        words = PAYMENT_TERM_WORDS[PaymentTerms(offer.payment_terms)]
    return await _term(
        session, errors, TermKind.PAYMENT, words=words, wanted_days=offer.payment_days or 0
    )


async def draft_contract(
    session: AsyncSession,
    actor: AuditActor,
    requirement: Requirement,
    offer: Offer,
    bales: int,
    body: AcceptIn,
    *,
    today: datetime,
) -> uuid.UUID:
    """A draft contract of ``bales`` at the latest proposal's price, between the offer's seller
    and the requirement's buyer (``tradehub.contract.service.create_contract``)."""
    errors = shared.FieldErrors()
    seller_branch = await _branch(
        session, errors, body.seller_branch_id, offer.seller_id, "seller_branch_id"
    )
    buyer_branch = await _branch(
        session, errors, body.buyer_branch_id, requirement.buyer_id, "buyer_branch_id"
    )
    delivery = body.delivery_terms or await _term(
        session, errors, TermKind.DELIVERY, words=(), wanted_days=offer.delivery_days or 0
    )
    payment = body.payment_terms or await _payment_term(session, errors, offer)
    errors.raise_if_any()
    fields: dict[str, Any] = {
        "organization_id": requirement.organization_id,
        "contract_date": today.astimezone(UTC).astimezone(INDIA).date(),
        "seller_id": offer.seller_id,
        "seller_branch_id": seller_branch,
        "buyer_id": requirement.buyer_id,
        "buyer_branch_id": buyer_branch,
        "commodity_id": offer.commodity_id,
        "variety": offer.variety,
        "bales": bales,
        "rate": format(offer.last_price, "f"),
        "rate_unit": offer.price_unit,
        "quality": {
            name: {end: value for end, value in band.items() if value is not None}
            for name, band in requirement.parameters.items()
        },
        "delivery_terms": delivery,
        "payment_terms": payment,
        "station_id": offer.station_id,
    }
    try:
        create = ContractCreate.model_validate(fields)
    except ValidationError as error:  # pragma: no cover - every field was checked above
        raise Unprocessable(
            "The accepted offer does not make a valid contract",
            code="offer.contract_invalid",
            errors=[
                {"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
                for e in error.errors(include_url=False, include_context=False)
            ],
        ) from None
    contract = await contracts.create_contract(session, actor, create)
    return contract.id
