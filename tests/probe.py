"""A test-only resource that exercises every kit mechanism through real HTTP.

The platform has no business module yet that uses each mechanism (money columns, ETags,
idempotent POSTs, paginated lists), so the tests mount this small router on the app and create
its one table next to the migrated schema. It is never part of the app or its migrations.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Index, MetaData, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tests.conftest import APP_CUSTOMIZERS, TEST_ONLY_METADATA
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.db import NAMING_CONVENTION, EntityMixin
from tradehub.kit.errors import NotFound, Unprocessable, problem_responses
from tradehub.kit.idempotency import idempotent
from tradehub.kit.pagination import Page, Paging, order_by, paginate, sort_enum
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.kit.types import Money, Quantity


class ProbeBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Probe(EntityMixin, ProbeBase):
    __tablename__ = "test_probes"
    __table_args__ = (Index("ix_test_probes_created_at", "created_at"),)

    name: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Money())
    weight: Mapped[Decimal | None] = mapped_column(Quantity())


MoneyString = Annotated[Decimal, Field(max_digits=13, decimal_places=2)]


class ProbeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    amount: MoneyString


class ProbeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=100)
    amount: MoneyString | None = None


class ProbeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    amount: Decimal
    version: int


ProbeSort = sort_enum("ProbeSort", ["created_at", "name", "amount"])
SORT_COLUMNS = {"created_at": Probe.created_at, "name": Probe.name, "amount": Probe.amount}

router = api_router(prefix="/probes", tags=["probes (tests only)"])


@router.post(
    "",
    status_code=201,
    response_model=ProbeRead,
    dependencies=[Depends(idempotent)],
    responses=problem_responses(409),
)
async def create_probe(body: ProbeCreate, session: DbSession) -> Probe:
    probe = Probe(name=body.name, amount=body.amount)
    session.add(probe)
    await session.flush()
    if body.name == "reject-after-write":  # proves a failing request leaves nothing behind
        raise Unprocessable("rejected after the row was written", code="probe.rejected")
    if body.name == "crash-after-write":
        raise RuntimeError("secret internal detail: password=hunter2")
    return probe


@router.get("", response_model=Page[ProbeRead])
async def list_probes(
    session: DbSession,
    paging: Paging,
    sort: ProbeSort = ProbeSort("-created_at"),  # type: ignore[valid-type]
) -> Page[ProbeRead]:
    items, total = await paginate(
        session, select(Probe), paging, order_by(sort, SORT_COLUMNS, Probe.id)
    )
    return Page(
        items=[ProbeRead.model_validate(p) for p in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


async def _get(session: DbSession, probe_id: uuid.UUID) -> Probe:
    probe = await session.get(Probe, probe_id)
    if probe is None:
        raise NotFound("No such probe", code="probe.not_found")
    return probe


@router.get("/{probe_id}", response_model=ProbeRead, responses=problem_responses(404))
async def get_probe(probe_id: uuid.UUID, session: DbSession, response: Response) -> Probe:
    probe = await _get(session, probe_id)
    set_etag(response, probe.version)
    return probe


@router.patch("/{probe_id}", response_model=ProbeRead, responses=problem_responses(404, 412))
async def update_probe(
    probe_id: uuid.UUID, body: ProbeUpdate, session: DbSession, request: Request, response: Response
) -> Probe:
    probe = await _get(session, probe_id)
    check_if_match(request, probe.version)
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(probe, field, value)
    await session.flush()
    set_etag(response, probe.version)
    return probe


def mount_probe_router(app: FastAPI) -> None:
    app.include_router(router, prefix="/api/v1")


TEST_ONLY_METADATA.append(ProbeBase.metadata)
APP_CUSTOMIZERS.append(mount_probe_router)
