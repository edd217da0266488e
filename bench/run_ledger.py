"""The party ledger and the outstanding report at 100,000 goods invoices: time of
``GET /reports/outstanding`` (both kinds, as of today and of a past date) and of
``GET /partners/{id}/ledger`` over HTTP, in process (ASGI), on a fresh database of its own.

How the data is made: a small world is recorded through the real API (organization, year,
masters, partners, a confirmed contract, an invoice, a brokerage bill, a goods payment and a
receipt); their rows are the templates that are cloned in bulk (Core ``INSERT`` in batches):
500 buyers with a contract each, 100,000 invoices and 20,000 brokerage bills over two years,
the payments a collection desk would see (old documents mostly paid, recent ones mostly open,
some part-payments, 1 % reversed, 1 % of unpaid bills cancelled), with ``paid_amount`` and
``status`` set as the services would. The ledger is then written by the ledger revision itself:
it is downgraded and upgraded again (timed: what upgrading a database of that size costs, its
backfill included), and before timing anything the answers of the report are checked against a
computation in Python from the generated rows.

    .venv/bin/python bench/run_ledger.py [--database-url URL] [--invoices 100000] [--repeat 20]

On SQLite the database is a new file in a temporary folder; on PostgreSQL it is
``tradehub_bench_ledger`` (dropped and created on the server the URL names, dropped at the end).
Results: bench/results/ledger-<database>.json and the table in bench/results/ledger.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Table, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import DEFAULT_RESULTS_DIR, BenchError
from bench.report import cpu_count, git_info, load_average
from tests.contract.helpers import build_world, confirmed_contract
from tests.invoice.helpers import create_invoice, payment_body
from tests.ledger.helpers import billed, receipt_body
from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.auth import users_service
from tradehub.auth.schemas import UserCreate
from tradehub.brokerage.models import BrokerageBill
from tradehub.config import Environment, Settings
from tradehub.contract.models import Contract
from tradehub.financial_year.domain import fy_code_for
from tradehub.invoice.models import Invoice
from tradehub.kit import migrations
from tradehub.kit.db import create_engine
from tradehub.kit.types import utcnow
from tradehub.ledger.domain import bucket_of, today_in_india, undo_date
from tradehub.ledger.models import LedgerEntry
from tradehub.main import create_app
from tradehub.partner.models import Partner, PartnerBranch
from tradehub.payment.models import Payment, PaymentAllocation

POSTGRES_DATABASE = "tradehub_bench_ledger"
LEDGER_REVISION = "da26ccfad2ec"
PASSWORD = "Bench#Cotton2026"  # noqa: S105 - the bench users' password
SEED = 20261128
BATCH = 2000
LIMIT_MS = 1000.0
ZERO = Decimal("0.00")


# --- the database ------------------------------------------------------------------------------


async def _postgres_admin(url: str, statement: str) -> None:
    engine = create_async_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def fresh_database(database_url: str, folder: Path) -> tuple[str, str]:
    """(URL of the benchmark's own empty database, its kind)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite+aiosqlite:///{folder / 'ledger.db'}", "sqlite"
    if url.get_backend_name() != "postgresql":
        raise BenchError(f"unsupported database {url.get_backend_name()!r}")
    own = url.set(drivername="postgresql+asyncpg", database=POSTGRES_DATABASE)
    rendered = own.render_as_string(hide_password=False)
    await _postgres_admin(rendered, f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')
    await _postgres_admin(rendered, f'CREATE DATABASE "{POSTGRES_DATABASE}"')
    return rendered, "postgresql"


async def drop_database(url: str, kind: str) -> None:
    if kind == "postgresql":
        await _postgres_admin(url, f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')


# --- the world through the API, then cloned ----------------------------------------------------


async def signed_in(client: httpx.AsyncClient, app: Any, engine: AsyncEngine, role: str) -> Any:
    from tradehub.kit.db import create_sessionmaker, session_scope

    email = f"bench-{role}-{uuid.uuid4().hex[:8]}@example.com"
    async with session_scope(create_sessionmaker(engine)) as session:
        body = UserCreate(email=email, name=f"Bench {role}", password=PASSWORD, roles=[role])
        await users_service.create_user(session, app.state.identity, SYSTEM_ACTOR, body)
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    if response.status_code != 200:
        raise BenchError(f"login failed: {response.text}")
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def templates(client: httpx.AsyncClient, app: Any, engine: AsyncEngine) -> dict[str, Any]:
    """One of everything, recorded through the API: the rows to clone."""
    admin, sales, manager = [
        await signed_in(client, app, engine, r) for r in ("admin", "sales", "manager")
    ]
    world = await build_world(client, admin, sales, manager)
    contract = await confirmed_contract(client, sales, manager, world)
    invoice = await create_invoice(client, manager, contract)
    payment = (
        await client.post("/api/v1/payments", json=payment_body(invoice, "1"), headers=manager)
    ).json()
    bill = await billed(client, admin, sales, manager, world, contract_date="2026-11-11")
    receipt = (
        await client.post("/api/v1/payments", json=receipt_body(bill, "1"), headers=manager)
    ).json()
    return {
        "headers": manager,
        "organization_id": uuid.UUID(world.organization_id),
        "seller_id": uuid.UUID(world.seller["id"]),
        "buyer_id": uuid.UUID(world.buyer["id"]),
        "contract_id": uuid.UUID(contract["id"]),
        "invoice_id": uuid.UUID(invoice["id"]),
        "bill_id": uuid.UUID(bill["id"]),
        "payment_id": uuid.UUID(payment["id"]),
        "receipt_id": uuid.UUID(receipt["id"]),
    }


async def _row(connection: Any, table: Table, key: Any, column: str = "id") -> dict[str, Any]:
    result = await connection.execute(select(table).where(table.c[column] == key))
    return dict(result.mappings().one())


async def _insert(connection: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        await connection.execute(insert(table), rows[start : start + BATCH])


def _paise(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


class Generator:
    """Documents, payments and allocations, and what the report must say about them."""

    def __init__(self, seed: int, today: date, organization_id: uuid.UUID) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.organization_id = organization_id
        self.documents: list[dict[str, Any]] = []  # kind, id, partner, date, total, cancelled_at
        self.payments: list[dict[str, Any]] = []
        self.allocations: list[dict[str, Any]] = []

    def day(self, span_days: int) -> date:
        return self.today - timedelta(days=self.rng.randint(0, span_days))

    def stamp(self, on: date) -> datetime:
        moment = datetime.combine(on, clock(6, 0), tzinfo=UTC) + timedelta(
            seconds=self.rng.randint(0, 8 * 3600)
        )
        return min(moment, utcnow())

    def pay(self, document: dict[str, Any], payer: uuid.UUID, payee: uuid.UUID) -> None:
        """Old documents are mostly settled, recent ones mostly open; some part-payments."""
        age = (self.today - document["date"]).days
        chance = 0.92 if age > 90 else 0.65 if age > 30 else 0.25
        if self.rng.random() > chance:
            return
        total = document["total"]
        if self.rng.random() < 0.7:
            parts = [total]  # settled in one go
        else:
            share = Decimal(self.rng.choice(("0.25", "0.4", "0.5", "0.6")))
            first = (total * share).quantize(Decimal("0.01"))
            # Part-paid and left so, or paid in two instalments.
            parts = [first] if self.rng.random() < 0.5 else [first, total - first]
        for amount in parts:
            paid_on = min(document["date"] + timedelta(days=self.rng.randint(0, 75)), self.today)
            payment_id = uuid.uuid4()
            created = self.stamp(paid_on)
            reversed_at = None
            if self.rng.random() < 0.01:
                reversed_at = min(created + timedelta(days=self.rng.randint(0, 20)), utcnow())
            self.payments.append(
                {
                    "id": payment_id,
                    "payer_id": payer,
                    "payee_id": payee,
                    "payment_date": paid_on,
                    "financial_year": fy_code_for(paid_on),
                    "amount": amount,
                    "reference": f"UTR{len(self.payments):09d}",
                    "status": "reversed" if reversed_at else "active",
                    "reversed_at": reversed_at,
                    "reversal_reason": "bounced" if reversed_at else None,
                    "created_at": created,
                    "updated_at": reversed_at or created,
                }
            )
            self.allocations.append(
                {
                    "id": uuid.uuid4(),
                    "payment_id": payment_id,
                    "line": 1,
                    "invoice_id": document["id"] if document["kind"] == "goods" else None,
                    "brokerage_bill_id": document["id"]
                    if document["kind"] == "brokerage"
                    else None,
                    "amount": amount,
                    "reversed_at": reversed_at,
                    "created_at": created,
                    # for the expected answers only:
                    "_document": document,
                    "_date": paid_on,
                }
            )
            if not reversed_at:
                document["paid"] += amount

    def expected(self, kind: str, as_of: date) -> dict[uuid.UUID, dict[str, Decimal]]:
        """The report, computed from the generated rows by its definition: total − what was
        received on or before as_of (reversals undoing it from their day on)."""
        owed: dict[uuid.UUID, Decimal] = {}
        for document in self.documents:
            if document["kind"] != kind or document["date"] > as_of:
                continue
            cancelled = document["cancelled_at"]
            if cancelled is not None and undo_date(document["date"], cancelled) <= as_of:
                continue
            owed[document["id"]] = document["total"]
        for allocation in self.allocations:
            document = allocation["_document"]
            if document["id"] not in owed or allocation["_date"] > as_of:
                continue
            reversed_at = allocation["reversed_at"]
            if reversed_at is None or undo_date(allocation["_date"], reversed_at) > as_of:
                owed[document["id"]] -= allocation["amount"]
        report: dict[uuid.UUID, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        by_id = {d["id"]: d for d in self.documents}
        for document_id, amount in owed.items():
            if amount == 0:
                continue
            document = by_id[document_id]
            row = report[document["partner"]]
            row["outstanding"] += amount
            row[bucket_of(as_of, document["date"])] += amount
        return report


async def clone_history(
    engine: AsyncEngine, seeds: dict[str, Any], invoices: int, bills: int, partners: int
) -> tuple[Generator, dict[str, int]]:
    today = today_in_india(utcnow())
    generator = Generator(SEED, today, seeds["organization_id"])
    rng = generator.rng
    tables = {
        m.__name__: m.__table__
        for m in (
            Partner,
            PartnerBranch,
            Contract,
            Invoice,
            BrokerageBill,
            Payment,
            PaymentAllocation,
        )
    }
    async with engine.begin() as connection:
        partner = await _row(connection, tables["Partner"], seeds["buyer_id"])
        branch = await _row(connection, tables["PartnerBranch"], seeds["buyer_id"], "partner_id")
        contract = await _row(connection, tables["Contract"], seeds["contract_id"])
        invoice = await _row(connection, tables["Invoice"], seeds["invoice_id"])
        bill = await _row(connection, tables["BrokerageBill"], seeds["bill_id"])
        goods_payment = await _row(connection, tables["Payment"], seeds["payment_id"])
        receipt = await _row(connection, tables["Payment"], seeds["receipt_id"])

        buyers, branches, contracts = [], [], []
        for n in range(partners):
            buyer_id, branch_id, contract_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
            buyers.append(
                partner
                | {
                    "id": buyer_id,
                    "code": f"BENCH{n:06d}",
                    "legal_name": f"Bench Mills {n:04d} Pvt Ltd",
                    "pan": f"BNC{'P'}{chr(65 + n % 26)}{n:04d}Z"[:10],
                    "gstin": None,
                    "email": f"bench-{n}@mills.example.in",
                }
            )
            branches.append(branch | {"id": branch_id, "partner_id": buyer_id, "gstin": None})
            contracts.append(
                contract
                | {
                    "id": contract_id,
                    "contract_no": f"SC/BENCH/{n:06d}",
                    "buyer_id": buyer_id,
                    "buyer_branch_id": branch_id,
                }
            )
        await _insert(connection, tables["Partner"], buyers)
        await _insert(connection, tables["PartnerBranch"], branches)
        await _insert(connection, tables["Contract"], contracts)

        invoice_rows, bill_rows = [], []
        for n in range(invoices):
            k = rng.randrange(partners)
            on = generator.day(730)
            document = {
                "kind": "goods",
                "id": uuid.uuid4(),
                "partner": buyers[k]["id"],
                "date": on,
                "total": Decimal(rng.randint(50_000, 600_000)),
                "paid": ZERO,
                "cancelled_at": None,
            }
            generator.documents.append(document)
            generator.pay(document, buyers[k]["id"], seeds["seller_id"])
            created = generator.stamp(on)
            invoice_rows.append(
                invoice
                | {
                    "id": document["id"],
                    "contract_id": contracts[k]["id"],
                    "buyer_id": buyers[k]["id"],
                    "buyer_branch_id": branches[k]["id"],
                    "invoice_no": f"BENCH-{n:07d}",
                    "invoice_date": on,
                    "financial_year": fy_code_for(on),
                    "taxable_value": document["total"],
                    "cgst": ZERO, "sgst": ZERO, "igst": ZERO, "round_off": ZERO,
                    "total_amount": document["total"],
                    "created_at": created,
                    "updated_at": created,
                }
            )  # fmt: skip
        for n in range(bills):
            k = rng.randrange(partners)
            on = generator.day(730)
            total = Decimal(rng.randint(1_000, 60_000))
            document = {
                "kind": "brokerage",
                "id": uuid.uuid4(),
                "partner": buyers[k]["id"],
                "date": on,
                "total": total,
                "paid": ZERO,
                "cancelled_at": None,
            }
            generator.documents.append(document)
            generator.pay(document, buyers[k]["id"], seeds["organization_id"])
            created = generator.stamp(on)
            if document["paid"] == 0 and rng.random() < 0.01:
                document["cancelled_at"] = min(
                    created + timedelta(days=rng.randint(1, 30)), utcnow()
                )
            bill_rows.append(
                bill
                | {
                    "id": document["id"],
                    "partner_id": buyers[k]["id"],
                    "bill_no": f"BRK/BENCH/{n:07d}",
                    "bill_date": on,
                    "period_from": on,
                    "period_to": on,
                    "financial_year": fy_code_for(on),
                    "taxable_value": total, "cgst": ZERO, "sgst": ZERO, "igst": ZERO,
                    "round_off": ZERO, "total_amount": total,
                    "status": "cancelled" if document["cancelled_at"] else "unpaid",
                    "cancelled_at": document["cancelled_at"],
                    "status_reason": "bench" if document["cancelled_at"] else None,
                    "created_at": created,
                    "updated_at": created,
                }
            )  # fmt: skip
        for rows in (invoice_rows, bill_rows):
            by_id = {d["id"]: d for d in generator.documents}
            for row in rows:
                paid = by_id[row["id"]]["paid"]
                row["paid_amount"] = paid
                if row.get("status") != "cancelled":
                    row["status"] = (
                        "unpaid"
                        if paid == 0
                        else "paid"
                        if paid >= row["total_amount"]
                        else "partially_paid"
                    )
        await _insert(connection, tables["Invoice"], invoice_rows)
        await _insert(connection, tables["BrokerageBill"], bill_rows)
        goods = {a["payment_id"] for a in generator.allocations if a["invoice_id"] is not None}
        payment_rows = [
            (goods_payment if p["id"] in goods else receipt)
            | p
            | {"organization_id": seeds["organization_id"], "version": 1 + bool(p["reversed_at"])}
            for p in generator.payments
        ]
        await _insert(connection, tables["Payment"], payment_rows)
        await _insert(
            connection,
            tables["PaymentAllocation"],
            [{k: v for k, v in a.items() if not k.startswith("_")} for a in generator.allocations],
        )
    # The ledger, as an upgrade writes it: the ledger revision down (its tables go), then up
    # again (tables, the backfill from the rows above, then the indexes).
    await migrations.downgrade(engine, f"{LEDGER_REVISION}@-1")
    started = time.perf_counter()
    await migrations.upgrade(engine, "heads")
    upgrade_s = time.perf_counter() - started
    async with engine.begin() as connection:
        await connection.execute(text("ANALYZE"))
        entries = await connection.scalar(
            select(text("count(*)")).select_from(LedgerEntry.__table__)
        )
    counts = {
        "partners": partners,
        "invoices": invoices,
        "brokerage_bills": bills,
        "payments": len(generator.payments),
        "ledger_entries": int(entries or 0),
        "upgrade_with_backfill_s": round(upgrade_s, 1),
    }
    return generator, counts


# --- checking and timing -----------------------------------------------------------------------

BUCKETS = ("0_30", "31_60", "61_90", "over_90")


async def check_report(
    client: httpx.AsyncClient, headers: dict[str, str], generator: Generator, kind: str, as_of: date
) -> int:
    """The answer equals the definition computed from the generated rows; returns its items."""
    response = await client.get(
        "/api/v1/reports/outstanding", params={"kind": kind, "as_of": str(as_of)}, headers=headers
    )
    if response.status_code != 200:
        raise BenchError(f"report {kind} {as_of}: {response.status_code} {response.text[:300]}")
    expected = generator.expected(kind, as_of)
    answer = {uuid.UUID(i["partner_id"]): i for i in response.json()["items"]}
    bench_partners = {d["partner"] for d in generator.documents}
    answer = {k: v for k, v in answer.items() if k in bench_partners}
    if set(answer) != set(expected):
        raise BenchError(f"report {kind} {as_of}: partners differ from the generated rows")
    for partner_id, row in expected.items():
        for key in ("outstanding", *BUCKETS):
            if Decimal(answer[partner_id][key]) != row[key]:
                raise BenchError(
                    f"report {kind} {as_of}: {partner_id} {key} {answer[partner_id][key]} "
                    f"!= {row[key]}"
                )
    return len(answer)


async def timed(
    client: httpx.AsyncClient,
    url: str,
    params: dict[str, str],
    headers: dict[str, str],
    repeat: int,
) -> dict[str, Any]:
    samples, cpu, size = [], [], 0
    for n in range(repeat + 2):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = await client.get(url, params=params, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        used = (time.process_time() - started_cpu) * 1000
        if response.status_code != 200:
            raise BenchError(f"{url} {params}: {response.status_code} {response.text[:300]}")
        if n >= 2:  # two warm-up requests
            samples.append(elapsed)
            cpu.append(used)
        size = len(response.content)
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p90_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))], 1),
        "max_ms": round(ordered[-1], 1),
        "mean_ms": round(statistics.fmean(ordered), 1),
        # CPU of this process (the app, and on SQLite the database too, which runs in it).
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "samples": len(ordered),
        "bytes": size,
    }


async def run(
    database_url: str, invoices: int, bills: int, partners: int, repeat: int, keep: bool
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tradehub-ledger-") as folder:
        kept = Path(tempfile.mkdtemp(prefix="tradehub-ledger-kept-")) if keep else Path(folder)
        url, kind = await fresh_database(database_url, kept)
        settings = Settings(
            env=Environment.DEVELOPMENT,
            database_url=url,
            login_rate_per_minute=1_000_000,
            embedded_worker=False,
            log_level="WARNING",
        )
        engine = create_engine(settings)
        try:
            return await _measure(engine, settings, kind, invoices, bills, partners, repeat)
        finally:
            await engine.dispose()
            if keep:
                print(f"kept the database: {url}", flush=True)
            else:
                await drop_database(url, kind)


async def _measure(
    engine: AsyncEngine,
    settings: Settings,
    kind: str,
    invoices: int,
    bills: int,
    partners: int,
    repeat: int,
) -> dict[str, Any]:
    load_before = load_average()
    await migrations.upgrade(engine)
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", timeout=60
    ) as client:
        print("recording the templates through the API …", flush=True)
        seeds = await templates(client, app, engine)
        print(
            f"cloning {invoices:,} invoices and {bills:,} bills over {partners} partners …",
            flush=True,
        )
        started = time.perf_counter()
        generator, counts = await clone_history(engine, seeds, invoices, bills, partners)
        counts["seed_s"] = round(time.perf_counter() - started, 1)
        print(f"  {counts}", flush=True)
        headers = seeds["headers"]
        today = generator.today
        past = today - timedelta(days=200)
        checked = {
            f"{k} as of {d}": await check_report(client, headers, generator, k, d)
            for k in ("brokerage", "goods")
            for d in (today, past)
        }
        print(f"  report answers match the generated rows: {checked}", flush=True)
        busiest = Counter(d["partner"] for d in generator.documents).most_common(1)[0][0]
        ledger_url = f"/api/v1/partners/{busiest}/ledger"
        report = "/api/v1/reports/outstanding"
        goods, brokerage, since = {"kind": "goods"}, {"kind": "brokerage"}, str(past)
        cases = [
            ("GET /reports/outstanding?kind=brokerage (as of today)", report, brokerage),
            ("GET /reports/outstanding?kind=goods (as of today)", report, goods),
            ("GET /reports/outstanding?kind=brokerage&as_of=(200 days ago)", report,
             brokerage | {"as_of": since}),
            ("GET /reports/outstanding?kind=goods&as_of=(200 days ago)", report,
             goods | {"as_of": since}),
            ("GET /partners/{id}/ledger (brokerage, all dates)", ledger_url, {}),
            ("GET /partners/{id}/ledger?kind=goods (all dates)", ledger_url, goods),
            ("GET /partners/{id}/ledger?kind=goods&from=(200 days ago)", ledger_url,
             goods | {"from": since}),
        ]  # fmt: skip
        figures = []
        for name, url, params in cases:
            figure = await timed(client, url, params, headers, repeat)
            figures.append({"endpoint": name, **figure})
            print(
                f"  {name}: p50 {figure['p50_ms']} ms, max {figure['max_ms']} ms, "
                f"CPU {figure['cpu_p50_ms']} ms",
                flush=True,
            )
        async with engine.connect() as connection:
            if kind == "sqlite":
                version = "SQLite " + str(await connection.scalar(text("SELECT sqlite_version()")))
            else:
                version = (
                    "PostgreSQL "
                    + str(await connection.scalar(text("SHOW server_version"))).split()[0]
                )
    return {
        "database": version,
        "counts": counts,
        "checked_reports": checked,
        "figures": figures,
        "limit_ms": LIMIT_MS,
        "within_limit": all(f["max_ms"] < LIMIT_MS for f in figures),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "machine": {
            "cpus": cpu_count(),
            "python": sys.version.split()[0],
            "load_average_before": load_before,
            "load_average_after": load_average(),
        },
        "git": git_info(),
    }


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "| database | endpoint | p50 ms | p90 ms | max ms | worker CPU ms | KiB |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        for figure in result["figures"]:
            lines.append(
                f"| {result['database']} | `{figure['endpoint']}` | {figure['p50_ms']} | "
                f"{figure['p90_ms']} | {figure['max_ms']} | {figure['cpu_p50_ms']} | "
                f"{figure['bytes'] / 1024:.0f} |"
            )
    return "\n".join(lines) + "\n"


def write_results(result: dict[str, Any], results_dir: Path) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    name = "sqlite" if result["database"].startswith("SQLite") else "postgresql"
    (results_dir / f"ledger-{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    found = [json.loads(path.read_text()) for path in sorted(results_dir.glob("ledger-*.json"))]
    (results_dir / "ledger.md").write_text(markdown(found))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url",
        default=__import__("os").environ.get("TRADEHUB_DATABASE_URL", "sqlite+aiosqlite://"),
    )
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--bills", type=int, default=20_000)
    parser.add_argument("--partners", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--results-dir", type=Path, default=DEFAULT_RESULTS_DIR)
    parser.add_argument("--keep", action="store_true", help="keep the database for a look")
    args = parser.parse_args()
    try:
        result = asyncio.run(
            run(
                args.database_url,
                args.invoices,
                args.bills,
                args.partners,
                args.repeat,
                args.keep,
            )
        )
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    write_results(result, args.results_dir)
    print(markdown([result]))
    if not result["within_limit"]:
        print(f"some answers took {LIMIT_MS:.0f} ms or more", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
