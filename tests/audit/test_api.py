"""``GET /audit-events`` (api.md §10): filters, sort, paging, one event, read-only, permission."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import MakeUser, SignIn
from tests.conftest import QueryCounter
from tradehub.audit import service
from tradehub.audit.domain import AuditActor
from tradehub.audit.models import AuditEvent

EVENTS = "/api/v1/audit-events"
T0 = datetime(2026, 11, 28, 6, 54, tzinfo=UTC)


async def _record(
    db: AsyncSession,
    *,
    entity_id: str,
    action: str = "update",
    entity_type: str = "partner",
    actor: AuditActor | None = None,
    at: datetime | None = None,
    changes: dict[str, dict[str, object]] | None = None,
) -> AuditEvent:
    with time_machine.travel(at or datetime.now(UTC), tick=False):
        return await service.record(
            db,
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            changes=changes,
            reason=f"{action} it",
        )


async def _list(
    client: httpx.AsyncClient, headers: dict[str, str], **params: object
) -> dict[str, object]:
    response = await client.get(EVENTS, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_events_of_one_entity_show_who_what_when_where_and_the_changes(
    client: httpx.AsyncClient, db: AsyncSession, auth_headers: dict[str, str]
) -> None:
    partner_id = str(uuid.uuid4())
    asha = AuditActor(
        user_id=uuid.uuid4(), label="asha@example.com", ip="203.0.113.9", request_id="r1"
    )
    created = await _record(
        db,
        entity_id=partner_id,
        action="create",
        actor=asha,
        at=T0,
        changes={"legal_name": {"old": None, "new": "Shree Cotton"}},
    )
    submitted = await _record(
        db,
        entity_id=partner_id,
        action="submit",
        actor=asha,
        at=T0 + timedelta(minutes=1),
        changes={"status": {"old": "draft", "new": "pending_approval"}},
    )
    await _record(db, entity_id=str(uuid.uuid4()))  # another partner
    await _record(db, entity_id=partner_id, entity_type="contract")  # same id, other type

    body = await _list(client, auth_headers, entity_type="partner", entity_id=partner_id)
    assert body["total"] == 2 and body["page"] == 1 and body["limit"] == 50
    items = body["items"]
    assert isinstance(items, list)
    assert [item["id"] for item in items] == [str(submitted.id), str(created.id)]  # -seq
    assert items[0] == {
        "id": str(submitted.id),
        "seq": submitted.seq,
        "occurred_at": "2026-11-28T06:55:00Z",
        "actor_id": str(asha.user_id),
        "actor_label": "asha@example.com",
        "ip": "203.0.113.9",
        "request_id": "r1",
        "entity_type": "partner",
        "entity_id": partner_id,
        "action": "submit",
        "changes": {"status": {"old": "draft", "new": "pending_approval"}},
        "reason": "submit it",
        "prev_hash": created.hash,
        "hash": submitted.hash,
    }


async def test_filters_by_actor_action_and_time_window(
    client: httpx.AsyncClient, db: AsyncSession, auth_headers: dict[str, str]
) -> None:
    entity_id = str(uuid.uuid4())
    ravi = AuditActor(user_id=uuid.uuid4(), label="ravi@example.com")
    events = [
        await _record(
            db,
            entity_id=entity_id,
            action="approve" if n % 2 else "update",
            actor=ravi if n < 3 else None,
            at=T0 + timedelta(hours=n),
        )
        for n in range(5)
    ]

    def ids(body: dict[str, object]) -> list[str]:
        return [item["id"] for item in body["items"]]  # type: ignore[attr-defined,index]

    by_actor = await _list(client, auth_headers, actor_id=str(ravi.user_id), sort="seq")
    assert ids(by_actor) == [str(e.id) for e in events[:3]]
    approvals = await _list(client, auth_headers, entity_id=entity_id, action="approve")
    assert ids(approvals) == [str(events[3].id), str(events[1].id)]
    window = await _list(
        client,
        auth_headers,
        entity_id=entity_id,
        sort="occurred_at",
        **{"from": (T0 + timedelta(hours=1)).isoformat(), "to": "2026-11-28T09:54:00Z"},
    )
    assert ids(window) == [str(events[1].id), str(events[2].id)]  # from ≤ t < to
    naive_is_utc = await _list(
        client, auth_headers, entity_id=entity_id, **{"from": "2026-11-28T10:54:00"}
    )
    assert ids(naive_is_utc) == [str(events[4].id)]


async def test_paging_and_sorting(
    client: httpx.AsyncClient, db: AsyncSession, auth_headers: dict[str, str]
) -> None:
    entity_id = str(uuid.uuid4())
    events = [await _record(db, entity_id=entity_id) for _ in range(5)]
    page2 = await _list(client, auth_headers, entity_id=entity_id, sort="seq", limit=2, page=2)
    assert page2["total"] == 5
    assert [i["seq"] for i in page2["items"]] == [events[2].seq, events[3].seq]  # type: ignore[index,union-attr]
    newest = await _list(client, auth_headers, entity_id=entity_id, sort="-occurred_at", limit=1)
    assert newest["items"][0]["id"] == str(events[-1].id)  # type: ignore[index]
    past_end = await _list(client, auth_headers, entity_id=entity_id, page=9)
    assert past_end["items"] == [] and past_end["total"] == 5


@pytest.mark.parametrize(
    "params",
    [{"sort": "hash"}, {"limit": 201}, {"page": 0}, {"actor_id": "nope"}, {"from": "yesterday"}],
)
async def test_bad_list_parameters_are_422(
    client: httpx.AsyncClient, auth_headers: dict[str, str], params: dict[str, object]
) -> None:
    response = await client.get(EVENTS, params=params, headers=auth_headers)
    assert response.status_code == 422
    assert response.json()["code"] == "validation.invalid"


async def test_one_event_by_id_and_404_for_an_unknown_one(
    client: httpx.AsyncClient, db: AsyncSession, auth_headers: dict[str, str]
) -> None:
    event = await _record(db, entity_id="p-9", changes={"gstin": {"old": None, "new": "24AAAAA"}})
    response = await client.get(f"{EVENTS}/{event.id}", headers=auth_headers)
    assert response.status_code == 200
    assert response.json()["changes"] == {"gstin": {"old": None, "new": "24AAAAA"}}
    assert response.json()["hash"] == event.hash
    missing = await client.get(f"{EVENTS}/{uuid.uuid4()}", headers=auth_headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "audit_event.not_found"


async def test_events_cannot_be_changed_or_deleted_through_the_api(
    client: httpx.AsyncClient, db: AsyncSession, auth_headers: dict[str, str], app: FastAPI
) -> None:
    event = await _record(db, entity_id="p-1")
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        for path in (EVENTS, f"{EVENTS}/{event.id}"):
            response = await client.request(method, path, headers=auth_headers, json={})
            assert response.status_code == 405, (method, path)
    operations = {
        path: set(item) for path, item in app.openapi()["paths"].items() if "audit" in path
    }
    assert operations == {EVENTS: {"get"}, f"{EVENTS}/{{event_id}}": {"get"}}
    fetched = await client.get(f"{EVENTS}/{event.id}", headers=auth_headers)
    assert fetched.json()["reason"] == "update it"


async def test_reading_the_log_needs_a_token_and_audit_read(
    client: httpx.AsyncClient, db: AsyncSession, sign_in: SignIn
) -> None:
    anonymous = await client.get(EVENTS)
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "auth.not_authenticated"
    sales = await sign_in(roles=("sales",))
    denied = await client.get(EVENTS, headers=sales.headers)
    assert denied.status_code == 403
    manager = await sign_in(roles=("manager",))
    allowed = await _list(
        client, manager.headers, action="permission_denied", actor_id=str(sales.user.id)
    )
    # The denial itself is in the log, with who tried what.
    assert allowed["total"] == 1
    denial = allowed["items"][0]  # type: ignore[index]
    assert denial["actor_label"] == sales.user.email
    assert "audit:read" in denial["reason"]


async def test_failed_logins_are_recorded_with_address_and_request_id(
    client: httpx.AsyncClient, make_user: MakeUser, auth_headers: dict[str, str]
) -> None:
    user = await make_user(roles=("sales",))
    response = await client.post(
        "/api/v1/auth/login",
        json={"email": user.email, "password": "Wrong#Pass123"},
        headers={"X-Request-ID": "login-attempt-1"},
    )
    assert response.status_code == 401
    body = await _list(client, auth_headers, entity_type="user", entity_id=str(user.id))
    failed = [item for item in body["items"] if item["action"] == "login_failed"]  # type: ignore[union-attr]
    assert len(failed) == 1
    assert failed[0]["request_id"] == "login-attempt-1"
    assert failed[0]["ip"] == "127.0.0.1"


async def test_the_list_takes_the_same_number_of_queries_for_any_length(
    client: httpx.AsyncClient,
    db: AsyncSession,
    auth_headers: dict[str, str],
    query_counter: QueryCounter,
) -> None:
    few, many = str(uuid.uuid4()), str(uuid.uuid4())
    for _ in range(3):
        await _record(db, entity_id=few)
    for _ in range(40):
        await _record(db, entity_id=many)
    await _list(client, auth_headers, entity_id=few)  # warm up: the session's first touch
    counts = []
    for entity_id in (few, many):
        query_counter.reset()
        body = await _list(client, auth_headers, entity_id=entity_id)
        assert body["total"] in (3, 40)
        counts.append(query_counter.count)
    assert counts[0] == counts[1]
    list_queries = [s for s in query_counter.statements if "audit_events" in s]
    assert len(list_queries) == 2  # one COUNT, one page
