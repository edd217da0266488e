"""``POST /api/v1/trade-desk/parse`` over HTTP: the contract (422 on empty or too long text,
200 with every key), who may call it, and the vocabulary read from the masters, reloaded when
they change."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tests.trade_desk.parsing_helpers import EXAMPLES, GRADED, differences, load_cases
from tradehub.geo.seed import seed_demo_stations
from tradehub.masters.models import Certificate
from tradehub.masters.seed import CERTIFICATES, seed_demo_masters
from tradehub.trade_desk.vocabulary import vocabulary_cache

URL = "/api/v1/trade-desk/parse"
Headers = dict[str, str]


@pytest.fixture
async def masters(db: AsyncSession) -> None:
    await seed_demo_masters(db)
    await seed_demo_stations(db)
    await db.flush()


@pytest.fixture
async def staff(sign_in: SignIn) -> Headers:
    return (await sign_in(roles=["admin"])).headers


async def parse(client: httpx.AsyncClient, headers: Headers, text: str) -> dict[str, Any]:
    response = await client.post(URL, json={"text": text}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_every_spec_example_over_http_with_the_seeded_masters(
    client: httpx.AsyncClient, masters: None, staff: Headers
) -> None:
    for case in load_cases(EXAMPLES):
        body = await parse(client, staff, case["text"])
        assert list(body) == [*GRADED, "confidence", "unparsed"]
        assert differences(case["expected"], body) == {}, case["text"]


async def test_json_numbers_are_integers_when_whole(
    client: httpx.AsyncClient, masters: None, staff: Headers
) -> None:
    response = await client.post(
        URL, json={"text": "S6 1,000 bales mic 3.8-4.0 @ 55,500 ex Rajkot"}, headers=staff
    )
    raw = response.text
    assert '"quantity":1000' in raw.replace(" ", "") and '"price":55500' in raw.replace(" ", "")
    assert '"mic":{"min":3.8,"max":4}' in raw.replace(" ", "")


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"text": ""}, ["body", "text"]),
        ({"text": "x" * 2001}, ["body", "text"]),
        ({}, ["body", "text"]),
        ({"text": None}, ["body", "text"]),
        ({"text": 55500}, ["body", "text"]),
    ],
)
async def test_text_outside_1_to_2000_characters_is_a_422_problem(
    client: httpx.AsyncClient, staff: Headers, body: dict[str, Any], loc: list[str]
) -> None:
    response = await client.post(URL, json=body, headers=staff)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 422 and problem["code"].startswith("validation")
    assert [error["loc"] for error in problem["errors"]] == [loc]


@pytest.mark.parametrize(
    "text",
    [
        "x" * 2000,
        "9" * 2000,
        "₹" * 2000,
        "S6 " * 666 + "ab",
        " ",
        "🙏" * 2000,
        "\n" * 2000,
        "1," * 1000,
        "mic " * 500,
    ],
)
async def test_any_text_up_to_2000_characters_is_a_200_with_every_key(
    client: httpx.AsyncClient, masters: None, staff: Headers, text: str
) -> None:
    assert len(text) <= 2000
    body = await parse(client, staff, text)
    assert list(body) == [*GRADED, "confidence", "unparsed"]


async def test_without_a_token_it_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post(URL, json={"text": "S6 500 bales"})
    assert response.status_code == 401
    assert response.json()["code"] == "auth.not_authenticated"


@pytest.mark.parametrize("role", ["admin", "manager", "sales", "accounts", "dispute_manager"])
async def test_every_staff_role_may_parse(
    client: httpx.AsyncClient, masters: None, sign_in: SignIn, role: str
) -> None:
    headers = (await sign_in(roles=[role])).headers
    assert (await parse(client, headers, "S6 500 bales ex Rajkot"))["station"] == "Rajkot"


async def test_a_partner_portal_user_may_parse(
    client: httpx.AsyncClient, masters: None, sign_in: SignIn
) -> None:
    headers = (await sign_in(roles=["partner"], partner_id=uuid.uuid4())).headers
    body = await parse(client, headers, "Need 500 bales S-6 @ 55,500 ex-Rajkot")
    assert (body["intent"], body["variety"], body["price"]) == ("buy", "Shankar-6", 55500)


# --- the vocabulary comes from the masters -----------------------------------------------------


async def test_without_masters_no_names_are_known(
    client: httpx.AsyncClient, staff: Headers
) -> None:
    """No commodities or stations seeded: names are unknown, the rest still parses."""
    body = await parse(client, staff, "Need 500 bales S-6 29mm @ 55,500 ex-Rajkot BCI")
    assert (body["variety"], body["station"], body["commodity"]) == (None, None, None)
    assert (body["intent"], body["quantity"], body["price"]) == ("buy", 500, 55500)
    assert body["parameters"] == {"staple_mm": {"min": 29, "max": 29}}
    assert body["certificates"] == ["BCI"]  # certificates are seeded by their migration


async def test_the_certificates_master_is_seeded_with_the_canonical_names(
    db: AsyncSession,
) -> None:
    rows = (await db.execute(select(Certificate.name, Certificate.aliases))).all()
    assert sorted((name, list(aliases)) for name, aliases in rows) == sorted(
        (name, list(aliases)) for name, aliases in CERTIFICATES
    )


async def test_a_new_station_is_recognised_at_once(
    client: httpx.AsyncClient, masters: None, staff: Headers
) -> None:
    text = "S6 500 bales ex Dhrol @ 55,500"
    assert (await parse(client, staff, text))["station"] is None
    created = await client.post(
        "/api/v1/stations",
        json={"name": "Dhrol", "state_code": "24", "region": "Saurashtra"},
        headers=staff,
    )
    assert created.status_code == 201, created.text
    assert (await parse(client, staff, text))["station"] == "Dhrol"
    assert (await parse(client, staff, "S6 500 bales ex Dhroll"))["station"] == "Dhrol"

    deleted = await client.delete(f"/api/v1/stations/{created.json()['id']}", headers=staff)
    assert deleted.status_code == 204
    assert (await parse(client, staff, text))["station"] is None


async def _cotton(client: httpx.AsyncClient, headers: Headers) -> dict[str, Any]:
    found = await client.get("/api/v1/commodities?q=cotton", headers=headers)
    cotton = next(c for c in found.json()["items"] if c["name"] == "Cotton")
    assert isinstance(cotton, dict)
    return cotton


async def test_a_new_variety_alias_is_recognised_at_once(
    client: httpx.AsyncClient, masters: None, staff: Headers
) -> None:
    text = "need 500 bales Kasturi Gold 29mm ex Rajkot"
    assert (await parse(client, staff, text))["variety"] is None
    cotton = await _cotton(client, staff)
    shankar = next(v for v in cotton["varieties"] if v["name"] == "Shankar-6")
    changed = await client.patch(
        f"/api/v1/commodities/{cotton['id']}/varieties/{shankar['id']}",
        json={"aliases": [*shankar["aliases"], "Kasturi Gold"]},
        headers=staff,
    )
    assert changed.status_code == 200, changed.text
    body = await parse(client, staff, text)
    assert (body["variety"], body["commodity"]) == ("Shankar-6", "Cotton")

    added = await client.post(
        f"/api/v1/commodities/{cotton['id']}/varieties",
        json={"name": "Jayadhar", "aliases": ["JDR"]},
        headers=staff,
    )
    assert added.status_code == 201, added.text
    assert (await parse(client, staff, "JDR 100 bales"))["variety"] == "Jayadhar"


async def test_commodity_aliases_live_in_the_commodity_master(
    client: httpx.AsyncClient, masters: None, staff: Headers
) -> None:
    seed = next(
        c
        for c in (await client.get("/api/v1/commodities?q=cotton", headers=staff)).json()["items"]
        if c["name"] == "Cotton Seed"
    )
    assert "Binola" in seed["aliases"]
    assert (await parse(client, staff, "binola 20 MT"))["commodity"] == "Cotton Seed"
    assert (await parse(client, staff, "sarki 20 MT"))["commodity"] is None
    changed = await client.patch(
        f"/api/v1/commodities/{seed['id']}",
        json={"aliases": [*seed["aliases"], "Sarki"]},
        headers=staff,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["aliases"][-1] == "Sarki"
    assert (await parse(client, staff, "sarki 20 MT"))["commodity"] == "Cotton Seed"

    created = await client.post(
        "/api/v1/commodities",
        json={
            "name": "Cotton Waste",
            "hsn_code": "5202",
            "gst_rate": "5",
            "unit": "kg",
            "rate_unit": "kg",
            "aliases": ["Jhut"],
        },
        headers=staff,
    )
    assert created.status_code == 201, created.text
    body = await parse(client, staff, "jhut 5000 kg @ 40")
    assert (body["commodity"], body["price"], body["price_unit"]) == ("Cotton Waste", 40, "kg")


async def test_the_vocabulary_is_loaded_once_and_checked_with_one_query(
    client: httpx.AsyncClient, masters: None, staff: Headers, query_counter: QueryCounter
) -> None:
    vocabulary_cache.clear()
    await parse(client, staff, "S6 500 bales ex Rajkot")  # loads
    loads = [s for s in query_counter.statements if "FROM stations" in s and "count" not in s]
    assert loads
    query_counter.reset()
    for _ in range(3):
        await parse(client, staff, "S6 500 bales ex Rajkot")
    station_reads = [s for s in query_counter.statements if "stations" in s]
    assert len(station_reads) == 3  # the fingerprint, once a request; no reload
    assert all("count" in s.lower() for s in station_reads)
