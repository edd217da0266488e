"""Partner versions through HTTP: the list (newest first), one revision, the record as of an
instant (a date is the end of that day in India) and the comparison of two revisions; plus
property tests of the pure rules behind them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.organization.helpers import make_gstin
from tests.partner.helpers import PARTNERS, active_partner, create_partner
from tradehub.partner.domain import as_of_instant, compare_snapshots
from tradehub.partner.models import PartnerVersion

Headers = dict[str, str]


@pytest.fixture
async def sales(sign_in: SignIn) -> Headers:
    return (await sign_in(roles=["sales"])).headers


@pytest.fixture
async def manager(sign_in: SignIn) -> Headers:
    return (await sign_in(roles=["manager"])).headers


async def _change(
    client: httpx.AsyncClient,
    maker: Headers,
    checker: Headers,
    partner: dict[str, Any],
    **body: Any,
) -> dict[str, Any]:
    """Raise a change request and have it approved: the partner's next version."""
    raised = await client.post(
        f"{PARTNERS}/{partner['id']}/change-requests",
        json={"reason": "Updated documents", **body},
        headers=maker,
    )
    assert raised.status_code == 201, raised.text
    approved = await client.post(
        f"/api/v1/partner-change-requests/{raised.json()['id']}/approve", headers=checker
    )
    assert approved.status_code == 200, approved.text
    result: dict[str, Any] = raised.json()
    return result


@pytest.fixture
async def changed(
    client: httpx.AsyncClient, sales: Headers, manager: Headers
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A partner at revision 2: renamed, a branch added as head office, Rajkot's address set."""
    partner = await active_partner(client, sales, manager)
    [rajkot] = partner["branches"]
    request = await _change(
        client,
        sales,
        manager,
        partner,
        changes={"legal_name": "Renamed Cotton LLP"},
        branches={
            "add": [
                {
                    "name": "Akola",
                    "gstin": make_gstin("27", partner["pan"], "2"),
                    "state_code": "27",
                    "is_head_office": True,
                }
            ],
            "update": [{"id": rajkot["id"], "address": "Gondal Road"}],
        },
    )
    return partner, request


def _versions(partner: dict[str, Any]) -> str:
    return f"{PARTNERS}/{partner['id']}/versions"


def _as_of(partner: dict[str, Any]) -> str:
    return f"{PARTNERS}/{partner['id']}/as-of"


async def test_versions_are_listed_newest_first(
    client: httpx.AsyncClient, sales: Headers, changed: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    partner, request = changed
    response = await client.get(_versions(partner), headers=sales)
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 2 and page["page"] == 1
    newest, first = page["items"]
    assert [newest["revision"], first["revision"]] == [2, 1]
    assert first["reason"] == "onboarding" and first["change_request_id"] is None
    assert newest["change_request_id"] == request["id"]
    assert first["valid_to"] == newest["valid_from"] and newest["valid_to"] is None
    assert first["snapshot"]["legal_name"] == partner["legal_name"]
    assert newest["snapshot"]["legal_name"] == "Renamed Cotton LLP"
    assert [b["name"] for b in newest["snapshot"]["branches"]] == ["Akola", "Rajkot"]
    oldest_first = await client.get(_versions(partner), params={"sort": "revision"}, headers=sales)
    assert [v["revision"] for v in oldest_first.json()["items"]] == [1, 2]
    bad_sort = await client.get(_versions(partner), params={"sort": "x"}, headers=sales)
    assert bad_sort.status_code == 422
    assert (
        await client.get(_versions(partner), params={"limit": 1, "page": 3}, headers=sales)
    ).json()["items"] == []


async def test_one_revision(
    client: httpx.AsyncClient, sales: Headers, changed: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    partner, _ = changed
    first = await client.get(f"{_versions(partner)}/1", headers=sales)
    assert first.status_code == 200 and first.json()["revision"] == 1
    missing = await client.get(f"{_versions(partner)}/9", headers=sales)
    assert missing.status_code == 404
    assert missing.json()["code"] == "partner.version_not_found"
    assert (await client.get(f"{_versions(partner)}/0", headers=sales)).status_code == 422


async def test_a_draft_has_no_versions(client: httpx.AsyncClient, sales: Headers) -> None:
    draft = await create_partner(client, sales)
    listed = await client.get(_versions(draft), headers=sales)
    assert listed.json() == {"items": [], "total": 0, "page": 1, "limit": 50}
    response = await client.get(_as_of(draft), params={"at": "2099-01-01"}, headers=sales)
    assert response.status_code == 404
    assert response.json()["code"] == "partner.no_version_at"


# The first version from 1 April 2026 10:00 IST; the second from 16 June 2026 00:30 IST,
# which is still 15 June in UTC: a date means India's day, not UTC's.
V1_FROM = datetime(2026, 4, 1, 4, 30, tzinfo=UTC)
V2_FROM = datetime(2026, 6, 15, 19, 0, tzinfo=UTC)


@pytest.fixture
async def dated(db: AsyncSession, changed: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    partner, _ = changed
    partner_id = uuid.UUID(partner["id"])
    for revision, valid_from, valid_to in ((1, V1_FROM, V2_FROM), (2, V2_FROM, None)):
        await db.execute(
            update(PartnerVersion)
            .where(PartnerVersion.partner_id == partner_id, PartnerVersion.revision == revision)
            .values(valid_from=valid_from, valid_to=valid_to)
        )
    return partner


@pytest.mark.parametrize(
    ("at", "revision"),
    [
        ("2026-04-01", 1),
        ("2026-06-15", 1),
        ("2026-06-16", 2),
        ("2026-04-01T04:30:00Z", 1),
        ("2026-06-15T18:59:59.999999Z", 1),
        ("2026-06-15T19:00:00Z", 2),
        ("2026-06-16T00:29:59+05:30", 1),
        ("2026-06-16T00:30:00+05:30", 2),
        ("2099-12-31", 2),
    ],
)
async def test_the_record_as_of_an_instant(
    client: httpx.AsyncClient, sales: Headers, dated: dict[str, Any], at: str, revision: int
) -> None:
    response = await client.get(_as_of(dated), params={"at": at}, headers=sales)
    assert response.status_code == 200, response.text
    assert response.json()["revision"] == revision


@pytest.mark.parametrize("at", ["2026-03-31", "2026-04-01T04:29:59Z"])
async def test_before_the_first_approval_there_is_no_record(
    client: httpx.AsyncClient, sales: Headers, dated: dict[str, Any], at: str
) -> None:
    response = await client.get(_as_of(dated), params={"at": at}, headers=sales)
    assert response.status_code == 404
    assert response.json()["code"] == "partner.no_version_at"


@pytest.mark.parametrize("at", ["yesterday", "2026-13-01", "2026-06-15T10:00:00", "15/06/2026"])
async def test_an_unreadable_instant_is_a_422(
    client: httpx.AsyncClient, sales: Headers, dated: dict[str, Any], at: str
) -> None:
    response = await client.get(_as_of(dated), params={"at": at}, headers=sales)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "at"]
    assert (await client.get(_as_of(dated), headers=sales)).status_code == 422


async def test_compare_two_revisions(
    client: httpx.AsyncClient, sales: Headers, changed: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    partner, _ = changed
    [rajkot] = partner["branches"]
    url = f"{_versions(partner)}/compare"
    response = await client.get(url, params={"from": 1, "to": 2}, headers=sales)
    assert response.status_code == 200, response.text
    compared = response.json()
    assert compared["from_version"]["revision"] == 1 and compared["to_version"]["revision"] == 2
    assert compared["fields"] == {
        "legal_name": {"old": partner["legal_name"], "new": "Renamed Cotton LLP"}
    }
    [akola] = compared["branches"]["added"]
    assert akola["name"] == "Akola" and akola["is_head_office"] and akola["id"]
    assert compared["branches"]["removed"] == []
    assert compared["branches"]["changed"] == [
        {
            "id": rajkot["id"],
            "name": "Rajkot",
            "changes": {
                "address": {"old": None, "new": "Gondal Road"},
                "is_head_office": {"old": True, "new": False},
            },
        }
    ]
    backwards = (await client.get(url, params={"from": 2, "to": 1}, headers=sales)).json()
    assert backwards["branches"]["removed"] == [akola] and backwards["branches"]["added"] == []
    assert backwards["fields"]["legal_name"]["new"] == partner["legal_name"]
    same = (await client.get(url, params={"from": 2, "to": 2}, headers=sales)).json()
    assert same["fields"] == {} and same["branches"] == {"added": [], "removed": [], "changed": []}
    missing = await client.get(url, params={"from": 1, "to": 7}, headers=sales)
    assert missing.status_code == 404 and missing.json()["code"] == "partner.version_not_found"
    assert (await client.get(url, params={"from": 1}, headers=sales)).status_code == 422


async def test_a_portal_user_sees_only_its_partners_history(
    client: httpx.AsyncClient,
    sales: Headers,
    manager: Headers,
    sign_in: SignIn,
    changed: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    own, _ = changed
    other = await active_partner(client, sales, manager)
    portal = (await sign_in(roles=["partner"], partner_id=uuid.UUID(own["id"]))).headers
    assert (await client.get(_versions(own), headers=portal)).json()["total"] == 2
    today = date.today().isoformat()
    for url, params in (
        (_versions(other), {}),
        (f"{_versions(other)}/1", {}),
        (f"{_versions(other)}/compare", {"from": 1, "to": 1}),
        (_as_of(other), {"at": today}),
    ):
        response = await client.get(url, params=params, headers=portal)
        assert response.status_code == 404, url
        assert response.json()["code"] == "partner.not_found"


# --- pure rules ------------------------------------------------------------------------------

_values = st.one_of(st.none(), st.text(max_size=5), st.booleans())
_fields = st.dictionaries(st.sampled_from(["legal_name", "gstin", "email", "mobile"]), _values)
_branch = st.fixed_dictionaries(
    {"name": st.text(min_size=1, max_size=5), "gstin": _values, "is_head_office": st.booleans()}
)
_branches = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), _branch).map(
    lambda by_id: [{"id": key, **value} for key, value in by_id.items()]
)
_snapshots = st.builds(
    lambda fields, branches: {**fields, "branches": branches}, _fields, _branches
)


@given(_snapshots, _snapshots)
def test_comparison_names_exactly_what_differs(old: dict[str, Any], new: dict[str, Any]) -> None:
    compared = compare_snapshots(old, new)
    keys = ({*old, *new}) - {"branches"}
    assert set(compared["fields"]) == {k for k in keys if old.get(k) != new.get(k)}
    backwards = compare_snapshots(new, old)
    assert compared["branches"]["added"] == backwards["branches"]["removed"]
    assert {b["id"] for b in compared["branches"]["changed"]} == {
        b["id"] for b in backwards["branches"]["changed"]
    }
    unchanged = compare_snapshots(old, old)
    assert unchanged["fields"] == {}
    assert unchanged["branches"] == {"added": [], "removed": [], "changed": []}


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_a_date_means_the_end_of_that_day_in_india(day: date) -> None:
    instant = as_of_instant(day.isoformat())
    india = timezone(timedelta(hours=5, minutes=30))
    assert instant.astimezone(india).date() == day
    assert (instant + timedelta(microseconds=1)).astimezone(india).date() == day + timedelta(1)


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2999, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))]),
    )
)
def test_a_timestamp_means_itself(moment: datetime) -> None:
    assert as_of_instant(moment.isoformat()) == moment
