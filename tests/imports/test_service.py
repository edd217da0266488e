"""Imports against the database: all rows or none, duplicates against what exists, partner
codes continuing create_partner's sequence, one audit event per import, bounded queries."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import MakeUser
from tests.conftest import QueryCounter, scalar
from tests.imports.helpers import PARTNER_HEADER, STATION_HEADER, Keys, csv_bytes, xlsx_bytes
from tests.organization.helpers import make_gstin
from tests.partner.helpers import partner_body
from tradehub.audit.domain import SYSTEM_ACTOR, AuditActor
from tradehub.audit.models import AuditEvent
from tradehub.geo.models import Station
from tradehub.imports import service
from tradehub.imports.errors import ImportConflict, UnreadableImport, UnsupportedImport
from tradehub.kit.types import utcnow
from tradehub.partner.models import Partner, PartnerBranch
from tradehub.partner.schemas import PartnerCreate
from tradehub.partner.service import create_partner


async def counts(db: AsyncSession) -> dict[str, int]:
    return {
        table: await scalar(db, f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
        for table in ("stations", "partners", "partner_branches", "audit_events")
    }


async def import_stations(db: AsyncSession, content: bytes, **options: Any) -> service.ImportResult:
    return await service.import_stations(
        db, SYSTEM_ACTOR, io.BytesIO(content), file_name="stations.csv", **options
    )


async def import_partners(
    db: AsyncSession, content: bytes, actor: AuditActor = SYSTEM_ACTOR, **options: Any
) -> service.ImportResult:
    return await service.import_partners(
        db, actor, io.BytesIO(content), file_name="partners.csv", **options
    )


async def last_seq(db: AsyncSession) -> int:
    return int(await scalar(db, "SELECT coalesce(max(seq), 0) FROM audit_events"))


async def import_events(db: AsyncSession, after_seq: int) -> list[AuditEvent]:
    """Import events of this test: live tests elsewhere leave theirs (the log is append-only)."""
    return list(
        await db.scalars(
            select(AuditEvent).where(AuditEvent.action == "import", AuditEvent.seq > after_seq)
        )
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_stations_are_imported_with_one_audit_event(db: AsyncSession, kind: str) -> None:
    keys = Keys()
    rows = keys.stations(300)
    content = (csv_bytes if kind == "csv" else xlsx_bytes)(("Name", "State Code", "Region"), rows)
    before, seq = await counts(db), await last_seq(db)
    result = await import_stations(db, content)
    assert result.ok and result.rows == result.imported == 300
    after = await counts(db)
    assert after["stations"] - before["stations"] == 300
    assert after["audit_events"] - before["audit_events"] == 1
    station = await db.scalar(select(Station).where(Station.name == rows[17][0]))
    assert station is not None
    assert (station.name_key, station.state_code, station.region, station.is_active) == (
        rows[17][0].casefold(),
        "27",
        "Vidarbha",
        True,
    )
    [event] = await import_events(db, seq)
    assert event.entity_type == "station" and event.entity_id is None
    assert event.changes["count"]["new"] == 300
    assert (
        event.changes["file_sha256"]["new"] == result.file_sha256 and len(result.file_sha256) == 64
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_partners_are_imported_as_drafts_with_their_head_office(
    db: AsyncSession, make_user: MakeUser, kind: str
) -> None:
    keys = Keys()
    user = await make_user(roles=["admin"])
    actor = AuditActor(user_id=user.id, label=user.email)
    rows = keys.partners(250)
    content = (csv_bytes if kind == "csv" else xlsx_bytes)(PARTNER_HEADER, rows)
    before, seq = await counts(db), await last_seq(db)
    result = await import_partners(db, content, actor)
    assert result.ok and result.imported == 250, result.errors[:3]
    after = await counts(db)
    assert after["partners"] - before["partners"] == 250
    assert after["partner_branches"] - before["partner_branches"] == 250
    partner = await db.scalar(select(Partner).where(Partner.pan == keys.pan(3)))
    assert partner is not None
    assert partner.status == "draft" and partner.revision == 0 and partner.version == 1
    assert partner.created_by_id == user.id
    assert partner.email == rows[3][4] and partner.mobile == "+919825012345"
    [branch] = await db.scalars(select(PartnerBranch).where(PartnerBranch.partner_id == partner.id))
    assert (branch.name, branch.is_head_office, branch.state_code) == ("Head office", True, "24")
    assert branch.gstin == partner.gstin
    [event] = await import_events(db, seq)
    assert event.entity_type == "partner" and event.actor_id == user.id
    assert event.changes["codes"]["new"] == f"{result.first_code}..{result.last_code}"


async def test_a_bad_row_in_the_middle_of_a_thousand_imports_nothing(db: AsyncSession) -> None:
    keys = Keys()
    partners = keys.partners(1001)
    partners[500][2] = "ABCDE1234"  # nine characters
    stations = keys.stations(1001)
    stations[500][1] = "99"
    before = await counts(db)
    partner_result = await import_partners(db, csv_bytes(PARTNER_HEADER, partners))
    station_result = await import_stations(db, csv_bytes(STATION_HEADER, stations))
    assert await counts(db) == before
    assert partner_result.imported == station_result.imported == 0
    assert partner_result.rows == station_result.rows == 1001
    assert [(e.row, e.column) for e in partner_result.errors] == [(502, "pan"), (502, "gstin")]
    assert [(e.row, e.column, e.msg) for e in station_result.errors] == [
        (502, "state_code", "'99' is not a known state code")
    ]


async def test_stations_already_there_are_reported_by_row(db: AsyncSession) -> None:
    keys = Keys()
    now = utcnow()
    for index, active in ((1, True), (3, False)):
        name = keys.station(index)[0]
        db.add(
            Station(
                name=name.upper(),
                name_key=name.upper().casefold(),
                state_code="27",
                is_active=active,
                created_at=now,
                updated_at=now,
            )
        )
    await db.flush()
    before = await counts(db)
    result = await import_stations(db, csv_bytes(STATION_HEADER, keys.stations(5)))
    assert await counts(db) == before
    assert [(e.row, e.column, e.msg) for e in result.errors] == [
        (3, "name", "A station with this name exists in that state"),
        (
            5,
            "name",
            "A station with this name exists in that state (inactive: reactivate it instead)",
        ),
    ]


async def test_partners_already_there_are_reported_as_post_partners_would(
    db: AsyncSession,
) -> None:
    keys = Keys()
    existing = PartnerCreate.model_validate(
        partner_body(pan=keys.pan(0), email=f"taken-{keys.tag}@example.in", branches=[])
    )
    partner = await create_partner(db, SYSTEM_ACTOR, existing)
    other_state_gstin = make_gstin("27", keys.pan(9))
    db.add(
        PartnerBranch(partner_id=partner.id, name="Akola", gstin=other_state_gstin, state_code="27")
    )
    await db.flush()
    rows = keys.partners(4)
    rows[1][4] = f"Taken-{keys.tag}@example.in"  # the e-mail, in other capitals
    rows[2] = keys.partner(9, state="27")  # a GSTIN a branch of the existing partner has
    before = await counts(db)
    result = await import_partners(db, csv_bytes(PARTNER_HEADER, rows))
    assert await counts(db) == before
    assert [(e.row, e.column, e.msg) for e in result.errors] == [
        (2, "pan", "A partner with this PAN exists"),
        (2, "gstin", f"The GSTIN {rows[0][3]} belongs to another partner"),
        (3, "email", "A partner with this e-mail exists"),
        (4, "gstin", f"The GSTIN {other_state_gstin} belongs to another partner's branch"),
    ]


async def test_codes_continue_the_sequence_of_create_partner(db: AsyncSession) -> None:
    keys = Keys()
    first = await create_partner(
        db, SYSTEM_ACTOR, PartnerCreate.model_validate(partner_body(branches=[]))
    )
    prefix, number = first.code.rsplit("-", 1)
    result = await import_partners(db, csv_bytes(PARTNER_HEADER, keys.partners(3)))
    assert result.first_code == f"{prefix}-{int(number) + 1:05d}"
    assert result.last_code == f"{prefix}-{int(number) + 3:05d}"
    codes = set(await db.scalars(select(Partner.code).where(Partner.pan.like(f"{keys.prefix}%"))))
    assert codes == {f"{prefix}-{int(number) + n:05d}" for n in (1, 2, 3)}
    after = await create_partner(
        db, SYSTEM_ACTOR, PartnerCreate.model_validate(partner_body(branches=[]))
    )
    assert after.code == f"{prefix}-{int(number) + 4:05d}"


async def test_the_sequence_is_read_by_number_past_99999(db: AsyncSession) -> None:
    keys = Keys()
    prefix = f"BP-{utcnow().year}-"
    for index, code in ((100, "99999"), (101, "100000")):
        row = keys.partner(index)
        db.add(
            Partner(
                code=prefix + code,
                legal_name=row[0],
                kind="broker",
                pan=row[2],
                email=row[4],
            )
        )
    await db.flush()
    result = await import_partners(db, csv_bytes(PARTNER_HEADER, keys.partners(2)))
    assert (result.first_code, result.last_code) == (f"{prefix}100001", f"{prefix}100002")


async def test_a_crash_half_way_through_the_inserts_rolls_all_of_them_back(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "CHUNK_ROWS", 10)

    class Crash(Exception):
        pass

    class CrashAfterTwoChunks:
        inserted = 0

        def start(self, phase: str, total: int | None) -> None:
            return None

        def advance(self, phase: str, count: int) -> None:
            if phase == "insert":
                self.inserted += count
                if self.inserted >= 20:
                    raise Crash

    keys = Keys()
    before = await counts(db)
    progress = CrashAfterTwoChunks()
    with pytest.raises(Crash):
        await import_partners(db, csv_bytes(PARTNER_HEADER, keys.partners(35)), progress=progress)
    assert progress.inserted == 20
    assert (await counts(db))["partners"] == before["partners"] + 20  # written, not committed
    await db.rollback()  # what the request, or the CLI's session_scope, does on an error
    assert await counts(db) == before


async def test_a_dry_run_checks_everything_and_writes_nothing(db: AsyncSession) -> None:
    keys = Keys()
    before = await counts(db)
    result = await import_partners(db, csv_bytes(PARTNER_HEADER, keys.partners(20)), dry_run=True)
    assert result.ok and result.dry_run and result.rows == 20 and result.imported == 0
    assert await counts(db) == before


async def test_the_database_is_asked_in_chunks_not_once_a_row(
    db: AsyncSession, query_counter: QueryCounter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "IN_CHUNK", 400)
    keys = Keys()
    content = csv_bytes(PARTNER_HEADER, keys.partners(1000))
    query_counter.reset()
    result = await import_partners(db, content)
    assert result.ok and result.imported == 1000
    # 3 chunks × (PAN, e-mail, GSTIN of partners, GSTIN of branches) + the code + one insert
    # of partners and one of branches (executemany) + the audit event's few statements.
    lookups = [s for s in query_counter.statements if s.lstrip().upper().startswith("SELECT")]
    inserts = [s for s in query_counter.statements if s.lstrip().upper().startswith("INSERT")]
    assert len(lookups) <= 3 * 4 + 4
    assert len(inserts) <= 2 + 2


async def test_an_unreadable_file_is_refused_as_a_whole(db: AsyncSession) -> None:
    with pytest.raises(UnsupportedImport):
        await import_stations(db, "name,state_code\nBéed,27\n".encode("cp1252"))
    with pytest.raises(UnreadableImport):
        await import_stations(db, b"PK\x03\x04 a zip it is not")


async def test_a_row_written_by_someone_else_during_the_import_is_a_409_and_rolls_back(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison saw no such station, then another transaction committed one: the unique
    constraint stops the insert and the whole import is refused."""
    keys = Keys()
    now = utcnow()
    name = keys.station(30)[0]
    db.add(
        Station(
            name=name, name_key=name.casefold(), state_code="27", created_at=now, updated_at=now
        )
    )
    await db.flush()
    before = await counts(db)

    async def saw_nothing(*_: object) -> None:
        return None

    monkeypatch.setattr(service, "_stations_taken", saw_nothing)
    with pytest.raises(ImportConflict):
        async with db.begin_nested():  # the import's transaction, rolled back on the error
            await import_stations(db, csv_bytes(STATION_HEADER, keys.stations(50)))
    assert await counts(db) == before


async def test_postgresql_plans_each_lookup_for_its_own_values(
    db: AsyncSession, dialect: str
) -> None:
    """A generic plan made while the table was small compared each row with the 5,000 values
    one by one: 9 s a lookup on 100,000 partners (bench/README.md, "Import benchmark")."""
    if dialect != "postgresql":
        pytest.skip("SQLite has no plan cache")
    keys = Keys()
    await import_partners(db, csv_bytes(PARTNER_HEADER, keys.partners(2)), dry_run=True)
    assert await scalar(db, "SHOW plan_cache_mode") == "force_custom_plan"
