"""/states and /stations through HTTP (api.md §4)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tradehub.audit.models import AuditEvent
from tradehub.kit.identifiers import GST_STATE_CODES

STATES = "/api/v1/states"
STATIONS = "/api/v1/stations"


async def test_every_state_and_union_territory_is_seeded_with_its_gst_code(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    partner = await sign_in(roles=["partner"])  # every signed-in user reads the masters
    response = await client.get(STATES, headers=partner.headers)
    assert response.status_code == 200, response.text
    states = {s["code"]: s for s in response.json()}
    assert {code: s["name"] for code, s in states.items()} == GST_STATE_CODES
    assert sum(s["kind"] == "state" for s in states.values()) == 28
    assert sum(s["kind"] == "union_territory" for s in states.values()) == 8
    assert states["27"]["name"] == "Maharashtra"
    assert states["24"]["name"] == "Gujarat"
    assert states["38"] == {"code": "38", "name": "Ladakh", "kind": "union_territory"}
    assert "25" not in states
    assert list(states) == sorted(states)


async def test_states_need_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get(STATES)).status_code == 401


async def _station(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: object
) -> httpx.Response:
    body: dict[str, object] = {"name": "Akola", "state_code": "27", "region": "Vidarbha"}
    body.update(overrides)
    return await client.post(STATIONS, json=body, headers=headers)


async def test_manager_creates_reads_changes_and_deletes_a_station(
    client: httpx.AsyncClient, sign_in: SignIn, db: AsyncSession
) -> None:
    manager = await sign_in(roles=["manager"])
    created = await _station(client, manager.headers)
    assert created.status_code == 201, created.text
    station = created.json()
    assert station["name"] == "Akola" and station["region"] == "Vidarbha"
    assert station["is_active"] is True
    assert created.headers["ETag"] == '"1"'

    got = await client.get(f"{STATIONS}/{station['id']}", headers=manager.headers)
    assert got.status_code == 200 and got.json() == station

    stale = await client.patch(
        f"{STATIONS}/{station['id']}",
        json={"region": "West Vidarbha"},
        headers={**manager.headers, "If-Match": '"7"'},
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "version.conflict"

    changed = await client.patch(
        f"{STATIONS}/{station['id']}",
        json={"region": "West Vidarbha"},
        headers={**manager.headers, "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["region"] == "West Vidarbha"
    assert changed.headers["ETag"] == '"2"'

    deleted = await client.delete(
        f"{STATIONS}/{station['id']}", headers={**manager.headers, "If-Match": '"2"'}
    )
    assert deleted.status_code == 204
    listed = await client.get(STATIONS, params={"state_code": "27"}, headers=manager.headers)
    assert listed.json()["total"] == 0
    listed = await client.get(
        STATIONS, params={"include_inactive": "true"}, headers=manager.headers
    )
    assert [s["is_active"] for s in listed.json()["items"]] == [False]

    events = (
        await db.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "station", AuditEvent.entity_id == station["id"])
            .order_by(AuditEvent.seq)
        )
    ).all()
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert events[0].actor_id == manager.user.id
    assert events[1].changes == {"region": {"old": "Vidarbha", "new": "West Vidarbha"}}
    assert events[2].changes == {"is_active": {"old": True, "new": False}}


async def test_station_names_are_unique_per_state_ignoring_case(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    assert (await _station(client, auth_headers)).status_code == 201
    duplicate = await _station(client, auth_headers, name=" AKOLA ")
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "station.duplicate"
    # the same name in another state is another station
    assert (await _station(client, auth_headers, state_code="24")).status_code == 201


async def test_renaming_onto_an_existing_station_is_409(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    await _station(client, auth_headers)
    other = (await _station(client, auth_headers, name="Wardha")).json()
    response = await client.patch(
        f"{STATIONS}/{other['id']}", json={"name": "akola"}, headers=auth_headers
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"state_code": "25"}, "state_code"),
        ({"state_code": "99"}, "state_code"),
        ({"state_code": "Maharashtra"}, "state_code"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
    ],
)
async def test_bad_stations_are_422_naming_the_field(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    overrides: dict[str, object],
    field: str,
) -> None:
    response = await _station(client, auth_headers, **overrides)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"][:2] == ["body", field]


async def test_patch_to_an_unknown_state_is_422(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    station = (await _station(client, auth_headers)).json()
    response = await client.patch(
        f"{STATIONS}/{station['id']}", json={"state_code": "00"}, headers=auth_headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "state_code"]


async def test_unknown_station_is_404(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        response = await client.request(
            method, f"{STATIONS}/{uuid.uuid4()}", json={}, headers=auth_headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "station.not_found"


@pytest.mark.parametrize("role", ["sales", "accounts", "partner", "dispute_manager"])
async def test_only_master_writers_change_stations(
    client: httpx.AsyncClient, sign_in: SignIn, auth_headers: dict[str, str], role: str
) -> None:
    station = (await _station(client, auth_headers)).json()
    reader = await sign_in(roles=[role])
    assert (
        await client.get(f"{STATIONS}/{station['id']}", headers=reader.headers)
    ).status_code == 200
    assert (await _station(client, reader.headers, name="Nagpur")).status_code == 403
    patched = await client.patch(
        f"{STATIONS}/{station['id']}", json={"region": "x"}, headers=reader.headers
    )
    assert patched.status_code == 403
    assert (
        await client.delete(f"{STATIONS}/{station['id']}", headers=reader.headers)
    ).status_code == 403


async def test_station_list_filters_sorts_and_pages_in_bounded_queries(
    client: httpx.AsyncClient, auth_headers: dict[str, str], query_counter: QueryCounter
) -> None:
    names = [("Akola", "27", "Vidarbha"), ("Nagpur", "27", "Vidarbha"), ("Wardha", "27", None)]
    names += [("Rajkot", "24", "Saurashtra"), ("Gondal", "24", "Saurashtra")]
    for name, state, region in names:
        response = await _station(client, auth_headers, name=name, state_code=state, region=region)
        assert response.status_code == 201

    async def names_of(**params: object) -> list[str]:
        response = await client.get(STATIONS, params=params, headers=auth_headers)
        assert response.status_code == 200, response.text
        return [s["name"] for s in response.json()["items"]]

    assert await names_of(state_code="27") == ["Akola", "Nagpur", "Wardha"]
    assert await names_of(state_code="27", sort="-name") == ["Wardha", "Nagpur", "Akola"]
    assert await names_of(q="ON") == ["Gondal"]
    assert await names_of(q="a", region="Saurashtra") == ["Gondal", "Rajkot"]
    assert await names_of(limit=2, page=2) == ["Nagpur", "Rajkot"]
    assert await names_of(q="%") == []
    bad = await client.get(STATIONS, params={"sort": "region"}, headers=auth_headers)
    assert bad.status_code == 422
    bad = await client.get(STATIONS, params={"state_code": "Gujarat"}, headers=auth_headers)
    assert bad.status_code == 422

    query_counter.reset()
    response = await client.get(STATIONS, params={"limit": 200}, headers=auth_headers)
    assert response.json()["total"] == 5
    # session check and touch, count, page: never more with more stations
    assert query_counter.count <= 6, query_counter.statements
