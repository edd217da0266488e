"""GET /contracts/{id}/pdf: a real PDF, read back, that shows the number, both parties with
their GSTINs and the value; a partner's user sees only its own side's brokerage, and another
partner's user gets 404."""

from __future__ import annotations

import io
import uuid
from decimal import Decimal

import httpx
from pypdf import PdfReader

from tests.auth_helpers import SignIn
from tests.contract.helpers import CONTRACTS, World, confirmed_contract, create_contract
from tradehub.printing import inr


def _text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


async def test_the_printed_contract_shows_number_parties_and_value(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    response = await client.get(f"{CONTRACTS}/{contract['id']}/pdf", headers=sales)
    text = _text(response)
    assert contract["contract_no"] in text
    assert "attachment" in response.headers["content-disposition"]
    for party in (world.seller, world.buyer):
        assert party["legal_name"] in text
        assert party["branches"][0]["gstin"] in text
    assert inr(Decimal(contract["contract_value"])) in text  # ₹26,53,262.09


async def test_a_draft_prints_as_a_draft(
    client: httpx.AsyncClient, sales: dict[str, str], world: World
) -> None:
    contract = await create_contract(client, sales, world)
    assert "DRAFT" in _text(await client.get(f"{CONTRACTS}/{contract['id']}/pdf", headers=sales))


async def test_partner_users_print_only_their_own_contracts_and_brokerage(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    sign_in: SignIn,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    seller_user = await sign_in(roles=["partner"], partner_id=uuid.UUID(world.seller["id"]))
    stranger = await sign_in(roles=["partner"], partner_id=uuid.uuid4())
    path = f"{CONTRACTS}/{contract['id']}/pdf"
    assert (await client.get(path, headers=stranger.headers)).status_code == 404
    staff = _text(await client.get(path, headers=sales))
    seller = _text(await client.get(path, headers=seller_user.headers))
    printed = {c["side"]: inr(Decimal(c["amount"])) for c in contract["commissions"]}
    assert printed["buyer"] in staff and printed["seller"] in staff
    assert printed["seller"] in seller
    assert printed["buyer"] not in seller
