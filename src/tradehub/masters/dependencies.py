"""Who may read and change the masters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from tradehub.auth.dependencies import require
from tradehub.auth.principal import Principal

CanReadMasters = Annotated[Principal, Depends(require("master:read"))]
CanWriteMasters = Annotated[Principal, Depends(require("master:write"))]
