"""Lists: {items,total,page,limit}, validated paging and sort, bounded query count."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import QueryCounter
from tests.probe import Probe


async def _seed(db: AsyncSession, count: int) -> list[Probe]:
    probes = [Probe(name=f"p{i:03d}", amount=Decimal(i) / 4) for i in range(count)]
    db.add_all(probes)
    await db.flush()
    return probes


async def test_list_answers_items_total_page_and_limit(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await _seed(db, 7)
    response = await client.get("/api/v1/probes", params={"limit": 3, "page": 2, "sort": "name"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "total", "page", "limit"}
    assert body["total"] == 7 and body["page"] == 2 and body["limit"] == 3
    assert [item["name"] for item in body["items"]] == ["p003", "p004", "p005"]


async def test_default_limit_is_50(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await _seed(db, 55)
    body = (await client.get("/api/v1/probes")).json()
    assert body["limit"] == 50 and len(body["items"]) == 50 and body["total"] == 55


async def test_descending_sort_and_pages_never_overlap(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await _seed(db, 10)
    seen: list[str] = []
    for page in (1, 2, 3, 4):
        body = (
            await client.get("/api/v1/probes", params={"limit": 3, "page": page, "sort": "-amount"})
        ).json()
        seen.extend(item["name"] for item in body["items"])
    assert seen == [f"p{i:03d}" for i in range(9, -1, -1)]


async def test_page_past_the_end_is_an_empty_200(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await _seed(db, 2)
    response = await client.get("/api/v1/probes", params={"page": 9})
    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 2, "page": 9, "limit": 50}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"limit": "many"}, "limit"),
        ({"sort": "colour"}, "sort"),
        ({"sort": "-colour"}, "sort"),
        ({"sort": "--name"}, "sort"),
    ],
)
async def test_out_of_range_paging_and_unknown_sort_are_422(
    client: httpx.AsyncClient, params: dict[str, object], field: str
) -> None:
    response = await client.get("/api/v1/probes", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation.invalid"
    assert ["query", field] in [error["loc"] for error in body["errors"]]


async def test_limit_200_is_accepted(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/probes", params={"limit": 200})).status_code == 200


@pytest.mark.parametrize("rows", [3, 120])
async def test_a_list_costs_two_queries_whatever_its_size(
    client: httpx.AsyncClient, db: AsyncSession, query_counter: QueryCounter, rows: int
) -> None:
    await _seed(db, rows)
    query_counter.reset()
    response = await client.get("/api/v1/probes", params={"limit": 100})
    assert response.status_code == 200
    assert query_counter.count == 2, query_counter.statements
