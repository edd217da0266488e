"""Pure rules of the masters: variety match keys, quality specs within bounds, rendering."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

_SEPARATORS = re.compile(r"[\s\-_.]+")


def match_key(text: str) -> str:
    """``S-6``, ``s6`` and ``Shankar 6`` style spellings compare equal by this key."""
    return _SEPARATORS.sub("", text).casefold()


def plain(value: Decimal) -> str:
    """A rate or percentage without trailing zeros: ``5``, ``2.5``."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def spec_errors(
    specs: Mapping[str, Mapping[str, Decimal | None]],
    bounds: Mapping[str, tuple[Decimal, Decimal]],
) -> list[tuple[list[str], str, str]]:
    """(loc below quality_specs, message, code) for each spec outside its parameter's bounds."""
    errors: list[tuple[list[str], str, str]] = []
    for param, spec in specs.items():
        if param not in bounds:
            errors.append(([param], f"{param} is not a parameter of this commodity", "unknown"))
            continue
        low, high = bounds[param]
        for end in ("min", "max"):
            value = spec.get(end)
            if value is not None and not low <= value <= high:
                errors.append(
                    (
                        [param, end],
                        f"{param} {end} {plain(value)} is outside {plain(low)}..{plain(high)}",
                        "out_of_bounds",
                    )
                )
    return errors


def stored_specs(specs: Mapping[str, Mapping[str, Decimal | None]]) -> dict[str, Any]:
    return {
        param: {end: None if spec.get(end) is None else plain(spec[end]) for end in ("min", "max")}  # type: ignore[arg-type]
        for param, spec in sorted(specs.items())
    }


def loaded_specs(stored: Mapping[str, Any]) -> dict[str, dict[str, Decimal | None]]:
    return {
        param: {
            end: None if spec.get(end) is None else Decimal(spec[end]) for end in ("min", "max")
        }
        for param, spec in stored.items()
    }
