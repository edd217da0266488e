"""Answers of /imports."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from tradehub.kit.errors import Problem


class RowErrorOut(BaseModel):
    row: int | None = Field(description="The spreadsheet's row number; the header is row 1")
    column: str | None = Field(description="The column, normalised (``branch_gstin``)")
    msg: str


class ImportAnswer(BaseModel):
    entity_type: Literal["station", "partner"]
    rows: int = Field(description="Data rows in the file")
    imported: int = Field(description="Rows written: 0 on a dry run")
    dry_run: bool
    file_sha256: str
    first_code: str | None = Field(default=None, description="Partners: the first code given")
    last_code: str | None = None
    errors: list[RowErrorOut] = Field(default_factory=list, description="Always empty here")


class ImportProblem(Problem):
    """``import.rows_invalid``: nothing was imported; each problem names its row and column."""

    errors: list[RowErrorOut]
    error_count: int = Field(default=0, description="Every problem found, listed or not")
    errors_omitted: int = Field(default=0, description="Problems beyond the listed ones")
    rows: int = Field(default=0, description="Data rows in the file")


# The body is read as a stream (the size limit applies while it arrives), so FastAPI cannot
# derive it from the handler's parameters: it is documented here.
UPLOAD_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "A .csv (UTF-8) or .xlsx file, at most 20 MiB; the"
                        " type is read from the content",
                    }
                },
            }
        }
    },
}
