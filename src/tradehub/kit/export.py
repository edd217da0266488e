"""CSV and XLSX export of every list: ``GET /api/v1/<list>?format=csv|xlsx`` (or an ``Accept``
of ``text/csv`` or the XLSX media type).

The export is not a second implementation of each list. This middleware asks the list endpoint
itself for its pages (``limit=200``, the same filters and sort, the caller's own headers) and
writes the items into a file, so permissions, visibility, filters and sorting are exactly those
of the JSON list, for lists that exist today and for lists added later. Each page is read in its
own transaction, so an export of a list that changes while it is read may miss or repeat a row at
a page boundary; that is the price of never holding one transaction open for a whole export.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tradehub.kit.errors import (
    PROBLEM_CONTENT_TYPE,
    AppError,
    PayloadTooLarge,
    Unprocessable,
    problem_body,
)

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": CSV_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}
_ACCEPTED = {"text/csv": "csv", XLSX_MEDIA_TYPE: "xlsx"}
PAGE_SIZE = 200
MAX_ROWS = 100_000
# A cell a spreadsheet would run as a formula (OWASP "CSV injection"); numbers keep their sign.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^-?\d{1,13}(\.\d{1,6})?$")
# Only decimals with a point become spreadsheet numbers: "24" may be a state code, "07" too.
_DECIMAL = re.compile(r"^-?(0|[1-9]\d{0,12})\.\d{1,6}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$")


class NotAList(AppError):
    status, code, title = 406, "export.not_a_list", "Only lists can be exported"


class ExportTooLarge(PayloadTooLarge):
    code, title = "export.too_large", "Export too large"


# --- what the caller asked for --------------------------------------------------------------


def requested_format(scope: Scope) -> str | None:
    """``csv``/``xlsx`` from ``?format=`` or the first media type of ``Accept``; ``None`` for
    an ordinary JSON request. An unknown ``format`` value is returned as is (a 422 later)."""
    query: bytes = scope.get("query_string", b"")
    for name, value in parse_qsl(query.decode("latin-1")):
        if name == "format":
            return value
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for header, raw in headers:
        if header == b"accept":
            first = raw.decode("latin-1").split(",")[0].split(";")[0].strip().lower()
            return _ACCEPTED.get(first)
    return None


def page_query(query_string: bytes, page: int) -> bytes:
    kept = [
        (name, value)
        for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
        if name not in {"format", "page", "limit"}
    ]
    return urlencode([*kept, ("page", str(page)), ("limit", str(PAGE_SIZE))]).encode("latin-1")


# --- rows into cells (pure) -------------------------------------------------------------------


def flatten(item: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted columns (``quality.mic.min``); lists stay JSON text."""
    flat: dict[str, Any] = {}
    for key, value in item.items():
        column = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{column}."))
        elif isinstance(value, (list, dict)):
            flat[column] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        else:
            flat[column] = value
    return flat


def columns_of(rows: Iterable[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def safe_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def render_csv(rows: list[dict[str, Any]]) -> bytes:
    columns = columns_of(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if columns:  # an empty list is an empty file: there is no row to name the columns after
        writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_text(row.get(column)) for column in columns])
    # The byte-order mark makes spreadsheet programs read the file as UTF-8 (₹, names).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _as_number(value: Any) -> float | int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _DECIMAL.match(value):
        # A spreadsheet holds binary doubles: 13 integer digits and paise stay exact there.
        return float(Decimal(value))
    return None


def render_xlsx(rows: list[dict[str, Any]]) -> bytes:
    import xlsxwriter  # only exports need it

    columns = columns_of(rows)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("export")
    bold = book.add_format({"bold": True})
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column, bold)
    for row_index, row in enumerate(rows, start=1):
        for index, column in enumerate(columns):
            value = row.get(column)
            number = _as_number(value)
            if number is not None:
                sheet.write_number(row_index, index, number)
            elif value is not None:
                # write_string, never write(): text that looks like a formula stays text.
                sheet.write_string(row_index, index, safe_text(value))
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def render(rows: list[dict[str, Any]], fmt: str) -> bytes:
    flat = [flatten(row) for row in rows]
    return render_csv(flat) if fmt == "csv" else render_xlsx(flat)


def file_name(path: str, fmt: str, today: date) -> str:
    """``/api/v1/partners/<id>/versions`` → ``versions-2026-11-28.csv``."""
    parts = [part for part in path.split("/") if part and not _UUID.match(part)]
    resource = re.sub(r"[^A-Za-z0-9_-]", "_", parts[-1] if parts else "") or "export"
    return f"{resource}-{today.isoformat()}.{fmt}"


def is_page(body: Any) -> bool:
    return isinstance(body, dict) and {"items", "total", "page", "limit"} <= body.keys()


# --- the middleware -------------------------------------------------------------------------


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


class _Captured:
    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = bytearray()

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body.extend(message.get("body", b""))


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


class ListExportMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fmt = None
        if scope["type"] == "http" and scope["method"] == "GET" and _is_api(scope["path"]):
            fmt = requested_format(scope)
        if fmt is None:
            await self.app(scope, receive, send)
            return
        try:
            if fmt not in FORMATS:
                raise Unprocessable(
                    "format must be csv or xlsx",
                    code="validation_error",
                    errors=[{"loc": ["query", "format"], "msg": "csv or xlsx", "type": "enum"}],
                )
            await self._export(scope, send, fmt)
        except AppError as error:
            await _send_problem(scope, send, error)

    async def _export(self, scope: Scope, send: Send, fmt: str) -> None:
        rows: list[dict[str, Any]] = []
        page = 1
        while True:
            captured = await self._page(scope, page)
            if captured.status != 200:  # the list's own answer: 401, 404, 422 ...
                await _replay(send, captured)
                return
            body = json.loads(captured.body or b"null")
            if not is_page(body):
                raise NotAList("this resource is not a list; only lists export to csv or xlsx")
            rows.extend(body["items"])
            if len(rows) > MAX_ROWS:
                raise ExportTooLarge(f"more than {MAX_ROWS} rows: narrow the filters")
            if not body["items"] or page * PAGE_SIZE >= int(body["total"]):
                break
            page += 1
        content = await asyncio.to_thread(render, rows, fmt)
        name = file_name(scope["path"], fmt, datetime.now(UTC).date())
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", FORMATS[fmt].encode()),
                    (b"content-disposition", f'attachment; filename="{name}"'.encode()),
                    (b"content-length", str(len(content)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})

    async def _page(self, scope: Scope, page: int) -> _Captured:
        headers = [(name, value) for name, value in scope["headers"] if name != b"accept"]
        inner = {
            **scope,
            "query_string": page_query(scope.get("query_string", b""), page),
            "headers": [*headers, (b"accept", b"application/json")],
        }
        captured = _Captured()
        await self.app(inner, _no_body, captured.send)
        if "route" in inner:  # the access log and metrics name the list's route
            scope["route"] = inner["route"]
        return captured


async def _replay(send: Send, captured: _Captured) -> None:
    await send(
        {"type": "http.response.start", "status": captured.status, "headers": captured.headers}
    )
    await send({"type": "http.response.body", "body": bytes(captured.body)})


async def _send_problem(scope: Scope, send: Send, error: AppError) -> None:
    request_id = scope.get("state", {}).get("request_id")
    body = problem_body(error, instance=scope["path"], request_id=request_id)
    payload = json.dumps(body).encode()
    headers = [(b"content-type", PROBLEM_CONTENT_TYPE.encode())]
    headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def document_exports(spec: dict[str, Any]) -> None:
    """Every list operation in the OpenAPI document shows ``format`` and its file answers."""
    for operations in spec.get("paths", {}).values():
        operation = operations.get("get")
        if operation is None:
            continue
        ok = operation.get("responses", {}).get("200", {}).get("content", {})
        schema_ref = ok.get("application/json", {}).get("schema", {}).get("$ref", "")
        if not schema_ref.split("/")[-1].startswith("Page_"):
            continue
        operation.setdefault("parameters", []).append(
            {
                "name": "format",
                "in": "query",
                "required": False,
                "description": "csv or xlsx: the whole list (every page) as a file",
                "schema": {"type": "string", "enum": list(FORMATS)},
            }
        )
        for media_type in FORMATS.values():
            ok[media_type.split(";")[0]] = {"schema": {"type": "string", "format": "binary"}}
