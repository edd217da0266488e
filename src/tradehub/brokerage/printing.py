"""The printed brokerage bill: gathers what the PDF shows (the organization, the billed partner
with its head-office GSTIN and state, the lines, the stored GST split) and renders it off the
event loop. The amounts are the bill's stored ones, never recomputed."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.brokerage import repository
from tradehub.brokerage.models import BrokerageBill, BrokerageBillLine
from tradehub.geo.models import State
from tradehub.organization.models import Organization
from tradehub.partner.models import Partner
from tradehub.pricing.gst import GstAmounts
from tradehub.printing import (
    BillLine,
    BrokerageBillPrint,
    Party,
    render_brokerage_bill,
    render_off_loop,
)


def _gst(bill: BrokerageBill) -> GstAmounts:
    return GstAmounts(
        taxable_value=bill.taxable_value,
        rate=bill.gst_rate,
        intra_state=bill.supplier_state_code == bill.recipient_state_code,
        cgst=bill.cgst,
        sgst=bill.sgst,
        igst=bill.igst,
        round_off=bill.round_off,
        total_amount=bill.total_amount,
    )


async def bill_print(
    session: AsyncSession, bill: BrokerageBill, lines: list[BrokerageBillLine]
) -> BrokerageBillPrint:
    states = {code: name for code, name in await session.execute(select(State.code, State.name))}
    organization = await session.get(Organization, bill.organization_id)
    partner = await session.get(Partner, bill.partner_id)
    assert organization is not None, "foreign keys hold these"
    assert partner is not None
    head = await repository.head_office(session, partner.id)
    return BrokerageBillPrint(
        organization=Party(
            name=organization.name,
            gstin=organization.gstin,
            state=states.get(organization.state_code, organization.state_code),
            address=organization.address,
        ),
        bill_no=bill.bill_no,
        bill_date=bill.bill_date,
        partner=Party(
            name=partner.legal_name,
            gstin=(head.gstin if head else None) or partner.gstin or "",
            state=states.get(bill.recipient_state_code, bill.recipient_state_code),
            branch=head.name if head else "",
            address=(head.address if head else None) or partner.address or "",
        ),
        lines=[
            BillLine(
                contract_no=line.contract_no,
                contract_date=line.contract_date,
                bales=line.bales,
                amount=line.amount,
            )
            for line in lines
        ],
        gst=_gst(bill),
        period_from=bill.period_from,
        period_to=bill.period_to,
        sac=bill.sac,
    )


def pdf_file_name(bill: BrokerageBill) -> str:
    return "brokerage-bill-" + re.sub(r"[^A-Za-z0-9-]+", "-", bill.bill_no) + ".pdf"


async def bill_pdf(
    session: AsyncSession, bill: BrokerageBill, lines: list[BrokerageBillLine]
) -> bytes:
    return await render_off_loop(render_brokerage_bill, await bill_print(session, bill, lines))
