"""The monthly ``audit_archive``: each complete calendar month of audit events is copied, as
gzip-compressed JSON lines in ``seq`` order, to the file store (local or S3) with a manifest row.

Nothing is deleted: api.md §10 keeps audit events unchangeable and undeletable, so the archive
is a copy that anchors the chain outside the database (``verify_archives`` compares them).
Months are archived oldest first, each once (the manifest's month is unique); a month whose
copy was written but whose manifest did not commit is simply written again.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

import anyio.to_thread
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.models import AuditArchive, AuditEvent
from tradehub.audit.repository import VERIFY_COLUMNS
from tradehub.kit.storage import Storage
from tradehub.kit.types import utcnow

BATCH_SIZE = 5000
_NAMES = [column.name for column in VERIFY_COLUMNS]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def months_between(first: datetime, before: datetime) -> list[tuple[int, int]]:
    """Calendar months from ``first``'s up to, not including, ``before``'s."""
    months = []
    year, month = first.year, first.month
    while (year, month) < (before.year, before.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _line(row: Any) -> bytes:
    record = dict(zip(_NAMES, row, strict=True))
    return json.dumps(record, default=str, sort_keys=True, separators=(",", ":")).encode() + b"\n"


@dataclass
class _Spool:
    """A compressed copy being written to a temporary file, with its running facts."""

    file: IO[bytes]
    gzip: gzip.GzipFile
    first_seq: int | None = None
    last_seq: int = 0
    last_hash: str = ""
    count: int = 0

    def write(self, rows: list[Any]) -> None:
        for row in rows:
            self.gzip.write(_line(row))
        self.first_seq = self.first_seq if self.first_seq is not None else rows[0].seq
        self.last_seq, self.last_hash = rows[-1].seq, rows[-1].hash
        self.count += len(rows)

    def finish(self) -> str:
        self.gzip.close()
        self.file.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: self.file.read(1 << 16), b""):
            digest.update(chunk)
        self.file.seek(0)
        return digest.hexdigest()


async def archive_month(
    session: AsyncSession, storage: Storage, year: int, month: int
) -> AuditArchive | None:
    """Copy one month's events to the store and record the manifest; None if it had none."""
    start, end = month_bounds(year, month)
    label = f"{year:04d}-{month:02d}"
    with tempfile.TemporaryFile() as file:
        # mtime=0: the same events always give the same bytes, so the checksum is stable.
        spool = _Spool(file, gzip.GzipFile(fileobj=file, mode="wb", mtime=0))
        after = 0
        while True:
            rows = list(
                await session.execute(
                    select(*VERIFY_COLUMNS)
                    .where(
                        AuditEvent.occurred_at >= start,
                        AuditEvent.occurred_at < end,
                        AuditEvent.seq > after,
                    )
                    .order_by(AuditEvent.seq)
                    .limit(BATCH_SIZE)
                )
            )
            if not rows:
                break
            await anyio.to_thread.run_sync(spool.write, rows)
            after = rows[-1].seq
        if spool.first_seq is None:
            return None
        sha256 = await anyio.to_thread.run_sync(spool.finish)
        key = f"audit-archive/{year:04d}/{label}.jsonl.gz"
        await storage.put(key, file, content_type="application/gzip")
    archive = AuditArchive(
        month=label,
        first_seq=spool.first_seq,
        last_seq=spool.last_seq,
        event_count=spool.count,
        last_hash=spool.last_hash,
        sha256=sha256,
        storage_key=key,
        created_at=utcnow(),
    )
    session.add(archive)
    await session.flush()
    return archive


async def archive_complete_months(
    session: AsyncSession, storage: Storage, *, now: datetime
) -> list[AuditArchive]:
    """Archive every month before ``now``'s that has events and no archive yet."""
    done = set(await session.scalars(select(AuditArchive.month)))
    first = await session.scalar(select(func.min(AuditEvent.occurred_at)))
    if first is None:
        return []
    archives = []
    for year, month in months_between(first, now):
        if f"{year:04d}-{month:02d}" in done:
            continue
        archive = await archive_month(session, storage, year, month)
        if archive is not None:
            archives.append(archive)
    return archives


@dataclass(frozen=True)
class ArchiveProblem:
    month: str
    problem: str


async def _read_all(storage: Storage, key: str) -> bytes:
    return b"".join([chunk async for chunk in await storage.open(key)])


async def verify_archives(session: AsyncSession, storage: Storage) -> list[ArchiveProblem]:
    """Each archive's bytes match its checksum, and every archived event's hash matches the
    event in the database: a problem names the month and what differs."""
    problems = []
    archives = list(await session.scalars(select(AuditArchive).order_by(AuditArchive.month)))
    for archive in archives:
        data = await _read_all(storage, archive.storage_key)
        if hashlib.sha256(data).hexdigest() != archive.sha256:
            problems.append(ArchiveProblem(archive.month, "the archive file's checksum differs"))
            continue
        lines = gzip.decompress(data).splitlines()
        archived = {record["seq"]: record["hash"] for record in map(json.loads, lines)}
        rows = await session.execute(
            select(AuditEvent.seq, AuditEvent.hash).where(
                AuditEvent.seq.between(archive.first_seq, archive.last_seq)
            )
        )
        stored = {seq: hash_ for seq, hash_ in rows}
        changed = sorted(seq for seq, hash_ in archived.items() if stored.get(seq) != hash_)
        if changed:
            problems.append(
                ArchiveProblem(
                    archive.month, f"events differ from the archive from seq {changed[0]}"
                )
            )
    return problems
