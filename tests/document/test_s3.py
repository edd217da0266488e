"""Documents in S3: uploaded through the API into a real S3 server (moto on loopback),
downloaded through a short-lived signed URL."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tests.auth_helpers import SignIn
from tests.conftest import build_test_app, http_client, savepoint_sessionmaker
from tests.document.conftest import s3_client
from tests.document.helpers import DOCUMENTS, pdf_bytes, png_bytes, uploaded
from tests.organization.helpers import create_organization
from tradehub.config import Settings
from tradehub.kit.storage import ObjectMissing, S3Storage, storage_for


@pytest.fixture
def app(s3_settings: Settings, engine: AsyncEngine, connection: AsyncConnection) -> FastAPI:
    return build_test_app(s3_settings, engine, savepoint_sessionmaker(connection))


@pytest.fixture
async def outside() -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client, as a browser following the redirect would be."""
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


@pytest.mark.parametrize(
    "content", [pdf_bytes(50_000), png_bytes(size=(40, 30))], ids=["pdf", "png"]
)
async def test_uploads_land_in_s3_and_download_through_a_signed_url(
    client: httpx.AsyncClient,
    outside: httpx.AsyncClient,
    sign_in: SignIn,
    s3_settings: Settings,
    s3_bucket: str,
    moto_endpoint: str,
    content: bytes,
) -> None:
    assert isinstance(storage_for(s3_settings.storage_url, s3_settings.s3_endpoint_url), S3Storage)
    admin = (await sign_in(roles=("admin",))).headers
    organization = await create_organization(client, admin)
    document = await uploaded(
        client, admin, entity_id=organization["id"], content=content, filename="लेखा report.pdf"
    )
    listing = s3_client(moto_endpoint).list_objects_v2(Bucket=s3_bucket)
    (stored,) = listing["Contents"]
    assert stored["Key"].startswith("uploads/documents/")
    assert stored["Key"].endswith(document["id"]) and stored["Size"] == document["size"]

    redirect = await client.get(f"{DOCUMENTS}/{document['id']}/download", headers=admin)
    assert redirect.status_code == 307, redirect.text
    assert redirect.headers["cache-control"] == "no-store"
    location = redirect.headers["location"]
    assert location.startswith(f"{moto_endpoint}/{s3_bucket}/uploads/documents/")
    query = parse_qs(urlsplit(location).query)
    assert 0 < int(query["X-Amz-Expires"][0]) <= 900
    assert "attachment" in query["response-content-disposition"][0]

    fetched = await outside.get(location)
    assert fetched.status_code == 200
    assert hashlib.sha256(fetched.content).hexdigest() == document["sha256"]
    assert fetched.headers["content-type"] == document["content_type"]
    assert fetched.headers["content-disposition"].startswith("attachment;")
    if document["content_type"] == "application/pdf":
        assert fetched.content == content


async def test_the_signed_url_lives_no_longer_than_configured(
    s3_settings: Settings,
    engine: AsyncEngine,
    connection: AsyncConnection,
    sign_in: SignIn,
) -> None:
    short = s3_settings.model_copy(update={"storage_presign_seconds": 60})
    app = build_test_app(short, engine, savepoint_sessionmaker(connection))
    admin = (await sign_in(roles=("admin",))).headers
    async with http_client(app) as client:
        organization = await create_organization(client, admin)
        document = await uploaded(client, admin, entity_id=organization["id"])
        redirect = await client.get(f"{DOCUMENTS}/{document['id']}/download", headers=admin)
    query = parse_qs(urlsplit(redirect.headers["location"]).query)
    assert query["X-Amz-Expires"] == ["60"]


async def test_s3_storage_reads_back_and_never_signs_for_more_than_15_minutes(
    s3_bucket: str, moto_endpoint: str
) -> None:
    storage = S3Storage(s3_bucket, "p", endpoint_url=moto_endpoint)
    await storage.put("documents/2026/11/abc", b"hello", content_type="application/pdf")
    chunks = [chunk async for chunk in await storage.open("documents/2026/11/abc")]
    assert b"".join(chunks) == b"hello"
    url = await storage.presigned_url(
        "documents/2026/11/abc",
        filename="a.pdf",
        content_type="application/pdf",
        expires_seconds=86_400,
    )
    assert url is not None
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["900"]
    with pytest.raises(ObjectMissing):
        await storage.open("documents/2026/11/missing")
