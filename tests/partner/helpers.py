"""Partners for tests of any module: valid bodies, and partners taken through approval."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.organization.helpers import make_gstin, make_pan
from tradehub.partner.models import Partner

PARTNERS = "/api/v1/partners"


def partner_body(kind: str = "seller", state: str = "24", **overrides: Any) -> dict[str, Any]:
    pan = overrides.pop("pan", None) or make_pan()
    gstin = make_gstin(state, pan)
    body: dict[str, Any] = {
        "legal_name": f"Shree Ginning {uuid.uuid4().hex[:6]} Pvt Ltd",
        "kind": kind,
        "pan": pan,
        "gstin": gstin,
        "email": f"accounts-{uuid.uuid4().hex[:10]}@example.in",
        "mobile": "+91 98250 12345".replace(" ", ""),
        "branches": [
            {"name": "Rajkot", "gstin": gstin, "state_code": state, "is_head_office": True}
        ],
    }
    body.update(overrides)
    return body


async def create_partner(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = await client.post(PARTNERS, json=partner_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def active_partner(
    client: httpx.AsyncClient,
    maker: dict[str, str],
    checker: dict[str, str],
    **overrides: Any,
) -> dict[str, Any]:
    """A partner created and submitted by ``maker`` and approved by ``checker``."""
    partner = await create_partner(client, maker, **overrides)
    submitted = await client.post(f"{PARTNERS}/{partner['id']}/submit", headers=maker)
    assert submitted.status_code == 200, submitted.text
    approved = await client.post(f"{PARTNERS}/{partner['id']}/approve", headers=checker)
    assert approved.status_code == 200, approved.text
    result: dict[str, Any] = approved.json()
    return result


async def ensure_partner_row(db: AsyncSession, partner_id: uuid.UUID) -> None:
    """A bare partner row with this id, so users bound to it satisfy the foreign key."""
    if await db.get(Partner, partner_id) is not None:
        return
    pan = make_pan()
    db.add(
        Partner(
            id=partner_id,
            code=f"T-{partner_id.hex[:16]}",
            legal_name=f"Test partner {partner_id.hex[:6]}",
            kind="buyer",
            status="active",
            pan=pan,
            gstin=make_gstin("27", pan),
            email=f"partner-{partner_id.hex}@example.in",
            revision=1,
        )
    )
    await db.flush()
