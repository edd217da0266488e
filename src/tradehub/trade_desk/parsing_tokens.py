"""One chat message as a list of tokens: lower-case words, numbers with their values, symbols
and hard separators. Extractors mark the tokens they place as ``used``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Final

from tradehub.trade_desk.parsing_lexicon import MULTIPLIERS, PRICE_MARKERS

NUM: Final = "num"
WORD: Final = "word"
SYM: Final = "sym"
SEP: Final = "sep"

_MONEY_WORDS: Final = PRICE_MARKERS | {"k", "lakh", "lac"}
# Digits beyond this are not a quantity, price or parameter (a phone number, junk).
MAX_DIGITS: Final = 12

_CHARACTERS = str.maketrans(
    {
        "₹": " rs ",
        "–": "-",
        "—": "-",
        "−": "-",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "＠": "@",
        "％": "%",
        "＋": "+",
        "＞": ">",
        "＜": "<",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\t": " ",
        "\r": "\n",
        "_": " ",
    }
)
# Multi-character spellings that are easier to read as one word.
_REWRITES: Final = (
    ("tex", re.compile(r"\bg(?:m|ms|rm|rams)?\s*(?:/|per)\s*tex\b|\bg\s*-?\s*tex\b"), " gpt "),
    ("/", re.compile(r"\ba\s*/\s*d\b"), " ad "),
    (".", re.compile(r"\bp\s*\.\s*d\s*\.\s*c\b"), " pdc "),
)
_TOKEN: Final = re.compile(
    r"([^\S\n]*)"  # the spaces before a token: none means it is glued to the one before
    r"(?:([0-9][0-9,]*(?:\.[0-9]+)?)"  # a number, maybe with digit-group commas
    r"|([a-z]+)"  # a word
    r"|(/-|[@%+/<>=~&:.\-])"  # a symbol that can be part of a phrase
    r"|([,;!?|()\[\]{}\n]+|\S))"  # a hard separator; anything else (emoji, other scripts) too
)
_GROUPED: Final = re.compile(
    r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"  # 1,000,000
    r"|[0-9]{1,2}(?:,[0-9]{2})*,[0-9]{3}(?:\.[0-9]+)?"  # 1,00,000 (Indian)
)


class Tok:
    """A token. ``value`` is set for numbers (after "k" / "lakh" multipliers)."""

    __slots__ = ("glued", "kind", "text", "used", "value")

    def __init__(self, kind: str, text: str, value: Decimal | None, glued: bool) -> None:
        self.kind = kind
        self.text = text
        self.value = value
        self.glued = glued  # no space before it
        self.used = False

    def __repr__(self) -> str:
        return f"Tok({self.kind}, {self.text!r}{', used' if self.used else ''})"


def normalise(text: str) -> str:
    lowered = text.translate(_CHARACTERS).lower()
    for needle, pattern, replacement in _REWRITES:
        if needle in lowered:  # a substring test is far cheaper than a regex scan
            lowered = pattern.sub(replacement, lowered)
    return lowered


def _number(text: str, glued: bool) -> Tok:
    digits = text.replace(".", "")
    if len(digits) > MAX_DIGITS:
        return Tok(SEP, text, None, glued)
    try:
        return Tok(NUM, text, Decimal(text), glued)
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return Tok(SEP, text, None, glued)


def _numbers(text: str, glued: bool) -> list[Tok]:
    """``55,500`` and ``1,00,000`` are one number; ``3,4`` or ``500,29`` are two."""
    trailing = text.endswith(",")
    text = text.rstrip(",")
    if "," not in text:
        tokens = [_number(text, glued)]
    elif _GROUPED.fullmatch(text):
        tokens = [_number(text.replace(",", ""), glued)]
        tokens[0].text = text
    else:
        tokens = []
        for index, piece in enumerate(text.split(",")):
            if index:
                tokens.append(Tok(SEP, ",", None, True))
            if piece:
                tokens.append(_number(piece, index == 0 and glued))
    if trailing:
        tokens.append(Tok(SEP, ",", None, True))
    return tokens


def tokenise(text: str) -> list[Tok]:
    tokens: list[Tok] = []
    append = tokens.append
    first = True
    multiplied = False
    for spaces, number, word, symbol, separator in _TOKEN.findall(normalise(text)):
        glued = not spaces and not first
        first = False
        if word:
            append(Tok(WORD, word, None, glued))
            multiplied = multiplied or word in MULTIPLIERS
        elif number and "," not in number and len(number) <= MAX_DIGITS:
            append(Tok(NUM, number, Decimal(number), glued))  # the common case, inline
        elif number:
            after_word = glued and tokens and tokens[-1].kind == WORD
            if after_word and "," in number and tokens[-1].text not in _MONEY_WORDS:
                # "S6,500 bales" is S6 and 500; "Rs55,500" stays one number.
                head, _, number = number.partition(",")
                tokens.extend(_numbers(head, glued))
                append(Tok(SEP, ",", None, True))
                glued = True
            tokens.extend(_numbers(number, glued))
        elif symbol:
            append(Tok(SYM, symbol, None, glued))
        else:
            append(Tok(SEP, separator, None, glued))
    return _apply_multipliers(tokens) if multiplied else tokens


def _apply_multipliers(tokens: list[Tok]) -> list[Tok]:
    """``1.5k`` → 1500, ``2 lakh`` → 200000: the multiplier word joins its number."""
    merged: list[Tok] = []
    for token in tokens:
        previous = merged[-1] if merged else None
        if (
            token.kind == WORD
            and token.text in MULTIPLIERS
            and previous is not None
            and previous.kind == NUM
            and previous.value is not None
        ):
            previous.value *= MULTIPLIERS[token.text]
            previous.text += token.text
            continue
        merged.append(token)
    return merged


class Phrases:
    """Word sequences ("less", "than") indexed by their first and last word, longest first."""

    __slots__ = ("by_first", "by_last")

    def __init__(self, phrases: Iterable[tuple[str, ...]]) -> None:
        by_first: dict[str, list[tuple[str, ...]]] = {}
        by_last: dict[str, list[tuple[str, ...]]] = {}
        for phrase in sorted(set(phrases), key=len, reverse=True):
            by_first.setdefault(phrase[0], []).append(phrase)
            by_last.setdefault(phrase[-1], []).append(phrase)
        self.by_first = {word: tuple(found) for word, found in by_first.items()}
        self.by_last = {word: tuple(found) for word, found in by_last.items()}

    @classmethod
    def of_words(cls, words: Iterable[str], phrases: Iterable[tuple[str, ...]] = ()) -> Phrases:
        return cls([(word,) for word in words] + list(phrases))

    def at(self, tokens: Sequence[Tok], index: int, *, unused: bool = True) -> int:
        """How many tokens the longest phrase found at ``index`` covers (0: none)."""
        if not 0 <= index < len(tokens):
            return 0
        token = tokens[index]
        candidates = self.by_first.get(token.text)
        if candidates is None or (unused and token.used):
            return 0
        for phrase in candidates:
            size = len(phrase)
            if size == 1:
                return 1
            if index + size <= len(tokens) and all(
                (not unused or not tokens[index + k].used) and tokens[index + k].text == phrase[k]
                for k in range(1, size)
            ):
                return size
        return 0

    def ending_at(self, tokens: Sequence[Tok], end: int) -> int:
        """How many tokens the longest phrase ending just before ``end`` covers (0: none)."""
        if not 0 < end <= len(tokens):
            return 0
        last = tokens[end - 1]
        candidates = self.by_last.get(last.text)
        if candidates is None or last.used:
            return 0
        for phrase in candidates:
            start = end - len(phrase)
            if start >= 0 and all(
                not tokens[start + k].used and tokens[start + k].text == word
                for k, word in enumerate(phrase)
            ):
                return len(phrase)
        return 0


def word_at(tokens: Sequence[Tok], index: int) -> str | None:
    """The text of the unused token at ``index``, or None past either end or when used."""
    if 0 <= index < len(tokens) and not tokens[index].used:
        return tokens[index].text
    return None


def number_at(tokens: Sequence[Tok], index: int) -> Decimal | None:
    if 0 <= index < len(tokens):
        token = tokens[index]
        if token.kind == NUM and not token.used:
            return token.value
    return None


def mark(tokens: Sequence[Tok], start: int, end: int) -> None:
    for index in range(max(start, 0), min(end, len(tokens))):
        tokens[index].used = True
