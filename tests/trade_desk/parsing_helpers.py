"""The demo masters as a parser vocabulary, built without a database, and the example files."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tradehub.geo.seed import STATIONS
from tradehub.masters.seed import CERTIFICATES, COMMODITIES
from tradehub.trade_desk.parsing import parse
from tradehub.trade_desk.vocabulary import CommodityTerms, Vocabulary, build_vocabulary

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs"
EXAMPLES = Path(__file__).with_name("parsing_examples.jsonl")  # a copy of the spec file
CASES = Path(__file__).with_name("parsing_cases.jsonl")
GRADED = (
    "intent",
    "commodity",
    "variety",
    "quantity",
    "unit",
    "price",
    "price_unit",
    "station",
    "parameters",
    "payment",
    "payment_days",
    "delivery_days",
    "certificates",
)


@cache
def demo_vocabulary() -> Vocabulary:
    return build_vocabulary(
        commodities=[
            CommodityTerms(
                name=body["name"],
                rate_unit=body["rate_unit"],
                aliases=body.get("aliases", []),
                parameters=[p["name"] for p in body.get("parameters", [])],
                varieties=[(v["name"], v["aliases"]) for v in body.get("varieties", [])],
            )
            for body in COMMODITIES
        ],
        stations=[name for name, _state, _region in STATIONS],
        certificates=CERTIFICATES,
    )


def parsed(text: str) -> dict[str, Any]:
    return parse(text, demo_vocabulary()).as_dict()


def graded(result: dict[str, Any]) -> dict[str, Any]:
    return {key: result[key] for key in GRADED}


def load_cases(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("//")]


def differences(expected: dict[str, Any], got: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Graded fields that differ, as (expected, got); numbers compare by value (4.0 == 4)."""
    return {
        key: (expected[key], got[key])
        for key in GRADED
        if key in expected and expected[key] != got[key]
    }
