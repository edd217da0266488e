"""``POST /trade-desk/parse``: one chat message → a structured draft (no write)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from tradehub.auth.dependencies import require
from tradehub.auth.principal import Principal
from tradehub.kit.errors import problem_responses
from tradehub.kit.logging import get_logger
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.trade_desk.parse_schemas import ParseRequest, ParseResponse
from tradehub.trade_desk.parsing import ParsedMessage, parse
from tradehub.trade_desk.vocabulary import vocabulary_cache

router = api_router(prefix="/trade-desk", tags=["trade desk: parsing"])
log = get_logger("tradehub.trade_desk.parse")

CanParse = Annotated[Principal, Depends(require("trade_desk:read"))]


@router.post("/parse", response_model=ParseResponse, responses=problem_responses(401, 403))
async def parse_message(body: ParseRequest, session: DbSession, _: CanParse) -> ParseResponse:
    """Reads intent, commodity, variety, quantity, price, station, quality ranges, payment
    and delivery terms and certificates from a buyer's or seller's chat message, with the
    masters' vocabulary. Text of 1–2000 characters; anything it cannot place is ``null``."""
    vocabulary = await vocabulary_cache.current(session)
    try:
        parsed = parse(body.text, vocabulary)
    except Exception:  # never a 500 for a message: the parser's own bugs yield "nothing read"
        log.exception("trade_desk.parse_failed", length=len(body.text))
        parsed = ParsedMessage()
    return ParseResponse.of(parsed)
