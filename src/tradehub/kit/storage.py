"""Where file bytes live: a local directory by default, an S3-compatible bucket in production.

``storage_for(settings.storage_url, settings.s3_endpoint_url)`` picks the backend once per
configuration (``file://path`` or ``s3://bucket/prefix``). Keys are made by the caller from
server-side values only (``documents/2026/11/<uuid>``); the client's file name never reaches a
key. Every blocking call (file I/O, boto3) runs in a worker thread, so the event loop keeps
serving other requests while bytes move.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import anyio.to_thread

CHUNK_SIZE = 64 * 1024
# Longest life of a signed download link (api.md §10: valid at most 15 minutes).
MAX_PRESIGN_SECONDS = 900
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*$")

Content = bytes | IO[bytes]


class ObjectMissing(LookupError):
    """The key names nothing in the store."""


def check_key(key: str) -> str:
    """Keys are relative, ``/``-separated and free of ``.``/``..`` segments: never a way out of
    the storage root, even if a bug ever let a client's text into one."""
    if len(key) > 512 or not _KEY.fullmatch(key) or ".." in key.split("/"):
        raise ValueError(f"invalid storage key: {key!r}")
    return key


class Storage(ABC):
    @abstractmethod
    async def put(self, key: str, data: Content, *, content_type: str | None = None) -> None:
        """Store ``data`` (bytes, or a binary file read from its current position) under
        ``key``, replacing what was there. Readers see the old or the new bytes, never a mix."""

    @abstractmethod
    async def open(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes in chunks. Raises ``ObjectMissing`` here, before any chunk, so a
        caller can still answer with an error instead of a broken stream."""

    @abstractmethod
    async def presigned_url(
        self, key: str, *, filename: str, content_type: str, expires_seconds: int
    ) -> str | None:
        """A URL that downloads the object without our service in the way (as an attachment
        named ``filename``), or None when the backend cannot sign one (local files)."""


class LocalStorage(Storage):
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, key: str) -> Path:
        return self.root / check_key(key)

    async def put(self, key: str, data: Content, *, content_type: str | None = None) -> None:
        await anyio.to_thread.run_sync(self._write, self.path_of(key), data)

    @staticmethod
    def _write(path: Path, data: Content) -> None:
        # Write a temporary file beside the target, then rename it over: a crash leaves either
        # nothing or the whole file, never a truncated one.
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as target:
                if isinstance(data, bytes):
                    target.write(data)
                else:
                    shutil.copyfileobj(data, target, CHUNK_SIZE)
                target.flush()
                os.fsync(target.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def open(self, key: str) -> AsyncIterator[bytes]:
        path = self.path_of(key)
        try:
            source = await anyio.to_thread.run_sync(path.open, "rb")
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc
        return _chunks_of(source)

    async def presigned_url(
        self, key: str, *, filename: str, content_type: str, expires_seconds: int
    ) -> str | None:
        return None


async def _chunks_of(source: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        while chunk := await anyio.to_thread.run_sync(source.read, CHUNK_SIZE):
            yield chunk
    finally:
        source.close()


class S3Storage(Storage):
    """Any S3-compatible store through boto3 (credentials from the usual AWS environment:
    ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a profile or an instance role)."""

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None) -> None:
        # Optional dependency (the `prod` extra), only needed for s3:// storage; untyped.
        import boto3  # type: ignore[import-untyped]
        from botocore.config import Config  # type: ignore[import-untyped]

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        # A custom endpoint (MinIO, moto, a local gateway) rarely resolves bucket subdomains.
        style = "path" if endpoint_url else "auto"
        config = Config(signature_version="s3v4", s3={"addressing_style": style})
        # boto3 clients are thread-safe: one is shared by the worker threads.
        self.client: Any = boto3.client("s3", endpoint_url=endpoint_url, config=config)

    def object_key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    async def put(self, key: str, data: Content, *, content_type: str | None = None) -> None:
        extra = {"ContentType": content_type} if content_type else {}
        # A file body is streamed by botocore from the worker thread, never read whole here.
        await anyio.to_thread.run_sync(
            lambda: self.client.put_object(
                Bucket=self.bucket, Key=self.object_key(key), Body=data, **extra
            )
        )

    async def open(self, key: str) -> AsyncIterator[bytes]:
        from botocore.exceptions import ClientError  # type: ignore[import-untyped]

        try:
            answer = await anyio.to_thread.run_sync(
                lambda: self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise ObjectMissing(key) from exc
            raise
        return _chunks_of(answer["Body"])

    async def presigned_url(
        self, key: str, *, filename: str, content_type: str, expires_seconds: int
    ) -> str | None:
        params = {
            "Bucket": self.bucket,
            "Key": self.object_key(key),
            "ResponseContentType": content_type,
            "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        }
        expires = max(1, min(expires_seconds, MAX_PRESIGN_SECONDS))
        # Signing is local, but resolving credentials may ask an instance metadata service.
        url: str = await anyio.to_thread.run_sync(
            lambda: self.client.generate_presigned_url(
                "get_object", Params=params, ExpiresIn=expires
            )
        )
        return url


def parse_storage_url(url: str) -> tuple[str, str, str]:
    """``file://./var/storage`` → ("file", "./var/storage", ""); ``s3://bucket/a/b`` →
    ("s3", "bucket", "a/b")."""
    scheme, separator, rest = url.partition("://")
    if not separator or scheme not in ("file", "s3") or not rest:
        raise ValueError(f"storage URL must be file://<path> or s3://<bucket>[/prefix]: {url!r}")
    if scheme == "file":
        return scheme, rest, ""
    bucket, _, prefix = rest.partition("/")
    return scheme, bucket, prefix.strip("/")


@lru_cache(maxsize=8)
def storage_for(storage_url: str, s3_endpoint_url: str | None = None) -> Storage:
    """One backend per configuration, made on first use and shared afterwards."""
    scheme, location, prefix = parse_storage_url(storage_url)
    if scheme == "file":
        return LocalStorage(Path(location))
    return S3Storage(location, prefix, endpoint_url=s3_endpoint_url)
