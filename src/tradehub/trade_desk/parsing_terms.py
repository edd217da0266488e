"""Quantity, price, payment and delivery terms, and the intent of a message."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from tradehub.trade_desk.parsing_lexicon import (
    ADVANCE_WORDS,
    AGAINST_DELIVERY_PHRASES,
    AGAINST_DELIVERY_WORDS,
    BARE_B,
    CREDIT_WORDS,
    CURRENCY_AFTER,
    DAY_WORDS,
    DAYS_FILLERS_AFTER,
    DAYS_FILLERS_BEFORE,
    DAYS_IN,
    DELIVERY_DAY_WORDS,
    NOT_PRICE_WORDS,
    PAYMENT_DAY_WORDS,
    PER_WORDS,
    PRICE_FILLERS,
    PRICE_MARKERS,
    PRICE_UNITS,
    PROMPT_WORDS,
    QUANTITY_UNITS,
    QUANTITY_WORDS,
)
from tradehub.trade_desk.parsing_tokens import NUM, WORD, Phrases, Tok, mark, number_at, word_at

ADVANCE: Final = "advance"
AGAINST_DELIVERY: Final = "against_delivery"
CREDIT: Final = "credit"
MAX_DAYS: Final = Decimal(365)
REVERSE_COUNT_LIMIT: Final = Decimal(20000)
# A number with no word around it is read as a price only inside the commodity's usual range.
BARE_PRICE_RANGES: Final = {
    None: (Decimal(30000), Decimal(150000)),
    "Cotton": (Decimal(30000), Decimal(150000)),
    "Kapas": (Decimal(3000), Decimal(15000)),
    "Cotton Seed": (Decimal(1500), Decimal(8000)),
    "Cotton Yarn": (Decimal(100), Decimal(800)),
}
_PAYMENT_NEIGHBOURS: Final = PAYMENT_DAY_WORDS | {"cash"}
_AGAINST_DELIVERY: Final = Phrases.of_words(AGAINST_DELIVERY_WORDS, AGAINST_DELIVERY_PHRASES)
_AD_STARTS: Final = _AGAINST_DELIVERY.by_first
# A pass runs only when one of its words is in the message.
_PAYMENT_TRIGGERS: Final = frozenset(_AD_STARTS) | ADVANCE_WORDS
_DAY_TRIGGERS: Final = DAY_WORDS | {"d"}
QUANTITY_TRIGGERS: Final = frozenset(QUANTITY_UNITS) | QUANTITY_WORDS | {BARE_B}
MARKED_PRICE_TRIGGERS: Final = PRICE_MARKERS | {"at"}


@dataclass(slots=True)
class Price:
    value: Decimal
    unit: str | None  # candy | quintal | kg | bale; None when not said or not a price unit
    unit_said: bool  # "per tonne" is said but has no price unit: no default then


def _unit_of(word: str | None) -> str | None:
    return QUANTITY_UNITS.get(word) if word is not None else None


def _not_a_rate(tokens: Sequence[Tok], start: int, end: int) -> bool:
    """Money next to "down", "brokerage", "freight"…: a move or a charge, not the rate."""
    near = [*tokens[max(start - 2, 0) : start], *tokens[end : end + 2]]
    return any(token.text in NOT_PRICE_WORDS for token in near)


# --- quantity ------------------------------------------------------------------------------------


def _is_bare_b(tokens: Sequence[Tok], index: int, value: Decimal) -> bool:
    """A bare "b" ("500 B Bunny") is bales after a whole number, not "+b 8" (yellowness)."""
    return (
        word_at(tokens, index + 1) == BARE_B
        and value == value.to_integral_value()
        and number_at(tokens, index + 2) is None
    )


def extract_quantity(tokens: Sequence[Tok]) -> tuple[Decimal | None, str | None]:
    """Number and unit: "500 bales", "1.5k bales", "2 lakh kgs", "qty 500 bales", "bales: 500"."""
    for index, token in enumerate(tokens):
        if token.kind != NUM or token.used or token.value is None or token.value <= 0:
            continue
        unit = _unit_of(word_at(tokens, index + 1))
        if unit is None and _is_bare_b(tokens, index, token.value):
            unit = "bales"
        if unit is not None:
            mark(tokens, index, index + 2)
            return token.value, unit
    for index, token in enumerate(tokens):
        if token.used or token.kind != WORD:
            continue
        said_unit = _unit_of(token.text)
        if token.text not in QUANTITY_WORDS and said_unit is None:
            continue
        position = index + 1
        while word_at(tokens, position) in {":", "-", "=", "."}:
            position += 1
        value = number_at(tokens, position)
        if value is None or value <= 0:
            continue
        if said_unit is not None and position == index + 1 and not _loose_count(tokens, position):
            continue
        unit = said_unit or _unit_of(word_at(tokens, position + 1))
        mark(tokens, index, position + (2 if said_unit is None and unit else 1))
        return value, unit
    return None, None


def _loose_count(tokens: Sequence[Tok], index: int) -> bool:
    """A count after its unit ("bale 300 chahiye"): a whole number under 20,000 with no unit
    of its own after it."""
    value = tokens[index].value
    following = word_at(tokens, index + 1)
    return (
        value is not None
        and value == value.to_integral_value()
        and value < REVERSE_COUNT_LIMIT
        and following not in DAY_WORDS
        and following not in {"%", "+", "-", "/", "/-", "k"}
        and _unit_of(following) is None
    )


# --- price ---------------------------------------------------------------------------------------


def _price_unit(tokens: Sequence[Tok], index: int, *, direct: bool) -> tuple[str | None, bool, int]:
    """The unit after a price: "/candy", "per qtl", "/- per candy"; with ``direct`` also a bare
    unit word ("@ 55500 candy"). Answers (unit, said, index after)."""
    position = index
    while word_at(tokens, position) in {"/-", "."}:
        position += 1
    word = word_at(tokens, position)
    if word in PER_WORDS and _unit_of(word_at(tokens, position + 1)) is not None:
        unit = _unit_of(word_at(tokens, position + 1))
        return PRICE_UNITS.get(unit or ""), True, position + 2
    if direct and _unit_of(word) is not None:
        return PRICE_UNITS.get(_unit_of(word) or ""), True, position + 1
    return None, False, index


def extract_marked_price(tokens: Sequence[Tok]) -> Price | None:
    """A number after a price word: "@ 55,500", "rate 55500", "Rs.56,300/-", "₹58k"."""
    for index, token in enumerate(tokens):
        if token.used or (token.text not in PRICE_MARKERS and token.text != "at"):
            continue
        position = index + 1
        while position < index + 4 and word_at(tokens, position) in PRICE_FILLERS:
            position += 1
        value = number_at(tokens, position)
        if value is None or value <= 0:
            continue
        following = word_at(tokens, position + 1)
        if following in DAY_WORDS or following == "%":
            continue
        if token.text in {"at", "@"} and _unit_of(following) in {"bales", "tonne"}:
            continue  # "@ 500 bales" is a quantity
        unit, said, end = _price_unit(tokens, position + 1, direct=True)
        end = _skip_currency(tokens, end)
        if _not_a_rate(tokens, index, end):
            continue
        mark(tokens, index, end)
        return Price(value, unit, said)
    return None


def _skip_currency(tokens: Sequence[Tok], index: int) -> int:
    while word_at(tokens, index) in CURRENCY_AFTER or word_at(tokens, index) == "/-":
        index += 1
    return index


def extract_suffixed_price(tokens: Sequence[Tok]) -> Price | None:
    """A number followed by "/-", "rs" or a per-unit: "55500/-", "46000/candy", "265 per kg"."""
    for index, token in enumerate(tokens):
        if token.kind != NUM or token.used or token.value is None or token.value <= 0:
            continue
        unit, said, end = _price_unit(tokens, index + 1, direct=False)
        currency = word_at(tokens, index + 1) in CURRENCY_AFTER
        if not said and not currency:
            continue
        if currency and not said:
            unit, said, end = _price_unit(tokens, _skip_currency(tokens, index + 1), direct=False)
        end = _skip_currency(tokens, max(end, index + 1))
        if _not_a_rate(tokens, index, end):
            continue
        mark(tokens, index, end)
        return Price(token.value, unit, said)
    return None


def _long_number(token: Tok | None) -> bool:
    return token is not None and token.kind == NUM and not token.used and len(token.text) >= 4


def extract_bare_price(tokens: Sequence[Tok], commodity: str | None) -> Price | None:
    """A lone number in the commodity's usual price range ("S-6 29mm 55500 ex Rajkot"); not
    half of a phone number ("98765 43210"), not glued to a word, not a count of something."""
    low, high = BARE_PRICE_RANGES.get(commodity, BARE_PRICE_RANGES[None])
    for index, token in enumerate(tokens):
        if token.kind != NUM or token.used or token.value is None:
            continue
        if not low <= token.value <= high or ("." in token.text and token.text[-1].isdigit()):
            continue
        before = tokens[index - 1] if index > 0 else None
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if _long_number(before) or _long_number(after):
            continue
        if after is not None and (
            (after.glued and (after.kind in (WORD, NUM) or after.text == "%"))
            or _unit_of(after.text) is not None
            or after.text in DAY_WORDS
        ):
            continue
        if _not_a_rate(tokens, index, index + 1):
            continue
        token.used = True
        return Price(token.value, None, False)
    return None


# --- payment and delivery ------------------------------------------------------------------------


@dataclass(slots=True)
class Terms:
    payment: str | None = None
    payment_days: int | None = None
    payment_at: int = 1 << 30  # token index of what said it: the first said wins
    delivery_days: int | None = None

    def offer_payment(self, kind: str, days: int | None, at: int) -> None:
        if at < self.payment_at:
            self.payment, self.payment_days, self.payment_at = kind, days, at


def _payment_words(tokens: Sequence[Tok], terms: Terms) -> None:
    """Payment words: "advance", "100% advance", "AD", "against delivery", "cash", "spot"."""
    for index, token in enumerate(tokens):
        if token.used or token.kind != WORD:
            continue
        size = _AGAINST_DELIVERY.at(tokens, index) if token.text in _AD_STARTS else 0
        if size:
            terms.offer_payment(AGAINST_DELIVERY, None, index)
            mark(tokens, index, index + size)
        elif token.text in ADVANCE_WORDS:
            start = index
            if word_at(tokens, index - 1) == "%" and number_at(tokens, index - 2) is not None:
                start = index - 2  # "100% advance"
            terms.offer_payment(ADVANCE, None, start)
            mark(tokens, start, index + 1)


def _keyword_before(tokens: Sequence[Tok], index: int) -> int | None:
    position = index - 1
    while index - position <= 3 and word_at(tokens, position) in DAYS_FILLERS_BEFORE:
        position -= 1
    word = word_at(tokens, position)
    if word in PAYMENT_DAY_WORDS or word in DELIVERY_DAY_WORDS:
        return position
    return None


def _keyword_after(tokens: Sequence[Tok], index: int) -> int | None:
    position = index
    while position - index < 2 and word_at(tokens, position) in DAYS_FILLERS_AFTER:
        position += 1
    word = word_at(tokens, position)
    if word in PAYMENT_DAY_WORDS or word in DELIVERY_DAY_WORDS:
        return position
    return None


def _day_counts(tokens: Sequence[Tok], terms: Terms) -> None:
    """Day counts ("15 days payment", "credit 30 days", "delivery 10 days", "lifting within
    15 days"): each "N days" takes the free term word before it, else the one after it."""
    for index, token in enumerate(tokens):
        if token.kind != NUM or token.used or token.value is None:
            continue
        day_word = word_at(tokens, index + 1)
        if not (day_word in DAY_WORDS or (day_word == "d" and tokens[index + 1].glued)):
            continue
        if token.value != token.value.to_integral_value() or not 0 <= token.value <= MAX_DAYS:
            continue
        first = index
        if word_at(tokens, index - 1) in {"-", "to"} and number_at(tokens, index - 2) is not None:
            first = index - 2  # "10-15 days": by the later day
        keyword = _keyword_before(tokens, first)
        start, end = (keyword, index + 2) if keyword is not None else (first, index + 2)
        if keyword is None:
            keyword = _keyword_after(tokens, index + 2)
            end = keyword + 1 if keyword is not None else end
        if keyword is None:
            continue
        days = int(token.value) * DAYS_IN.get(day_word or "", 1)
        if tokens[keyword].text in PAYMENT_DAY_WORDS:
            terms.offer_payment(CREDIT, days, min(start, first))
        elif terms.delivery_days is None:
            terms.delivery_days = days
        mark(tokens, start, end)


def _credit_words(tokens: Sequence[Tok], terms: Terms) -> None:
    """Credit words: "credit", "PDC", and "credit 30" / "pdc 20" without the word "days"."""
    for index, token in enumerate(tokens):
        if token.used or token.text not in CREDIT_WORDS:
            continue
        position = index + 1
        while word_at(tokens, position) in {":", "-", "="}:
            position += 1
        days = number_at(tokens, position)
        following = word_at(tokens, position + 1)
        if (
            days is not None
            and days == days.to_integral_value()
            and 0 < days <= MAX_DAYS
            and following not in {"%", "+", "k", "/-", "/"}
            and _unit_of(following) is None
        ):
            terms.offer_payment(CREDIT, int(days), index)
            mark(tokens, index, position + 1)
        else:
            terms.offer_payment(CREDIT, None, index)
            token.used = True


def _prompt_words(tokens: Sequence[Tok], terms: Terms) -> None:
    """Delivery in 0 days: "ready", "prompt", "immediate"; not "ready cash", "prompt payment"."""
    if terms.delivery_days is not None:
        return
    for index, token in enumerate(tokens):
        if token.text not in PROMPT_WORDS:
            continue
        neighbours = {t.text for t in tokens[max(index - 1, 0) : index + 2]}
        if neighbours & _PAYMENT_NEIGHBOURS:
            continue
        terms.delivery_days = 0
        token.used = True
        return


def extract_terms(tokens: Sequence[Tok], present: Set[str]) -> Terms:
    """``present``: the texts of the tokens; passes whose words are absent are skipped."""
    terms = Terms()
    if not present.isdisjoint(_PAYMENT_TRIGGERS):
        _payment_words(tokens, terms)
    if not present.isdisjoint(_DAY_TRIGGERS):
        _day_counts(tokens, terms)
    if not present.isdisjoint(CREDIT_WORDS):
        _credit_words(tokens, terms)
    if not present.isdisjoint(PROMPT_WORDS):
        _prompt_words(tokens, terms)
    return terms
