"""POST /imports/stations and /imports/partners: multipart upload, all rows or none, problems
by row and column, limits on size and type."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.conftest import scalar
from tests.imports.helpers import PARTNER_HEADER, STATION_HEADER, Keys, csv_bytes, xlsx_bytes
from tradehub.audit.models import AuditEvent
from tradehub.imports import router as import_router

STATIONS = "/api/v1/imports/stations"
PARTNERS = "/api/v1/imports/partners"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(content: bytes, name: str = "rows.csv", kind: str = "text/csv") -> dict[str, object]:
    return {"files": {"file": (name, content, kind)}}


@pytest.fixture
async def manager(sign_in: SignIn) -> dict[str, str]:
    return (await sign_in(roles=["manager"])).headers


async def count(db: AsyncSession, table: str) -> int:
    return int(await scalar(db, f"SELECT count(*) FROM {table}"))  # noqa: S608 - fixed names


async def test_stations_from_a_csv(
    client: httpx.AsyncClient, db: AsyncSession, manager: dict[str, str]
) -> None:
    keys = Keys()
    before = await count(db, "stations")
    content = csv_bytes(("NAME", " State Code", "Region "), keys.stations(40), bom=True)
    response = await client.post(STATIONS, headers=manager, **upload(content))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["entity_type"] == "station" and body["rows"] == body["imported"] == 40
    assert body["errors"] == [] and body["dry_run"] is False and len(body["file_sha256"]) == 64
    assert await count(db, "stations") == before + 40
    listed = await client.get(
        "/api/v1/stations", params={"q": f"town {keys.tag}-3"}, headers=manager
    )
    assert listed.json()["total"] == 11  # -3 and -30 … -39


async def test_partners_from_an_xlsx_with_the_importers_name_in_the_audit(
    client: httpx.AsyncClient, db: AsyncSession, sign_in: SignIn
) -> None:
    signed = await sign_in(roles=["manager"])
    keys = Keys()
    content = xlsx_bytes(PARTNER_HEADER, keys.partners(30))
    response = await client.post(
        PARTNERS, headers=signed.headers, **upload(content, "partners.xlsx", XLSX_TYPE)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["imported"] == 30 and body["first_code"].startswith("BP-")
    listed = await client.get(
        "/api/v1/partners", params={"q": keys.pan(4), "status": "draft"}, headers=signed.headers
    )
    [partner] = listed.json()["items"]
    assert partner["branches"][0]["is_head_office"]
    event = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "import", AuditEvent.actor_id == signed.user.id
        )
    )
    assert event is not None and event.entity_type == "partner"
    assert event.changes["file_name"]["new"] == "partners.xlsx"


async def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_imported(
    client: httpx.AsyncClient, db: AsyncSession, manager: dict[str, str]
) -> None:
    keys = Keys()
    rows = keys.partners(100)
    rows[10][1] = "wizard"
    rows[60][4] = rows[59][4]
    before = await count(db, "partners")
    response = await client.post(
        PARTNERS, headers=manager, **upload(csv_bytes(PARTNER_HEADER, rows))
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "import.rows_invalid"
    assert problem["error_count"] == 2 and problem["errors_omitted"] == 0 and problem["rows"] == 100
    assert [(e["row"], e["column"]) for e in problem["errors"]] == [(12, "kind"), (62, "email")]
    assert problem["errors"][1]["msg"] == f"The e-mail {rows[59][4]} is also on row 61"
    assert "nothing was imported" in problem["detail"]
    assert await count(db, "partners") == before


async def test_the_list_of_problems_is_capped_and_says_how_many_more(
    client: httpx.AsyncClient, manager: dict[str, str]
) -> None:
    rows = [[f"Town {n}", "99", ""] for n in range(1200)]
    response = await client.post(
        STATIONS, headers=manager, **upload(csv_bytes(STATION_HEADER, rows))
    )
    assert response.status_code == 422
    problem = response.json()
    assert len(problem["errors"]) == import_router.MAX_LISTED_ERRORS == 1000
    assert problem["error_count"] == 1200 and problem["errors_omitted"] == 200
    assert problem["errors"][-1]["row"] == 1001


async def test_a_dry_run_answers_without_writing(
    client: httpx.AsyncClient, db: AsyncSession, manager: dict[str, str]
) -> None:
    keys = Keys()
    before = await count(db, "stations")
    response = await client.post(
        STATIONS,
        params={"dry_run": "true"},
        headers=manager,
        **upload(csv_bytes(STATION_HEADER, keys.stations(5))),
    )
    assert response.status_code == 200, response.text
    assert response.json()["dry_run"] is True and response.json()["imported"] == 0
    assert await count(db, "stations") == before


async def test_the_type_comes_from_the_content_not_the_name(
    client: httpx.AsyncClient, manager: dict[str, str]
) -> None:
    keys = Keys()
    as_xlsx = upload(csv_bytes(STATION_HEADER, keys.stations(2)), "stations.xlsx", XLSX_TYPE)
    assert (await client.post(STATIONS, headers=manager, **as_xlsx)).status_code == 200
    png = upload(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "stations.csv")
    refused = await client.post(STATIONS, headers=manager, **png)
    assert refused.status_code == 415 and refused.json()["code"] == "import.unsupported_file"
    latin1 = upload("name,state_code\nBéed,27\n".encode("latin-1"))
    refused = await client.post(STATIONS, headers=manager, **latin1)
    assert refused.status_code == 415 and "UTF-8" in refused.json()["detail"]
    broken = upload(b"PK\x03\x04 not a workbook", "x.xlsx", XLSX_TYPE)
    refused = await client.post(STATIONS, headers=manager, **broken)
    assert refused.status_code == 422 and refused.json()["code"] == "import.unreadable_file"


async def test_the_body_must_be_multipart_with_the_file(
    client: httpx.AsyncClient, manager: dict[str, str]
) -> None:
    refused = await client.post(STATIONS, headers=manager, json={"name": "Akola"})
    assert refused.status_code == 415 and refused.json()["code"] == "import.not_multipart"
    missing = await client.post(
        STATIONS, headers=manager, data={"other": "x"}, files={"x": ("a", b"b")}
    )
    assert missing.status_code == 422 and missing.json()["code"] == "import.invalid_upload"


async def test_a_file_past_the_limit_is_413(
    client: httpx.AsyncClient, manager: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_router, "MAX_UPLOAD_BYTES", 1000)
    keys = Keys()
    content = csv_bytes(STATION_HEADER, keys.stations(100))
    assert len(content) > 1000
    refused = await client.post(STATIONS, headers=manager, **upload(content))
    assert refused.status_code == 413 and refused.json()["code"] == "import.too_large"


async def test_only_callers_with_partner_import_may_import(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    sales = (await sign_in(roles=["sales"])).headers
    keys = Keys()
    refused = await client.post(
        PARTNERS, headers=sales, **upload(csv_bytes(PARTNER_HEADER, keys.partners(1)))
    )
    assert refused.status_code == 403 and refused.json()["code"] == "auth.forbidden"
