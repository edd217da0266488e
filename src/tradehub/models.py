"""Every ORM model, imported in one place so Alembic and the tests see the whole schema."""

from tradehub.kit.db import Base
from tradehub.kit.idempotency import IdempotencyRecord

__all__ = ["Base", "IdempotencyRecord"]
