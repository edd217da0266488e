"""Payment use cases: record a payment with its allocations, reverse it; reads.

Race safety: the allocated documents are locked in ascending id order (invoices through
``invoice.service.lock_for_allocation``, brokerage bills through ``brokerage.service.
lock_for_allocation``) before their outstanding amounts are read, so concurrent payments on
one document take turns and the later ones see what the earlier committed (409
``invoice.over_allocation`` / ``brokerage.over_allocation`` rather than over-allocating).
``paid_amount`` on the document is a balance maintained in the same transaction as the
allocation rows, and so are the ledger's entries (``ledger.service``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.financial_year.service import require_open_year
from tradehub.kit.errors import Unprocessable
from tradehub.kit.identifiers import invalid_field
from tradehub.kit.types import utcnow
from tradehub.ledger import service as ledger
from tradehub.organization.models import Organization
from tradehub.partner.models import Partner
from tradehub.payment import domain, repository, targets
from tradehub.payment.domain import PaymentStatus
from tradehub.payment.errors import AlreadyReversed, PaymentNotFound
from tradehub.payment.models import Payment, PaymentAllocation
from tradehub.payment.schemas import AllocationIn, AllocationRead, PaymentCreate, PaymentRead

ENTITY = "payment"
ZERO = Decimal("0.00")


class _Errors:
    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    def add(self, loc: list[str | int], message: str, code: str) -> None:
        self.errors.append({"loc": ["body", *loc], "msg": message, "type": code})

    def raise_if_any(self) -> None:
        if self.errors:
            fields = ", ".join(".".join(str(p) for p in e["loc"][1:]) for e in self.errors)
            raise Unprocessable(
                f"Invalid fields: {fields}", code=self.errors[0]["type"], errors=self.errors
            )


# --- reading ---------------------------------------------------------------------------------


def visible_payments(principal: Principal) -> Select[Any]:
    return repository.visible_payments(principal)


async def get_payment(
    session: AsyncSession, principal: Principal, payment_id: uuid.UUID
) -> Payment:
    payment: Payment | None = await session.scalar(
        visible_payments(principal).where(Payment.id == payment_id)
    )
    if payment is None:
        raise PaymentNotFound("No such payment")
    return payment


def _read(payment: Payment, allocations: list[PaymentAllocation]) -> PaymentRead:
    active = [a.amount for a in allocations if a.reversed_at is None]
    allocated = sum(active, ZERO)
    reversed_ = payment.status == PaymentStatus.REVERSED
    return PaymentRead(
        id=payment.id,
        organization_id=payment.organization_id,
        financial_year=payment.financial_year,
        payer_id=payment.payer_id,
        payee_id=payment.payee_id,
        payment_date=payment.payment_date,
        amount=payment.amount,
        tds_amount=payment.tds_amount,
        net_amount=payment.amount - payment.tds_amount,
        method=domain.Method(payment.method),
        reference=payment.reference,
        status=PaymentStatus(payment.status),
        allocated_amount=allocated,
        # A reversed payment is void: nothing of it stays on account either.
        unallocated_amount=ZERO if reversed_ else domain.unallocated(payment.amount, active),
        allocations=[AllocationRead.model_validate(a) for a in allocations],
        reversal_reason=payment.reversal_reason,
        reversed_at=payment.reversed_at,
        created_at=payment.created_at,
        updated_at=payment.updated_at,
        version=payment.version,
    )


async def payment_reads(session: AsyncSession, payments: list[Payment]) -> list[PaymentRead]:
    """Answers for many payments in one extra query, whatever their number."""
    allocations = await repository.allocations_by_payment(session, [p.id for p in payments])
    return [_read(p, allocations[p.id]) for p in payments]


async def payment_read(session: AsyncSession, payment: Payment) -> PaymentRead:
    return (await payment_reads(session, [payment]))[0]


# --- recording -------------------------------------------------------------------------------


def _check_shape(body: PaymentCreate, errors: _Errors) -> None:
    if domain.needs_reference(body.method) and not body.reference:
        errors.add(
            ["reference"],
            f"a {body.method.value} payment needs its UTR / reference",
            "payment.reference_required",
        )
    if body.tds_amount > body.amount:
        errors.add(["tds_amount"], "TDS cannot exceed the amount", "payment.tds_exceeds_amount")
    if body.payer_id == body.payee_id:
        errors.add(["payee_id"], "the payee must differ from the payer", "payment.same_party")
    seen: dict[str, set[uuid.UUID]] = {"invoice_id": set(), "brokerage_bill_id": set()}
    for index, allocation in enumerate(body.allocations):
        field, target = targets.target_of(allocation)
        if target in seen[field]:
            errors.add(
                ["allocations", index, field],
                "this document is allocated twice; give one allocation per document",
                "payment.duplicate_allocation",
            )
        seen[field].add(target)
    if seen["invoice_id"] and seen["brokerage_bill_id"]:
        # Different payees: a goods payment goes buyer → seller, a brokerage receipt
        # partner → organization; one payment cannot be both.
        errors.add(
            ["allocations"],
            "a payment settles goods invoices or brokerage bills, not both",
            "payment.mixed_targets",
        )
    total = sum((a.amount for a in body.allocations), ZERO)
    if total > body.amount:
        errors.add(
            ["allocations"],
            f"the allocations ({total}) exceed the payment ({body.amount})",
            "payment.allocations_exceed_amount",
        )


def _audited(allocation: AllocationIn) -> dict[str, str]:
    field, target = targets.target_of(allocation)
    return {field: str(target), "amount": str(allocation.amount)}


async def _organization(
    session: AsyncSession, body: PaymentCreate, found: list[targets.Found], errors: _Errors
) -> uuid.UUID | None:
    organizations = {f.organization_id for f in found}
    if len(organizations) > 1:
        errors.add(
            ["allocations"],
            "the documents belong to different organizations",
            "payment.mixed_organizations",
        )
        return None
    if organizations:
        (organization_id,) = organizations
        if body.organization_id is not None and body.organization_id != organization_id:
            errors.add(
                ["organization_id"],
                "the documents belong to another organization",
                "payment.organization_mismatch",
            )
        return organization_id
    if body.organization_id is None:
        errors.add(
            ["organization_id"],
            "a payment wholly on account names its organization",
            "payment.organization_required",
        )
        return None
    if await session.get(Organization, body.organization_id) is None:
        errors.add(["organization_id"], "no such organization", "payment.organization_unknown")
        return None
    return body.organization_id


async def create_payment(
    session: AsyncSession, principal: Principal, actor: AuditActor, body: PaymentCreate
) -> Payment:
    errors = _Errors()
    _check_shape(body, errors)
    errors.raise_if_any()
    if await session.get(Partner, body.payer_id) is None:
        errors.add(["payer_id"], "no such partner", "payment.party_unknown")
    payee_known = await session.get(Partner, body.payee_id) is not None
    if not payee_known and await session.get(Organization, body.payee_id) is None:
        errors.add(["payee_id"], "no such partner or organization", "payment.party_unknown")
    # Each document must be visible to the caller (404 otherwise) and between these parties.
    found: list[targets.Found] = []
    for index, allocation in enumerate(body.allocations):
        document = await targets.find(session, principal, allocation)
        found.append(document)
        if (document.payer_id, document.payee_id) != (body.payer_id, body.payee_id):
            errors.add(
                ["allocations", index, targets.target_of(allocation)[0]],
                document.mismatch,
                "payment.party_mismatch",
            )
    organization_id = await _organization(session, body, found, errors)
    errors.raise_if_any()
    assert organization_id is not None
    try:
        year = await require_open_year(session, organization_id, body.payment_date)
    except Unprocessable as error:
        raise invalid_field(
            "payment_date", error.detail, code="financial_year.closed_or_missing"
        ) from None

    # Lock (invoices, then bills, each in ascending ids), then read what is outstanding:
    # racing payments take turns here.
    locked = await targets.lock(
        session,
        [a.invoice_id for a in body.allocations if a.invoice_id is not None],
        [a.brokerage_bill_id for a in body.allocations if a.brokerage_bill_id is not None],
    )
    payment = Payment(
        organization_id=organization_id,
        financial_year=year.code,
        payer_id=body.payer_id,
        payee_id=body.payee_id,
        payment_date=body.payment_date,
        amount=body.amount,
        tds_amount=body.tds_amount,
        method=body.method.value,
        reference=body.reference or None,
        status=PaymentStatus.ACTIVE.value,
        created_by_id=principal.user_id,
    )
    session.add(payment)
    await session.flush()
    rows: list[PaymentAllocation] = []
    for line, allocation in enumerate(body.allocations, start=1):
        locked.apply(allocation.invoice_id, allocation.brokerage_bill_id, allocation.amount)
        rows.append(
            PaymentAllocation(
                payment_id=payment.id,
                line=line,
                invoice_id=allocation.invoice_id,
                brokerage_bill_id=allocation.brokerage_bill_id,
                amount=allocation.amount,
            )
        )
    session.add_all(rows)
    await session.flush()
    for row in rows:
        await ledger.record_receipt(
            session,
            target_id=targets.allocated_to(row),
            payment_id=payment.id,
            reference=payment.reference,
            payment_date=payment.payment_date,
            amount=row.amount,
            posted_at=row.created_at,
        )
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type=ENTITY,
        entity_id=payment.id,
        changes={
            **diff({}, snapshot(payment)),
            "allocations": {
                "old": None,
                "new": [_audited(allocation) for allocation in body.allocations],
            },
        },
    )
    return payment


async def reverse(
    session: AsyncSession, principal: Principal, actor: AuditActor, payment: Payment, *, reason: str
) -> Payment:
    """Undo every allocation (rows stay, marked ``reversed_at``), restore the invoices' and
    bills' balances and statuses, post the ledger's reversal entries, and mark the payment
    ``reversed``. Twice: 409."""
    locked_payment = await repository.lock(session, payment.id)
    if locked_payment is None:  # pragma: no cover - payments are never deleted
        raise PaymentNotFound("No such payment")
    payment = locked_payment
    if payment.status == PaymentStatus.REVERSED:
        raise AlreadyReversed("This payment is already reversed")
    try:
        await require_open_year(session, payment.organization_id, payment.payment_date)
    except Unprocessable as error:
        raise Unprocessable(
            f"The payment's financial year {payment.financial_year} is closed: {error.detail}",
            code="financial_year.closed_or_missing",
        ) from None
    allocations = (await repository.allocations_by_payment(session, [payment.id]))[payment.id]
    active = [a for a in allocations if a.reversed_at is None]
    locked = await targets.lock(
        session,
        [a.invoice_id for a in active if a.invoice_id is not None],
        [a.brokerage_bill_id for a in active if a.brokerage_bill_id is not None],
    )
    now = utcnow()
    for allocation in active:
        locked.release(allocation.invoice_id, allocation.brokerage_bill_id, allocation.amount)
        allocation.reversed_at = now
    payment.status = PaymentStatus.REVERSED.value
    payment.reversal_reason = reason
    payment.reversed_at = now
    payment.reversed_by_id = principal.user_id
    await session.flush()
    for allocation in active:
        await ledger.record_receipt_reversal(
            session,
            target_id=targets.allocated_to(allocation),
            payment_id=payment.id,
            reference=payment.reference,
            payment_date=payment.payment_date,
            amount=allocation.amount,
            reversed_at=now,
        )
    await audit(
        session,
        actor=actor,
        action="reverse",
        entity_type=ENTITY,
        entity_id=payment.id,
        changes={"status": {"old": PaymentStatus.ACTIVE.value, "new": payment.status}},
        reason=reason,
    )
    return payment
