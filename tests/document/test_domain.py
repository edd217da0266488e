"""Pure document rules: sniffing, safe names, document types (property tests)."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradehub.document.domain import (
    MAX_FILE_NAME,
    Kind,
    content_disposition,
    download_name,
    normalise_document_type,
    sanitize_file_name,
    sniff,
    storage_key,
)

names = st.text(min_size=0, max_size=400)


def test_sniffing_reads_magic_numbers_only() -> None:
    assert sniff(b"%PDF-1.7\n") is Kind.PDF
    assert sniff(b"\x89PNG\r\n\x1a\n\x00") is Kind.PNG
    assert sniff(b"\xff\xd8\xff\xe1") is Kind.JPEG
    for other in (b"", b"MZ\x90", b"PK\x03\x04", b"<html>", b"GIF89a", b"\x89PNG\r\n", b"%PDF"):
        assert sniff(other) is None


@given(names)
def test_sanitized_names_are_plain_bounded_and_never_empty(raw: str) -> None:
    name = sanitize_file_name(raw)
    assert 1 <= len(name) <= MAX_FILE_NAME
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert name == name.strip()
    unwanted = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
    assert all(
        ch == " " or (not ch.isspace() and unicodedata.category(ch) not in unwanted) for ch in name
    )
    assert not any(ch in name for ch in "\x00\r\n\t\u202e\u2028")
    assert sanitize_file_name(name) == name  # idempotent


@given(names, st.sampled_from(list(Kind)))
def test_download_names_end_in_the_kind_and_headers_stay_ascii(raw: str, kind: Kind) -> None:
    name = download_name(raw, kind)
    assert name.lower().endswith(kind.extensions) and len(name) <= MAX_FILE_NAME
    header = content_disposition(name)
    assert all(32 <= ord(ch) < 127 for ch in header)
    fallback = re.fullmatch(r'attachment; filename="([^"\\;]+)"; filename\*=UTF-8\'\'(\S+)', header)
    assert fallback is not None
    assert unquote(fallback.group(2)) == name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("pan", "pan"),
        ("  GST Certificate ", "gst_certificate"),
        ("Cancelled-Cheque", "cancelled_cheque"),
        ("test.report/2026", "test_report_2026"),
        ("a__b", "a_b"),
    ],
)
def test_document_types_become_lower_snake_case(raw: str, expected: str) -> None:
    assert normalise_document_type(raw) == expected


@pytest.mark.parametrize("raw", ["", "  ", "---", "pan<script>", "x" * 51, "पैन"])
def test_document_types_outside_the_alphabet_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="1-50"):
        normalise_document_type(raw)


@given(st.text(max_size=60))
def test_normalised_document_types_match_the_stored_alphabet(raw: str) -> None:
    try:
        value = normalise_document_type(raw)
    except ValueError:
        return
    assert re.fullmatch(r"[a-z0-9_]{1,50}", value)
    assert normalise_document_type(value) == value


def test_storage_keys_are_made_from_the_server_side_only() -> None:
    document_id = uuid.UUID("00000000-0000-4000-8000-000000000001")
    key = storage_key(document_id, datetime(2026, 3, 5, tzinfo=UTC))
    assert key == f"documents/2026/03/{document_id}"
