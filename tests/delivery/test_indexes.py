"""The list queries of this module are served by an index (filter and sort), on both
databases: the plan of each statement the routes run names the index."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import Select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.delivery.domain import DeliveryStatus
from tradehub.delivery.models import DeliveryOrder, EmdDeposit
from tradehub.delivery.repository import (
    delivery_filters,
    deposits_statement,
    visible_delivery_orders,
)
from tradehub.kit.pagination import order_by, sort_enum

STAFF = type("Staff", (), {"partner_id": None, "branch_ids": frozenset()})()


async def _plan(db: AsyncSession, statement: Select[Any]) -> str:
    bind = db.get_bind()
    sql = str(statement.compile(dialect=bind.dialect, compile_kwargs={"literal_binds": True}))
    if bind.dialect.name == "postgresql":
        # With a handful of rows the planner would rightly scan; forbid it to see the index.
        await db.execute(text("SET LOCAL enable_seqscan = off"))
        rows = await db.execute(text(f"EXPLAIN {sql}"))
        return "\n".join(str(row[0]) for row in rows)
    rows = await db.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
    return "\n".join(str(row[-1]) for row in rows)


def _page(statement: Select[Any], column: Any) -> Select[Any]:
    return statement.order_by(column.desc(), DeliveryOrder.id.desc()).limit(50)


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({"contract_id": uuid.uuid4()}, "ix_delivery_orders_contract_created_at"),
        ({"status": DeliveryStatus.SCHEDULED}, "ix_delivery_orders_status_created_at"),
        ({}, "ix_delivery_orders_created_at"),
    ],
)
async def test_delivery_order_lists_use_an_index(
    db: AsyncSession, filters: dict[str, Any], index: str
) -> None:
    statement = delivery_filters(visible_delivery_orders(STAFF), **filters)  # type: ignore[arg-type]
    plan = await _plan(db, _page(statement, DeliveryOrder.created_at))
    assert index in plan, plan


async def test_lifting_and_number_sorts_use_an_index(db: AsyncSession) -> None:
    base = visible_delivery_orders(STAFF)  # type: ignore[arg-type]
    for column, index in (
        (DeliveryOrder.lifting_from, "ix_delivery_orders_lifting_from"),
        (DeliveryOrder.do_no, "ix_delivery_orders_do_no"),
    ):
        plan = await _plan(db, _page(base, column))
        assert index in plan, plan


async def test_deposits_of_a_contract_use_an_index(db: AsyncSession) -> None:
    by_date = sort_enum("DepositSort", ["date"])("date")
    ordering = order_by(by_date, {"date": EmdDeposit.received_on}, EmdDeposit.id)
    plan = await _plan(db, deposits_statement(uuid.uuid4()).order_by(*ordering).limit(50))
    assert "ix_emd_deposits_contract_received_on" in plan, plan
