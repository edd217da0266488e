"""Organizations for tests of any module."""

from __future__ import annotations

import random
import string
from typing import Any

import httpx

from tradehub.kit.identifiers import gstin_check_character

ORGANIZATIONS = "/api/v1/organizations"


def make_pan(holder: str = "C") -> str:
    letters = "".join(random.choices(string.ascii_uppercase, k=4))
    return (
        f"{letters[:3]}{holder}{letters[3]}{random.randint(1, 9999):04d}{random.choice('ABCDEFGH')}"
    )


def make_gstin(state: str, pan: str, entity: str = "1") -> str:
    first = f"{state}{pan}{entity}Z"
    return first + gstin_check_character(first)


def organization_body(**overrides: Any) -> dict[str, Any]:
    pan = overrides.pop("pan", None) or make_pan()
    state = overrides.get("state_code", "27")
    body: dict[str, Any] = {
        "name": "RNRL Cotton Brokers",
        "code": "RN" + "".join(random.choices(string.ascii_uppercase, k=6)),
        "gstin": make_gstin(state, pan),
        "pan": pan,
        "state_code": state,
        "address": "12 Cotton Exchange, Kalbadevi, Mumbai 400002",
    }
    body.update(overrides)
    return body


async def create_organization(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        ORGANIZATIONS, json=organization_body(**overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result
