"""Evidence: documents attached to a dispute (``entity_type=dispute``) are exactly as visible as
the dispute."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.auth_helpers import SignIn
from tests.contract.helpers import World
from tests.dispute.helpers import raise_dispute
from tests.document.conftest import app, document_settings, storage_root
from tests.document.helpers import DOCUMENTS, png_bytes, upload, uploaded

__all__ = ["app", "document_settings", "storage_root"]


async def test_parties_and_staff_attach_evidence_that_only_those_who_see_the_dispute_reach(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    sales: dict[str, str],
    contract: dict[str, Any],
    world: World,
    buyer_user: dict[str, str],
    seller_user: dict[str, str],
) -> None:
    dispute = await raise_dispute(client, buyer_user, contract, raised_by_side=None)
    report = await uploaded(
        client,
        buyer_user,
        entity_type="dispute",
        entity_id=dispute["id"],
        document_type="test_report",
    )
    photo = await uploaded(
        client,
        sales,
        entity_type="dispute",
        entity_id=dispute["id"],
        document_type="photo",
        content=png_bytes(),
        filename="bales.png",
        content_type="image/png",
    )
    assert (report["entity_type"], report["entity_id"]) == ("dispute", dispute["id"])
    query = {"entity_type": "dispute", "entity_id": dispute["id"]}
    for headers in (sales, buyer_user, seller_user):
        listed = await client.get(DOCUMENTS, params=query, headers=headers)
        assert listed.status_code == 200, listed.text
        assert {d["id"] for d in listed.json()["items"]} == {report["id"], photo["id"]}
        download = await client.get(f"{DOCUMENTS}/{report['id']}/download", headers=headers)
        assert download.status_code in (200, 302, 307), download.text

    stranger = (await sign_in(roles=["partner"], partner_id=uuid.uuid4())).headers
    refused = await upload(
        client, stranger, entity_type="dispute", entity_id=dispute["id"], document_type="x"
    )
    assert refused.status_code == 404 and refused.json()["code"] == "document.entity_not_found"
    for path in (f"{DOCUMENTS}/{report['id']}", f"{DOCUMENTS}/{report['id']}/download"):
        assert (await client.get(path, headers=stranger)).status_code == 404
    hidden = await client.get(DOCUMENTS, params=query, headers=stranger)
    assert hidden.status_code == 404
    nothing = await upload(
        client, sales, entity_type="dispute", entity_id=uuid.uuid4(), document_type="x"
    )
    assert nothing.status_code == 404

    # Staff holding dispute:read list every dispute's evidence without naming the dispute.
    every = await client.get(DOCUMENTS, params={"entity_type": "dispute"}, headers=sales)
    assert {report["id"], photo["id"]} <= {d["id"] for d in every.json()["items"]}
