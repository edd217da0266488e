"""``/api/v1/ws``: the live-events socket (protocol in ``schemas.py``, life in ``connection.py``).

Mounted by ``create_app`` next to the HTTP routers (not in ``api.api_routers()``: those are
HTTP routes the access matrix calls). The socket authenticates with its first message, not a
header: browsers cannot set headers on a WebSocket, and a token in the URL would be logged.
"""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from tradehub.kit.logging import get_logger
from tradehub.live.connection import LiveSocket
from tradehub.live.domain import CLOSE_INTERNAL

log = get_logger("tradehub.live")

router = APIRouter(tags=["live"])


@router.websocket("/ws")
async def live_socket(websocket: WebSocket) -> None:
    state = websocket.app.state
    hub, limits = getattr(state, "live_hub", None), getattr(state, "live_limits", None)
    if hub is None or limits is None:  # the app's lifespan did not run
        log.error("live.hub_missing")
        await websocket.close(code=CLOSE_INTERNAL)
        return
    await LiveSocket(websocket, hub, limits).serve()
