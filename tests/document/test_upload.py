"""POST /documents and the download through HTTP: kinds by content, re-encoded images, the
5 MiB limit applied while streaming, safe names, audit (api.md §10)."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.document.helpers import (
    DOCUMENTS,
    MAX_BYTES,
    MULTIPART_CONTENT_TYPE,
    jpeg_bytes,
    multipart_fields,
    multipart_head,
    multipart_tail,
    pdf_bytes,
    png_bytes,
    upload,
    uploaded,
)
from tests.organization.helpers import create_organization
from tradehub.audit.models import AuditEvent
from tradehub.document.models import Document


@pytest.fixture
async def admin(sign_in: SignIn) -> dict[str, str]:
    return (await sign_in(roles=("admin",))).headers


@pytest.fixture
async def organization_id(client: httpx.AsyncClient, admin: dict[str, str]) -> str:
    return str((await create_organization(client, admin))["id"])


async def download(
    client: httpx.AsyncClient, headers: dict[str, str], document: dict[str, Any]
) -> httpx.Response:
    return await client.get(f"{DOCUMENTS}/{document['id']}/download", headers=headers)


@pytest.mark.parametrize(
    ("content", "filename", "content_type"),
    [
        (pdf_bytes(), "gst.pdf", "application/pdf"),
        (png_bytes(), "cheque.png", "image/png"),
        (jpeg_bytes(), "pan.jpg", "image/jpeg"),
    ],
    ids=["pdf", "png", "jpeg"],
)
async def test_pdf_png_and_jpeg_are_stored_and_downloaded_as_attachments(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    organization_id: str,
    content: bytes,
    filename: str,
    content_type: str,
) -> None:
    # The client's Content-Type is deliberately wrong: the kind comes from the bytes.
    document = await uploaded(
        client,
        admin,
        entity_id=organization_id,
        content=content,
        filename=filename,
        content_type="application/octet-stream",
    )
    assert document["content_type"] == content_type
    assert document["file_name"] == filename
    assert document["document_type"] == "gst_certificate"
    got = await download(client, admin, document)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == content_type
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"].startswith(f'attachment; filename="{filename}"')
    assert document["size"] == len(got.content) == int(got.headers["content-length"])
    assert document["sha256"] == hashlib.sha256(got.content).hexdigest()
    if content_type == "application/pdf":  # stored exactly as sent
        assert got.content == content
    else:  # re-encoded, still the same picture
        assert Image.open(io.BytesIO(got.content)).size == Image.open(io.BytesIO(content)).size
    metadata = await client.get(f"{DOCUMENTS}/{document['id']}", headers=admin)
    assert metadata.status_code == 200 and metadata.json() == document
    assert metadata.headers["ETag"] == '"1"'


async def test_png_text_chunks_and_trailing_payloads_are_not_kept(
    client: httpx.AsyncClient, admin: dict[str, str], organization_id: str
) -> None:
    secret = "reviewer password hunter2"
    content = png_bytes(text={"Comment": secret}) + b"<script>alert(1)</script>"
    assert secret.encode() in content
    document = await uploaded(
        client, admin, entity_id=organization_id, content=content, filename="x.png"
    )
    stored = (await download(client, admin, document)).content
    assert secret.encode() not in stored and b"tEXt" not in stored and b"<script>" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "PNG" and image.text == {}  # type: ignore[attr-defined]


async def test_jpeg_exif_is_dropped_and_its_orientation_applied(
    client: httpx.AsyncClient, admin: dict[str, str], organization_id: str
) -> None:
    content = jpeg_bytes(size=(8, 4), description="GPS 19.07N 72.87E", orientation=6)
    document = await uploaded(
        client, admin, entity_id=organization_id, content=content, filename="pan.jpeg"
    )
    stored = (await download(client, admin, document)).content
    assert b"GPS 19.07N" not in stored and b"Exif" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (4, 8)  # rotated upright
    assert dict(image.getexif()) == {}


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "scan.pdf"),  # renamed .exe
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 200, "photo.png"),  # a ZIP
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "invoice.pdf"),
        (b"#!/bin/sh\nrm -rf /\n", "cheque.jpg"),
        (b" %PDF-1.4 leading space is not a PDF", "gst.pdf"),
    ],
    ids=["exe", "zip", "html", "script", "offset-pdf"],
)
async def test_other_kinds_are_415_whatever_their_name_and_content_type(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    organization_id: str,
    content: bytes,
    filename: str,
    db: AsyncSession,
) -> None:
    response = await upload(
        client, admin, entity_id=organization_id, content=content, filename=filename
    )
    assert response.status_code == 415, response.text
    assert response.json()["code"] == "document.unsupported_type"
    assert await db.scalar(select(Document.id)) is None


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20,  # a PNG signature and nothing else
        png_bytes(size=(64, 64))[:-40],  # truncated
        b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 10,
    ],
    ids=["png-signature-only", "truncated-png", "fake-jpeg"],
)
async def test_files_claiming_to_be_images_that_do_not_decode_are_415(
    client: httpx.AsyncClient, admin: dict[str, str], organization_id: str, content: bytes
) -> None:
    response = await upload(
        client, admin, entity_id=organization_id, content=content, filename="a.png"
    )
    assert response.status_code == 415, response.text
    assert response.json()["code"] == "document.unsupported_type"


async def test_decompression_bombs_are_refused_before_decoding(
    client: httpx.AsyncClient, admin: dict[str, str], organization_id: str
) -> None:
    bomb = png_bytes(size=(10_000, 5_000), mode="1")  # 50 megapixels in a few kilobytes
    assert len(bomb) < 100_000
    response = await upload(
        client, admin, entity_id=organization_id, content=bomb, filename="b.png"
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "document.image_too_large"


async def test_an_empty_file_is_422(
    client: httpx.AsyncClient, admin: dict[str, str], organization_id: str
) -> None:
    response = await upload(client, admin, entity_id=organization_id, content=b"")
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "document.empty"
    assert problem["errors"][0]["loc"] == ["body", "file"]


async def test_exactly_5_mib_is_accepted_and_one_byte_more_is_413(
    client: httpx.AsyncClient, admin: dict[str, str], organization_id: str
) -> None:
    assert MAX_BYTES == 5_242_880
    largest = pdf_bytes(MAX_BYTES)
    accepted = await upload(client, admin, entity_id=organization_id, content=largest)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["size"] == MAX_BYTES
    assert accepted.json()["sha256"] == hashlib.sha256(largest).hexdigest()
    refused = await upload(
        client, admin, entity_id=organization_id, content=pdf_bytes(MAX_BYTES + 1)
    )
    assert refused.status_code == 413, refused.text
    assert refused.json()["code"] == "document.too_large"


class CountingBody:
    """A request body produced on demand, counting what the server pulled."""

    def __init__(self, head: bytes, total: int, chunk: int = 64 * 1024) -> None:
        self.head, self.total, self.chunk = head, total, chunk
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.sent += len(self.head)
        yield self.head
        while self.sent < self.total:
            self.sent += self.chunk
            yield b"x" * self.chunk
        yield multipart_tail()


async def test_a_huge_streamed_upload_is_cut_off_soon_after_the_limit(
    client: httpx.AsyncClient, admin: dict[str, str], organization_id: str, storage_root: Path
) -> None:
    fields = {"entity_type": "organization", "entity_id": organization_id, "document_type": "pan"}
    body = CountingBody(multipart_head(fields) + b"%PDF-1.4\n", total=50 * 1024 * 1024)
    # No Content-Length: a chunked body, so only counting while reading can stop it.
    response = await client.post(
        DOCUMENTS,
        headers={**admin, "Content-Type": MULTIPART_CONTENT_TYPE},
        content=body.__aiter__(),
    )
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "document.too_large"
    # The server stopped pulling one chunk past 5 MiB, out of 50 MiB offered.
    assert MAX_BYTES < body.sent <= MAX_BYTES + 2 * body.chunk + 1024
    assert not storage_root.exists() or not any(storage_root.rglob("*"))


async def test_a_declared_content_length_far_over_the_limit_is_refused_unread(
    client: httpx.AsyncClient, admin: dict[str, str], organization_id: str
) -> None:
    fields = {"entity_type": "organization", "entity_id": organization_id, "document_type": "pan"}
    body = CountingBody(multipart_head(fields), total=MAX_BYTES * 3)
    response = await client.post(
        DOCUMENTS,
        headers={
            **admin,
            "Content-Type": MULTIPART_CONTENT_TYPE,
            "Content-Length": str(MAX_BYTES * 3),
        },
        content=body.__aiter__(),
    )
    assert response.status_code == 413, response.text
    assert body.sent == 0


@pytest.mark.parametrize(
    ("raw_name", "stored", "ascii_name"),
    [
        (b"../../etc/passwd.pdf", "passwd.pdf", "passwd.pdf"),
        (b"..\\..\\windows\\win.ini.pdf", "win.ini.pdf", "win.ini.pdf"),
        (b"gst\x00.exe.pdf", "gst.exe.pdf", "gst.exe.pdf"),
        (b"a\tb\x1b[31m.pdf", "a b[31m.pdf", "a_b_31m.pdf"),
        (b'quote\\";x=.pdf', 'quote";x=.pdf', "quote_x.pdf"),  # an escaped quote
        ("प्रमाणपत्र.pdf".encode(), "प्रमाणपत्र.pdf", "document.pdf"),
        (b"invoice.html", "invoice.html", "invoice.pdf"),  # the PDF is never saved as HTML
        (b"...", "document", "document.pdf"),
    ],
)
async def test_file_names_are_neutralised(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    organization_id: str,
    storage_root: Path,
    raw_name: bytes,
    stored: str,
    ascii_name: str,
) -> None:
    fields = {"entity_type": "organization", "entity_id": organization_id, "document_type": "pan"}
    body = multipart_head(fields, filename=raw_name) + pdf_bytes() + multipart_tail()
    response = await client.post(
        DOCUMENTS, headers={**admin, "Content-Type": MULTIPART_CONTENT_TYPE}, content=body
    )
    assert response.status_code == 201, response.text
    document = response.json()
    assert document["file_name"] == stored
    got = await download(client, admin, document)
    disposition = got.headers["content-disposition"]
    assert disposition.startswith(f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''")
    assert all(32 <= ord(ch) < 127 for ch in disposition)
    # Stored under a server-made key, nowhere near the client's name.
    (path,) = [p for p in storage_root.rglob("*") if p.is_file()]
    relative = path.relative_to(storage_root).as_posix()
    assert relative.startswith("documents/") and relative.endswith(document["id"])


async def test_document_types_are_normalised_to_lower_snake_case(
    client: httpx.AsyncClient, admin: dict[str, str], organization_id: str
) -> None:
    document = await uploaded(
        client, admin, entity_id=organization_id, document_type="  Cancelled-Cheque "
    )
    assert document["document_type"] == "cancelled_cheque"
    response = await upload(client, admin, entity_id=organization_id, document_type="pan<script>")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "document_type"]


async def test_missing_and_unknown_fields_are_422_naming_them(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    fields = {"entity_type": "organization", "colour": "red"}
    response = await client.post(
        DOCUMENTS,
        headers={**admin, "Content-Type": MULTIPART_CONTENT_TYPE},
        content=multipart_fields(fields),
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "validation.invalid"
    named = {tuple(error["loc"]) for error in problem["errors"]}
    assert named == {
        ("body", "entity_id"),
        ("body", "document_type"),
        ("body", "colour"),
        ("body", "file"),
    }


async def test_a_body_that_is_not_multipart_is_415(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post(DOCUMENTS, headers=admin, json={"file": "JVBERi0="})
    assert response.status_code == 415
    assert response.json()["code"] == "document.not_multipart"


async def test_two_files_or_a_truncated_body_are_422(
    client: httpx.AsyncClient, admin: dict[str, str], organization_id: str
) -> None:
    data = {"entity_type": "organization", "entity_id": organization_id, "document_type": "pan"}
    files = [("file", ("a.pdf", pdf_bytes())), ("file", ("b.pdf", pdf_bytes()))]
    two = await client.post(DOCUMENTS, headers=admin, data=data, files=files)
    assert two.status_code == 422 and two.json()["code"] == "document.invalid_upload"
    head = multipart_head(data) + pdf_bytes()  # no closing boundary
    cut = await client.post(
        DOCUMENTS, headers={**admin, "Content-Type": MULTIPART_CONTENT_TYPE}, content=head
    )
    assert cut.status_code == 422 and cut.json()["code"] == "document.invalid_upload"
    assert cut.json()["errors"][0]["loc"] == ["body"]


async def test_unknown_entity_type_is_422_and_a_missing_entity_404(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    unknown = await upload(client, admin, entity_type="spaceship", entity_id=uuid.uuid4())
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "document.unknown_entity_type"
    assert unknown.json()["errors"][0]["loc"] == ["body", "entity_type"]
    missing = await upload(client, admin, entity_type="organization", entity_id=uuid.uuid4())
    assert missing.status_code == 404
    assert missing.json()["code"] == "document.entity_not_found"


async def test_uploads_and_deletes_are_audited(
    client: httpx.AsyncClient, sign_in: SignIn, organization_id: str, db: AsyncSession
) -> None:
    manager = await sign_in(roles=("manager",))
    document = await uploaded(client, manager.headers, entity_id=organization_id)
    deleted = await client.delete(f"{DOCUMENTS}/{document['id']}", headers=manager.headers)
    assert deleted.status_code == 204
    events = (
        await db.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "document", AuditEvent.entity_id == document["id"])
            .order_by(AuditEvent.seq)
        )
    ).all()
    assert [event.action for event in events] == ["create", "delete"]
    assert all(event.actor_id == manager.user.id for event in events)
    assert events[0].changes["sha256"]["new"] == document["sha256"]
    assert events[0].changes["entity_id"]["new"] == organization_id
    assert events[1].changes["deleted_by_id"] == {"old": None, "new": str(manager.user.id)}


async def test_openapi_describes_the_multipart_body_and_the_download(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    upload_operation = spec["paths"][DOCUMENTS]["post"]
    form = upload_operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(form["required"]) == {"file", "entity_type", "entity_id", "document_type"}
    assert form["properties"]["file"]["type"] == "string"
    assert {"201", "413", "415", "422"} <= set(upload_operation["responses"])
    download_operation = spec["paths"][f"{DOCUMENTS}/{{document_id}}/download"]["get"]
    assert set(download_operation["responses"]["200"]["content"]) == {
        "application/pdf",
        "image/png",
        "image/jpeg",
    }
    assert "307" in download_operation["responses"]
