"""Files and uploads for document tests."""

from __future__ import annotations

import io
import uuid
from typing import Any

import httpx
from PIL import Image
from PIL.PngImagePlugin import PngInfo

DOCUMENTS = "/api/v1/documents"
MAX_BYTES = 5 * 1024 * 1024


def pdf_bytes(size: int | None = None) -> bytes:
    """A small valid PDF, or one padded with a comment to exactly ``size`` bytes."""
    head = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n"
    )
    tail = b"%%EOF\n"
    if size is None:
        return head + tail
    filler = size - len(head) - len(tail) - 2
    assert filler >= 0
    return head + b"%" + b"x" * filler + b"\n" + tail


def png_bytes(
    *, size: tuple[int, int] = (6, 4), text: dict[str, str] | None = None, mode: str = "RGB"
) -> bytes:
    image = Image.new(mode, size, color="red" if mode == "RGB" else 1)
    info = PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def jpeg_bytes(
    *, size: tuple[int, int] = (8, 4), description: str | None = None, orientation: int = 1
) -> bytes:
    image = Image.new("RGB", size, color="blue")
    exif = Image.Exif()
    if description:
        exif[0x010E] = description  # ImageDescription
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    entity_id: uuid.UUID | str,
    entity_type: str = "organization",
    content: bytes | None = None,
    filename: str = "certificate.pdf",
    content_type: str = "application/pdf",
    document_type: str = "gst_certificate",
) -> httpx.Response:
    data: dict[str, Any] = {
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "document_type": document_type,
    }
    files = {"file": (filename, pdf_bytes() if content is None else content, content_type)}
    return await client.post(DOCUMENTS, headers=headers, data=data, files=files)


async def uploaded(client: httpx.AsyncClient, headers: dict[str, str], **options: Any) -> Any:
    response = await upload(client, headers, **options)
    assert response.status_code == 201, response.text
    return response.json()


BOUNDARY = "tradehub-test-boundary"


def _text_parts(fields: dict[str, str]) -> list[bytes]:
    return [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]


def multipart_fields(fields: dict[str, str]) -> bytes:
    """A whole multipart body of text fields only."""
    return b"".join(_text_parts(fields)) + f"--{BOUNDARY}--\r\n".encode()


def multipart_head(fields: dict[str, str], *, filename: bytes = b"big.pdf") -> bytes:
    """A multipart body up to the start of the file part's bytes (raw, so tests control every
    byte of the file name)."""
    parts = _text_parts(fields)
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="'.encode()
        + filename
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
    )
    return b"".join(parts)


def multipart_tail() -> bytes:
    return f"\r\n--{BOUNDARY}--\r\n".encode()


MULTIPART_CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
