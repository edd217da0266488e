"""Lists: ``?page=1&limit=50&sort=-created_at`` → ``{items, total, page, limit}`` (api.md §1).

Each list declares its sortable fields as an enum built by ``sort_enum``; an unknown field is
a 422 from validation. The id is always the last sort key so pages never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    limit: int


@dataclass(frozen=True)
class PageParams:
    page: int
    limit: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


def page_params(
    page: Annotated[int, Query(ge=1, description="1-based page number")] = 1,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")] = DEFAULT_LIMIT,
) -> PageParams:
    return PageParams(page=page, limit=limit)


Paging = Annotated[PageParams, Depends(page_params)]


def sort_enum(name: str, fields: list[str]) -> type[StrEnum]:
    """``field`` sorts ascending, ``-field`` descending; nothing else is accepted."""
    members: dict[str, str] = {}
    for field in fields:
        members[field] = field
        members[f"desc_{field}"] = f"-{field}"
    return StrEnum(name, members)  # type: ignore[return-value]


def order_by(sort: StrEnum, columns: dict[str, Any], tiebreaker: Any) -> list[ColumnElement[Any]]:
    value = str(sort.value)
    descending = value.startswith("-")
    column = columns[value.lstrip("-")]
    primary = column.desc() if descending else column.asc()
    return [primary, tiebreaker.desc() if descending else tiebreaker.asc()]


async def paginate(
    session: AsyncSession, statement: Select[Any], params: PageParams, ordering: list[Any]
) -> tuple[list[Any], int]:
    """One COUNT and one page query: the query count of a list never grows with its length."""
    count_statement = select(func.count()).select_from(statement.order_by(None).subquery())
    total = int(await session.scalar(count_statement) or 0)
    if params.offset >= total:
        return [], total
    page = statement.order_by(*ordering).limit(params.limit).offset(params.offset)
    items = list((await session.scalars(page)).all())
    return items, total
