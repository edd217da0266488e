"""The app under load: the real ``create_app()`` plus one authenticated-shaped list endpoint.

There is no business list endpoint and no authentication module yet, so this module mounts a
stand-in that does the work a real list does on every request:

1. reads ``Authorization: Bearer <jwt>`` and verifies the HS256 signature and expiry with the
   service's secret key (stdlib ``hmac``; no dependency is added for the benchmark);
2. opens the request transaction (``kit.routing.api_router``: one request = one transaction);
3. runs ``kit.pagination.paginate``: one COUNT and one page of 50 rows, filtered by the
   principal's organization (the visibility rule of every list) and sorted ``-created_at, -id``
   on an index that serves both;
4. serialises the page through Pydantic, decimals as strings.

The ``bench_contracts`` table is bench-only: its own MetaData, created with ``create_all`` next
to the migrated schema by ``bench/run_platform.py``, never part of the app or its migrations.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Index, MetaData, String, Uuid, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tradehub.config import Settings
from tradehub.kit.db import NAMING_CONVENTION, EntityMixin
from tradehub.kit.errors import NotAuthenticated, problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, paginate, sort_enum
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.kit.types import Money, Quantity
from tradehub.main import API_PREFIX, create_app

LIST_PATH = f"{API_PREFIX}/bench/contracts"
# The one organization every seeded row belongs to, and the claim the bench token carries.
BENCH_ORGANIZATION_ID = uuid.UUID("00000000-0000-4000-8000-00000000b0b0")


class BenchBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class BenchContract(EntityMixin, BenchBase):
    """Shaped like a sales contract: a number, two parties, a commodity, a quantity, money."""

    __tablename__ = "bench_contracts"
    __table_args__ = (
        Index("ix_bench_contracts_organization_id_created_at", "organization_id", "created_at"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    number: Mapped[str] = mapped_column(String(30))
    seller: Mapped[str] = mapped_column(String(120))
    buyer: Mapped[str] = mapped_column(String(120))
    commodity: Mapped[str] = mapped_column(String(60))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    rate: Mapped[Decimal] = mapped_column(Money())
    amount: Mapped[Decimal] = mapped_column(Money())
    status: Mapped[str] = mapped_column(String(20))


class BenchContractRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    number: str
    seller: str
    buyer: str
    commodity: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal
    status: str
    created_at: datetime
    version: int


# --- HS256 JWT, verified on every request -------------------------------------------------


class InvalidToken(NotAuthenticated):
    code = "auth.invalid_token"


@dataclass(frozen=True)
class Principal:
    subject: str
    organization_id: uuid.UUID


def _b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def issue_token(
    secret: str,
    *,
    subject: str = "bench-user",
    organization_id: uuid.UUID = BENCH_ORGANIZATION_ID,
    ttl_seconds: int = 3600,
) -> str:
    """An HS256 JWT as the auth module would issue it (sub, org, iat, exp)."""
    now = int(time.time())
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {"sub": subject, "org": str(organization_id), "iat": now, "exp": now + ttl_seconds}
    signing_input = ".".join(
        _b64url_encode(json.dumps(part, separators=(",", ":")).encode())
        for part in (header, claims)
    )
    signature = hmac.new(secret.encode(), signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url_encode(signature)}"


def verify_token(token: str, secret: bytes, *, leeway_seconds: int = 30) -> Principal:
    """Check the structure, the algorithm, the signature (constant time) and ``exp``/``nbf``."""
    try:
        header_segment, claims_segment, signature_segment = token.split(".")
        header: Any = json.loads(_b64url_decode(header_segment))
        if not isinstance(header, dict) or header.get("alg") != "HS256":
            raise InvalidToken("Unsupported token algorithm")
        signing_input = f"{header_segment}.{claims_segment}".encode("ascii")
        expected = hmac.new(secret, signing_input, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _b64url_decode(signature_segment)):
            raise InvalidToken("Bad token signature")
        claims: Any = json.loads(_b64url_decode(claims_segment))
        if not isinstance(claims, dict):
            raise InvalidToken("Malformed token")
        now = time.time()
        if not isinstance(claims.get("exp"), int):
            raise InvalidToken("Token without an expiry")
        if claims["exp"] + leeway_seconds < now:
            raise InvalidToken("Token expired")
        if isinstance(claims.get("nbf"), int) and claims["nbf"] - leeway_seconds > now:
            raise InvalidToken("Token not yet valid")
        return Principal(subject=str(claims["sub"]), organization_id=uuid.UUID(claims["org"]))
    except InvalidToken:
        raise
    except (ValueError, KeyError, TypeError, UnicodeError) as exc:  # json, base64, uuid, split
        raise InvalidToken("Malformed token") from exc


_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="tradehub"'}


async def current_principal(request: Request) -> Principal:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated("A bearer token is required", headers=_CHALLENGE)
    secret: bytes = request.app.state.bench_token_secret
    try:
        return verify_token(token.strip(), secret)
    except InvalidToken as error:
        error.headers = _CHALLENGE
        raise


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]

# --- the list endpoint --------------------------------------------------------------------

ContractSort = sort_enum("ContractSort", ["created_at", "number", "amount"])
DEFAULT_SORT = ContractSort("-created_at")
SORT_COLUMNS = {
    "created_at": BenchContract.created_at,
    "number": BenchContract.number,
    "amount": BenchContract.amount,
}

router = api_router(prefix="/bench/contracts", tags=["bench (benchmarks only)"])


@router.get("", response_model=Page[BenchContractRead], responses=problem_responses(401))
async def list_contracts(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    sort: ContractSort = DEFAULT_SORT,  # type: ignore[valid-type]
) -> Page[BenchContractRead]:
    statement = select(BenchContract).where(
        BenchContract.organization_id == principal.organization_id
    )
    items, total = await paginate(
        session, statement, paging, order_by(sort, SORT_COLUMNS, BenchContract.id)
    )
    return Page(
        items=[BenchContractRead.model_validate(item) for item in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


def create_bench_app(settings: Settings | None = None) -> FastAPI:
    """``create_app()`` with the bench list mounted; the uvicorn factory of ``bench.server``."""
    settings = settings or Settings()
    app = create_app(settings)
    app.state.bench_token_secret = settings.secret_key.get_secret_value().encode()
    app.include_router(router, prefix=API_PREFIX)
    return app
