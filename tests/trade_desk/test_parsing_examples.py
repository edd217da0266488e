"""The parser against the spec's examples and against our own chat messages, field by field.

``parsing_examples.jsonl`` is a copy of the spec's ``parsing-examples.jsonl`` (checked against
it when the spec folder is there); ``parsing_cases.jsonl`` holds broker chat written for these
tests (Hinglish, typos, any order, several lines) with the answer each field should get.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.trade_desk.parsing_helpers import (
    CASES,
    EXAMPLES,
    GRADED,
    SPECS,
    differences,
    load_cases,
    parsed,
)
from tradehub.trade_desk.parse_schemas import ParseResponse

SPEC_EXAMPLES = SPECS / "parsing-examples.jsonl"


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [case["text"][:60] for case in cases]


EXAMPLE_CASES = load_cases(EXAMPLES)
OWN_CASES = load_cases(CASES)


def test_the_examples_are_the_specs() -> None:
    assert len(EXAMPLE_CASES) == 30
    if SPEC_EXAMPLES.exists():  # the spec folder sits next to the repository in development
        assert Path(EXAMPLES).read_text("utf-8") == SPEC_EXAMPLES.read_text("utf-8")


@pytest.mark.parametrize("case", EXAMPLE_CASES, ids=_ids(EXAMPLE_CASES))
def test_every_spec_example_is_parsed_exactly(case: dict[str, Any]) -> None:
    got = parsed(case["text"])
    assert set(case["expected"]) == set(GRADED)
    assert differences(case["expected"], got) == {}


def test_our_cases_are_many_and_graded_in_full() -> None:
    assert len(OWN_CASES) >= 80
    assert len({case["text"] for case in OWN_CASES}) == len(OWN_CASES)
    for case in OWN_CASES:
        assert set(case["expected"]) == set(GRADED), case["text"]


@pytest.mark.parametrize("case", OWN_CASES, ids=_ids(OWN_CASES))
def test_every_chat_case_is_parsed_exactly(case: dict[str, Any]) -> None:
    assert differences(case["expected"], parsed(case["text"])) == {}


@pytest.mark.parametrize("case", EXAMPLE_CASES + OWN_CASES, ids=_ids(EXAMPLE_CASES + OWN_CASES))
def test_every_answer_has_the_contract_shape(case: dict[str, Any]) -> None:
    got = parsed(case["text"])
    assert list(got) == [*GRADED, "confidence", "unparsed"]
    ParseResponse.model_validate(got)
    for key in ("quantity", "price"):  # whole numbers are integers: 55500, not 55500.0
        value = got[key]
        assert value is None or isinstance(value, int) == (value == int(value)), key
