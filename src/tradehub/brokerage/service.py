"""Brokerage bill use cases: bill a partner's unbilled commissions of a period, cancel a bill
(releasing them), and reads shaped for the caller.

Billing takes the per-partner transaction lock, then locks the commission rows it bills, so two
racing bills for one partner take turns and the second sees only what the first left; the
number is taken last (after ``nothing_to_bill``), in the same transaction: gapless.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor, diff
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.brokerage import domain, repository
from tradehub.brokerage.domain import BillStatus, cancellable, outstanding
from tradehub.brokerage.errors import BillCancelled, BillNotFound, InvalidTransition, OverAllocation
from tradehub.brokerage.models import BrokerageBill, BrokerageBillLine
from tradehub.brokerage.schemas import BillCreate, BillLineRead, BillRead
from tradehub.financial_year import service as financial_years
from tradehub.kit.errors import Unprocessable
from tradehub.kit.locks import transaction_lock
from tradehub.kit.types import utcnow
from tradehub.ledger import service as ledger
from tradehub.ledger.domain import EntryType, Kind
from tradehub.numbering import service as numbering
from tradehub.organization.models import Organization
from tradehub.partner.domain import PartnerKind
from tradehub.partner.models import Partner
from tradehub.pricing.brokerage import (
    BROKERAGE_GST_RATE,
    BROKERAGE_SAC,
    brokerage_bill,
    sub_broker_share,
)

ENTITY = "brokerage_bill"
SERIES = "BRK"
LOCK_NAMESPACE = "brokerage_bill.partner"
_STAFF_ONLY = ("sub_broker_id", "sub_broker_share_percent", "sub_broker_share", "created_by_id")


# --- reading ---------------------------------------------------------------------------------


def visible_bills(principal: Principal) -> Select[Any]:
    return repository.visible_bills(principal)


async def get_bill(
    session: AsyncSession, principal: Principal, bill_id: uuid.UUID
) -> BrokerageBill:
    bill: BrokerageBill | None = await session.scalar(
        visible_bills(principal).where(BrokerageBill.id == bill_id)
    )
    if bill is None:
        raise BillNotFound("No such brokerage bill")
    return bill


def _read(bill: BrokerageBill, lines: list[BrokerageBillLine], principal: Principal) -> BillRead:
    data = {name: getattr(bill, name) for name in BillRead.model_fields if hasattr(bill, name)}
    data["outstanding_amount"] = outstanding(bill.total_amount, bill.paid_amount, bill.status)
    data["lines"] = [BillLineRead.model_validate(line, from_attributes=True) for line in lines]
    if principal.partner_id is not None:
        data.update(dict.fromkeys(_STAFF_ONLY))
    return BillRead.model_validate(data)


async def bill_reads(
    session: AsyncSession, principal: Principal, bills: list[BrokerageBill]
) -> list[BillRead]:
    """Answers for many bills in one extra query, whatever their number."""
    lines = await repository.lines_by_bill(session, [b.id for b in bills])
    return [_read(bill, lines[bill.id], principal) for bill in bills]


async def bill_read(session: AsyncSession, principal: Principal, bill: BrokerageBill) -> BillRead:
    return (await bill_reads(session, principal, [bill]))[0]


async def bill_lines(session: AsyncSession, bill: BrokerageBill) -> list[BrokerageBillLine]:
    return (await repository.lines_by_bill(session, [bill.id]))[bill.id]


# --- billing ---------------------------------------------------------------------------------


def _unprocessable(field: str, message: str, code: str) -> Unprocessable:
    return Unprocessable(
        message, code=code, errors=[{"loc": ["body", field], "msg": message, "type": code}]
    )


async def _parties(session: AsyncSession, body: BillCreate) -> tuple[Organization, str]:
    """The organization and the state code of the partner's head-office branch."""
    organization = await session.get(Organization, body.organization_id)
    if organization is None:
        raise _unprocessable(
            "organization_id", "No such organization", "brokerage.organization_unknown"
        )
    partner = await session.get(Partner, body.partner_id)
    if partner is None:
        raise _unprocessable("partner_id", "No such partner", "brokerage.partner_unknown")
    head = await repository.head_office(session, partner.id)
    if head is None:
        raise _unprocessable(
            "partner_id", "The partner has no head-office branch", "brokerage.no_head_office"
        )
    if body.sub_broker_id is not None:
        broker = await session.get(Partner, body.sub_broker_id)
        if broker is None or broker.kind != PartnerKind.BROKER or broker.id == partner.id:
            raise _unprocessable(
                "sub_broker_id", "Not a partner of kind broker", "brokerage.sub_broker_unknown"
            )
    return organization, head.state_code


async def _open_year(session: AsyncSession, body: BillCreate) -> str:
    try:
        year = await financial_years.require_open_year(
            session, body.organization_id, body.bill_date
        )
    except Unprocessable as error:
        for item in error.errors:
            item["loc"] = ["body", "bill_date"]
        raise
    return year.code


def _audited(bill: BrokerageBill) -> dict[str, Any]:
    names = (
        "organization_id", "partner_id", "bill_no", "bill_date", "period_from", "period_to",
        "status", "taxable_value", "cgst", "sgst", "igst", "round_off", "total_amount",
        "sub_broker_id", "sub_broker_share",
    )  # fmt: skip
    return {name: getattr(bill, name) for name in names}


async def create_bill(session: AsyncSession, actor: AuditActor, body: BillCreate) -> BrokerageBill:
    organization, recipient_state = await _parties(session, body)
    year = await _open_year(session, body)
    await transaction_lock(session, LOCK_NAMESPACE, f"{body.organization_id}:{body.partner_id}")
    due = await repository.lock_unbilled(
        session,
        organization_id=body.organization_id,
        partner_id=body.partner_id,
        period_from=body.period_from,
        period_to=body.period_to,
    )
    if not due:
        raise Unprocessable(
            "No unbilled brokerage from this partner on confirmed contracts in the period",
            code="brokerage.nothing_to_bill",
        )
    gst = brokerage_bill(
        [d.amount for d in due],
        supplier_state=organization.state_code,
        recipient_state=recipient_state,
    )
    bill_no = await numbering.next_number(
        session, organization_id=organization.id, financial_year=year, series=SERIES
    )
    share = None
    if body.sub_broker_share_percent is not None:
        share = sub_broker_share(gst.taxable_value, share_percent=body.sub_broker_share_percent)
    bill = BrokerageBill(
        organization_id=organization.id,
        partner_id=body.partner_id,
        financial_year=year,
        bill_no=bill_no,
        bill_date=body.bill_date,
        period_from=body.period_from,
        period_to=body.period_to,
        status=BillStatus.UNPAID,
        sac=BROKERAGE_SAC,
        gst_rate=BROKERAGE_GST_RATE,
        supplier_state_code=organization.state_code,
        recipient_state_code=recipient_state,
        taxable_value=gst.taxable_value,
        cgst=gst.cgst,
        sgst=gst.sgst,
        igst=gst.igst,
        round_off=gst.round_off,
        total_amount=gst.total_amount,
        paid_amount=Decimal("0.00"),
        sub_broker_id=body.sub_broker_id,
        sub_broker_share_percent=body.sub_broker_share_percent,
        sub_broker_share=share,
        created_by_id=actor.user_id,
    )
    session.add(bill)
    await session.flush()
    billed_at = utcnow()
    for item in due:
        session.add(
            BrokerageBillLine(
                bill_id=bill.id,
                commission_id=item.commission.id,
                contract_id=item.commission.contract_id,
                contract_no=item.contract_no,
                contract_date=item.contract_date,
                side=item.commission.side,
                bales=item.bales,
                amount=item.amount,
            )
        )
        item.commission.brokerage_bill_id = bill.id
        item.commission.billed_at = billed_at
    await session.flush()
    await ledger.record_document(
        session,
        kind=Kind.BROKERAGE,
        document_type=EntryType.BROKERAGE_BILL,
        document_id=bill.id,
        document_no=bill.bill_no,
        document_date=bill.bill_date,
        organization_id=bill.organization_id,
        partner_id=bill.partner_id,
        amount=bill.total_amount,
        posted_at=bill.created_at,
    )
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type=ENTITY,
        entity_id=bill.id,
        changes=diff({}, _audited(bill) | {"commissions": len(due)}),
    )
    return bill


async def cancel_bill(
    session: AsyncSession, actor: AuditActor, bill: BrokerageBill, *, reason: str
) -> BrokerageBill:
    """unpaid → cancelled: its commissions are released for billing again, its number goes to
    the register of cancelled numbers (never given again); the bill and its lines stay."""
    locked = await repository.lock(session, bill.id)
    if locked is None:  # pragma: no cover - it was just read
        raise BillNotFound("No such brokerage bill")
    bill = locked
    if not cancellable(bill.status, bill.paid_amount):
        raise InvalidTransition(f"A bill that is {bill.status} cannot be cancelled")
    for commission in await repository.billed_commissions(session, bill.id):
        commission.brokerage_bill_id = None
        commission.billed_at = None
    await numbering.cancel_number(
        session,
        organization_id=bill.organization_id,
        financial_year=bill.financial_year,
        series=SERIES,
        number=bill.bill_no,
        document_type=ENTITY,
        document_id=bill.id,
        reason=reason,
        actor=actor,
    )
    previous = bill.status
    bill.status = BillStatus.CANCELLED
    bill.status_reason = reason
    bill.cancelled_by_id = actor.user_id
    bill.cancelled_at = cancelled_at = utcnow()
    await session.flush()
    await ledger.record_cancellation(
        session,
        document_id=bill.id,
        document_no=bill.bill_no,
        document_date=bill.bill_date,
        amount=outstanding(bill.total_amount, bill.paid_amount, previous),
        cancelled_at=cancelled_at,
    )
    await audit(
        session,
        actor=actor,
        action="cancel",
        entity_type=ENTITY,
        entity_id=bill.id,
        changes={"status": {"old": previous, "new": bill.status}},
        reason=reason,
    )
    return bill


# --- balances (called by the payment module inside its transaction) ---------------------------


async def lock_for_allocation(
    session: AsyncSession, bill_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, BrokerageBill]:
    """Lock the bills in ascending id order and return them reloaded, by id. Read
    ``paid_amount`` and ``status`` only after this: what racing receipts (or a cancellation)
    committed is then visible."""
    return {bill.id: bill for bill in await repository.lock_bills(session, bill_ids)}


def apply_allocation(bill: BrokerageBill, amount: Decimal) -> None:
    """Add a receipt of ``amount`` to a locked bill: 409 ``brokerage.bill_cancelled`` on a
    cancelled bill, 409 ``brokerage.over_allocation`` past its outstanding amount."""
    if bill.status == BillStatus.CANCELLED:
        raise BillCancelled(
            f"Brokerage bill {bill.bill_no} is cancelled and takes no receipts",
            brokerage_bill_id=str(bill.id),
        )
    left = outstanding(bill.total_amount, bill.paid_amount, bill.status)
    try:
        bill.paid_amount = domain.receive(bill.total_amount, bill.paid_amount, bill.status, amount)
    except domain.BalanceError:
        raise OverAllocation(
            f"Brokerage bill {bill.bill_no} has {left} outstanding; {amount} cannot be "
            "allocated to it",
            brokerage_bill_id=str(bill.id),
            outstanding_amount=str(left),
        ) from None
    bill.status = domain.payment_status(bill.total_amount, bill.paid_amount)


def release_allocation(bill: BrokerageBill, amount: Decimal) -> None:
    """Take a reversed receipt's ``amount`` off a locked bill's paid balance."""
    bill.paid_amount = domain.release(bill.paid_amount, amount)
    bill.status = domain.payment_status(bill.total_amount, bill.paid_amount)
