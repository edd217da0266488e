"""Recording events in the caller's transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.requests import Request

from tests.probe import Probe
from tradehub.audit import repository, service
from tradehub.audit.dependencies import actor_from_request
from tradehub.audit.domain import GENESIS_HASH, REDACTED, AuditActor, chain_hash, diff
from tradehub.audit.models import AuditEvent
from tradehub.auth.principal import Principal
from tradehub.kit.db import create_sessionmaker, session_scope

ACTOR = AuditActor(
    user_id=uuid.UUID(int=42), label="asha@example.com", ip="203.0.113.7", request_id="req-1"
)


async def _stored(session: AsyncSession, event_id: uuid.UUID) -> dict[str, Any]:
    row = (
        await session.execute(select(*repository.VERIFY_COLUMNS).where(AuditEvent.id == event_id))
    ).one()
    return dict(row._mapping)


async def test_record_stores_who_what_when_where_and_the_changes(db: AsyncSession) -> None:
    partner_id = uuid.uuid4()
    before = datetime.now(UTC)
    event = await service.record(
        db,
        actor=ACTOR,
        action="approve",
        entity_type="partner",
        entity_id=partner_id,
        changes={"status": {"old": "pending_approval", "new": "active"}},
        reason="documents checked",
    )
    stored = await _stored(db, event.id)
    assert stored["actor_id"] == ACTOR.user_id
    assert stored["actor_label"] == "asha@example.com"
    assert stored["ip"] == "203.0.113.7"
    assert stored["request_id"] == "req-1"
    assert (stored["entity_type"], stored["entity_id"]) == ("partner", str(partner_id))
    assert stored["action"] == "approve"
    assert stored["changes"] == {"status": {"old": "pending_approval", "new": "active"}}
    assert stored["reason"] == "documents checked"
    assert stored["occurred_at"].tzinfo is not None
    assert before <= stored["occurred_at"] <= datetime.now(UTC) + timedelta(seconds=1)
    # What the service returned is what the database holds, and it hashes to its own hash.
    assert stored == {name: getattr(event, name) for name in stored}
    assert chain_hash(stored["prev_hash"], stored) == stored["hash"]


async def test_each_event_links_to_the_previous_and_moves_the_head(db: AsyncSession) -> None:
    head_seq, head_hash = await repository.read_head(db)
    first = await service.record(
        db, actor=ACTOR, action="create", entity_type="contract", entity_id="c-1"
    )
    second = await service.record(
        db, actor=ACTOR, action="submit", entity_type="contract", entity_id="c-1"
    )
    assert (first.seq, first.prev_hash) == (head_seq + 1, head_hash)
    assert (second.seq, second.prev_hash) == (first.seq + 1, first.hash)
    assert await repository.read_head(db) == (second.seq, second.hash)
    if head_seq == 0:
        assert head_hash == GENESIS_HASH


async def test_without_an_actor_the_system_did_it(db: AsyncSession) -> None:
    event = await service.record(
        db, actor=None, action="expire", entity_type="offer", entity_id=None
    )
    stored = await _stored(db, event.id)
    assert (stored["actor_id"], stored["actor_label"], stored["ip"]) == (None, "system", None)
    assert stored["entity_id"] is None and stored["changes"] == {}


async def test_a_savepoint_rolled_back_takes_its_event_and_head_move_with_it(
    db: AsyncSession,
) -> None:
    head = await repository.read_head(db)
    savepoint = await db.begin_nested()
    event = await service.record(
        db, actor=ACTOR, action="create", entity_type="user", entity_id="u"
    )
    await savepoint.rollback()
    assert await db.get(AuditEvent, event.id) is None
    assert await repository.read_head(db) == head


async def test_a_failed_transaction_leaves_no_event(engine: AsyncEngine) -> None:
    """Real transactions: the business change fails after recording, so the event is gone too."""
    maker = create_sessionmaker(engine)
    async with session_scope(maker, writes=False) as session:
        head = await repository.read_head(session)
    entity_id = f"rolled-back-{uuid.uuid4()}"

    async def failing_use_case() -> None:
        async with session_scope(maker) as session:
            await service.record(
                session, actor=ACTOR, action="create", entity_type="contract", entity_id=entity_id
            )
            raise RuntimeError("business rule broke")

    with pytest.raises(RuntimeError, match="business rule broke"):
        await failing_use_case()
    async with session_scope(maker, writes=False) as session:
        count = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.entity_id == entity_id)
        )
        assert count == 0
        assert await repository.read_head(session) == head


async def test_secrets_passed_in_changes_are_redacted(db: AsyncSession) -> None:
    event = await service.record(
        db,
        actor=ACTOR,
        action="password_changed",
        entity_type="user",
        entity_id="u-1",
        changes={"password_hash": {"old": "$argon2id$old", "new": "$argon2id$new"}},
    )
    stored = await _stored(db, event.id)
    assert stored["changes"] == {"password_hash": {"old": REDACTED, "new": REDACTED}}


@pytest.mark.parametrize(
    ("action", "entity_type", "changes", "entity_id"),
    [
        ("Approve", "partner", None, "x"),
        ("approve", "Partner", None, "x"),
        ("approve", "partner", {"status": "active"}, "x"),
        ("approve", "partner", None, "x" * 101),
        ("approve", "partner", None, ""),
    ],
)
async def test_bad_input_is_refused_before_anything_is_written(
    db: AsyncSession, action: str, entity_type: str, changes: Any, entity_id: str
) -> None:
    head = await repository.read_head(db)
    with pytest.raises(ValueError):
        await service.record(
            db,
            actor=ACTOR,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            changes=changes,
        )
    assert await repository.read_head(db) == head


async def test_snapshot_and_diff_give_the_changed_columns_of_an_entity(db: AsyncSession) -> None:
    probe = Probe(name="bale lot", amount=Decimal("1.00"), weight=Decimal("170.000"))
    db.add(probe)
    await db.flush()
    before = service.snapshot(probe)
    assert set(before) == {"id", "name", "amount", "weight"}  # no created_at/updated_at/version
    probe.amount = Decimal("2.50")
    probe.weight = Decimal("170.0")  # same value, other scale: not a change
    await db.flush()
    changes = diff(before, service.snapshot(probe))
    assert changes == {"amount": {"old": "1.00", "new": "2.50"}}
    event = await service.record(
        db, actor=ACTOR, action="update", entity_type="probe", entity_id=probe.id, changes=changes
    )
    assert (await _stored(db, event.id))["changes"] == changes


def _request(client: tuple[str, int] | None, request_id: str | None) -> Request:
    scope: dict[str, Any] = {"type": "http", "headers": [], "client": client, "state": {}}
    if request_id is not None:
        scope["state"]["request_id"] = request_id
    return Request(scope)


def test_actor_from_request_takes_the_address_request_id_and_principal() -> None:
    principal = Principal(
        user_id=uuid.UUID(int=9),
        email="ravi@example.com",
        name="Ravi",
        session_id=uuid.uuid4(),
        roles=frozenset({"admin"}),
        permissions=frozenset(),
        partner_id=None,
        branch_ids=frozenset(),
        must_change_password=False,
    )
    actor = actor_from_request(_request(("198.51.100.4", 5555), "abc"), principal)
    assert actor == AuditActor(
        user_id=uuid.UUID(int=9), label="ravi@example.com", ip="198.51.100.4", request_id="abc"
    )
    anonymous = actor_from_request(_request(None, None))
    assert anonymous == AuditActor(user_id=None, label="anonymous", ip=None, request_id=None)


async def test_the_database_refuses_update_and_delete(db: AsyncSession, dialect: str) -> None:
    event = await service.record(
        db, actor=ACTOR, action="create", entity_type="user", entity_id="u"
    )
    statements = [
        "UPDATE audit_events SET reason = 'forged' WHERE seq = :seq",
        "DELETE FROM audit_events WHERE seq = :seq",
    ]
    if dialect == "postgresql":
        statements.append("TRUNCATE audit_events")
    for statement in statements:
        savepoint = await db.begin_nested()
        with pytest.raises(DBAPIError, match="audit events are append-only"):
            await db.execute(text(statement), {"seq": event.seq})
        await savepoint.rollback()
    assert (await _stored(db, event.id))["reason"] is None
