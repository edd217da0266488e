"""What an uploaded file becomes before it is stored: its kind decided by its first bytes,
images re-encoded from their pixels (no metadata, nothing appended survives), measured and
hashed. CPU and file work only: call ``prepare_content`` in a worker thread."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps

from tradehub.document.domain import SNIFF_BYTES, Kind, sniff
from tradehub.document.errors import UnsupportedDocumentType, empty_document, image_too_large
from tradehub.kit.errors import AppError

# 40 megapixels: an A4 page scanned at 600 dpi is ~35 MP. Checked from the header, before any
# pixel is decoded, so a small file that unpacks into gigabytes is refused cheaply (Pillow's own
# decompression-bomb guard, at 89 MP, stays as a second line).
MAX_IMAGE_PIXELS = 40_000_000
JPEG_QUALITY = 90
_DECODERS = {Kind.PNG: ["PNG"], Kind.JPEG: ["JPEG", "MPO"]}
_READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class PreparedContent:
    kind: Kind
    data: IO[bytes]  # positioned at the start
    size: int
    sha256: str


def prepare_content(source: IO[bytes]) -> PreparedContent:
    """Raises 422 ``document.empty``, 415 ``document.unsupported_type`` (not PDF/PNG/JPEG by
    content, or an image Pillow cannot decode) or 422 ``document.image_too_large``."""
    source.seek(0)
    head = source.read(SNIFF_BYTES)
    if not head:
        raise empty_document()
    kind = sniff(head)
    if kind is None:
        raise UnsupportedDocumentType("Only PDF, PNG and JPEG files are accepted")
    source.seek(0)
    data = source if kind is Kind.PDF else reencode_image(source, kind)
    size, digest = measure(data)
    return PreparedContent(kind=kind, data=data, size=size, sha256=digest)


def measure(data: IO[bytes]) -> tuple[int, str]:
    """Size and SHA-256 of ``data`` from its start; leaves it at the start again."""
    data.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := data.read(_READ_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    data.seek(0)
    return size, digest.hexdigest()


def reencode_image(source: IO[bytes], kind: Kind) -> io.BytesIO:
    """The image's pixels, saved afresh in the same format: EXIF, text chunks, ICC profiles,
    comments and anything appended after the image end are left behind."""
    try:
        with Image.open(source, formats=_DECODERS[kind]) as opened:
            width, height = opened.size
            if width * height > MAX_IMAGE_PIXELS:
                raise image_too_large(MAX_IMAGE_PIXELS)
            opened.load()
            return _encode(opened, kind)
    except AppError:
        raise
    except Image.DecompressionBombError as exc:
        raise image_too_large(MAX_IMAGE_PIXELS) from exc
    except Exception as exc:  # any failure to decode untrusted bytes means the same to the caller
        raise UnsupportedDocumentType(
            f"The file starts like a {kind.name} image but cannot be read as one"
        ) from exc


def _encode(image: Image.Image, kind: Kind) -> io.BytesIO:
    # EXIF orientation is applied to the pixels, since the EXIF block itself is dropped.
    upright = ImageOps.exif_transpose(image) or image
    transparency = upright.info.get("transparency")
    upright.info = {}
    out = io.BytesIO()
    if kind is Kind.PNG:
        options = {"transparency": transparency} if transparency is not None else {}
        upright.save(out, format="PNG", **options)
    else:
        if upright.mode not in ("L", "RGB", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, format="JPEG", quality=JPEG_QUALITY)
    out.seek(0)
    return out
