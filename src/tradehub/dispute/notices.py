"""E-mails to the parties of a dispute, queued through the outbox in the business transaction
(a rolled-back step sends nothing)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.contract.domain import Side
from tradehub.dispute import repository
from tradehub.dispute.domain import other_side
from tradehub.dispute.models import Dispute
from tradehub.kit import outbox

RAISED_TEMPLATE = "dispute_raised"
RESOLVED_TEMPLATE = "dispute_resolved"


def _party(dispute: Dispute, side: Side) -> Any:
    return dispute.seller_id if side is Side.SELLER else dispute.buyer_id


def _money(value: Any) -> str | None:
    return None if value is None else format(value, ".2f")


def _context(dispute: Dispute, legal_name: str) -> dict[str, Any]:
    return {
        "legal_name": legal_name,
        "dispute_id": str(dispute.id),
        "contract_no": dispute.contract_no or "",
        "category": dispute.category,
        "subject": dispute.subject,
        "raised_by_side": dispute.raised_by_side,
        "claimed_amount": _money(dispute.claimed_amount),
    }


async def dispute_raised(session: AsyncSession, dispute: Dispute) -> None:
    """The other side hears that a dispute was raised against it."""
    other = _party(dispute, other_side(Side(dispute.raised_by_side)))
    addresses = await repository.partner_addresses(session, [other])
    email, legal_name = addresses[other]
    await outbox.enqueue(
        session,
        channel=outbox.Channel.EMAIL,
        recipient=email,
        template=RAISED_TEMPLATE,
        context=_context(dispute, legal_name),
    )


async def dispute_resolved(session: AsyncSession, dispute: Dispute) -> None:
    """Both parties hear the resolution: the raiser's claim and the other side's liability
    are both decided by it."""
    parties = [dispute.seller_id, dispute.buyer_id]
    addresses = await repository.partner_addresses(session, parties)
    for party in parties:
        email, legal_name = addresses[party]
        await outbox.enqueue(
            session,
            channel=outbox.Channel.EMAIL,
            recipient=email,
            template=RESOLVED_TEMPLATE,
            context=_context(dispute, legal_name)
            | {
                "resolution": dispute.resolution or "",
                "resolution_kind": dispute.resolution_kind or "",
                "settled_amount": _money(dispute.settled_amount),
            },
        )
