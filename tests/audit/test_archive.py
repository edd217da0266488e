"""The monthly audit archive: complete months copied to the file store with a manifest,
each month once, nothing deleted, and copies that expose any difference from the database."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import time_machine
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.archive import archive_complete_months, months_between, verify_archives
from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.audit.models import AuditArchive, AuditEvent
from tradehub.audit.service import record
from tradehub.jobs.catalog import application_registry
from tradehub.jobs.domain import Monthly
from tradehub.kit.storage import LocalStorage

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def _events_in(db: AsyncSession, when: datetime, count: int) -> None:
    with time_machine.travel(when, tick=False):
        for index in range(count):
            await record(
                db,
                actor=SYSTEM_ACTOR,
                action="update",
                entity_type="station",
                entity_id=f"archive-test-{index}",
                changes={"name": {"old": "a", "new": "b"}},
            )
    await db.flush()


def test_months_between_stops_before_the_current_month() -> None:
    first = datetime(2025, 11, 30, tzinfo=UTC)
    assert months_between(first, datetime(2026, 2, 1, tzinfo=UTC)) == [
        (2025, 11), (2025, 12), (2026, 1),
    ]  # fmt: skip
    assert months_between(NOW, NOW) == []


async def test_complete_months_are_copied_once_and_nothing_is_deleted(
    db: AsyncSession, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path)
    await _events_in(db, datetime(2019, 3, 10, 9, tzinfo=UTC), 3)
    await _events_in(db, datetime(2019, 4, 30, 23, 59, tzinfo=UTC), 1)
    before = await db.scalar(select(func.count()).select_from(AuditEvent))

    archives = {a.month: a for a in await archive_complete_months(db, storage, now=NOW)}

    march = archives["2019-03"]
    assert march.event_count == 3 and archives["2019-04"].event_count == 1
    lines = gzip.decompress((tmp_path / march.storage_key).read_bytes()).splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["seq"] for r in records] == list(range(march.first_seq, march.last_seq + 1))
    assert records[-1]["hash"] == march.last_hash
    stored = await db.scalar(select(AuditEvent.hash).where(AuditEvent.seq == march.last_seq))
    assert stored == march.last_hash
    assert await db.scalar(select(func.count()).select_from(AuditEvent)) == before
    again = await archive_complete_months(db, storage, now=NOW)
    assert not {"2019-03", "2019-04"} & {a.month for a in again}
    months = select(func.count()).where(AuditArchive.month.in_(["2019-03", "2019-04"]))
    assert await db.scalar(months) == 2


async def test_verify_notices_an_archive_that_no_longer_matches(
    db: AsyncSession, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path)
    await _events_in(db, datetime(2019, 6, 1, tzinfo=UTC), 2)
    await archive_complete_months(db, storage, now=NOW)
    assert [p for p in await verify_archives(db, storage) if p.month == "2019-06"] == []
    june = await db.scalar(select(AuditArchive).where(AuditArchive.month == "2019-06"))
    assert june is not None
    path = tmp_path / june.storage_key
    forged = gzip.decompress(path.read_bytes()).replace(b'"b"', b'"c"')
    path.write_bytes(gzip.compress(forged))
    problems = [p for p in await verify_archives(db, storage) if p.month == "2019-06"]
    assert [p.problem for p in problems] == ["the archive file's checksum differs"]


def test_the_job_is_registered_monthly() -> None:
    job = application_registry().jobs["audit_archive"]
    assert isinstance(job.schedule, Monthly)
