"""Indian identifiers: PAN, GSTIN, mobile, IFSC, PIN code, and GST state codes.

Each validator takes what a client typed and returns the normalised value (trimmed, upper
case, ``+91`` for mobiles) or raises ``ValueError`` with a reason fit for the client.
``field_checked`` turns that into a 422 naming the body field, so every router answers alike::

    gstin = field_checked("gstin", validate_gstin, body.gstin, pan=pan, state_code=state_code)

Pure and domain-free: organizations, partners and branches all use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.in_ import pan as stdnum_pan

from tradehub.kit.errors import Unprocessable

# GST state codes in use (CBIC list, 2020 on): 25 (Daman and Diu) merged into 26 in 2020 and
# 28 (undivided Andhra Pradesh) is not used under GST. 97 is "Other Territory".
GST_STATE_CODES: dict[str, str] = {
    "01": "Jammu and Kashmir",
    "02": "Himachal Pradesh",
    "03": "Punjab",
    "04": "Chandigarh",
    "05": "Uttarakhand",
    "06": "Haryana",
    "07": "Delhi",
    "08": "Rajasthan",
    "09": "Uttar Pradesh",
    "10": "Bihar",
    "11": "Sikkim",
    "12": "Arunachal Pradesh",
    "13": "Nagaland",
    "14": "Manipur",
    "15": "Mizoram",
    "16": "Tripura",
    "17": "Meghalaya",
    "18": "Assam",
    "19": "West Bengal",
    "20": "Jharkhand",
    "21": "Odisha",
    "22": "Chhattisgarh",
    "23": "Madhya Pradesh",
    "24": "Gujarat",
    "26": "Dadra and Nagar Haveli and Daman and Diu",
    "27": "Maharashtra",
    "29": "Karnataka",
    "30": "Goa",
    "31": "Lakshadweep",
    "32": "Kerala",
    "33": "Tamil Nadu",
    "34": "Puducherry",
    "35": "Andaman and Nicobar Islands",
    "36": "Telangana",
    "37": "Andhra Pradesh",
    "38": "Ladakh",
    "97": "Other Territory",
}

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PAN = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")
_GSTIN = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
_MOBILE = re.compile(r"^(?:\+?91)?([6-9]\d{9})$")
_IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
_PIN = re.compile(r"^[1-9][0-9]{5}$")


def _clean(value: str) -> str:
    return value.strip().upper()


def validate_pan(value: str) -> str:
    """``AAAAA9999A``: five letters (the fourth the holder type), four digits, a letter."""
    number = _clean(value)
    if len(number) != 10:
        raise ValueError("A PAN is 10 characters: five letters, four digits, a letter")
    if not _PAN.fullmatch(number):
        raise ValueError("A PAN is five letters, four digits and a letter (AAAAA9999A)")
    try:
        stdnum_pan.validate(number)
    except StdnumError:
        raise ValueError(
            "The PAN's fourth letter is not a known holder type, or its digits are 0000"
        ) from None
    return number


def gstin_check_character(first14: str) -> str:
    """The mod-36 (Luhn mod N) check character of the first 14 characters of a GSTIN."""
    return str(luhn.calc_check_digit(first14, _ALPHABET))


def validate_state_code(value: str) -> str:
    code = value.strip()
    if code not in GST_STATE_CODES:
        raise ValueError(f"{code!r} is not a GST state code in use")
    return code


def validate_gstin(value: str, *, pan: str | None = None, state_code: str | None = None) -> str:
    """15 characters: a GST state code, the holder's PAN, an entity number, ``Z`` and the
    mod-36 check character. With ``pan``/``state_code``, the GSTIN must carry exactly them."""
    number = _clean(value)
    if len(number) != 15:
        raise ValueError("A GSTIN is 15 characters")
    if not _GSTIN.fullmatch(number):
        raise ValueError(
            "A GSTIN is a two-digit state code, a PAN, an entity number (1-9, A-Z), Z and a"
            " check character"
        )
    if number[:2] not in GST_STATE_CODES:
        raise ValueError(f"{number[:2]} is not a GST state code in use")
    validate_pan(number[2:12])
    if gstin_check_character(number[:14]) != number[14]:
        raise ValueError("The GSTIN's check character does not match (mistyped?)")
    if pan is not None and number[2:12] != _clean(pan):
        raise ValueError("Characters 3-12 of the GSTIN must be the PAN")
    if state_code is not None and number[:2] != state_code.strip():
        raise ValueError("The GSTIN's first two digits must be the state code")
    return number


def normalise_mobile(mobile: str) -> str | None:
    """``+91XXXXXXXXXX`` for a valid Indian mobile number (ten digits starting 6-9, optionally
    after +91), None for anything else."""
    match = _MOBILE.fullmatch(re.sub(r"[\s-]", "", mobile))
    return f"+91{match.group(1)}" if match else None


def validate_mobile(value: str) -> str:
    normalised = normalise_mobile(value)
    if normalised is None:
        raise ValueError("A mobile number is ten digits starting 6-9, optionally after +91")
    return normalised


def validate_ifsc(value: str) -> str:
    """``AAAA0XXXXXX``: a four-letter bank code, a zero, a six-character branch code."""
    code = _clean(value)
    if not _IFSC.fullmatch(code):
        raise ValueError("An IFSC is four letters, a 0 and six letters or digits (SBIN0001234)")
    return code


def validate_pin(value: str) -> str:
    code = value.strip()
    if not _PIN.fullmatch(code):
        raise ValueError("A PIN code is six digits, not starting with 0")
    return code


def field_checked(
    field: str,
    validator: Callable[..., str],
    value: str,
    *,
    code: str = "validation.invalid",
    **options: Any,
) -> str:
    """Run ``validator``; a ``ValueError`` becomes a 422 whose ``errors`` name ``field``."""
    try:
        return validator(value, **options)
    except ValueError as error:
        raise invalid_field(field, str(error), code=code) from None


def invalid_field(field: str, message: str, *, code: str = "validation.invalid") -> Unprocessable:
    """A 422 naming one body field: ``errors: [{"loc": ["body", field], "msg", "type"}]``."""
    return Unprocessable(
        f"{field}: {message}",
        code=code,
        errors=[{"loc": ["body", field], "msg": message, "type": code}],
    )
