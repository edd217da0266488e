"""The intent of a message: buy or sell words, the first said."""

from __future__ import annotations

from collections.abc import Sequence, Set
from typing import Final

from tradehub.trade_desk.parsing_lexicon import (
    BUY_PHRASES,
    BUY_WORDS,
    COUNTERPARTY_WORDS,
    SELL_PHRASES,
    SELL_WORDS,
    WEAK_SELL_WORDS,
)
from tradehub.trade_desk.parsing_tokens import Phrases, Tok

_BUY: Final = Phrases.of_words(BUY_WORDS, BUY_PHRASES)
_SELL: Final = Phrases.of_words(SELL_WORDS, SELL_PHRASES)
_WEAK_SELL: Final = Phrases.of_words(WEAK_SELL_WORDS)
NEGATIONS: Final = frozenset(
    {"no", "not", "nahi", "nahin", "nai", "na", "mat", "dont", "t", "never"}
)
NEGATIONS_AFTER: Final = frozenset({"nahi", "nahin", "nai", "na"})
# The pass runs only when one of its words is in the message.
_INTENT_TRIGGERS: Final = frozenset(_BUY.by_first) | frozenset(_SELL.by_first) | WEAK_SELL_WORDS


def _negated(tokens: Sequence[Tok], index: int, size: int) -> bool:
    """ "no need", "not available", "nahi chahiye", "chahiye nahi", "don't need"."""
    before = tokens[index - 1].text if index > 0 else ""
    after = tokens[index + size].text if index + size < len(tokens) else ""
    return before in NEGATIONS or after in NEGATIONS_AFTER


def _first(tokens: Sequence[Tok], phrases: Phrases) -> int | None:
    starts = phrases.by_first
    for index, token in enumerate(tokens):
        if token.text in starts:
            size = phrases.at(tokens, index, unused=False)
            if size and not _negated(tokens, index, size):
                return index
    return None


def _counterparty(tokens: Sequence[Tok], around: int) -> str | None:
    """Who is asked for next to the buy word ("need buyer", "buyer chahiye")."""
    for token in tokens[max(around - 2, 0) : around + 4]:
        side = COUNTERPARTY_WORDS.get(token.text)
        if side is not None:
            return side
    return None


def extract_intent(tokens: Sequence[Tok], present: Set[str]) -> str | None:
    """Buy or sell words, the first said; "offer" and "stock" say sell only when nothing says
    buy ("need offers", "stock chahiye"); "need buyer" is a sell."""
    if present.isdisjoint(_INTENT_TRIGGERS):
        return None
    buy = _first(tokens, _BUY)
    if buy is not None:
        asked = _counterparty(tokens, buy)
        if asked is not None:
            return asked
    sell = _first(tokens, _SELL)
    if buy is not None and (sell is None or buy < sell):
        return "buy"
    if sell is not None:
        return "sell"
    return "sell" if _first(tokens, _WEAK_SELL) is not None else None
