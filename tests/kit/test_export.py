"""CSV and XLSX export of every list (``?format=csv|xlsx`` or ``Accept``), read back as files."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import httpx
import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.partner.helpers import active_partner
from tradehub.api import api_routers
from tradehub.geo.models import Station
from tradehub.kit import export
from tradehub.kit.pagination import Page

STATIONS = "/api/v1/stations"
XLSX = export.XLSX_MEDIA_TYPE


def read_csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    if not text[1:].strip():
        return []
    return list(csv.DictReader(io.StringIO(text[1:])))


def read_xlsx(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.headers["content-type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:  # an empty list: nothing to name the columns after
        return []
    header = [str(cell) for cell in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


@pytest.fixture
async def admin(sign_in: SignIn) -> dict[str, str]:
    return (await sign_in(roles=["admin"])).headers


async def add_stations(db: AsyncSession, count: int) -> str:
    """``count`` stations named ``<tag>-nnnn`` in Gujarat; returns the tag."""
    tag = f"exp{uuid.uuid4().hex[:6]}"
    for number in range(count):
        name = f"{tag}-{number:04d}"
        db.add(Station(name=name, name_key=name.casefold(), state_code="24", region="Export"))
    await db.flush()
    return tag


async def json_items(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        response = await client.get(
            STATIONS, params={**params, "page": page, "limit": 200}, headers=headers
        )
        assert response.status_code == 200
        body = response.json()
        items.extend(body["items"])
        if page * 200 >= body["total"]:
            return items
        page += 1


async def test_csv_export_holds_every_page_of_the_filtered_sorted_list(
    client: httpx.AsyncClient, db: AsyncSession, admin: dict[str, str]
) -> None:
    tag = await add_stations(db, 450)
    params = {"q": tag, "sort": "-name"}
    response = await client.get(STATIONS, params={**params, "format": "csv"}, headers=admin)
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="stations-')
    rows = read_csv(response)
    expected = await json_items(client, admin, **params)
    assert len(rows) == len(expected) == 450
    assert [row["name"] for row in rows] == [item["name"] for item in expected]
    assert rows[0]["name"] == f"{tag}-0449"
    assert rows[0]["id"] == expected[0]["id"]


async def test_xlsx_export_by_accept_header_reads_back_in_a_spreadsheet(
    client: httpx.AsyncClient, db: AsyncSession, admin: dict[str, str]
) -> None:
    tag = await add_stations(db, 3)
    response = await client.get(
        STATIONS, params={"q": tag, "sort": "name"}, headers={**admin, "Accept": XLSX}
    )
    assert response.status_code == 200
    rows = read_xlsx(response)
    assert [row["name"] for row in rows] == [f"{tag}-0000", f"{tag}-0001", f"{tag}-0002"]
    assert all(row["state_code"] == "24" for row in rows)  # codes stay text


async def test_an_export_shows_only_what_the_caller_may_see(
    client: httpx.AsyncClient, sign_in: SignIn, admin: dict[str, str]
) -> None:
    sales = (await sign_in(roles=["sales"])).headers
    manager = (await sign_in(roles=["manager"])).headers
    mine = await active_partner(client, sales, manager)
    await active_partner(client, sales, manager)
    portal = (await sign_in(roles=["partner"], partner_id=uuid.UUID(mine["id"]))).headers

    staff_rows = read_csv(await client.get("/api/v1/partners?format=csv", headers=admin))
    portal_rows = read_csv(await client.get("/api/v1/partners?format=csv", headers=portal))

    assert len(staff_rows) >= 2
    assert [row["id"] for row in portal_rows] == [mine["id"]]
    assert any(key.startswith("branches") for key in portal_rows[0])


async def test_the_lists_own_errors_come_back_unchanged(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    unauthenticated = await client.get(STATIONS, params={"format": "csv"})
    bad_sort = await client.get(STATIONS, params={"format": "csv", "sort": "nope"}, headers=admin)

    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["code"] == "auth.not_authenticated"
    assert bad_sort.status_code == 422
    assert bad_sort.headers["content-type"] == "application/problem+json"


async def test_an_unknown_format_is_a_422_and_a_single_resource_a_406(
    client: httpx.AsyncClient, db: AsyncSession, admin: dict[str, str]
) -> None:
    tag = await add_stations(db, 1)
    listed = (await client.get(STATIONS, params={"q": tag}, headers=admin)).json()["items"][0]

    unknown = await client.get(STATIONS, params={"format": "pdf"}, headers=admin)
    single = await client.get(f"{STATIONS}/{listed['id']}?format=csv", headers=admin)

    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"] == ["query", "format"]
    assert single.status_code == 406
    assert single.json()["code"] == "export.not_a_list"


def list_routes() -> list[str]:
    """Every list without path parameters: ``GET`` answering a ``Page``."""
    paths = []
    for router in api_routers():
        for route in router.routes:
            if not isinstance(route, APIRoute) or "GET" not in route.methods:
                continue
            model = route.response_model
            if isinstance(model, type) and issubclass(model, Page) and "{" not in route.path:
                paths.append(route.path)
    return sorted(set(paths))


def test_the_lists_are_found() -> None:
    assert {"/contracts", "/partners", "/stations", "/invoices", "/payments"} <= set(list_routes())


@pytest.mark.parametrize("path", list_routes())
async def test_every_list_exports_as_csv_and_xlsx(
    client: httpx.AsyncClient, admin: dict[str, str], path: str
) -> None:
    json_answer = await client.get(f"/api/v1{path}", headers=admin)
    csv_answer = await client.get(f"/api/v1{path}", params={"format": "csv"}, headers=admin)
    xlsx_answer = await client.get(f"/api/v1{path}", params={"format": "xlsx"}, headers=admin)

    assert json_answer.status_code == 200, json_answer.text
    assert csv_answer.status_code == 200, csv_answer.text
    assert xlsx_answer.status_code == 200, xlsx_answer.text
    total = min(json_answer.json()["total"], export.MAX_ROWS)
    assert len(read_csv(csv_answer)) == total
    assert len(read_xlsx(xlsx_answer)) == total


def test_the_openapi_document_shows_the_export_on_lists(app: FastAPI) -> None:
    operation = app.openapi()["paths"]["/api/v1/stations"]["get"]
    names = [parameter["name"] for parameter in operation["parameters"]]
    assert "format" in names
    assert XLSX in operation["responses"]["200"]["content"]
    single = app.openapi()["paths"]["/api/v1/stations/{station_id}"]["get"]
    assert "format" not in [parameter["name"] for parameter in single.get("parameters", [])]


# --- pure parts -------------------------------------------------------------------------------


def test_nested_objects_become_dotted_columns_and_lists_json() -> None:
    row = {"id": 1, "quality": {"mic": {"min": "3.8", "max": None}}, "tags": ["a", "b"], "x": {}}
    assert export.flatten(row) == {
        "id": 1,
        "quality.mic.min": "3.8",
        "quality.mic.max": None,
        "tags": '["a","b"]',
        "x": "{}",
    }


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+91 cmd", "'+91 cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-55500.00", "-55500.00"),
        ("Shree Ginning", "Shree Ginning"),
        (None, ""),
        (True, "true"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_defused(value: object, cell: str) -> None:
    assert export.safe_text(value) == cell


def test_xlsx_keeps_formula_like_text_as_text_and_money_as_numbers() -> None:
    row = {"name": "=1+1", "amount": "55500.25", "bales": 100, "state_code": "07"}
    content = export.render([row], "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    assert sheet["A2"].value == "'=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 55500.25
    assert sheet["C2"].value == 100
    assert sheet["D2"].value == "07"


@given(st.lists(st.dictionaries(st.sampled_from("abc"), st.text(max_size=20)), max_size=20))
def test_csv_round_trips_any_text(rows: list[dict[str, str]]) -> None:
    content = export.render_csv(rows).decode("utf-8")[1:]
    back = list(csv.DictReader(io.StringIO(content)))
    columns = export.columns_of(rows)
    if not columns:
        return
    assert len(back) == len(rows)
    for original, read in zip(rows, back, strict=True):
        for column in columns:
            assert read[column] == export.safe_text(original.get(column))


def test_file_names_skip_ids() -> None:
    from datetime import date

    day = date(2026, 11, 28)
    path = f"/api/v1/partners/{uuid.uuid4()}/versions"
    assert export.file_name(path, "csv", day) == "versions-2026-11-28.csv"
    assert export.file_name("/api/v1/brokerage-bills", "xlsx", day) == (
        "brokerage-bills-2026-11-28.xlsx"
    )
