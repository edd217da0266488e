"""The trade language the parser understands: the words of chat messages that are not master
data (intent, units, quality parameter spellings, payment and delivery terms, filler).

Names of commodities, varieties, stations and certificates are never listed here: they come
from the masters through ``Vocabulary``. Everything is lower case, as tokens are.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

# --- intent -------------------------------------------------------------------------------
BUY_WORDS: Final = frozenset(
    {"need", "needs", "needed", "require", "requires", "required", "requirement"}
    | {"requirements", "reqmt", "req", "reqd", "reqrd", "rqd", "reqired", "requried"}
    | {"want", "wants", "wanted", "buy", "buying", "purchase", "purchasing", "wtb"}
    | {"chahiye", "chahie", "chaiye", "chahiya", "chahiyee", "chaahiye", "chahye", "chaiyee"}
    | {"chahiy", "chaahie", "kharidna", "kharidenge", "kharid"}
)
SELL_WORDS: Final = frozenset(
    {"sell", "selling", "sale", "offering", "available", "availble", "avaliable", "avl"}
    | {"avlbl", "avail", "bechna", "bechni", "bechana", "bechne", "bechenge", "bikau", "wts"}
)
# Words that say sell only when nothing says buy ("need offers", "stock chahiye").
WEAK_SELL_WORDS: Final = frozenset({"offer", "offers", "offered", "stock"})
BUY_PHRASES: Final = (("looking", "for"),)
# "need buyer" is a seller speaking, "seller chahiye" a buyer.
COUNTERPARTY_WORDS: Final = {
    **dict.fromkeys(["buyer", "buyers", "byer", "customer", "customers"], "sell"),
    **dict.fromkeys(["seller", "sellers", "supplier", "suppliers"], "buy"),
}
SELL_PHRASES: Final = (("ready", "lot"), ("ready", "stock"), ("for", "sale"))

# --- numbers and units -----------------------------------------------------------------------
MULTIPLIERS: Final = {
    "k": Decimal(1000),
    "thousand": Decimal(1000),
    "hazar": Decimal(1000),
    "hazaar": Decimal(1000),
    "hajar": Decimal(1000),
    "lakh": Decimal(100000),
    "lakhs": Decimal(100000),
    "lac": Decimal(100000),
    "lacs": Decimal(100000),
}
QUANTITY_UNITS: Final = {
    **dict.fromkeys(["bale", "bales", "bls", "bl", "bail", "bails", "gaanth", "ganth"], "bales"),
    **dict.fromkeys(["gaathan", "gathan", "gaanthe", "ganthan", "gathri"], "bales"),
    **dict.fromkeys(["candy", "candies", "candys", "candi", "khandi", "khandis"], "candy"),
    **dict.fromkeys(["khandies", "khandy", "kandi", "kandy"], "candy"),
    **dict.fromkeys(["qtl", "qtls", "quintal", "quintals", "qntl", "qntls", "quintl"], "quintal"),
    **dict.fromkeys(["kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"], "kg"),
    **dict.fromkeys(["mt", "mts", "ton", "tons", "tonne", "tonnes", "tonn"], "tonne"),
}
# "500 B": a bare "b" is bales only right after a whole number.
BARE_B: Final = "b"
# Units a price may be quoted per; "tonne" is understood but is not a price unit of the API.
PRICE_UNITS: Final = {
    "bales": "bale",
    "candy": "candy",
    "quintal": "quintal",
    "kg": "kg",
    "tonne": None,
}
PER_WORDS: Final = frozenset({"per", "pr", "/", "a"})
# Days in one of each: "15 days", "15 din", "1 week", "2 months".
DAYS_IN: Final = {
    **dict.fromkeys(["day", "days", "dys", "dayz", "din", "dino", "dinon", "divas"], 1),
    **dict.fromkeys(["week", "weeks", "wk", "wks", "hafta", "hafte", "haftey"], 7),
    **dict.fromkeys(["month", "months", "mahina", "mahine", "mahino"], 30),
}
DAY_WORDS: Final = frozenset(DAYS_IN)
QUANTITY_WORDS: Final = frozenset({"qty", "quantity", "qnty", "qnt", "qt"})

# --- price -----------------------------------------------------------------------------------
PRICE_MARKERS: Final = frozenset(
    {"@", "rate", "rates", "price", "prices", "rs", "inr", "rupees", "rupee", "bhav", "bhaav"}
    | {"bhaw", "bhao", "tp", "target", "quote", "quoted", "asking"}
)
# Between a price marker and the number: "rate: Rs. 56,300", "@ rs 55500", "rate is 55500".
PRICE_FILLERS: Final = frozenset(
    {":", "-", "=", ".", "rs", "inr", "is", "of", "around", "approx", "abt", "about", "@"}
    | {"only", "price", "rate", "hai", "h", "aprox", "near", "at"}
)
CURRENCY_AFTER: Final = frozenset({"rs", "inr", "rupees", "/-"})
# Money that is not the rate: a market move, brokerage, freight ("market down 500 rs").
NOT_PRICE_WORDS: Final = frozenset(
    {"down", "up", "dwn", "increase", "increased", "decrease", "decreased", "higher", "lower"}
    | {"gira", "badha", "badhe", "tuta", "toota", "tej", "tez", "fall", "fell", "rise", "rose"}
    | {"jump", "jumped", "drop", "dropped", "difference", "diff", "discount", "premium"}
    | {"brokerage", "commission", "dalali", "dalaali", "freight", "bhada", "bhaada", "less"}
    | {"kam", "minus", "penalty", "claim", "claims", "emd", "deposit", "margin", "sauda"}
    | {"badh", "badhi", "badhega", "gir", "giri", "girega", "tezi", "mehnga", "sasta", "change"}
)

# --- quality parameters ------------------------------------------------------------------------
PARAMETER_WORDS: Final = {
    **dict.fromkeys(
        ["staple", "stapple", "staples", "stpl", "stapl", "length", "lenght", "lenth", "len"],
        "staple_mm",
    ),
    "uhml": "staple_mm",
    **dict.fromkeys(
        ["mic", "mike", "mics", "micronaire", "micronair", "micron", "micro", "mick"], "mic"
    ),
    **dict.fromkeys(
        ["str", "strength", "strenght", "strngth", "stren", "strgth", "tenacity", "gpt"],
        "strength_gpt",
    ),
    **dict.fromkeys(["trash", "trsh", "tras", "trashes"], "trash_pct"),
    **dict.fromkeys(
        ["moisture", "moist", "mois", "moisure", "moistur", "moistue", "mositure"],
        "moisture_pct",
    ),
    **dict.fromkeys(["rd", "reflectance"], "rd"),
    "mm": "staple_mm",
}
# Units written after a value; "gpt" also stands for "g/tex", "gm/tex", "gtex" (normalised).
PARAMETER_UNITS: Final = {
    "staple_mm": frozenset({"mm"}),
    "mic": frozenset({"mic"}),
    "strength_gpt": frozenset({"gpt"}),
    "trash_pct": frozenset({"%", "pct", "percent"}),
    "moisture_pct": frozenset({"%", "pct", "percent"}),
    "rd": frozenset(),
}
# Plausible values: a number outside is not read as that parameter (a misread, not a value).
PARAMETER_RANGES: Final = {
    "staple_mm": (Decimal(20), Decimal(40)),
    "mic": (Decimal(2), Decimal(7)),
    "strength_gpt": (Decimal(15), Decimal(45)),
    "trash_pct": (Decimal(0), Decimal(15)),
    "moisture_pct": (Decimal(0), Decimal(20)),
    "rd": (Decimal(40), Decimal(95)),
}
# A single bare value: both ends, a floor, or a ceiling (trade-message-parsing.md).
BARE_VALUE: Final = {
    "staple_mm": "both",
    "mic": "both",
    "strength_gpt": "min",
    "rd": "min",
    "trash_pct": "max",
    "moisture_pct": "max",
}
PARAMETER_FILLERS: Final = frozenset({":", "-", "=", ".", "%", "of", "is", "value", "hai"})
MIN_BEFORE: Final = (
    ("min",), ("minimum",), ("above",), ("over",), ("atleast",), ("at", "least"),
    ("more", "than"), ("greater", "than"), (">", "="), (">",), ("=", ">"), ("abv",), ("mini",),
)  # fmt: skip
MAX_BEFORE: Final = (
    ("max",), ("maximum",), ("upto",), ("up", "to"), ("below",), ("under",),
    ("less", "than"), ("lower", "than"), ("<", "="), ("<",), ("within",), ("not", "more", "than"),
    ("not", "above"), ("not", "exceeding"), ("blw",), ("maxi",),
)  # fmt: skip
MIN_AFTER: Final = (
    ("+",), ("min",), ("minimum",), ("and", "above"), ("&", "above"), ("or", "above"),
    ("above",), ("plus",), ("or", "more"), ("and", "more"), ("se", "upar"), ("se", "jyada"),
    ("se", "zyada"), ("upar",), ("n", "above"), ("abv",), ("mini",),
)  # fmt: skip
MAX_AFTER: Final = (
    ("max",), ("maximum",), ("and", "below"), ("&", "below"), ("or", "below"), ("below",),
    ("or", "less"), ("and", "less"), ("se", "kam"), ("tak",), ("n", "below"), ("maxi",),
)  # fmt: skip
RANGE_WORDS: Final = frozenset({"-", "to", "~", "se", "/", "till", "upto", "and", "&"})

# --- payment and delivery ------------------------------------------------------------------------
PAYMENT_DAY_WORDS: Final = frozenset(
    {"payment", "paymnt", "pymt", "pmt", "pay", "payments", "paymt", "pymnt", "credit"}
    | {"cr", "pdc", "udhar", "udhaar", "udhari", "crdt"}
)
DELIVERY_DAY_WORDS: Final = frozenset(
    {"delivery", "dlvry", "dlvy", "delivry", "delv", "del", "dely", "lifting", "lift"}
    | {"dispatch", "despatch", "dispach", "shipment", "loading", "delievery", "deliver"}
)
DAYS_FILLERS_BEFORE: Final = frozenset(
    {"within", "in", "after", "of", "by", ":", "-", "=", "upto", "terms", "term", "period", "me"}
)
DAYS_FILLERS_AFTER: Final = frozenset({"of", "for", ":", "-", "ka", "ki", "ke", "me", "mein"})
ADVANCE_WORDS: Final = frozenset({"advance", "adv", "advnc", "advanced", "advance.", "agrim"})
AGAINST_DELIVERY_WORDS: Final = frozenset({"ad", "cash", "spot", "cod"})
AGAINST_DELIVERY_PHRASES: Final = (
    ("against", "delivery"), ("agst", "delivery"), ("against", "dlvry"), ("agnst", "delivery"),
    ("against", "del"), ("on", "delivery"), ("aganist", "delivery"), ("againt", "delivery"),
)  # fmt: skip
CREDIT_WORDS: Final = frozenset({"credit", "pdc", "udhar", "udhaar", "udhari", "crdt"})
PROMPT_WORDS: Final = frozenset(
    {"ready", "prompt", "immediate", "immediately", "immediatly", "turant", "immidiate"}
)

# --- stations ---------------------------------------------------------------------------------
STATION_BEFORE: Final = frozenset(
    {"ex", "at", "in", "for", "from", "loading", "delivery", "@", "station", "mandi", "dlvry"}
)
STATION_AFTER: Final = frozenset({"delivery", "loading", "dlvry", "se", "station", "mandi"})

# Chat words that carry no slot: never a station, a variety or an unparsed fragment.
FILLER_WORDS: Final = frozenset(
    {"sir", "ok", "okay", "okk", "hai", "hain", "he", "bhai", "bhaiya", "ji", "jee", "pls"}
    | {"plz", "please", "urgent", "urgently", "asap", "need", "rate", "bales", "the", "and"}
    | {"with", "for", "from", "of", "to", "in", "at", "on", "we", "i", "you", "me", "my", "our"}
    | {"is", "are", "a", "an", "it", "this", "that", "good", "morning", "evening", "night"}
    | {"ssa", "ram", "jai", "shri", "namaste", "namaskar", "hello", "hi", "dear", "kindly"}
    | {"call", "contact", "whatsapp", "msg", "message", "reply", "quality", "material", "maal"}
    | {"party", "lot", "lots", "any", "some", "also", "only", "just", "very", "best", "fresh"}
    | {"new", "crop", "old", "season", "kya", "chal", "raha", "rahe", "kar", "karo", "ka", "ki"}
    | {"ke", "ko", "se", "me", "mein", "bhi", "aur", "ya", "koi", "kuch", "thoda", "jaldi"}
    | {"abhi", "aaj", "kal", "today", "tomorrow", "now", "details", "detail", "send", "share"}
    | {"interested", "enquiry", "inquiry", "deal", "basis", "terms", "term", "condition"}
    | {"certified", "certificate", "cert", "certification", "thanks", "thank", "thx", "regards"}
    | {"team", "broker", "brokers", "mill", "mills", "ginner", "ginning", "factory", "company"}
    | {"hum", "ham", "mujhe", "humko", "hamko", "apna", "apne", "aap", "tum", "yeh", "woh"}
    | {"wala", "wale", "wali", "per", "pr", "than", "less", "more", "about", "around", "approx"}
    | {"price", "prices", "rates", "and", "or", "but", "if", "not", "no", "yes", "haan", "nahi"}
    | {"payment", "delivery", "lifting", "dispatch", "loading", "credit", "days", "day"}
    | {"within", "after", "before", "upto", "above", "below", "under", "over", "plus", "min"}
    | {"max", "minimum", "maximum", "chahiye", "available", "ready", "stock", "offer", "sell"}
    | {"buy", "want", "require", "required", "bale", "candy", "quintal", "tonne", "tons"}
    | {"combed", "carded", "count", "bag", "bags", "truck", "trucks", "lorry", "gaadi", "gadi"}
    | {"bargain", "sauda", "pucca", "pakka", "firm", "fix", "fixed", "final", "net", "nett"}
    | {"gst", "extra", "including", "incl", "excluding", "excl", "freight", "transport"}
    | {"contract", "confirm", "confirmed", "booking", "book", "booked", "done", "hua", "ho"}
)

# Misspelt trade words are read as these ("requred" → "required", "availabe" → "available").
TYPO_TARGETS: Final = (
    "available", "require", "required", "requirement", "chahiye", "selling", "offering",
    "purchase", "wanted", "bechna", "bales", "candy", "candies", "khandi", "quintal", "quintals",
    "tonne", "tonnes", "kilogram", "rupees", "price", "staple", "length", "micronaire", "strength",
    "trash", "moisture", "reflectance", "payment", "advance", "against", "delivery", "credit",
    "lifting", "dispatch", "immediate", "immediately", "prompt", "minimum", "maximum", "above",
    "below",
)  # fmt: skip
# English words that are near a trade word but mean something else.
NOT_TYPOS: Final = frozenset(
    {"stale", "spelling", "spellings", "shelling", "prince", "tones", "thrash", "strengthen"}
    | {"creditor", "reacquire", "reacquired", "candles", "listing", "looping", "locking"}
    | {"prime", "stable", "ordering", "waited", "wasted", "balls", "bases", "lighting", "bates"}
    | {"repaired", "settling", "stealing", "seedling", "sterling", "pavement", "caddy", "prize"}
    | {"limiting", "offending", "offspring", "shilling", "canny", "bayes", "proce", "cando"}
    | {"requite", "setting", "telling", "billing", "filling", "killing", "rolling", "sailing"}
    | {"ceiling", "boiling", "calling", "selecting", "rented", "tasted", "printed"}
)
# Every word the lexicon knows: never corrected, never a misspelt station.
LEXICON_WORDS: Final = (
    BUY_WORDS | SELL_WORDS | WEAK_SELL_WORDS | frozenset(MULTIPLIERS) | frozenset(QUANTITY_UNITS)
    | DAY_WORDS | QUANTITY_WORDS | PRICE_MARKERS | PRICE_FILLERS | NOT_PRICE_WORDS
    | frozenset(PARAMETER_WORDS) | PAYMENT_DAY_WORDS | DELIVERY_DAY_WORDS | ADVANCE_WORDS
    | AGAINST_DELIVERY_WORDS | CREDIT_WORDS | PROMPT_WORDS | STATION_BEFORE | STATION_AFTER
    | FILLER_WORDS | frozenset(COUNTERPARTY_WORDS) | frozenset(TYPO_TARGETS)
)  # fmt: skip
