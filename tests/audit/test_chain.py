"""The chain in the database: verification, tamper detection, size, and concurrent writers."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.audit.helpers import append_bulk, drop_append_only_guard
from tests.conftest import QueryCounter
from tradehub.audit import repository, service
from tradehub.audit.domain import AuditActor, chain_hash
from tradehub.audit.models import AuditEvent
from tradehub.kit.db import create_sessionmaker, session_scope

ACTOR = AuditActor(user_id=uuid.uuid4(), label="tester@example.com", ip="127.0.0.1")


async def _record_some(db: AsyncSession, count: int) -> list[AuditEvent]:
    entity_id = str(uuid.uuid4())
    return [
        await service.record(
            db,
            actor=ACTOR,
            action="update",
            entity_type="contract",
            entity_id=entity_id,
            changes={"bales": {"old": n, "new": n + 1}},
        )
        for n in range(count)
    ]


async def test_a_chain_written_by_the_service_verifies(db: AsyncSession) -> None:
    events = await _record_some(db, 5)
    result = await service.verify(db)
    assert result.ok, result.broken
    assert (result.last_seq, result.last_hash) == (events[-1].seq, events[-1].hash)
    assert result.checked == events[-1].seq


async def test_an_updated_field_is_reported_at_that_event(db: AsyncSession) -> None:
    events = await _record_some(db, 5)
    target = events[2]
    await drop_append_only_guard(db)
    await db.execute(
        text("UPDATE audit_events SET changes = :changes WHERE seq = :seq"),
        {"changes": '{"bales": {"old": 2, "new": 300}}', "seq": target.seq},
    )
    result = await service.verify(db)
    assert not result.ok
    assert result.broken is not None
    assert (result.broken.seq, result.broken.event_id) == (target.seq, str(target.id))
    assert result.broken.problem == "hash_mismatch"
    assert result.broken.found == target.hash
    assert result.checked == target.seq - 1


async def test_a_rewritten_row_with_a_recomputed_hash_breaks_the_next_link(
    db: AsyncSession,
) -> None:
    """An intruder who also recomputes the row's hash is caught where the next event points
    back at the old hash; hiding it means rewriting every later event and the head too."""
    events = await _record_some(db, 3)
    forged = {**(await _fields(db, events[1].seq)), "actor_label": "someone-else"}
    await drop_append_only_guard(db)
    await db.execute(
        text("UPDATE audit_events SET actor_label = :label, hash = :hash WHERE seq = :seq"),
        {
            "label": "someone-else",
            "hash": chain_hash(forged["prev_hash"], forged),
            "seq": events[1].seq,
        },
    )
    result = await service.verify(db)
    assert result.broken is not None
    assert (result.broken.seq, result.broken.event_id) == (events[2].seq, str(events[2].id))
    assert result.broken.problem == "prev_hash_mismatch"


async def _fields(db: AsyncSession, seq: int) -> dict[str, object]:
    row = (await db.execute(select(*repository.VERIFY_COLUMNS).where(AuditEvent.seq == seq))).one()
    return dict(row._mapping)


async def test_a_deleted_event_is_reported_at_its_position(db: AsyncSession) -> None:
    events = await _record_some(db, 4)
    await drop_append_only_guard(db)
    await db.execute(text("DELETE FROM audit_events WHERE seq = :seq"), {"seq": events[1].seq})
    result = await service.verify(db)
    assert result.broken is not None
    assert result.broken.seq == events[1].seq
    assert result.broken.problem == "missing_event"
    assert result.broken.event_id == str(events[2].id)  # the row found in its place


async def test_a_deleted_tail_is_reported_against_the_chain_head(db: AsyncSession) -> None:
    events = await _record_some(db, 3)
    await drop_append_only_guard(db)
    await db.execute(text("DELETE FROM audit_events WHERE seq >= :seq"), {"seq": events[1].seq})
    result = await service.verify(db)
    assert result.broken is not None
    assert (result.broken.seq, result.broken.event_id) == (events[1].seq, None)
    assert result.broken.problem == "missing_event"
    assert events[2].hash in result.broken.expected


async def test_five_thousand_events_verify_in_bounded_batches(
    db: AsyncSession, query_counter: QueryCounter
) -> None:
    await append_bulk(db, 5000)
    head_seq, _ = await repository.read_head(db)
    query_counter.reset()
    result = await service.verify(db, batch_size=700)
    assert result.ok, result.broken
    assert result.checked == head_seq
    walks = [s for s in query_counter.statements if "FROM audit_events" in s]
    assert all("LIMIT" in s for s in walks)  # never the whole table in memory
    # Every full batch, then either the short last one or an empty answer ends the walk.
    assert len(walks) == head_seq // 700 + 1


async def test_tampering_deep_in_a_long_chain_is_found_across_batch_boundaries(
    db: AsyncSession,
) -> None:
    await append_bulk(db, 3000)
    head_seq, _ = await repository.read_head(db)
    target_seq = head_seq - 1234
    target_id = await db.scalar(select(AuditEvent.id).where(AuditEvent.seq == target_seq))
    await drop_append_only_guard(db)
    await db.execute(
        text("UPDATE audit_events SET ip = '10.0.0.66' WHERE seq = :seq"), {"seq": target_seq}
    )
    result = await service.verify(db, batch_size=500)
    assert result.broken is not None
    assert (result.broken.seq, result.broken.event_id) == (target_seq, str(target_id))


@pytest.mark.live
async def test_concurrent_writers_keep_one_gapless_linear_chain(engine: AsyncEngine) -> None:
    """20 real transactions race to append 3 events each; every 5th fails after recording.

    The head row (locked FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite) makes each
    transaction's events consecutive; a failed transaction consumes no seq.
    """
    maker = create_sessionmaker(engine)
    run = uuid.uuid4().hex
    started = asyncio.Event()

    async def writer(number: int) -> None:
        async with session_scope(maker) as session:
            await started.wait()
            for step in range(3):
                await service.record(
                    session,
                    actor=ACTOR,
                    action="update",
                    entity_type="contract",
                    entity_id=f"{run}-{number}",
                    changes={"step": {"old": step, "new": step + 1}},
                )
                await asyncio.sleep(0.001)  # hold the lock while others queue
            if number % 5 == 4:
                raise RuntimeError("rolled back after recording")

    tasks = [asyncio.create_task(writer(n)) for n in range(20)]
    await asyncio.sleep(0.05)
    started.set()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failures) == 4
    assert all(isinstance(f, RuntimeError) for f in failures)

    async with session_scope(maker, writes=False) as session:
        rows = (
            await session.execute(
                select(AuditEvent.entity_id, AuditEvent.seq)
                .where(AuditEvent.entity_id.startswith(run))
                .order_by(AuditEvent.seq)
            )
        ).all()
        result = await service.verify(session)
    assert result.ok, result.broken
    seqs = [row.seq for row in rows]
    assert len(seqs) == 16 * 3
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # gapless: failures took no seq
    by_writer: dict[str, list[int]] = {}
    for row in rows:
        by_writer.setdefault(row.entity_id, []).append(row.seq)
    assert len(by_writer) == 16
    assert not any(number % 5 == 4 for number in (int(k.rsplit("-", 1)[1]) for k in by_writer))
    for writer_seqs in by_writer.values():  # one transaction's events are never interleaved
        assert writer_seqs == list(range(writer_seqs[0], writer_seqs[0] + 3))
