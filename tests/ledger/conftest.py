from tests.contract.conftest import admin, manager, sales, world

__all__ = ["admin", "manager", "sales", "world"]
