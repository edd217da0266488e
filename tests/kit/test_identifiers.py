"""PAN, GSTIN, mobile, IFSC and PIN validators (security-reliability: Input and API)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.in_ import gstin as stdnum_gstin

from tradehub.kit.errors import Unprocessable
from tradehub.kit.identifiers import (
    GST_STATE_CODES,
    field_checked,
    gstin_check_character,
    normalise_mobile,
    validate_gstin,
    validate_ifsc,
    validate_mobile,
    validate_pan,
    validate_pin,
    validate_state_code,
)

ALPHABET = string.ascii_uppercase + string.digits
HOLDER_TYPES = "ABCFGHJLPTK"

VALID_GSTINS = ["27AAPFU0939F1ZV"]  # python-stdnum's documented sample
VALID_PANS = ["AAPFU0939F", "ABCPE1234F", "AAACR5055K"]


def make_gstin(state: str, pan: str, entity: str = "1") -> str:
    first = f"{state}{pan}{entity}Z"
    return first + gstin_check_character(first)


pans = st.builds(
    lambda a, t, b, digits, last: a + t + b + digits + last,
    st.text(string.ascii_uppercase, min_size=3, max_size=3),
    st.sampled_from(HOLDER_TYPES),
    st.sampled_from(string.ascii_uppercase),
    st.integers(1, 9999).map(lambda n: f"{n:04d}"),
    st.sampled_from(string.ascii_uppercase),
)
gstins = st.builds(
    make_gstin,
    st.sampled_from(sorted(GST_STATE_CODES)),
    pans,
    st.sampled_from("123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
)


@pytest.mark.parametrize("gstin", VALID_GSTINS)
def test_real_gstins_are_accepted(gstin: str) -> None:
    assert validate_gstin(gstin) == gstin
    assert validate_gstin(f"  {gstin.lower()} ") == gstin


@pytest.mark.parametrize("pan", VALID_PANS)
def test_valid_pans_are_accepted_and_normalised(pan: str) -> None:
    assert validate_pan(pan) == pan
    assert validate_pan(f" {pan.lower()}") == pan


@given(gstins)
def test_generated_gstins_are_valid_and_agree_with_stdnum(gstin: str) -> None:
    assert validate_gstin(gstin, pan=gstin[2:12], state_code=gstin[:2]) == gstin
    if gstin[:2] <= "37":  # python-stdnum's state list stops before Ladakh (38) and 97
        assert stdnum_gstin.is_valid(gstin)


def test_validate_state_code() -> None:
    assert validate_state_code(" 27") == "27"
    with pytest.raises(ValueError):
        validate_state_code("25")


@given(gstins, st.integers(0, 14), st.sampled_from(ALPHABET))
def test_every_one_character_mutation_of_a_gstin_is_rejected(
    gstin: str, position: int, replacement: str
) -> None:
    if gstin[position] == replacement:
        replacement = ALPHABET[(ALPHABET.index(replacement) + 1) % len(ALPHABET)]
    mutated = gstin[:position] + replacement + gstin[position + 1 :]
    with pytest.raises(ValueError):
        validate_gstin(mutated)


def test_every_single_substitution_of_one_gstin_is_rejected_exhaustively() -> None:
    gstin = VALID_GSTINS[0]
    for position in range(15):
        for replacement in ALPHABET:
            if replacement == gstin[position]:
                continue
            mutated = gstin[:position] + replacement + gstin[position + 1 :]
            with pytest.raises(ValueError):
                validate_gstin(mutated)


@given(pans, st.integers(0, 9), st.sampled_from(ALPHABET))
def test_a_pan_mutation_is_rejected_unless_it_is_another_well_formed_pan(
    pan: str, position: int, replacement: str
) -> None:
    """A PAN has no public check character: changing a letter to another letter (or a digit to
    another digit) gives a different, well-formed PAN. Every other mutation is rejected, and a
    GSTIN carrying a mutated PAN is always rejected (its check character covers the PAN)."""
    if pan[position] == replacement:
        replacement = ALPHABET[(ALPHABET.index(replacement) + 1) % len(ALPHABET)]
    mutated = pan[:position] + replacement + pan[position + 1 :]
    same_class = replacement.isdigit() == pan[position].isdigit()
    well_formed = (
        same_class and (position != 3 or replacement in HOLDER_TYPES) and mutated[5:9] != "0000"
    )
    if well_formed:
        assert validate_pan(mutated) == mutated
    else:
        with pytest.raises(ValueError):
            validate_pan(mutated)
    gstin = make_gstin("27", pan)
    with pytest.raises(ValueError):
        validate_gstin(gstin[:2] + mutated + gstin[12:])


@given(gstins, pans)
def test_gstin_characters_3_to_12_must_equal_the_given_pan(gstin: str, other: str) -> None:
    assert validate_gstin(gstin, pan=gstin[2:12]) == gstin
    if other != gstin[2:12]:
        with pytest.raises(ValueError, match="PAN"):
            validate_gstin(gstin, pan=other)


@given(gstins, st.sampled_from(sorted(GST_STATE_CODES)))
def test_gstin_state_must_equal_the_given_state(gstin: str, state: str) -> None:
    if state == gstin[:2]:
        assert validate_gstin(gstin, state_code=state) == gstin
    else:
        with pytest.raises(ValueError, match="state"):
            validate_gstin(gstin, state_code=state)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("27AAPFU0939F1Z", "15 characters"),
        ("2AAAPFU0939F1ZV", "state code, a PAN"),
        ("25AAPFU0939F1ZV", "state code in use"),
        ("99AAPFU0939F1ZV", "state code in use"),
        ("27AAPFU0939F0ZV", "entity number"),
        ("27AAPFU0939F1YV", "Z"),
        ("27AAPFU0939F1ZW", "check character"),
        ("27AAPXU0939F1Z" + gstin_check_character("27AAPXU0939F1Z"), "holder type"),
    ],
)
def test_bad_gstins_give_a_reason(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        validate_gstin(value)


@pytest.mark.parametrize(
    "value",
    ["AAPFU0939", "AAPFU0939FF", "AAPF00939F", "AAPFU09391", "AAPXU0939F", "AAPFU0000F", ""],
)
def test_bad_pans_are_rejected(value: str) -> None:
    with pytest.raises(ValueError):
        validate_pan(value)


def test_state_codes_include_the_2020_changes() -> None:
    assert GST_STATE_CODES["26"] == "Dadra and Nagar Haveli and Daman and Diu"
    assert GST_STATE_CODES["38"] == "Ladakh"
    assert GST_STATE_CODES["97"] == "Other Territory"
    assert "25" not in GST_STATE_CODES
    assert len(GST_STATE_CODES) == 37  # 28 states, 8 union territories, other territory


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9876543210", "+919876543210"),
        ("+91 98765 43210", "+919876543210"),
        ("919876543210", "+919876543210"),
        ("6000000000", "+916000000000"),
    ],
)
def test_mobiles_are_normalised(value: str, expected: str) -> None:
    assert validate_mobile(value) == expected
    assert normalise_mobile(value) == expected


@pytest.mark.parametrize(
    "value", ["5876543210", "987654321", "98765432101", "+1 9876543210", "abc"]
)
def test_bad_mobiles_are_rejected(value: str) -> None:
    assert normalise_mobile(value) is None
    with pytest.raises(ValueError, match="ten digits"):
        validate_mobile(value)


@given(st.sampled_from("6789"), st.text(string.digits, min_size=9, max_size=9))
def test_every_ten_digit_number_starting_6_to_9_is_a_mobile(first: str, rest: str) -> None:
    assert validate_mobile(first + rest) == f"+91{first}{rest}"


@pytest.mark.parametrize("value", ["SBIN0001234", "hdfc0abc123", "ICIC0ABCDEF"])
def test_valid_ifsc(value: str) -> None:
    assert validate_ifsc(value) == value.upper()


@pytest.mark.parametrize(
    "value", ["SBIN1001234", "SBI00001234", "SBIN000123", "SBIN00012345", "SB1N0001234"]
)
def test_bad_ifsc(value: str) -> None:
    with pytest.raises(ValueError, match="IFSC"):
        validate_ifsc(value)


@pytest.mark.parametrize("value", ["400001", "110011", "999999"])
def test_valid_pin(value: str) -> None:
    assert validate_pin(value) == value


@pytest.mark.parametrize("value", ["040001", "40001", "4000011", "40000A", ""])
def test_bad_pin(value: str) -> None:
    with pytest.raises(ValueError, match="PIN"):
        validate_pin(value)


def test_field_checked_names_the_field_in_a_422() -> None:
    assert field_checked("pan", validate_pan, "aapfu0939f") == "AAPFU0939F"
    with pytest.raises(Unprocessable) as caught:
        field_checked("gstin", validate_gstin, "27AAPFU0939F1ZW", code="partner.invalid_gstin")
    error = caught.value
    assert error.status == 422
    assert error.code == "partner.invalid_gstin"
    assert error.errors == [
        {
            "loc": ["body", "gstin"],
            "msg": "The GSTIN's check character does not match (mistyped?)",
            "type": "partner.invalid_gstin",
        }
    ]
