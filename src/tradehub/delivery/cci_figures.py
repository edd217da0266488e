"""The CCI figures of a contract (domain.md §3.6), read-only: EMD standing, carrying on the
unlifted bales, late lifting, moisture adjustment and the DO payment advice, each computed by
``tradehub.pricing`` over the contract, its DOs and deposits, and the CCI terms in force on the
contract date (``cci_service.basis``). A contract whose seller is not the CCI is a 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.contract.models import Contract
from tradehub.delivery import repository
from tradehub.delivery.cci_domain import days_from
from tradehub.delivery.cci_schemas import (
    CarryingRead,
    EmdRead,
    LateLiftingRead,
    MoistureIn,
    MoistureRead,
    PaymentAdviceRead,
)
from tradehub.delivery.cci_service import Basis, basis, standing
from tradehub.delivery.models import DeliveryOrder
from tradehub.kit.errors import Unprocessable
from tradehub.masters.units import Unit
from tradehub.pricing.cci import emd_per_bale, provisional_value
from tradehub.pricing.cci_charges import (
    carrying_base,
    carrying_report,
    do_payment_advice,
    late_lifting_charge,
    lifting_days_late,
    moisture_adjustment,
)

DISPLAY = Decimal("0.0001")  # moisture readings and deltas are shown to four decimals


async def emd_read(session: AsyncSession, contract: Contract, *, as_of: date) -> EmdRead:
    found = await basis(session, contract)
    now = await standing(session, found, as_of=as_of)
    position = now.position
    return EmdRead(
        **found.fields(),
        as_of=as_of,
        emd_pct=found.terms.emd_pct(found.buyer_class),
        required=position.required,
        received=position.paid,
        shortfall=position.shortfall,
        excess=position.excess,
        status=position.status,
        grace_expiry=now.grace_expiry,
        full_on=now.full_on,
        days_late=now.days_late,
        late_interest_pct=found.terms.emd_late_interest_pct,
        late_interest=now.late_interest,
        per_bale=emd_per_bale(position.required, bales=contract.bales),
        do_blocked=now.blocked,
    )


@dataclass(frozen=True, slots=True)
class _Lifting:
    basis: Basis
    lifted: int
    unlifted: int
    lifted_value: Decimal
    days: int
    informational: bool

    def fields(self, lifting_date: date) -> dict[str, Any]:
        return {
            **self.basis.fields(),
            "lifting_date": lifting_date,
            "days": self.days,
            "lifted_bales": self.lifted,
            "unlifted_bales": self.unlifted,
            "informational": self.informational,
        }


async def _lifting(session: AsyncSession, contract: Contract, lifting_date: date) -> _Lifting:
    found = await basis(session, contract)
    lifted = min(await repository.bales_on_orders(session, contract.id), contract.bales)
    now = await standing(session, found, as_of=lifting_date)
    return _Lifting(
        basis=found,
        lifted=lifted,
        unlifted=contract.bales - lifted,
        lifted_value=provisional_value(
            lifted, rate_per_candy=found.rate_per_candy, terms=found.terms
        ),
        days=days_from(contract.contract_date, lifting_date),
        informational=now.blocked,
    )


async def carrying_read(
    session: AsyncSession, contract: Contract, *, lifting_date: date
) -> CarryingRead:
    """Carrying on the unlifted bales for the days from the contract date to ``lifting_date``."""
    lift = await _lifting(session, contract, lifting_date)
    found = lift.basis
    base = carrying_base(
        contract_value=found.cci_value,
        do_value=lift.lifted_value,
        emd_per_bale=emd_per_bale(found.emd_required, bales=contract.bales),
        unlifted_bales=lift.unlifted,
    )
    report = carrying_report(base, days=lift.days, bales=lift.unlifted, terms=found.terms)
    return CarryingRead(
        **lift.fields(lifting_date),
        base=report.base,
        carrying=report.carrying,
        gst=report.gst,
        total=report.total,
        per_bale=report.per_bale,
        per_100_bales=report.per_100_bales,
    )


async def late_lifting_read(
    session: AsyncSession, contract: Contract, *, lifting_date: date
) -> LateLiftingRead:
    """Late-lifting charge on the unlifted bales' value, for the days after the free lifting
    period (counted from the contract date) up to ``lifting_date``."""
    lift = await _lifting(session, contract, lifting_date)
    found = lift.basis
    value = found.cci_value - lift.lifted_value
    days_late = lifting_days_late(days_elapsed=lift.days, terms=found.terms)
    return LateLiftingRead(
        **lift.fields(lifting_date),
        free_days=found.terms.free_lifting_days,
        days_late=days_late,
        value=value,
        charge=late_lifting_charge(value, days_late=days_late, terms=found.terms),
    )


async def moisture_read(
    session: AsyncSession, contract: Contract, body: MoistureIn
) -> MoistureRead:
    found = await basis(session, contract)
    rate = body.rate if body.rate is not None else contract.rate
    unit = body.rate_unit or Unit(contract.rate_unit)
    adjustment = moisture_adjustment(
        body.readings(),
        net_weight_kg=body.net_weight_kg,
        rate=rate,
        rate_unit=unit,
        terms=found.terms,
    )
    return MoistureRead(
        **found.fields(),
        average_pct=adjustment.average.quantize(DISPLAY),
        lower_pct=found.terms.moisture_lower_pct,
        upper_pct=found.terms.moisture_upper_pct,
        delta_pct=adjustment.delta.quantize(DISPLAY),
        kind=adjustment.kind,
        net_weight_kg=body.net_weight_kg,
        rate=rate,
        rate_unit=unit,
        amount=adjustment.amount,
        signed_amount=adjustment.signed,
    )


async def payment_advice(
    session: AsyncSession,
    contract: Contract,
    *,
    do_bales: int,
    payment_date: date,
    order: DeliveryOrder | None = None,
) -> PaymentAdviceRead:
    """What the buyer pays for a DO of ``do_bales`` paid on ``payment_date``: DO value + GST −
    EMD for the DO + carrying (days from the contract date) with GST (domain §3.6)."""
    found = await basis(session, contract)
    if do_bales > contract.bales:
        raise Unprocessable(
            f"The contract has {contract.bales} bales",
            code="cci.bales_exceed_contract",
            errors=[
                {
                    "loc": ["query", "bales"],
                    "msg": "more than the contract's bales",
                    "type": "cci.bales_exceed_contract",
                }
            ],
        )
    now = await standing(session, found, as_of=payment_date)
    days = days_from(contract.contract_date, payment_date)
    advice = do_payment_advice(
        bales=contract.bales,
        do_bales=do_bales,
        rate_per_candy=found.rate_per_candy,
        buyer_class=found.buyer_class,
        emd_paid=now.position.paid,
        carrying_days=days,
        terms=found.terms,
    )
    return PaymentAdviceRead(
        **found.fields(),
        delivery_order_id=order.id if order is not None else None,
        do_bales=do_bales,
        payment_date=payment_date,
        carrying_days=days,
        emd_required=advice.emd_required,
        emd_received=advice.emd_paid,
        emd_shortfall=advice.emd_shortfall,
        blocked=advice.blocked,
        emd_per_bale=advice.emd_per_bale,
        do_value=advice.do_value,
        do_gst=advice.do_gst,
        emd_for_do=advice.emd_for_do,
        after_emd=advice.after_emd,
        carrying=advice.carrying,
        carrying_gst=advice.carrying_gst,
        carrying_per_bale=advice.carrying_per_bale,
        carrying_per_100_bales=advice.carrying_per_100_bales,
        total=advice.total,
    )
