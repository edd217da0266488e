"""Optimistic concurrency over HTTP: ``ETag: "<version>"`` out, ``If-Match`` in (412 when stale)."""

from __future__ import annotations

from fastapi import Request, Response

from tradehub.kit.errors import PreconditionFailed


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def _listed_versions(header: str) -> set[str]:
    tags = set()
    for raw in header.split(","):
        tag = raw.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tags.add(tag.strip('"'))
    return tags


def check_if_match(request: Request, current_version: int) -> None:
    """Refuse a change made against a version the caller no longer holds."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return
    if str(current_version) not in _listed_versions(header):
        raise PreconditionFailed(
            f"The resource is at version {current_version}; reload it and try again",
            current_version=current_version,
        )
