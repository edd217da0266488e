"""Trade chat message → structured draft (trade-message-parsing.md). Pure: no I/O.

``parse(text, vocabulary)`` tokenises the message and lets each extractor claim the tokens it
understands, most specific first, so that a number is read once: master names (varieties,
commodities, certificates, stations) → quality parameters → a price after a price word →
quantity with its unit → payment and delivery terms → a price written with "/-" or "per unit"
→ a bare price in the commodity's range → a misspelt variety or station. The rules are in
PARSING.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tradehub.trade_desk.parsing_intent import extract_intent
from tradehub.trade_desk.parsing_lexicon import FILLER_WORDS, PARAMETER_WORDS
from tradehub.trade_desk.parsing_names import (
    Hit,
    choose_station,
    correct_spelling,
    find_exact,
    find_fuzzy_station,
    find_fuzzy_variety,
    first_of,
)
from tradehub.trade_desk.parsing_quality import Bounds, extract_parameters
from tradehub.trade_desk.parsing_terms import (
    MARKED_PRICE_TRIGGERS,
    QUANTITY_TRIGGERS,
    Price,
    extract_bare_price,
    extract_marked_price,
    extract_quantity,
    extract_suffixed_price,
    extract_terms,
)
from tradehub.trade_desk.parsing_tokens import NUM, WORD, Tok, tokenise
from tradehub.trade_desk.vocabulary import CERTIFICATE, COMMODITY, STATION, VARIETY, Vocabulary

Number = int | float
MAX_UNPARSED = 20
THOUSANDS_QUOTE = (Decimal(30), Decimal(150))  # "55.5" for 55,500 per candy


def as_number(value: Decimal) -> Number:
    """55500 for ``Decimal("55500.0")``, 3.8 for ``Decimal("3.80")``."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


@dataclass(slots=True)
class ParsedMessage:
    intent: str | None = None
    commodity: str | None = None
    variety: str | None = None
    quantity: Number | None = None
    unit: str | None = None
    price: Number | None = None
    price_unit: str | None = None
    station: str | None = None
    parameters: dict[str, dict[str, Number | None]] = field(default_factory=dict)
    payment: str | None = None
    payment_days: int | None = None
    delivery_days: int | None = None
    certificates: list[str] = field(default_factory=list)
    confidence: float = 0.0
    unparsed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def _commodity(
    hits: list[Hit], variety: Hit | None, parameters: dict[str, Bounds], vocabulary: Vocabulary
) -> str | None:
    """Said, else the variety's, else the commodity whose quality parameters were given."""
    said = first_of(hits, COMMODITY)
    if said is not None:
        return said.entry.name
    if variety is not None:
        return variety.entry.commodity
    if parameters:
        for name, owned in vocabulary.parameter_owners:
            if owned & parameters.keys():
                return name
    return None


def _price(tokens: list[Tok], marked: Price | None, commodity: str | None) -> Price | None:
    return marked or extract_suffixed_price(tokens) or extract_bare_price(tokens, commodity)


def _in_thousands(value: Decimal, unit: str | None) -> Decimal:
    """ "S6 @ 55.5": a lint rate per candy is never 55.5 rupees; traders quote thousands."""
    if unit == "candy" and THOUSANDS_QUOTE[0] <= value <= THOUSANDS_QUOTE[1]:
        return value * 1000
    return value


def _unparsed(tokens: list[Tok], vocabulary: Vocabulary) -> list[str]:
    """Numbers nobody placed, and words that are neither filler nor vocabulary."""
    left: list[str] = []
    for index, token in enumerate(tokens):
        if token.used:
            continue
        text = None
        if token.kind == NUM:
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            glued = following is not None and following.glued and following.kind == WORD
            text = token.text + (following.text if glued and following else "")
        elif (
            token.kind == WORD
            and len(token.text) >= 3
            and (
                token.text in PARAMETER_WORDS
                or (token.text not in FILLER_WORDS and token.text not in vocabulary.known_words)
            )
        ):
            text = token.text
        if text and text not in left:
            left.append(text)
    return left[:MAX_UNPARSED]


def _confidence(result: ParsedMessage) -> float:
    said = [
        result.intent,
        result.commodity,
        result.variety,
        result.quantity,
        result.price,
        result.station,
        result.payment,
        result.delivery_days,
        result.parameters or None,
        result.certificates or None,
    ]
    found = sum(value is not None for value in said)
    if not found:
        return 0.0
    coverage = min(1.0, 0.35 + 0.1 * found)
    return round(coverage * (1.0 - min(0.5, 0.1 * len(result.unparsed))), 2)


def parse(text: str, vocabulary: Vocabulary) -> ParsedMessage:
    tokens = tokenise(text)
    correct_spelling(tokens, vocabulary)
    present = {token.text for token in tokens}
    hits = find_exact(tokens, vocabulary)
    parameters = {} if present.isdisjoint(PARAMETER_WORDS) else extract_parameters(tokens)
    marked_price = None
    if not present.isdisjoint(MARKED_PRICE_TRIGGERS):
        marked_price = extract_marked_price(tokens)
    quantity, unit = None, None
    if not present.isdisjoint(QUANTITY_TRIGGERS):
        quantity, unit = extract_quantity(tokens)
    terms = extract_terms(tokens, present)
    variety = first_of(hits, VARIETY) or find_fuzzy_variety(tokens, vocabulary)
    if variety is not None:
        for token in tokens[variety.start : variety.end]:
            token.used = True
    commodity = _commodity(hits, variety, parameters, vocabulary)
    price = _price(tokens, marked_price, commodity)
    station = choose_station(tokens, hits) or find_fuzzy_station(tokens, vocabulary)
    if station is not None and station.entry.kind == STATION:
        for token in tokens[station.start : station.end]:
            token.used = True

    result = ParsedMessage(
        intent=extract_intent(tokens, present),
        commodity=commodity,
        variety=variety.entry.name if variety else None,
        quantity=as_number(quantity) if quantity is not None else None,
        unit=unit if quantity is not None else None,
        station=station.entry.name if station else None,
        parameters={
            name: {
                "min": as_number(low) if low is not None else None,
                "max": as_number(high) if high is not None else None,
            }
            for name, (low, high) in parameters.items()
        },
        payment=terms.payment,
        payment_days=terms.payment_days,
        delivery_days=terms.delivery_days,
        certificates=list(
            dict.fromkeys(hit.entry.name for hit in hits if hit.entry.kind == CERTIFICATE)
        ),
    )
    if price is not None:
        default = vocabulary.price_units.get(commodity) if commodity else None
        result.price_unit = price.unit if price.unit_said else default
        result.price = as_number(_in_thousands(price.value, result.price_unit))
    result.unparsed = _unparsed(tokens, vocabulary)
    result.confidence = _confidence(result)
    return result
