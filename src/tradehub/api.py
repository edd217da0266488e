"""The API routers of every module, mounted under ``/api/v1`` by ``create_app``.

Each module adds its router here; kit and ops routes are not listed.
"""

from __future__ import annotations

from fastapi import APIRouter


def api_routers() -> list[APIRouter]:
    return []
