"""Local storage: atomic writes inside its root, chunked reads, keys that cannot escape."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tradehub.kit.storage import (
    LocalStorage,
    ObjectMissing,
    S3Storage,
    check_key,
    parse_storage_url,
    storage_for,
)


async def test_put_replaces_atomically_and_open_reads_back_in_chunks(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "root")
    await storage.put("documents/2026/11/a", b"first")
    big = bytes(range(256)) * 1024  # several read chunks
    await storage.put("documents/2026/11/a", io.BytesIO(big))
    chunks = [chunk async for chunk in await storage.open("documents/2026/11/a")]
    assert len(chunks) > 1 and b"".join(chunks) == big
    leftovers = [p.name for p in (tmp_path / "root").rglob("*") if p.is_file()]
    assert leftovers == ["a"]  # no temporary file left behind
    assert (
        await storage.presigned_url(
            "documents/2026/11/a",
            filename="a.pdf",
            content_type="application/pdf",
            expires_seconds=60,
        )
        is None
    )


async def test_a_missing_object_fails_before_streaming(tmp_path: Path) -> None:
    with pytest.raises(ObjectMissing):
        await LocalStorage(tmp_path).open("documents/none")


@pytest.mark.parametrize(
    "key",
    ["../etc/passwd", "/etc/passwd", "documents/../../x", "a//b", "", ".hidden", "a\\b", "a/\x00"],
)
def test_keys_cannot_leave_the_root(key: str) -> None:
    with pytest.raises(ValueError, match="invalid storage key"):
        check_key(key)


def test_storage_urls() -> None:
    assert parse_storage_url("file://./var/storage") == ("file", "./var/storage", "")
    assert parse_storage_url("file:///srv/files") == ("file", "/srv/files", "")
    assert parse_storage_url("s3://bucket/a/b/") == ("s3", "bucket", "a/b")
    for bad in ("ftp://x", "./var/storage", "s3://", "file://"):
        with pytest.raises(ValueError, match="storage URL"):
            parse_storage_url(bad)


def test_one_backend_per_configuration(tmp_path: Path) -> None:
    url = f"file://{tmp_path}"
    assert storage_for(url) is storage_for(url)
    local = storage_for(url)
    assert isinstance(local, LocalStorage) and local.root == tmp_path
    assert isinstance(storage_for("s3://bucket/prefix", "http://127.0.0.1:9"), S3Storage)
