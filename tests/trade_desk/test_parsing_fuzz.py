"""Property tests of the parser: any text gives a well-formed answer without an exception, and
messages generated from the spec's forms, in any order and case, are read back."""

from __future__ import annotations

import json
import math
import string

from hypothesis import example, given
from hypothesis import strategies as st

from tests.trade_desk.parsing_helpers import demo_vocabulary
from tradehub.geo.seed import STATIONS
from tradehub.trade_desk.parse_schemas import ParseResponse
from tradehub.trade_desk.parsing import ParsedMessage, parse

PARAMETERS = {"staple_mm", "mic", "strength_gpt", "trash_pct", "moisture_pct", "rd"}
CHAT_TOKENS = [
    "need", "S-6", "s6", "500", "bales", "1,00,000", "1.5k", "2", "lakh", "@", "₹", "Rs.", "55,500",
    "/-", "per", "candy", "qtl", "mic", "3.8", "-", "4.2", "to", "29mm", "str", "28+", "rd", "75",
    "trash", "3%", "max", "min", "ex-Rajkot", "Rajkott", "at", "delivery", "10", "days",
    "payment", "credit", "PDC", "AD", "advance", "cash", "ready", "BCI", "organic", "fair",
    "trade", "kapas", "binola", "yarn", "chahiye", "bhai", "sir", "ok", "🙏", "\n", ",", "k",
    "+", "/", "%", "and", "above", "below", "upto", "offer", "stock", "J 34", "gpt", "g/tex",
]  # fmt: skip


def assert_well_formed(result: ParsedMessage) -> None:
    answer = result.as_dict()
    ParseResponse.model_validate(answer)  # every key, the right types and literals
    json.dumps(answer, allow_nan=False)  # renders as JSON
    assert 0.0 <= result.confidence <= 1.0
    for number in (result.quantity, result.price):
        assert number is None or (math.isfinite(number) and number > 0)
    assert set(result.parameters) <= PARAMETERS
    for bounds in result.parameters.values():
        low, high = bounds["min"], bounds["max"]
        assert low is not None or high is not None
        assert low is None or high is None or low <= high
    assert (result.payment_days is not None) <= (result.payment == "credit")
    assert (result.unit is None) == (result.quantity is None)
    assert result.price_unit is None or result.price is not None
    assert len(result.certificates) == len(set(result.certificates))
    assert all(isinstance(fragment, str) for fragment in result.unparsed)


@given(st.text(max_size=2000))
@example("")
@example("9" * 2000)
@example("1," * 999)
@example("." * 2000)
@example("₹" * 2000)
@example("\x00\ud800\U0010ffff")
@example("55500" + "k" * 500)
@example("1" * 12 + " bales @ " + "9" * 12)
@example("mic " + "-" * 1000 + " 3.8")
def test_any_text_gives_a_well_formed_answer(text: str) -> None:
    assert_well_formed(parse(text, demo_vocabulary()))


@given(st.text(alphabet=string.digits + ",.kKlL +-/%", max_size=400))
def test_any_run_of_digits_and_signs(text: str) -> None:
    assert_well_formed(parse(text, demo_vocabulary()))


@given(st.text(alphabet=string.punctuation + " \n\t", max_size=400))
def test_only_punctuation_reads_nothing(text: str) -> None:
    result = parse(text, demo_vocabulary())
    assert_well_formed(result)
    assert result.confidence == 0.0 and result.station is None and result.price is None


@given(st.lists(st.sampled_from(CHAT_TOKENS), max_size=80), st.sampled_from([" ", "", "  "]))
def test_any_soup_of_trade_words(words: list[str], glue: str) -> None:
    assert_well_formed(parse(glue.join(words), demo_vocabulary()))


# --- generated messages are read back ---------------------------------------------------------

VARIETIES = [
    ("S-6", "Shankar-6"), ("S6", "Shankar-6"), ("Shankar 6", "Shankar-6"),
    ("Sankar-6", "Shankar-6"), ("shankar6", "Shankar-6"), ("DCH32", "DCH-32"),
    ("DCH 32", "DCH-32"), ("MCU5", "MCU-5"), ("bunny", "Bunny"), ("bunny bt", "Bunny"),
    ("Brahma", "Brahma"), ("J34", "J-34"), ("J 34", "J-34"), ("H4", "H-4"), ("Mech 1", "MECH-1"),
    ("LRA", "LRA-5166"), ("V797", "V-797"), ("RCH2", "RCH-2"),
]  # fmt: skip
UNITS = [
    ("bales", "bales"), ("bale", "bales"), ("bls", "bales"), ("candy", "candy"),
    ("khandi", "candy"), ("qtl", "quintal"), ("quintal", "quintal"), ("kg", "kg"),
    ("kgs", "kg"), ("MT", "tonne"), ("tons", "tonne"), ("tonnes", "tonne"),
]  # fmt: skip
PRICE_FORMS = ["@ {}", "@{}", "rate {}", "Rs {}/-", "Rs.{}", "₹{}", "{}/candy", "{} per candy"]
STATION_FORMS = ["ex {}", "ex-{}", "at {}", "{} delivery", "loading {}", "FOR {}", "{}"]
FILLERS = ["sir", "bhai", "ji", "pls", "urgent", "🙏", "ok", "hai"]


def indian(number: int) -> str:
    """12,34,567 grouping."""
    digits = str(number)
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head, *groups, tail])


@st.composite
def messages(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    spelling, variety = draw(st.sampled_from(VARIETIES))
    quantity = draw(st.integers(1, 99_999))
    unit_spelling, unit = draw(st.sampled_from(UNITS))
    price = draw(st.integers(300, 1_200)) * 100
    station = draw(st.sampled_from([name for name, _state, _region in STATIONS]))
    written_quantity = indian(quantity) if draw(st.booleans()) else str(quantity)
    written_price = draw(st.sampled_from([str(price), indian(price), f"{price / 1000:g}k"]))
    fragments = [
        spelling,
        f"{written_quantity} {unit_spelling}",
        draw(st.sampled_from(PRICE_FORMS)).format(written_price),
        draw(st.sampled_from(STATION_FORMS)).format(station),
        *draw(st.lists(st.sampled_from(FILLERS), max_size=3)),
    ]
    ordered = draw(st.permutations(fragments))
    separator = draw(st.sampled_from([" ", ", ", "\n", "  ", " - ", " | "]))
    text = separator.join(ordered)
    text = draw(st.sampled_from([text, text.lower(), text.upper()]))
    expected = {
        "commodity": "Cotton",
        "variety": variety,
        "quantity": quantity,
        "unit": unit,
        "price": price,
        "price_unit": "candy",
        "station": station,
    }
    return text, expected


@given(messages())
def test_generated_messages_are_read_back(message: tuple[str, dict[str, object]]) -> None:
    text, expected = message
    answer = parse(text, demo_vocabulary()).as_dict()
    assert {key: answer[key] for key in expected} == expected, text
