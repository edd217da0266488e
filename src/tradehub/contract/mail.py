"""E-mails to a contract's parties (domain.md §3.1), queued through the outbox in the business
transaction: a rolled-back approval or amendment sends nothing, a committed one always has its
mails. Each party gets its own mail at the partner's e-mail address; the queued rows are what
``GET /notifications`` lists.

The outbox carries a template and a JSON context, not files, so the mail cannot attach the
contract PDF: it links ``GET /api/v1/contracts/{id}/pdf`` instead (the reader signs in to the
portal to fetch it, and sees only their own side's brokerage there). Mails never name any
brokerage amount: each party may see only its own.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import record as audit
from tradehub.contract.domain import Side
from tradehub.contract.models import Contract
from tradehub.kit import outbox
from tradehub.masters.models import Commodity
from tradehub.partner.models import Partner

CONFIRMED = "contract_confirmed"
AMENDED = "contract_amended"
ENTITY = "contract"

# What an amendment changed, as the parties read it (ids become words; brokerage is never shown).
_LABELS = {
    "contract_date": "contract date",
    "seller_branch_id": "seller's branch",
    "buyer_branch_id": "buyer's branch",
    "variety": "variety",
    "bales": "bales",
    "rate": "rate",
    "rate_unit": "rate unit",
    "quality": "quality",
    "delivery_terms": "delivery terms",
    "payment_terms": "payment terms",
    "station_id": "delivery station",
    "contract_value": "contract value",
    "seller_commission_structure_id": "your brokerage terms",
    "buyer_commission_structure_id": "your brokerage terms",
}


def _money(value: Decimal) -> str:
    return format(value, ",.2f")


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def changed_labels(changed: dict[str, Any], side: Side) -> list[str]:
    """The amended terms in words for one party, each once, in a stable order: the other
    side's brokerage terms are not its business."""
    other = Side.BUYER if side is Side.SELLER else Side.SELLER
    hidden = f"{other.value}_commission_structure_id"
    return sorted({_LABELS[name] for name in changed if name in _LABELS and name != hidden})


async def _parties(session: AsyncSession, contract: Contract) -> dict[Side, Partner]:
    seller = await session.get(Partner, contract.seller_id)
    buyer = await session.get(Partner, contract.buyer_id)
    assert seller is not None, "a foreign key"
    assert buyer is not None, "a foreign key"
    return {Side.SELLER: seller, Side.BUYER: buyer}


async def _context(
    session: AsyncSession, contract: Contract, parties: dict[Side, Partner]
) -> dict[str, Any]:
    commodity = await session.get(Commodity, contract.commodity_id)
    assert commodity is not None, "a foreign key"
    return {
        "contract_id": str(contract.id),
        "contract_no": contract.contract_no or "",
        "contract_date": contract.contract_date.isoformat(),
        "revision": contract.revision,
        "seller_name": parties[Side.SELLER].legal_name,
        "buyer_name": parties[Side.BUYER].legal_name,
        "commodity": commodity.name,
        "variety": contract.variety,
        "bales": contract.bales,
        "rate": _plain(contract.rate),
        "rate_unit": contract.rate_unit,
        "contract_value": _money(contract.contract_value),
        "delivery_terms": contract.delivery_terms,
        "payment_terms": contract.payment_terms,
    }


async def _queue(
    session: AsyncSession,
    actor: AuditActor,
    contract: Contract,
    *,
    template: str,
    extra: Callable[[Side], dict[str, Any]],
) -> None:
    parties = await _parties(session, contract)
    context = await _context(session, contract, parties)
    queued: list[str] = []
    for side, partner in parties.items():
        if not partner.email or partner.email in queued:
            continue
        await outbox.enqueue(
            session,
            channel=outbox.Channel.EMAIL,
            recipient=partner.email,
            template=template,
            context=context | extra(side) | {"legal_name": partner.legal_name, "side": side.value},
        )
        queued.append(partner.email)
    if queued:
        await audit(
            session,
            actor=actor,
            action="email_queued",
            entity_type=ENTITY,
            entity_id=contract.id,
            changes={"emails": {"old": None, "new": queued}},
            reason=template,
        )


async def contract_confirmed(session: AsyncSession, actor: AuditActor, contract: Contract) -> None:
    """Both parties hear that the contract is confirmed, with its number and terms."""
    await _queue(session, actor, contract, template=CONFIRMED, extra=lambda _side: {})


async def contract_amended(
    session: AsyncSession,
    actor: AuditActor,
    contract: Contract,
    *,
    reason: str,
    changed: dict[str, Any],
) -> None:
    """Both parties hear of the amendment: the new version's terms, what changed and why."""
    await _queue(
        session,
        actor,
        contract,
        template=AMENDED,
        extra=lambda side: {"reason": reason, "changed": changed_labels(changed, side)},
    )
