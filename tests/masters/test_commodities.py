"""Commodities, varieties, parameters and the variety lookup, through HTTP (api.md §4)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tests.masters.helpers import COMMODITIES, cotton
from tradehub.audit.models import AuditEvent
from tradehub.masters.service import resolve_variety


async def _create(client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any) -> Any:
    response = await client.post(COMMODITIES, json=cotton(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_answers_the_commodity_with_decimals_as_strings(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    admin = await sign_in()
    created = await client.post(COMMODITIES, json=cotton(gst_rate=2.5), headers=admin.headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["ETag"] == '"1"'
    assert body["gst_rate"] == "2.5"
    assert body["unit"] == "bales" and body["rate_unit"] == "candy"
    assert [v["name"] for v in body["varieties"]] == ["Shankar-6", "DCH-32", "MCU-5"]
    assert body["varieties"][0]["aliases"] == ["S-6", "S6", "Sankar-6"]
    assert body["varieties"][0]["quality_specs"] == {"staple_mm": {"min": "28.5", "max": "29.5"}}
    staple, _, strength, *_ = body["parameters"]
    assert staple == {
        "id": staple["id"],
        "name": "staple_mm",
        "label": "Staple length",
        "unit": "mm",
        "min": "26",
        "max": "34",
        "weight": "1",
        "is_active": True,
    }
    assert strength["weight"] == "0.8"
    fetched = await client.get(f"{COMMODITIES}/{body['id']}", headers=admin.headers)
    assert fetched.json() == body
    event = await db.scalar(
        select(AuditEvent).where(AuditEvent.entity_id == body["id"], AuditEvent.action == "create")
    )
    assert event is not None and event.entity_type == "commodity"


async def test_every_role_reads_but_only_admin_and_manager_write(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    partner = await sign_in(roles=["partner"])
    manager = await sign_in(roles=["manager"])
    sales = await sign_in(roles=["sales"])
    created = await _create(client, manager.headers)
    assert (
        await client.get(f"{COMMODITIES}/{created['id']}", headers=partner.headers)
    ).status_code == 200
    refused = await client.post(COMMODITIES, json=cotton(), headers=sales.headers)
    assert refused.status_code == 403


async def test_names_are_unique_case_insensitively(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    admin = await sign_in()
    await _create(client, admin.headers, name="Kapas X")
    again = await client.post(COMMODITIES, json=cotton(name="kapas x"), headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "master.name_taken"


@pytest.mark.parametrize(
    ("overrides", "loc_tail"),
    [
        ({"gst_rate": ""}, ["gst_rate"]),
        ({"gst_rate": "NaN"}, ["gst_rate"]),
        ({"gst_rate": "Infinity"}, ["gst_rate"]),
        ({"gst_rate": "1e1"}, ["gst_rate"]),
        ({"gst_rate": "5.12345"}, ["gst_rate"]),
        ({"gst_rate": "-5"}, ["gst_rate"]),
        ({"gst_rate": True}, ["gst_rate"]),
        ({"hsn_code": "52A1"}, ["hsn_code"]),
        ({"unit": "bag"}, ["unit"]),
        ({"rate_unit": "pound"}, ["rate_unit"]),
        ({"colour": "white"}, ["colour"]),
    ],
)
async def test_malformed_bodies_are_422(
    client: httpx.AsyncClient, sign_in: SignIn, overrides: dict[str, Any], loc_tail: list[str]
) -> None:
    admin = await sign_in()
    response = await client.post(COMMODITIES, json=cotton(**overrides), headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation.invalid"
    assert any(e["loc"][-len(loc_tail) :] == loc_tail for e in response.json()["errors"])


async def test_parameter_rules(client: httpx.AsyncClient, sign_in: SignIn) -> None:
    admin = await sign_in()
    body = cotton()
    body["parameters"][1].update(min="5.5", max="3.0")
    inverted = await client.post(COMMODITIES, json=body, headers=admin.headers)
    assert inverted.status_code == 422
    assert inverted.json()["errors"][0]["loc"][:3] == ["body", "parameters", 1]
    body = cotton()
    body["parameters"][0]["weight"] = "-1"
    assert (await client.post(COMMODITIES, json=body, headers=admin.headers)).status_code == 422
    body = cotton()
    body["parameters"].append(dict(body["parameters"][0]))
    twice = await client.post(COMMODITIES, json=body, headers=admin.headers)
    assert twice.status_code == 422
    assert twice.json()["code"] == "parameter.duplicate"
    assert twice.json()["errors"][0]["loc"] == ["body", "parameters", 5, "name"]


@pytest.mark.parametrize("alias", ["S6", "s-6", "dch 32", "Shankar 6"])
async def test_an_alias_names_one_variety_only(
    client: httpx.AsyncClient, sign_in: SignIn, alias: str
) -> None:
    admin = await sign_in()
    body = cotton()
    body["varieties"][2]["aliases"] = ["MCU5", alias]
    response = await client.post(COMMODITIES, json=body, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "variety.alias_taken"
    assert response.json()["errors"][0]["loc"] == ["body", "varieties", 2, "aliases", 1]


async def test_variety_names_collide_with_aliases_too(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    admin = await sign_in()
    body = cotton()
    body["varieties"][2]["name"] = "DCH32"
    response = await client.post(COMMODITIES, json=body, headers=admin.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "varieties", 2, "name"]


@pytest.mark.parametrize(
    ("specs", "code", "loc"),
    [
        (
            {"staple_mm": {"min": "25", "max": "29"}},
            "variety.spec_out_of_bounds",
            ["staple_mm", "min"],
        ),
        ({"mic": {"min": "3.5", "max": "5.6"}}, "variety.spec_out_of_bounds", ["mic", "max"]),
        ({"rd": {"min": "70"}}, "variety.spec_unknown", ["rd"]),
    ],
)
async def test_default_quality_specs_stay_within_parameter_bounds(
    client: httpx.AsyncClient, sign_in: SignIn, specs: Any, code: str, loc: list[str]
) -> None:
    admin = await sign_in()
    body = cotton()
    body["varieties"][1]["quality_specs"] = specs
    response = await client.post(COMMODITIES, json=body, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert response.json()["errors"][0]["loc"] == ["body", "varieties", 1, "quality_specs", *loc]


async def test_spec_min_above_max_is_422(client: httpx.AsyncClient, sign_in: SignIn) -> None:
    admin = await sign_in()
    body = cotton()
    body["varieties"][1]["quality_specs"] = {"mic": {"min": "4.5", "max": "3.5"}}
    response = await client.post(COMMODITIES, json=body, headers=admin.headers)
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S-6", "Shankar-6"),
        ("s6", "Shankar-6"),
        ("Shankar 6", "Shankar-6"),
        ("shankar6", "Shankar-6"),
        ("SANKAR-6", "Shankar-6"),
        ("dch 32", "DCH-32"),
        ("MCU-5", "MCU-5"),
        ("mcu5", "MCU-5"),
        ("Bunny", None),
        ("", None),
        ("--", None),
    ],
)
async def test_resolve_variety(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession, text: str, expected: str | None
) -> None:
    admin = await sign_in()
    created = await _create(client, admin.headers)
    variety = await resolve_variety(db, uuid.UUID(created["id"]), text)
    assert (variety.name if variety else None) == expected


async def test_patch_honours_if_match_and_audits(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    admin = await sign_in()
    created = await _create(client, admin.headers)
    url = f"{COMMODITIES}/{created['id']}"
    changed = await client.patch(
        url,
        json={"gst_rate": "12", "hsn_code": "52010000"},
        headers={**admin.headers, "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["gst_rate"] == "12" and changed.json()["version"] == 2
    assert changed.headers["ETag"] == '"2"'
    stale = await client.patch(
        url, json={"gst_rate": "5"}, headers={**admin.headers, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "version.conflict"
    event = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_id == created["id"], AuditEvent.action == "update"
        )
    )
    assert event is not None
    assert event.changes["gst_rate"] == {"old": "5.0000", "new": "12"} or event.changes["gst_rate"][
        "new"
    ] in ("12", "12.0000")


async def test_rename_to_a_taken_name_is_409(client: httpx.AsyncClient, sign_in: SignIn) -> None:
    admin = await sign_in()
    first = await _create(client, admin.headers)
    second = await _create(client, admin.headers)
    response = await client.patch(
        f"{COMMODITIES}/{second['id']}", json={"name": first["name"].upper()}, headers=admin.headers
    )
    assert response.status_code == 409


async def test_soft_delete(client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession) -> None:
    admin = await sign_in()
    created = await _create(client, admin.headers)
    url = f"{COMMODITIES}/{created['id']}"
    assert (
        await client.delete(url, headers={**admin.headers, "If-Match": '"9"'})
    ).status_code == 412
    assert (await client.delete(url, headers=admin.headers)).status_code == 204
    assert (await resolve_variety(db, uuid.UUID(created["id"]), "S6")) is None
    assert (await client.get(url, headers=admin.headers)).status_code == 404
    listed = await client.get(COMMODITIES, params={"limit": 200}, headers=admin.headers)
    assert created["id"] not in [c["id"] for c in listed.json()["items"]]
    again = await client.post(COMMODITIES, json=cotton(name=created["name"]), headers=admin.headers)
    assert again.status_code == 409
    event = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_id == created["id"], AuditEvent.action == "delete"
        )
    )
    assert event is not None


async def test_varieties_are_added_changed_and_deactivated(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    admin = await sign_in()
    created = await _create(client, admin.headers)
    cid = created["id"]
    url = f"{COMMODITIES}/{cid}/varieties"
    added = await client.post(
        url,
        json={"name": "Bunny", "aliases": ["bunny bt"]},
        headers={**admin.headers, "If-Match": '"1"'},
    )
    assert added.status_code == 201, added.text
    assert added.headers["ETag"] == '"2"'
    assert (await resolve_variety(db, uuid.UUID(cid), "BunnyBT")) is not None
    clash = await client.post(url, json={"name": "J-34", "aliases": ["s 6"]}, headers=admin.headers)
    assert clash.status_code == 422
    assert clash.json()["errors"][0]["loc"] == ["body", "aliases", 0]
    stale = await client.post(
        url, json={"name": "J-34"}, headers={**admin.headers, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    shankar = created["varieties"][0]["id"]
    renamed = await client.patch(
        f"{url}/{shankar}",
        json={
            "aliases": ["S6", "S-6", "s6"],
            "quality_specs": {"mic": {"min": "3.6", "max": "4.2"}},
        },
        headers=admin.headers,
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["aliases"] == ["S6", "S-6"]
    assert renamed.json()["quality_specs"] == {"mic": {"min": "3.6", "max": "4.2"}}
    assert (await resolve_variety(db, uuid.UUID(cid), "Sankar-6")) is None
    assert (await resolve_variety(db, uuid.UUID(cid), "s-6")) is not None
    bad = await client.patch(
        f"{url}/{shankar}", json={"quality_specs": {"mic": {"min": "2"}}}, headers=admin.headers
    )
    assert bad.status_code == 422 and bad.json()["code"] == "variety.spec_out_of_bounds"
    off = await client.patch(f"{url}/{shankar}", json={"is_active": False}, headers=admin.headers)
    assert off.json()["is_active"] is False
    assert (await resolve_variety(db, uuid.UUID(cid), "S6")) is None
    missing = await client.patch(
        f"{url}/{uuid.uuid4()}", json={"is_active": False}, headers=admin.headers
    )
    assert missing.status_code == 404
    whole = (await client.get(f"{COMMODITIES}/{cid}", headers=admin.headers)).json()
    assert [v["name"] for v in whole["varieties"]] == ["Shankar-6", "DCH-32", "MCU-5", "Bunny"]
    assert whole["version"] == 4


async def test_parameters_are_added_and_changed_within_variety_specs(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    admin = await sign_in()
    created = await _create(client, admin.headers)
    url = f"{COMMODITIES}/{created['id']}/parameters"
    added = await client.post(
        url,
        json={"name": "rd", "label": "Reflectance", "min": "60", "max": "85", "weight": "0"},
        headers=admin.headers,
    )
    assert added.status_code == 201, added.text
    assert added.json()["weight"] == "0"
    dup = await client.post(
        url, json={"name": "rd", "label": "x", "min": "1", "max": "2"}, headers=admin.headers
    )
    assert dup.status_code == 422 and dup.json()["code"] == "parameter.duplicate"
    staple = created["parameters"][0]["id"]
    narrowed = await client.patch(f"{url}/{staple}", json={"max": "29"}, headers=admin.headers)
    assert narrowed.status_code == 422
    assert narrowed.json()["code"] == "parameter.bounds_exclude_spec"
    inverted = await client.patch(f"{url}/{staple}", json={"min": "40"}, headers=admin.headers)
    assert inverted.status_code == 422
    fine = await client.patch(
        f"{url}/{staple}", json={"max": "32", "weight": "0.9"}, headers=admin.headers
    )
    assert fine.status_code == 200
    assert fine.json()["max"] == "32" and fine.json()["weight"] == "0.9"


async def test_list_pages_filters_and_bounds_its_queries(
    client: httpx.AsyncClient, sign_in: SignIn, query_counter: QueryCounter
) -> None:
    admin = await sign_in()
    for name in ["Zeta Fibre", "Alpha Fibre", "Mid Fibre"]:
        await _create(client, admin.headers, name=name)
    listed = await client.get(COMMODITIES, params={"q": "alpha"}, headers=admin.headers)
    assert [c["name"] for c in listed.json()["items"]] == ["Alpha Fibre"]
    query_counter.reset()
    page = await client.get(
        COMMODITIES, params={"limit": 1, "sort": "-name"}, headers=admin.headers
    )
    small = query_counter.count
    assert page.json()["limit"] == 1 and len(page.json()["items"]) == 1
    assert page.json()["total"] >= 3
    query_counter.reset()
    await client.get(COMMODITIES, params={"limit": 200}, headers=admin.headers)
    assert query_counter.count == small
    bad = await client.get(COMMODITIES, params={"sort": "colour"}, headers=admin.headers)
    assert bad.status_code == 422
