"""Quality parameters: "mic 3.8-4.2", "29mm", "str 28+", "trash max 3%", "RD 75 and above".

Two passes: first a parameter word followed by its value ("mic 3.8"), then a value followed by
its word or unit ("3.8 mic", "29mm", "3% trash") on the numbers the first pass left. A value
outside the parameter's plausible range is not read as that parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tradehub.trade_desk.parsing_lexicon import (
    BARE_VALUE,
    MAX_AFTER,
    MAX_BEFORE,
    MIN_AFTER,
    MIN_BEFORE,
    PARAMETER_FILLERS,
    PARAMETER_RANGES,
    PARAMETER_UNITS,
    PARAMETER_WORDS,
    RANGE_WORDS,
)
from tradehub.trade_desk.parsing_tokens import WORD, Phrases, Tok, mark, number_at, word_at

Bounds = tuple[Decimal | None, Decimal | None]
MIC_AFTER_STAPLE = (Decimal("2.5"), Decimal("6"))
_BARE_QUALIFIERS = frozenset({"min", "max", "minimum", "maximum", "mini", "maxi"})
# Words that may stand before the parameter word: "max trash 3%", "min staple 28".
_QUALIFIER_BEFORE_WORD = {"min": "min", "minimum": "min", "max": "max", "maximum": "max"}
_BEFORE = ((Phrases(MIN_BEFORE), "min"), (Phrases(MAX_BEFORE), "max"))
_AFTER = ((Phrases(MIN_AFTER), "min"), (Phrases(MAX_AFTER), "max"))


def _plausible(name: str, value: Decimal | None) -> bool:
    low, high = PARAMETER_RANGES[name]
    return value is not None and low <= value <= high


def _skip(tokens: Sequence[Tok], index: int, words: frozenset[str]) -> int:
    while word_at(tokens, index) in words:
        index += 1
    return index


def _trailing(tokens: Sequence[Tok], index: int) -> tuple[str | None, int]:
    """A qualifier after the value ("28+", "8% max", "72 and above"), unless it leads the next
    value or parameter ("mic 3.8 max trash 3%": "max" belongs to trash)."""
    for phrases, side in _AFTER:
        size = phrases.at(tokens, index)
        if not size:
            continue
        after = index + size
        if tokens[index].text in _BARE_QUALIFIERS and (
            number_at(tokens, after) is not None or word_at(tokens, after) in PARAMETER_WORDS
        ):
            return None, index
        return side, after
    return None, index


def _leading(tokens: Sequence[Tok], index: int) -> tuple[str | None, int]:
    for phrases, side in _BEFORE:
        size = phrases.at(tokens, index)
        if size:
            return side, index + size
    return None, index


def _leading_before(tokens: Sequence[Tok], end: int) -> tuple[str | None, int]:
    """A qualifier ending just before ``end`` ("below 3.8 mic"): (side, its first token)."""
    for phrases, side in _BEFORE:
        size = phrases.ending_at(tokens, end)
        if size:
            return side, end - size
    return None, end


def _values(tokens: Sequence[Tok], index: int, name: str) -> tuple[Decimal, Decimal | None, int]:
    """The value at ``index`` and, for "3.6-4.2" / "3.6 to 4.2", the upper end; and the index
    after them and their units."""
    units = PARAMETER_UNITS[name]
    first = number_at(tokens, index)
    assert first is not None
    end = _skip(tokens, index + 1, units)
    connector = word_at(tokens, end)
    second = number_at(tokens, end + 1) if connector in RANGE_WORDS else None
    if (
        second is not None
        and _plausible(name, second)
        and (second >= first or connector in {"-", "to", "/"})
    ):
        return first, second, _skip(tokens, end + 2, units)
    return first, None, end


def _bounds(name: str, first: Decimal, second: Decimal | None, side: str | None) -> Bounds:
    if second is not None:
        return (min(first, second), max(first, second))
    if side == "min":
        return (first, None)
    if side == "max":
        return (None, first)
    convention = BARE_VALUE[name]
    if convention == "min":
        return (first, None)
    if convention == "max":
        return (None, first)
    return (first, first)


def _word_first(tokens: Sequence[Tok], index: int, name: str) -> tuple[Bounds, int, int] | None:
    """Word then value: "mic 3.8", "trash max 4%", "max trash 3%", "strength 29 min".
    Answers (bounds, first token, token after)."""
    start = index
    side = _QUALIFIER_BEFORE_WORD.get(word_at(tokens, index - 1) or "")
    if side is not None:
        start = index - 1
    position = _skip(tokens, index + 1, PARAMETER_FILLERS)
    said, position = _leading(tokens, position)
    side = said or side
    position = _skip(tokens, position, PARAMETER_FILLERS)
    if number_at(tokens, position) is None:
        return None
    first, second, end = _values(tokens, position, name)
    if not _plausible(name, first):
        return None
    trailing, end = _trailing(tokens, end)
    if said is None and trailing is not None:
        side = trailing
    return _bounds(name, first, second, side), start, end


def _value_first(tokens: Sequence[Tok], index: int, name: str) -> tuple[Bounds, int, int] | None:
    """Value then word: "3.8 mic", "29mm", "28.5-29.5 mm", "3% trash", "28 gpt".
    Answers (bounds, first token, token after)."""
    position = index - 1
    plus = word_at(tokens, position) == "+"  # "29+ mm"
    if plus or (word_at(tokens, position) == "%" and name in {"trash_pct", "moisture_pct"}):
        position -= 1
    last = number_at(tokens, position)
    if last is None or not _plausible(name, last):
        return None
    first, second, start = last, None, position
    earlier = number_at(tokens, position - 2)
    ranged = word_at(tokens, position - 1) in RANGE_WORDS
    if ranged and earlier is not None and _plausible(name, earlier):
        first, second, start = earlier, last, position - 2
    side, start = _leading_before(tokens, start)
    trailing, end = _trailing(tokens, index + 1)
    side = side or ("min" if plus else trailing)
    return _bounds(name, first, second, side), start, end


def extract_parameters(tokens: Sequence[Tok]) -> dict[str, Bounds]:
    """Each mentioned parameter once (the first mention), in the order they were found."""
    found: dict[str, Bounds] = {}
    staple_end: int | None = None
    positions = [i for i, token in enumerate(tokens) if token.text in PARAMETER_WORDS]
    for reader in (_word_first, _value_first):
        for index in positions:
            token = tokens[index]
            if token.used or token.kind != WORD:
                continue
            name = PARAMETER_WORDS[token.text]
            if name in found or (reader is _word_first and token.text == "mm"):
                continue
            read = reader(tokens, index, name)
            if read is not None:
                bounds, start, end = read
                found[name] = bounds
                mark(tokens, start, end)
                if name == "staple_mm":
                    staple_end = end
    if staple_end is not None and "mic" not in found:
        _mic_after_staple(tokens, staple_end, found)
    return found


def _mic_after_staple(tokens: Sequence[Tok], index: int, found: dict[str, Bounds]) -> None:
    """Staple then decimals ("29mm 3.8", "29mm 3.6-4.0"): decimals in the micronaire range
    right after the staple are the mic."""
    while word_at(tokens, index) in {",", "/", "-"}:
        index += 1
    value = number_at(tokens, index)
    if value is None or "." not in tokens[index].text:
        return
    low, high = MIC_AFTER_STAPLE
    first, second, end = _values(tokens, index, "mic")
    following = word_at(tokens, end)
    if not low <= first <= high or (second is not None and not low <= second <= high):
        return
    if following is not None and (following in PARAMETER_WORDS or following in {"%", "+"}):
        return
    found["mic"] = _bounds("mic", first, second, None)
    mark(tokens, index, end)
