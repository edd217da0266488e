"""The printed sales contract: gathers what the PDF shows (organization, both parties with
their branches' GSTINs and states, goods, terms, value, brokerage) and renders it off the event
loop. A partner's users get their own side's brokerage only, as in the JSON answer."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.principal import Principal
from tradehub.contract import repository
from tradehub.contract.models import Contract
from tradehub.geo.models import State, Station
from tradehub.masters.models import Commodity
from tradehub.masters.units import to_kg
from tradehub.organization.models import Organization
from tradehub.partner.models import Partner, PartnerBranch
from tradehub.printing import ContractPrint, Party, render_contract, render_off_loop

DRAFT_NUMBER = "DRAFT"


async def _party(
    session: AsyncSession, partner_id: object, branch_id: object, states: dict[str, str]
) -> Party:
    partner = await session.get(Partner, partner_id)
    branch = await session.get(PartnerBranch, branch_id)
    assert partner is not None, "the foreign key holds it"
    assert branch is not None, "the foreign key holds it"
    return Party(
        name=partner.legal_name,
        gstin=branch.gstin or partner.gstin or "",
        state=states.get(branch.state_code, branch.state_code),
        branch=branch.name,
        address=branch.address or partner.address or "",
    )


def _commission(
    amounts: dict[str, Decimal], side: str, viewer: Principal, party: str
) -> Decimal | None:
    if viewer.partner_id is not None and str(viewer.partner_id) != party:
        return None
    return amounts.get(side)


async def contract_print(
    session: AsyncSession, principal: Principal, contract: Contract
) -> ContractPrint:
    states = {code: name for code, name in await session.execute(select(State.code, State.name))}
    organization = await session.get(Organization, contract.organization_id)
    commodity = await session.get(Commodity, contract.commodity_id)
    station = await session.get(Station, contract.station_id)
    assert organization is not None, "foreign keys hold these"
    assert commodity is not None
    assert station is not None
    commissions = (await repository.commissions_by_contract(session, [contract.id]))[contract.id]
    amounts = {c.side: c.amount for c in commissions}
    return ContractPrint(
        organization=Party(
            name=organization.name,
            gstin=organization.gstin,
            state=states.get(organization.state_code, organization.state_code),
            address=organization.address,
        ),
        contract_no=contract.contract_no or DRAFT_NUMBER,
        contract_date=contract.contract_date,
        seller=await _party(session, contract.seller_id, contract.seller_branch_id, states),
        buyer=await _party(session, contract.buyer_id, contract.buyer_branch_id, states),
        commodity=commodity.name,
        variety=contract.variety,
        bales=contract.bales,
        weight_kg=to_kg(contract.bales, "bales"),
        rate=contract.rate,
        rate_unit=contract.rate_unit,
        contract_value=contract.contract_value,
        quality=contract.quality,
        delivery_terms=contract.delivery_terms,
        payment_terms=contract.payment_terms,
        station=station.name,
        seller_commission=_commission(amounts, "seller", principal, str(contract.seller_id)),
        buyer_commission=_commission(amounts, "buyer", principal, str(contract.buyer_id)),
    )


def pdf_file_name(contract: Contract) -> str:
    number = contract.contract_no or f"draft-{contract.id}"
    return "contract-" + re.sub(r"[^A-Za-z0-9-]+", "-", number) + ".pdf"


async def contract_pdf(session: AsyncSession, principal: Principal, contract: Contract) -> bytes:
    data = await contract_print(session, principal, contract)
    return await render_off_loop(render_contract, data)
