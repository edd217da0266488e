"""GET /brokerage-bills/{id}/pdf: a real PDF, read back, showing the number, both parties with
their GSTINs, the lines, the taxable value, the GST split and the total in figures and words."""

from __future__ import annotations

import io
from decimal import Decimal

import httpx
from pypdf import PdfReader

from tests.brokerage.helpers import BILLS, create_bill
from tests.contract.helpers import World, confirmed_contract
from tradehub.pricing.words import amount_in_words
from tradehub.printing import inr


def _text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


async def test_the_printed_bill_shows_number_parties_lines_and_gst(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    bill = await create_bill(client, admin, world, world.seller)
    organization = (
        await client.get(f"/api/v1/organizations/{world.organization_id}", headers=admin)
    ).json()
    response = await client.get(f"{BILLS}/{bill['id']}/pdf", headers=sales)
    text = _text(response)
    disposition = response.headers["content-disposition"]
    assert "attachment" in disposition and "BRK-26-27-00001" in disposition
    assert bill["bill_no"] in text
    assert "996111" in text
    assert world.seller["legal_name"] in text
    assert world.seller["branches"][0]["gstin"] in text
    assert organization["name"] in text and organization["gstin"] in text
    assert contract["contract_no"] in text
    for field in ("taxable_value", "igst", "total_amount"):
        assert inr(Decimal(bill[field])) in text, field
    assert "IGST" in text
    words = " ".join(amount_in_words(Decimal(bill["total_amount"])).split())
    assert words in " ".join(text.split())
