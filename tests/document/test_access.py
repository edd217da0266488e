"""Who sees which document (as visible as its entity: BOLA → 404), lists, soft delete."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignedIn, SignIn
from tests.conftest import QueryCounter
from tests.document.helpers import DOCUMENTS, upload, uploaded
from tests.organization.helpers import create_organization
from tradehub.document.models import Document


@pytest.fixture
async def admin(sign_in: SignIn) -> SignedIn:
    return await sign_in(roles=("admin",))


@pytest.fixture
async def organization_id(client: httpx.AsyncClient, admin: SignedIn) -> str:
    return str((await create_organization(client, admin.headers))["id"])


async def partner_user(sign_in: SignIn) -> SignedIn:
    return await sign_in(roles=("partner",), partner_id=uuid.uuid4())


async def reads(client: httpx.AsyncClient, headers: dict[str, str], document_id: str) -> list[int]:
    """Status of the metadata and the download of one document."""
    metadata = await client.get(f"{DOCUMENTS}/{document_id}", headers=headers)
    got = await client.get(f"{DOCUMENTS}/{document_id}/download", headers=headers)
    return [metadata.status_code, got.status_code]


async def test_partner_users_see_nothing_of_an_organizations_documents(
    client: httpx.AsyncClient, admin: SignedIn, sign_in: SignIn, organization_id: str
) -> None:
    document = await uploaded(client, admin.headers, entity_id=organization_id)
    partner = await partner_user(sign_in)
    url = f"{DOCUMENTS}/{document['id']}"
    for response in (
        await client.get(url, headers=partner.headers),
        await client.get(f"{url}/download", headers=partner.headers),
        await client.delete(url, headers=partner.headers),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "document.not_found"
    listed = await client.get(
        DOCUMENTS,
        params={"entity_type": "organization", "entity_id": organization_id},
        headers=partner.headers,
    )
    assert listed.status_code == 404 and listed.json()["code"] == "document.entity_not_found"
    attach = await upload(client, partner.headers, entity_id=organization_id)
    assert attach.status_code == 404 and attach.json()["code"] == "document.entity_not_found"
    assert await reads(client, admin.headers, document["id"]) == [200, 200]


async def test_a_users_documents_are_seen_by_that_user_and_staff_holding_user_read(
    client: httpx.AsyncClient, admin: SignedIn, sign_in: SignIn
) -> None:
    owner = await partner_user(sign_in)
    document = await uploaded(
        client, owner.headers, entity_type="user", entity_id=owner.user.id, document_type="pan"
    )
    other_partner = await partner_user(sign_in)
    sales = await sign_in(roles=("sales",))  # document:read, but not user:read
    assert await reads(client, owner.headers, document["id"]) == [200, 200]
    assert await reads(client, admin.headers, document["id"]) == [200, 200]
    assert await reads(client, other_partner.headers, document["id"]) == [404, 404]
    assert await reads(client, sales.headers, document["id"]) == [404, 404]
    params = {"entity_type": "user", "entity_id": str(owner.user.id)}
    mine = await client.get(DOCUMENTS, params=params, headers=owner.headers)
    assert [d["id"] for d in mine.json()["items"]] == [document["id"]]
    theirs = await client.get(DOCUMENTS, params=params, headers=other_partner.headers)
    assert theirs.status_code == 404
    to_other = await upload(
        client, other_partner.headers, entity_type="user", entity_id=owner.user.id
    )
    assert to_other.status_code == 404
    # Unfiltered staff lists hold the entity types the caller sees in full.
    admin_all = await client.get(DOCUMENTS, headers=admin.headers)
    sales_all = await client.get(DOCUMENTS, headers=sales.headers)
    assert document["id"] in [d["id"] for d in admin_all.json()["items"]]
    assert sales_all.status_code == 200 and sales_all.json()["total"] == 0


async def test_partner_users_delete_only_what_they_uploaded(
    client: httpx.AsyncClient, admin: SignedIn, sign_in: SignIn
) -> None:
    partner = await partner_user(sign_in)
    by_staff = await uploaded(client, admin.headers, entity_type="user", entity_id=partner.user.id)
    by_partner = await uploaded(
        client, partner.headers, entity_type="user", entity_id=partner.user.id
    )
    refused = await client.delete(f"{DOCUMENTS}/{by_staff['id']}", headers=partner.headers)
    assert refused.status_code == 403 and refused.json()["code"] == "document.not_uploader"
    own = await client.delete(f"{DOCUMENTS}/{by_partner['id']}", headers=partner.headers)
    assert own.status_code == 204


async def test_soft_delete_hides_the_document_and_keeps_its_row_and_bytes(
    client: httpx.AsyncClient,
    admin: SignedIn,
    organization_id: str,
    db: AsyncSession,
    storage_root: Path,
) -> None:
    document = await uploaded(client, admin.headers, entity_id=organization_id)
    url = f"{DOCUMENTS}/{document['id']}"
    stale = await client.delete(url, headers={**admin.headers, "If-Match": '"7"'})
    assert stale.status_code == 412
    deleted = await client.delete(url, headers={**admin.headers, "If-Match": '"1"'})
    assert deleted.status_code == 204
    assert await reads(client, admin.headers, document["id"]) == [404, 404]
    assert (await client.delete(url, headers=admin.headers)).status_code == 404
    listed = await client.get(
        DOCUMENTS,
        params={"entity_type": "organization", "entity_id": organization_id},
        headers=admin.headers,
    )
    assert listed.json()["total"] == 0
    row = await db.get(Document, uuid.UUID(document["id"]), populate_existing=True)
    assert row is not None and row.deleted_at is not None
    assert row.deleted_by_id == admin.user.id
    assert (storage_root / row.storage_key).read_bytes()  # nothing is lost


async def _ids(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[str]:
    response = await client.get(DOCUMENTS, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [d["id"] for d in response.json()["items"]]


async def test_list_filters_sorts_and_pages(
    client: httpx.AsyncClient, admin: SignedIn, organization_id: str
) -> None:
    headers = admin.headers
    other_id = str((await create_organization(client, headers))["id"])
    first, second, third = [
        (await uploaded(client, headers, entity_id=organization_id, document_type=kind))["id"]
        for kind in ("pan", "gst_certificate", "gst_certificate")
    ]
    elsewhere = (await uploaded(client, headers, entity_id=other_id))["id"]
    entity = {"entity_type": "organization", "entity_id": organization_id}
    assert await _ids(client, headers, **entity) == [third, second, first]
    assert await _ids(client, headers, **entity, sort="created_at") == [first, second, third]
    assert await _ids(client, headers, **entity, document_type="GST Certificate") == [
        third,
        second,
    ]
    page = await client.get(DOCUMENTS, params={**entity, "limit": 2, "page": 2}, headers=headers)
    assert page.json() == {**page.json(), "total": 3, "page": 2, "limit": 2}
    assert [d["id"] for d in page.json()["items"]] == [first]
    assert await _ids(client, headers, **entity, page=3, limit=2) == []
    assert await _ids(client, headers, entity_type="organization") == [
        elsewhere,
        third,
        second,
        first,
    ]
    assert await _ids(client, headers, entity_type="user") == []


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"entity_id": str(uuid.uuid4())}, "entity_type", "validation.invalid"),
        ({"entity_type": "spaceship"}, "entity_type", "document.unknown_entity_type"),
        ({"entity_type": "Bad Type"}, "entity_type", "validation.invalid"),
        ({"document_type": "<x>"}, "document_type", "validation.invalid"),
        ({"sort": "file_name"}, "sort", "validation.invalid"),
        ({"limit": 201}, "limit", "validation.invalid"),
    ],
)
async def test_bad_list_queries_are_422_naming_the_parameter(
    client: httpx.AsyncClient, admin: SignedIn, params: dict[str, Any], field: str, code: str
) -> None:
    response = await client.get(DOCUMENTS, params=params, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert response.json()["errors"][0]["loc"] == ["query", field]


async def test_partner_users_must_name_the_entity_to_list(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    partner = await partner_user(sign_in)
    response = await client.get(DOCUMENTS, headers=partner.headers)
    assert response.status_code == 422
    assert response.json()["code"] == "document.entity_required"


async def test_the_list_costs_the_same_queries_for_2_or_6_documents(
    client: httpx.AsyncClient,
    admin: SignedIn,
    organization_id: str,
    query_counter: QueryCounter,
) -> None:
    params = {"entity_type": "organization", "entity_id": organization_id}

    async def count_list_queries() -> int:
        query_counter.reset()
        response = await client.get(DOCUMENTS, params=params, headers=admin.headers)
        assert response.status_code == 200
        return query_counter.count

    for _ in range(2):
        await uploaded(client, admin.headers, entity_id=organization_id)
    few = await count_list_queries()
    for _ in range(4):
        await uploaded(client, admin.headers, entity_id=organization_id)
    many = await count_list_queries()
    assert few == many <= 8
