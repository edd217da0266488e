"""Rendering off the event loop: a PDF takes milliseconds of CPU a page, so async callers
hand it to a worker thread and the loop keeps serving other requests meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread

T = TypeVar("T")


async def render_off_loop(fn: Callable[[T], bytes], data: T) -> bytes:
    """``await render_off_loop(render_contract, data)`` → the PDF's bytes, rendered in a worker
    thread (anyio's default limiter: at most 40 at once)."""
    return await anyio.to_thread.run_sync(fn, data)
