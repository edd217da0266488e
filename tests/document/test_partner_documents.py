"""Documents attached to partners, end to end: KYC papers uploaded over HTTP make the KYC
verifiable, and a portal user reaches only its own partner's documents."""

from __future__ import annotations

import uuid

import httpx

from tests.auth_helpers import SignIn
from tests.document.helpers import DOCUMENTS, upload, uploaded
from tests.partner.helpers import PARTNERS, active_partner


async def test_uploaded_kyc_papers_let_a_checker_verify(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    sales = (await sign_in(roles=["sales"])).headers
    manager = (await sign_in(roles=["manager"])).headers
    partner = await active_partner(client, sales, manager)
    kyc = f"{PARTNERS}/{partner['id']}/kyc"
    missing = await client.post(f"{kyc}/verify", json={}, headers=manager)
    assert missing.status_code == 422
    assert missing.json()["code"] == "kyc.documents_missing"
    for document_type in ("pan", "cancelled_cheque", "gst_certificate"):
        await uploaded(
            client,
            sales,
            entity_type="partner",
            entity_id=partner["id"],
            document_type=document_type,
        )
    status = (await client.get(kyc, headers=sales)).json()
    assert status["missing_documents"] == []
    assert set(status["documents_on_file"]) >= {"pan", "cancelled_cheque", "gst_certificate"}
    verified = await client.post(f"{kyc}/verify", json={}, headers=manager)
    assert verified.status_code == 200, verified.text


async def test_a_portal_user_reaches_only_its_own_partners_documents(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    sales = (await sign_in(roles=["sales"])).headers
    manager = (await sign_in(roles=["manager"])).headers
    own = await active_partner(client, sales, manager)
    other = await active_partner(client, sales, manager)
    portal = (await sign_in(roles=["partner"], partner_id=uuid.UUID(own["id"]))).headers
    mine = await uploaded(
        client, portal, entity_type="partner", entity_id=own["id"], document_type="pan"
    )
    theirs = await uploaded(
        client, sales, entity_type="partner", entity_id=other["id"], document_type="pan"
    )
    refused = await upload(
        client, portal, entity_type="partner", entity_id=other["id"], document_type="pan"
    )
    assert refused.status_code == 404
    assert (await client.get(f"{DOCUMENTS}/{mine['id']}/download", headers=portal)).is_success
    for path in (f"{DOCUMENTS}/{theirs['id']}", f"{DOCUMENTS}/{theirs['id']}/download"):
        assert (await client.get(path, headers=portal)).status_code == 404
    listed = await client.get(
        DOCUMENTS, params={"entity_type": "partner", "entity_id": own["id"]}, headers=portal
    )
    assert [d["id"] for d in listed.json()["items"]] == [mine["id"]]
