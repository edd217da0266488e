"""Names from the masters in a message: varieties, commodities, certificates and stations.

Exact spellings first (any split or hyphenation: "S-6", "s 6", "sri ganga nagar"); then, only
for what is still missing, rapidfuzz on the few tokens that could be a misspelt name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from tradehub.trade_desk.parsing_lexicon import (
    LEXICON_WORDS,
    NOT_TYPOS,
    STATION_AFTER,
    STATION_BEFORE,
    TYPO_TARGETS,
)
from tradehub.trade_desk.parsing_tokens import NUM, SYM, WORD, Tok
from tradehub.trade_desk.vocabulary import (
    CERTIFICATE,
    MIN_FUZZY_LENGTH,
    STATION,
    VARIETY,
    Entry,
    Vocabulary,
)

# Similarity (rapidfuzz ratio, 0–100) a misspelt name needs: "Rajkott" 92, "Jalgoan" 86.
STATION_CUTOFF_MARKED: Final = 82.0  # right after "ex", "at", "loading"… or before "delivery"
STATION_CUTOFF_BARE: Final = 85.0
VARIETY_CUTOFF: Final = 83.0  # "Bramha" 83, "Shanker" 86
LONG_WORD: Final = 8  # trade words this long may have two typos, shorter ones one
MAX_LENGTH_GAP: Final = 2  # one or two typos, not a different word
_JOINERS: Final = frozenset({"-", "."})
_NEGATIONS: Final = frozenset({"non", "not", "no", "without", "bina"})


@dataclass(slots=True)
class Hit:
    entry: Entry
    start: int  # first token
    end: int  # one past the last token
    marked: bool = False  # a station with "ex", "at", "delivery"… next to it


def _longest_at(tokens: Sequence[Tok], start: int, vocabulary: Vocabulary) -> Hit | None:
    key = ""
    parts = 0
    best: Hit | None = None
    index = start
    while index < len(tokens) and parts < vocabulary.max_tokens:
        token = tokens[index]
        if token.used:
            break
        if token.kind in (WORD, NUM):
            key += token.text
            parts += 1
            if key not in vocabulary.prefixes:
                break
            entry = vocabulary.phrases.get(key)
            if entry is not None:
                best = Hit(entry, start, index + 1)
        elif not (token.kind == SYM and token.text in _JOINERS and index > start):
            break
        index += 1
    return best


def _negated(tokens: Sequence[Tok], start: int) -> bool:
    index = start - 1
    if index >= 0 and tokens[index].text in _JOINERS:
        index -= 1
    return index >= 0 and tokens[index].text in _NEGATIONS


def find_exact(tokens: Sequence[Tok], vocabulary: Vocabulary) -> list[Hit]:
    """Every master name spelt out, longest first at each position, in text order."""
    hits: list[Hit] = []
    prefixes = vocabulary.prefixes
    index = 0
    while index < len(tokens):
        token = tokens[index]
        hit = None
        if token.text in prefixes and not token.used:
            hit = _longest_at(tokens, index, vocabulary)
        elif token.text.startswith("ex") and not token.used:  # "exRajkot"
            entry = vocabulary.phrases.get(token.text[2:])
            if entry is not None and entry.kind == STATION:
                hit = Hit(entry, index, index + 1, marked=True)
        if hit is None:
            index += 1
            continue
        for covered in tokens[hit.start : hit.end]:
            covered.used = True
        if not (hit.entry.kind == CERTIFICATE and _negated(tokens, hit.start)):
            hits.append(hit)
        index = hit.end
    return hits


def _is_candidate(token: Tok, vocabulary: Vocabulary) -> bool:
    return (
        not token.used
        and token.kind == WORD
        and len(token.text) >= MIN_FUZZY_LENGTH
        and token.text not in vocabulary.known_words
    )


def _close(query: str, choices: Sequence[str], cutoff: float) -> str | None:
    """The choice most like ``query`` above ``cutoff``, same first letter, ≤ 2 letters apart."""
    found = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
    if found is None:
        return None
    choice: str = found[0]
    if choice[0] != query[0] or abs(len(choice) - len(query)) > MAX_LENGTH_GAP:
        return None
    return choice


def correct_spelling(tokens: Sequence[Tok], vocabulary: Vocabulary) -> None:
    """Unknown words of five letters or more one typo (two from eight letters) away from a
    trade word ("requred", "availabe", "paymnet", "delivary", "balse") are read as that word;
    same first letter, and English words that are near but mean something else are kept."""
    for token in tokens:
        text = token.text
        if (
            token.kind != WORD
            or len(text) < MIN_FUZZY_LENGTH
            or text in LEXICON_WORDS
            or text in vocabulary.known_words
            or text in NOT_TYPOS
        ):
            continue
        limit = 1 if len(text) < LONG_WORD else 2  # OSA: a transposition is one edit
        found = process.extractOne(text, TYPO_TARGETS, scorer=OSA.distance, score_cutoff=limit)
        if found is not None and found[0][0] == text[0]:
            token.text = found[0]


def find_fuzzy_variety(tokens: Sequence[Tok], vocabulary: Vocabulary) -> Hit | None:
    """A misspelt variety: "Shanker-6", "Brahama". Digits must be exact (H-4 is not J-34)."""
    if not vocabulary.stem_keys:
        return None
    for index, token in enumerate(tokens):
        if not _is_candidate(token, vocabulary):
            continue
        stem = _close(token.text, vocabulary.stem_keys, VARIETY_CUTOFF)
        if stem is None:
            continue
        forms = vocabulary.variety_stems[stem]
        after = index + 1
        if after < len(tokens) and tokens[after].text in _JOINERS:
            after += 1
        number = tokens[after] if after < len(tokens) else None
        if number is not None and number.kind == NUM and not number.used:
            entry = forms.get(number.text)
            if entry is not None:
                return Hit(entry, index, after + 1)
        if "" in forms:
            return Hit(forms[""], index, index + 1)
        if len(forms) == 1:  # "Shankar" alone: the only Shankar there is
            return Hit(next(iter(forms.values())), index, index + 1)
    return None


def _marked(tokens: Sequence[Tok], start: int, end: int) -> bool:
    before = start - 1
    while before >= 0 and tokens[before].kind == SYM and tokens[before].text in {"-", ":"}:
        before -= 1
    if before >= 0 and tokens[before].text in STATION_BEFORE:
        return True
    return end < len(tokens) and tokens[end].text in STATION_AFTER


def find_fuzzy_station(tokens: Sequence[Tok], vocabulary: Vocabulary) -> Hit | None:
    """A misspelt station ("Rajkott", "yavatmaal"), the first in the message; chat words and
    vocabulary words never qualify, and a name needs five letters or more."""
    if not vocabulary.station_keys:
        return None
    for index, token in enumerate(tokens):
        if token.used or token.kind != WORD:
            continue
        spans = []
        if _is_candidate(token, vocabulary):
            spans.append((token.text, index + 1))
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if (  # a name written in two words: "shri ganganagar", "surendra nagr"
            following is not None
            and following.kind == WORD
            and not following.used
            and following.text not in vocabulary.known_words
        ):
            spans.append((token.text + following.text, index + 2))
        for query, end in spans:
            if len(query) < MIN_FUZZY_LENGTH:
                continue
            marked = _marked(tokens, index, end)
            cutoff = STATION_CUTOFF_MARKED if marked else STATION_CUTOFF_BARE
            key = _close(query, vocabulary.station_keys, cutoff)
            if key is not None:
                entry = Entry(STATION, vocabulary.stations[key])
                return Hit(entry, index, end, marked)
    return None


def choose_station(tokens: Sequence[Tok], hits: Sequence[Hit]) -> Hit | None:
    """The first station said with a marker ("ex Rajkot", "Akola delivery"), else the first."""
    stations = [hit for hit in hits if hit.entry.kind == STATION]
    for hit in stations:
        hit.marked = hit.marked or _marked(tokens, hit.start, hit.end)
    return next((hit for hit in stations if hit.marked), stations[0] if stations else None)


def first_of(hits: Sequence[Hit], kind: str) -> Hit | None:
    return next((hit for hit in hits if hit.entry.kind == kind), None)


def is_variety(hit: Hit | None) -> bool:
    return hit is not None and hit.entry.kind == VARIETY
