"""One table per rule of trade-message-parsing.md, written from the spec: each intent word,
unit spelling, price form, parameter spelling and range form, the bare-value convention of
each parameter, each payment and delivery form, certificates, quantity forms, station forms
(typos included) and the chat words that must never be read as a station."""

from __future__ import annotations

from typing import Any

import pytest

from tests.trade_desk.parsing_helpers import GRADED, demo_vocabulary, parsed
from tradehub.trade_desk.parsing_lexicon import (
    BUY_WORDS,
    DAY_WORDS,
    FILLER_WORDS,
    PARAMETER_WORDS,
    PAYMENT_DAY_WORDS,
    PRICE_MARKERS,
    QUANTITY_UNITS,
    SELL_WORDS,
)

NOTHING = {key: None for key in GRADED} | {"parameters": {}, "certificates": []}


def field(text: str, name: str) -> Any:
    return parsed(text)[name]


# --- intent --------------------------------------------------------------------------------------

BUY_FORMS = ["need", "needed", "require", "required", "want", "wanted", "buy", "buying"]
BUY_FORMS += ["chahiye", "req", "reqd", "looking for", "Need", "REQD", "Chahiye"]
SELL_FORMS = ["sell", "selling", "offer", "offering", "available", "avl", "stock", "ready lot"]
SELL_FORMS += ["bechna", "Selling", "AVL", "Ready Lot"]


@pytest.mark.parametrize("word", BUY_FORMS)
def test_buy_words(word: str) -> None:
    assert field(f"{word} 500 bales S-6 ex Rajkot", "intent") == "buy"
    assert field(f"S-6 500 bales {word} ex Rajkot", "intent") == "buy"


@pytest.mark.parametrize("word", SELL_FORMS)
def test_sell_words(word: str) -> None:
    assert field(f"{word} 500 bales S-6 ex Rajkot", "intent") == "sell"
    assert field(f"S-6 500 bales {word} ex Rajkot", "intent") == "sell"


@pytest.mark.parametrize(
    "text",
    ["S-6 500 bales ex Rajkot @ 55,500", "rate kya hai?", "ok", "500 bales sold @ 55000"],
)
def test_no_intent_word_no_intent(text: str) -> None:
    assert field(text, "intent") is None


@pytest.mark.parametrize(
    "text", ["no need sir", "S6 nahi chahiye", "S6 chahiye nahi", "S6 not available", "dont need"]
)
def test_negated_intent_words_say_nothing(text: str) -> None:
    assert field(text, "intent") is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("need offers for 500 bales S6", "buy"),  # "offer" is weaker than "need"
        ("stock chahiye 500 bales", "buy"),
        ("need buyer for 500 bales S6 ready lot", "sell"),  # the seller asks for a buyer
        ("seller chahiye S6 500 bales", "buy"),
        ("available 500 bales, need advance payment", "sell"),  # the first word decides
    ],
)
def test_mixed_intent_words(text: str, intent: str) -> None:
    assert field(text, "intent") == intent


# --- commodity and variety -----------------------------------------------------------------------

VARIETY_FORMS = [
    ("S-6", "Shankar-6"), ("S6", "Shankar-6"), ("Shankar 6", "Shankar-6"),
    ("Sankar-6", "Shankar-6"), ("shankar6", "Shankar-6"), ("s 6", "Shankar-6"),
    ("SHANKAR-6", "Shankar-6"), ("Shanker 6", "Shankar-6"), ("DCH32", "DCH-32"),
    ("DCH 32", "DCH-32"), ("dch-32", "DCH-32"), ("MCU5", "MCU-5"), ("MCU 5", "MCU-5"),
    ("bunny", "Bunny"), ("bunny bt", "Bunny"), ("Brahma", "Brahma"), ("J34", "J-34"),
    ("J 34", "J-34"), ("j-34", "J-34"), ("H4", "H-4"), ("h-4", "H-4"), ("Mech 1", "MECH-1"),
    ("mech-1", "MECH-1"), ("LRA", "LRA-5166"), ("LRA 5166", "LRA-5166"), ("V797", "V-797"),
    ("v-797", "V-797"), ("RCH2", "RCH-2"), ("RCH 2", "RCH-2"), ("Suvin", "Suvin"),
]  # fmt: skip


@pytest.mark.parametrize(("spelling", "variety"), VARIETY_FORMS)
def test_variety_spellings_and_their_commodity(spelling: str, variety: str) -> None:
    got = parsed(f"need {spelling} 500 bales ex Gondal")
    assert (got["variety"], got["commodity"]) == (variety, "Cotton")
    assert (got["quantity"], got["station"]) == (500, "Gondal")


@pytest.mark.parametrize(
    "text", ["J-3 500 bales", "H 44 bales", "S-66 100 bales", "bales 6", "Rs 6 less"]
)
def test_near_variety_spellings_are_not_varieties(text: str) -> None:
    assert field(text, "variety") is None


COMMODITY_FORMS = [
    ("Kapas", "Kapas"), ("kapas", "Kapas"), ("Cotton Seed", "Cotton Seed"),
    ("cottonseed", "Cotton Seed"), ("cotton seeds", "Cotton Seed"), ("binola", "Cotton Seed"),
    ("Cotton Yarn", "Cotton Yarn"), ("yarn", "Cotton Yarn"), ("cotton", "Cotton"),
    ("COTTON", "Cotton"), ("seed cotton", "Kapas"),
]  # fmt: skip


@pytest.mark.parametrize(("spelling", "commodity"), COMMODITY_FORMS)
def test_commodity_names_from_the_master(spelling: str, commodity: str) -> None:
    assert field(f"{spelling} 20 MT chahiye ex Rajkot", "commodity") == commodity


@pytest.mark.parametrize(
    "text", ["S-6 500 bales", "29mm 500 bales", "mic 3.8 chahiye", "need trash 3% max", "RD 75"]
)
def test_a_cotton_variety_or_quality_parameter_implies_cotton(text: str) -> None:
    assert field(text, "commodity") == "Cotton"


def test_a_said_commodity_wins_over_the_implied_one() -> None:
    assert field("Kapas S-6 500 qtl moisture 8%", "commodity") == "Kapas"


@pytest.mark.parametrize("text", ["500 bales ex Rajkot @ 55,500", "need 20 MT", "hello sir"])
def test_no_commodity_said_or_implied(text: str) -> None:
    assert field(text, "commodity") is None


# --- quantity and unit ---------------------------------------------------------------------------

UNIT_FORMS = [
    ("bale", "bales"), ("bales", "bales"), ("bls", "bales"), ("B", "bales"), ("Bales", "bales"),
    ("candy", "candy"), ("candies", "candy"), ("khandi", "candy"), ("qtl", "quintal"),
    ("quintal", "quintal"), ("Qtl", "quintal"), ("quintals", "quintal"), ("kg", "kg"),
    ("kgs", "kg"), ("KG", "kg"), ("MT", "tonne"), ("ton", "tonne"), ("tons", "tonne"),
    ("tonne", "tonne"), ("tonnes", "tonne"),
]  # fmt: skip


@pytest.mark.parametrize(("spelling", "unit"), UNIT_FORMS)
def test_unit_spellings(spelling: str, unit: str) -> None:
    for text in (f"need 500 {spelling} ex Rajkot", f"need 500{spelling} ex Rajkot"):
        got = parsed(text)
        assert (got["quantity"], got["unit"]) == (500, unit), text


QUANTITY_FORMS = [
    ("500", 500), ("1,000", 1000), ("1.5k", 1500), ("1.5 k", 1500), ("2 lakh", 200000),
    ("2 lac", 200000), ("2 lakhs", 200000), ("1,00,000", 100000), ("10,000", 10000),
    ("2k", 2000), ("1,200", 1200), ("12,50,000", 1250000),
]  # fmt: skip


@pytest.mark.parametrize(("written", "quantity"), QUANTITY_FORMS)
def test_quantity_forms(written: str, quantity: int) -> None:
    got = parsed(f"Need {written} kg cotton yarn")
    assert (got["quantity"], got["unit"]) == (quantity, "kg")
    assert isinstance(got["quantity"], int)


def test_quantity_with_a_unit_before_it_or_after_qty() -> None:
    assert field("H-4 bale 300 chahiye", "quantity") == 300
    assert (field("qty: 250 bales S6", "quantity"), field("qty: 250 bales S6", "unit")) == (
        250,
        "bales",
    )


@pytest.mark.parametrize("text", ["need 10 truck S6", "S6 Rajkot 55500", "call 9876543210"])
def test_no_unit_no_quantity(text: str) -> None:
    got = parsed(text)
    assert (got["quantity"], got["unit"]) == (None, None)


# --- price ---------------------------------------------------------------------------------------

PRICE_FORMS = [
    ("@ 55500", 55500, "candy"), ("@55,500", 55500, "candy"), ("rate 55,500", 55500, "candy"),
    ("Rate: 55500", 55500, "candy"), ("Rs 55500/-", 55500, "candy"),
    ("Rs.55,500", 55500, "candy"), ("Rs. 55,500/-", 55500, "candy"),
    ("₹55.5k", 55500, "candy"), ("₹ 55,500", 55500, "candy"), ("INR 55500", 55500, "candy"),
    ("55500 per candy", 55500, "candy"), ("55,500/candy", 55500, "candy"),
    ("55500/- per candy", 55500, "candy"), ("@ 55.5k", 55500, "candy"),
    ("price 55500", 55500, "candy"), ("55500 rs", 55500, "candy"), ("55,500/-", 55500, "candy"),
    ("@ 27,500 per bale", 27500, "bale"), ("rate 7200 per qtl", 7200, "quintal"),
    ("@ 265/kg", 265, "kg"), ("Rs 290 per kg", 290, "kg"), ("bhav 55500", 55500, "candy"),
    ("55500", 55500, "candy"), ("55,500", 55500, "candy"), ("56k", 56000, "candy"),
]  # fmt: skip


@pytest.mark.parametrize(("written", "price", "unit"), PRICE_FORMS)
def test_price_forms(written: str, price: int, unit: str) -> None:
    got = parsed(f"S-6 500 bales {written} ex Rajkot")
    assert (got["price"], got["price_unit"]) == (price, unit)
    assert isinstance(got["price"], int)
    assert (got["quantity"], got["station"]) == (500, "Rajkot")


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Cotton 500 bales @ 55500", "candy"),
        ("Kapas 500 qtl @ 7350", "quintal"),
        ("Cotton Seed 50 MT @ 3850", "quintal"),
        ("Cotton Yarn 5000 kg @ 265", "kg"),
        ("500 bales @ 55500", None),  # no commodity: no default unit
    ],
)
def test_a_price_without_unit_takes_the_commoditys_price_unit(text: str, unit: str | None) -> None:
    assert field(text, "price_unit") == unit


@pytest.mark.parametrize(
    "text",
    [
        "S6 Rajkot, market down 500 rs today",  # a move, not the rate
        "brokerage Rs 50 per bale",
        "S6 500 bales, payment 30 days",
        "call 98765 43210 for S6",  # a phone number
        "S6 500 bales 29mm mic 3.8",
        "Kapas 2025 season",
    ],
)
def test_numbers_that_are_not_the_price(text: str) -> None:
    assert field(text, "price") is None


@pytest.mark.parametrize(
    ("text", "price", "unit"),
    [
        ("S6 @ 55.5 Rajkot", 55500, "candy"),  # lint quoted in thousands per candy
        ("S6 rate 72.25", 72250, "candy"),
        ("Kapas @ 72 per kg", 72, "kg"),  # not a candy rate: as written
        ("yarn @ 55.5", 55.5, "kg"),
    ],
)
def test_a_candy_rate_quoted_in_thousands(text: str, price: float, unit: str) -> None:
    got = parsed(text)
    assert (got["price"], got["price_unit"]) == (price, unit)


def test_a_price_per_tonne_has_no_price_unit() -> None:
    got = parsed("cotton seed 50 MT @ 38,500 per MT")
    assert (got["price"], got["price_unit"]) == (38500, None)


# --- quality parameters --------------------------------------------------------------------------

PARAMETER_SPELLINGS = [
    ("29mm", "staple_mm", 29, 29), ("29 mm", "staple_mm", 29, 29),
    ("staple 29", "staple_mm", 29, 29), ("length 29", "staple_mm", 29, 29),
    ("len 29", "staple_mm", 29, 29), ("29.5 mm", "staple_mm", 29.5, 29.5),
    ("Staple: 29mm", "staple_mm", 29, 29), ("mic 3.8", "mic", 3.8, 3.8),
    ("micronaire 3.8", "mic", 3.8, 3.8), ("3.8 mic", "mic", 3.8, 3.8), ("Mic-3.8", "mic", 3.8, 3.8),
    ("str 28", "strength_gpt", 28, None), ("strength 28", "strength_gpt", 28, None),
    ("28 gpt", "strength_gpt", 28, None), ("28 g/tex", "strength_gpt", 28, None),
    ("GTex 28", "strength_gpt", 28, None), ("trash 3%", "trash_pct", None, 3),
    ("trash 3", "trash_pct", None, 3), ("moisture 8%", "moisture_pct", None, 8),
    ("moist 8", "moisture_pct", None, 8), ("mois 8", "moisture_pct", None, 8),
    ("RD 75", "rd", 75, None), ("Rd 75+", "rd", 75, None), ("rd 75", "rd", 75, None),
]  # fmt: skip


@pytest.mark.parametrize(("written", "name", "low", "high"), PARAMETER_SPELLINGS)
def test_parameter_spellings(written: str, name: str, low: float, high: float) -> None:
    got = parsed(f"S6 500 bales {written} ex Rajkot")
    assert got["parameters"] == {name: {"min": low, "max": high}}
    assert (got["quantity"], got["station"]) == (500, "Rajkot")


RANGE_FORMS = [
    ("mic 3.6-4.2", "mic", 3.6, 4.2), ("mic 3.6 - 4.2", "mic", 3.6, 4.2),
    ("mic 3.6 to 4.2", "mic", 3.6, 4.2), ("3.6-4.2 mic", "mic", 3.6, 4.2),
    ("staple 28-29 mm", "staple_mm", 28, 29), ("28.5-29.5mm", "staple_mm", 28.5, 29.5),
    ("Rd 74-78", "rd", 74, 78), ("str min 28", "strength_gpt", 28, None),
    ("str 28+", "strength_gpt", 28, None), ("str above 28", "strength_gpt", 28, None),
    ("str 28 and above", "strength_gpt", 28, None), ("strength 29 min", "strength_gpt", 29, None),
    ("mic min 4.0", "mic", 4.0, None), ("29+ mm", "staple_mm", 29, None),
    ("trash max 3%", "trash_pct", None, 3), ("trash 3% max", "trash_pct", None, 3),
    ("trash upto 3", "trash_pct", None, 3), ("mic below 4.2", "mic", None, 4.2),
    ("mic less than 4.2", "mic", None, 4.2), ("moisture 8% max", "moisture_pct", None, 8),
    ("max trash 3%", "trash_pct", None, 3), ("mic max 4.2", "mic", None, 4.2),
]  # fmt: skip


@pytest.mark.parametrize(("written", "name", "low", "high"), RANGE_FORMS)
def test_parameter_range_forms(written: str, name: str, low: float, high: float) -> None:
    assert field(f"S6 500 bales {written} ex Rajkot", "parameters") == {
        name: {"min": low, "max": high}
    }


@pytest.mark.parametrize(
    ("written", "name", "low", "high"),
    [
        ("staple 29", "staple_mm", 29, 29),  # staple and mic: min = max = value
        ("mic 3.8", "mic", 3.8, 3.8),
        ("strength 28", "strength_gpt", 28, None),  # strength and rd: a floor
        ("RD 75", "rd", 75, None),
        ("trash 3", "trash_pct", None, 3),  # trash and moisture: a ceiling
        ("moisture 8", "moisture_pct", None, 8),
    ],
)
def test_bare_value_convention_per_parameter(
    written: str, name: str, low: float | None, high: float | None
) -> None:
    assert field(written, "parameters") == {name: {"min": low, "max": high}}


def test_only_mentioned_parameters_in_order_of_mention() -> None:
    got = field("trash 3% mic 3.8-4.2 29mm", "parameters")
    assert list(got) == ["trash_pct", "mic", "staple_mm"]
    assert field("S6 500 bales ex Rajkot", "parameters") == {}


@pytest.mark.parametrize(
    "text", ["mic 38", "staple 290", "trash 30%", "rd 7", "3rd party", "strength 5"]
)
def test_implausible_values_are_not_read_as_parameters(text: str) -> None:
    assert field(text, "parameters") == {}


def test_a_qualifier_before_the_next_parameter_belongs_to_it() -> None:
    assert field("mic 3.8 max trash 3%", "parameters") == {
        "mic": {"min": 3.8, "max": 3.8},
        "trash_pct": {"min": None, "max": 3},
    }


# --- payment and delivery ------------------------------------------------------------------------

PAYMENT_FORMS = [
    ("advance", "advance", None), ("100% advance", "advance", None),
    ("advance payment", "advance", None), ("AD", "against_delivery", None),
    ("against delivery", "against_delivery", None), ("cash", "against_delivery", None),
    ("spot", "against_delivery", None), ("cash payment", "against_delivery", None),
    ("15 days payment", "credit", 15), ("payment 15 days", "credit", 15),
    ("credit 15 days", "credit", 15), ("15 days credit", "credit", 15),
    ("PDC 15 days", "credit", 15), ("payment within 15 days", "credit", 15),
    ("15 din payment", "credit", 15), ("Payment: 15 days", "credit", 15),
    ("credit 15", "credit", 15), ("PDC", "credit", None),
]  # fmt: skip


@pytest.mark.parametrize(("written", "payment", "days"), PAYMENT_FORMS)
def test_payment_forms(written: str, payment: str, days: int | None) -> None:
    got = parsed(f"S6 500 bales ex Rajkot, {written}")
    assert (got["payment"], got["payment_days"]) == (payment, days)
    assert got["delivery_days"] is None


DELIVERY_FORMS = [
    ("delivery 10 days", 10), ("delivery in 10 days", 10), ("lifting within 15 days", 15),
    ("dispatch in 7 days", 7), ("10 days delivery", 10), ("delivery: 10 days", 10),
    ("ready", 0), ("prompt delivery", 0), ("immediate lifting", 0), ("delivery immediately", 0),
    ("delivery 10-15 days", 15),
]  # fmt: skip


@pytest.mark.parametrize(("written", "days"), DELIVERY_FORMS)
def test_delivery_forms(written: str, days: int) -> None:
    got = parsed(f"S6 500 bales ex Rajkot, {written}")
    assert got["delivery_days"] == days
    assert (got["payment"], got["payment_days"]) == (None, None)


@pytest.mark.parametrize(
    ("text", "payment_days", "delivery_days"),
    [
        ("delivery 10 days payment 15 days", 15, 10),
        ("payment 15 days delivery 10 days", 15, 10),
        ("15 days payment 10 days delivery", 15, 10),
        ("10 days delivery, 15 days payment", 15, 10),
        ("15 days payment, delivery 10 days", 15, 10),
    ],
)
def test_each_day_count_goes_to_its_own_term(
    text: str, payment_days: int, delivery_days: int
) -> None:
    got = parsed(text)
    assert (got["payment"], got["payment_days"], got["delivery_days"]) == (
        "credit",
        payment_days,
        delivery_days,
    )


@pytest.mark.parametrize(
    ("written", "payment_days", "delivery_days"),
    [
        ("1 week delivery", None, 7),
        ("payment 2 weeks", 14, None),
        ("1 month credit", 30, None),
        ("15 din ka udhaar", 15, None),
        ("PDC 20", 20, None),
    ],
)
def test_day_counts_in_weeks_months_and_hindi(
    written: str, payment_days: int | None, delivery_days: int | None
) -> None:
    got = parsed(f"S6 500 bales {written}")
    assert (got["payment_days"], got["delivery_days"]) == (payment_days, delivery_days)


@pytest.mark.parametrize("text", ["ready cash", "prompt payment", "S6 500 bales 15 days"])
def test_not_a_delivery_term(text: str) -> None:
    assert field(text, "delivery_days") is None


# --- certificates --------------------------------------------------------------------------------

CERTIFICATE_FORMS = [
    ("BCI", ["BCI"]), ("bci", ["BCI"]), ("Organic", ["Organic"]), ("NPOP", ["NPOP"]),
    ("Fairtrade", ["Fairtrade"]), ("fair trade", ["Fairtrade"]), ("Fair-Trade", ["Fairtrade"]),
    ("GOTS", ["GOTS"]), ("organic NPOP", ["Organic", "NPOP"]),
    ("NPOP organic", ["NPOP", "Organic"]), ("GOTS + BCI", ["GOTS", "BCI"]), ("BCI BCI", ["BCI"]),
    ("non-organic", []), ("non BCI", []), ("", []),
]  # fmt: skip


@pytest.mark.parametrize(("written", "certificates"), CERTIFICATE_FORMS)
def test_certificates_in_order_of_appearance(written: str, certificates: list[str]) -> None:
    assert field(f"need {written} cotton 500 bales", "certificates") == certificates


# --- stations ------------------------------------------------------------------------------------

STATION_FORMS = [
    ("ex-Rajkot", "Rajkot"), ("ex Rajkot", "Rajkot"), ("at Kadi", "Kadi"), ("in Akola", "Akola"),
    ("Akola delivery", "Akola"), ("FOR Coimbatore", "Coimbatore"), ("loading Jalgaon", "Jalgaon"),
    ("Guntur", "Guntur"), ("RAJKOT", "Rajkot"), ("Sri Ganganagar", "Sri Ganganagar"),
    ("sriganganagar", "Sri Ganganagar"), ("Surendra nagar", "Surendranagar"),
    ("Rajkott", "Rajkot"), ("yavatmaal", "Yavatmal"), ("ex Jalgoan", "Jalgaon"),
    ("Bhatinda", "Bathinda"), ("Amrawati", "Amravati"), ("Ahmdabad", "Ahmedabad"),
    ("Ganganagar", "Sri Ganganagar"), ("hissar", "Hisar"), ("ex-warngal", "Warangal"),
]  # fmt: skip


@pytest.mark.parametrize(("written", "station"), STATION_FORMS)
def test_station_forms_and_typos(written: str, station: str) -> None:
    assert field(f"S6 500 bales {written} 55500", "station") == station
    assert field(f"{written} S6 500 bales", "station") == station


@pytest.mark.parametrize(
    ("text", "variety", "quantity", "station"),
    [
        ("Rajkot,S6,500bales", "Shankar-6", 500, "Rajkot"),  # "6,500" is not six thousand
        ("J34,200 bales exSirsa", "J-34", 200, "Sirsa"),
        ("S6 500bls@55500 exRajkot", "Shankar-6", 500, "Rajkot"),
    ],
)
def test_punctuation_glued_to_words(text: str, variety: str, quantity: int, station: str) -> None:
    got = parsed(text)
    assert (got["variety"], got["quantity"], got["station"]) == (variety, quantity, station)


def test_a_station_with_a_marker_wins_over_a_bare_one() -> None:
    assert field("Rajkot party, S6 500 bales ex Gondal", "station") == "Gondal"
    assert field("Rajkot or Gondal, S6 500 bales", "station") == "Rajkot"


CHAT_WORDS = sorted(
    FILLER_WORDS | BUY_WORDS | SELL_WORDS | set(QUANTITY_UNITS) | set(PARAMETER_WORDS)
    | PRICE_MARKERS | PAYMENT_DAY_WORDS | DAY_WORDS
    | {"sir", "ok", "hai", "need", "rate", "bales", "bhai", "ji", "pls", "urgent", "thanks"}
    | {"noted", "confirm", "please", "market", "price", "quality", "tomorrow", "morning"}
)  # fmt: skip


def test_chat_and_vocabulary_words_are_never_stations() -> None:
    vocabulary = demo_vocabulary()
    misread = {
        word: got
        for word in CHAT_WORDS
        for text in (f"ex {word}", f"{word} delivery", f"500 bales {word}")
        if (got := parsed(text)["station"]) is not None and word not in vocabulary.phrases
    }
    assert misread == {}


@pytest.mark.parametrize(
    "text",
    [
        "Good morning sir 🙏 rate kya chal raha hai?",
        "ok bhai, call me",
        "sir pls send rates urgent",
        "thanks ji, noted",
        "please ignore previous message",
        "market is very slow today sir",
    ],
)
def test_chat_without_trade_content_is_all_null(text: str) -> None:
    got = parsed(text)
    assert {key: got[key] for key in GRADED} == NOTHING
    assert got["confidence"] == 0.0


# --- misspelt trade words -------------------------------------------------------------------------

TYPOS = [
    ("requred 500 balse S6", "intent", "buy"), ("availabe 500 bales", "intent", "sell"),
    ("S6 500 balse", "unit", "bales"), ("S6 paymnet 15 days", "payment_days", 15),
    ("S6 delivary 10 days", "delivery_days", 10), ("S6 creadit 30 days", "payment_days", 30),
    ("strenght 29", "parameters", {"strength_gpt": {"min": 29, "max": None}}),
    ("moistre 8 maximun", "parameters", {"moisture_pct": {"min": None, "max": 8}}),
    ("S6 advnace payment", "payment", "advance"),
    ("S6 aganist delivery", "payment", "against_delivery"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "name", "value"), TYPOS)
def test_misspelt_trade_words(text: str, name: str, value: Any) -> None:
    assert field(text, name) == value


@pytest.mark.parametrize(
    "text", ["ordering 500 bales S6", "market stable, prime quality", "settling at Rajkot"]
)
def test_english_words_near_trade_words_are_kept(text: str) -> None:
    got = parsed(text)
    assert (got["intent"], got["price"], got["parameters"]) == (None, None, {})


# --- the shape of the answer ---------------------------------------------------------------------


def test_numbers_are_integers_when_whole_and_decimals_otherwise() -> None:
    got = parsed("S6 1,000 bales 29.0 mm mic 3.80-4.0 @ 55,500.00 ex Rajkot")
    assert got["quantity"] == 1000 and isinstance(got["quantity"], int)
    assert got["price"] == 55500 and isinstance(got["price"], int)
    assert got["parameters"]["staple_mm"] == {"min": 29, "max": 29}
    assert isinstance(got["parameters"]["staple_mm"]["min"], int)
    assert got["parameters"]["mic"] == {"min": 3.8, "max": 4}
    assert isinstance(got["parameters"]["mic"]["min"], float)


def test_confidence_grows_with_what_was_read() -> None:
    empty, some, full = (
        parsed("hello")["confidence"],
        parsed("S6 500 bales")["confidence"],
        parsed("Need 500 bales S-6 29mm mic 3.8-4.2 @ 55,500 ex-Rajkot, 15 days payment")[
            "confidence"
        ],
    )
    assert empty == 0.0 and 0 < some < full <= 1


def test_unparsed_lists_numbers_and_words_nobody_placed() -> None:
    got = parsed("S6 500 bales ex Rajkot lot no 4711 slub")
    assert "4711" in got["unparsed"] and "slub" in got["unparsed"]
    assert "sir" not in parsed("sir S6 500 bales")["unparsed"]
