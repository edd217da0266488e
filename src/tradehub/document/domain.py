"""Pure document rules: what a file is (by its first bytes), safe file names, document types,
storage keys. No I/O here."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import datetime
from enum import StrEnum
from urllib.parse import quote

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # api.md §10: 5 MiB, 5,242,880 bytes
MAX_FILE_NAME = 200
DOCUMENT_TYPE_MAX = 50
FALLBACK_NAME = "document"


class Kind(StrEnum):
    PDF = "application/pdf"
    PNG = "image/png"
    JPEG = "image/jpeg"

    @property
    def extensions(self) -> tuple[str, ...]:
        return _EXTENSIONS[self]


_EXTENSIONS = {Kind.PDF: (".pdf",), Kind.PNG: (".png",), Kind.JPEG: (".jpg", ".jpeg")}
# The magic numbers, at offset 0. Whatever the name or the client's Content-Type say.
_MAGIC = ((b"%PDF-", Kind.PDF), (b"\x89PNG\r\n\x1a\n", Kind.PNG), (b"\xff\xd8\xff", Kind.JPEG))
SNIFF_BYTES = 8


def sniff(head: bytes) -> Kind | None:
    """The kind the first bytes announce, or None for anything else (executables, archives,
    HTML, text, empty files)."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


# --- file names ------------------------------------------------------------------------------

# Control (Cc) and format (Cf: bidi overrides such as U+202E that turn "gpj.exe" around,
# zero-width characters) characters; separators other than the plain space.
_UNWANTED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_SPACES = re.compile(r"\s+")


def sanitize_file_name(raw: str | None) -> str:
    """The client's file name made harmless for storing and showing: no directories (``../``,
    ``C:\\``), no NUL, CR/LF or other control characters, no leading dots, at most 200
    characters (the extension kept). Never empty."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(" " if ch.isspace() else ch for ch in name if not _unwanted(ch))
    name = _SPACES.sub(" ", name).strip().lstrip(".").strip()
    if not name:
        return FALLBACK_NAME
    return _cap(name, MAX_FILE_NAME)


def _unwanted(ch: str) -> bool:
    return ch != " " and not ch.isspace() and unicodedata.category(ch) in _UNWANTED_CATEGORIES


def _cap(name: str, limit: int) -> str:
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem and len(extension) <= 10:
        return stem[: limit - len(extension) - 1].rstrip() + "." + extension
    return name[:limit].rstrip()


def download_name(file_name: str, kind: Kind) -> str:
    """The name a download is saved under: ends in the extension of what the bytes are, so a
    PDF uploaded as ``invoice.html`` is never saved (and opened) as HTML."""
    name = sanitize_file_name(file_name)
    if name.lower().endswith(kind.extensions):
        return name
    stem, dot, _ = name.rpartition(".")
    base = stem if dot and stem else name
    return _cap(base, MAX_FILE_NAME - len(kind.extensions[0])) + kind.extensions[0]


def ascii_fallback(name: str) -> str:
    """For ``filename=``: ASCII letters, digits and ``._-()`` only (anything else becomes
    ``_``), so no quote, backslash or semicolon can break out of the header."""
    stem, dot, extension = name.rpartition(".")
    if not (dot and stem):
        stem, extension = name, ""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    safe_stem = re.sub(r"[^A-Za-z0-9._()-]+", "_", ascii_stem).strip("._-") or FALLBACK_NAME
    safe_extension = re.sub(r"[^A-Za-z0-9]+", "", extension)[:10]
    suffix = f".{safe_extension}" if safe_extension else ""
    return safe_stem[: MAX_FILE_NAME - len(suffix)] + suffix


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the exact name as RFC 5987 ``filename*``."""
    fallback = ascii_fallback(name)
    exact = quote(name, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}"


# --- document types and keys -----------------------------------------------------------------

_TYPE_SEPARATORS = re.compile(r"[\s\-./]+")
_DOCUMENT_TYPE = re.compile(r"^[a-z0-9_]{1,50}$")


def normalise_document_type(raw: str) -> str:
    """``" GST Certificate "`` → ``gst_certificate``; ``Cancelled-Cheque`` →
    ``cancelled_cheque``. Raises ValueError unless the result is 1-50 of ``[a-z0-9_]``."""
    text = _TYPE_SEPARATORS.sub("_", raw.strip().lower())
    text = re.sub(r"_+", "_", text).strip("_")
    if not _DOCUMENT_TYPE.fullmatch(text):
        raise ValueError(
            f"must be 1-{DOCUMENT_TYPE_MAX} letters, digits, spaces, '-' or '_' "
            "(for example pan, gst_certificate)"
        )
    return text


def storage_key(document_id: uuid.UUID, at: datetime) -> str:
    """``documents/<yyyy>/<mm>/<uuid>``: server-made, never derived from the client's name."""
    return f"documents/{at.year:04d}/{at.month:02d}/{document_id}"
