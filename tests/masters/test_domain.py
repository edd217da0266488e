"""Pure masters rules: match keys, spec bounds, decimal inputs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from tradehub.kit.decimals import MoneyIn, RateIn
from tradehub.masters.domain import match_key, plain, spec_errors

rate = TypeAdapter(RateIn)
money_in = TypeAdapter(MoneyIn)


@given(st.text(alphabet="abcdefgHIJK0123456789", min_size=1), st.lists(st.sampled_from(" -_.")))
def test_separators_and_case_never_change_the_key(word: str, separators: list[str]) -> None:
    noisy = "".join(c + (separators[i] if i < len(separators) else "") for i, c in enumerate(word))
    assert match_key(noisy.upper()) == match_key(word) == word.casefold()


@given(st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False))
def test_plain_keeps_the_value(value: Decimal) -> None:
    text = plain(value)
    assert Decimal(text) == value
    assert "E" not in text.upper()
    assert rate.validate_python(text) == value


@pytest.mark.parametrize(
    "bad",
    [
        "",
        " 1",
        "1.",
        ".5",
        "NaN",
        "Infinity",
        "1e2",
        "1E2",
        "-1",
        "1.23456",
        True,
        None,
        [1],
        1e-7,
        float("nan"),
    ],
)
def test_rates_refuse_everything_but_plain_decimals(bad: object) -> None:
    with pytest.raises(ValidationError):
        rate.validate_python(bad)


def test_numbers_and_strings_are_both_accepted() -> None:
    assert rate.validate_python(2.5) == Decimal("2.5")
    assert rate.validate_python(18) == Decimal("18")
    assert rate.validate_python("0.0001") == Decimal("0.0001")
    assert money_in.validate_python("55500.00") == Decimal("55500.00")
    with pytest.raises(ValidationError):
        money_in.validate_python("1.005")


def test_spec_errors() -> None:
    bounds = {"mic": (Decimal("3"), Decimal("5.5"))}
    assert spec_errors({"mic": {"min": Decimal("3"), "max": Decimal("5.5")}}, bounds) == []
    assert spec_errors({"mic": {"min": None, "max": Decimal("6")}}, bounds)[0][0] == ["mic", "max"]
    assert spec_errors({"rd": {"min": Decimal("1"), "max": None}}, bounds)[0][2] == "unknown"
