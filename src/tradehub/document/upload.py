"""Receiving a multipart upload with its size limit applied while the bytes arrive.

Starlette's ``request.form()`` (and so FastAPI's ``UploadFile = File(...)``) spools every file
part to a temporary file with no size limit (``max_part_size`` only bounds the text fields) and
hands it over after the whole body has arrived: a 2 GB upload would be read to disk before a
handler could say 413. Here python-multipart's streaming parser is fed straight from
``request.stream()``: the file part's bytes are counted as they come and the request is refused
the moment they pass the limit; the rest of the body is never read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from tempfile import SpooledTemporaryFile
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.datastructures import UploadFile
from starlette.requests import Request

from tradehub.document.errors import DocumentTooLarge, NotMultipart, invalid_upload
from tradehub.kit.errors import Unprocessable

M = TypeVar("M", bound=BaseModel)

# Room for the boundaries, part headers and text fields around the file.
MULTIPART_OVERHEAD = 64 * 1024
MAX_FIELDS = 10
MAX_FIELD_BYTES = 1024
# Up to this many bytes of the file stay in memory; beyond, the spool is a temporary file.
SPOOL_IN_MEMORY = 1024 * 1024


@dataclass
class ReceivedUpload:
    fields: dict[str, str] = field(default_factory=dict)
    file: UploadFile | None = None
    complete: bool = False

    def close(self) -> None:
        if self.file is not None:
            self.file.file.close()


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


class _Collector:
    """python-multipart callbacks (synchronous): text fields into memory (bounded), the file's
    bytes counted and queued for ``flush`` to write to the spool."""

    def __init__(self, file_field: str, max_file_bytes: int) -> None:
        self.file_field = file_field
        self.max_file_bytes = max_file_bytes
        self.upload = ReceivedUpload()
        self.file_bytes = 0
        self.pending: list[bytes] = []
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._name = ""
        self._in_file = False
        self._text = bytearray()

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_end": self.on_end,
        }

    def on_part_begin(self) -> None:
        self._disposition = b""
        self._text = bytearray()
        self._in_file = False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if b"name" not in options:
            raise invalid_upload("Every part needs a name in its Content-Disposition", None)
        self._name = _decode(options[b"name"])
        if b"filename" in options:
            self._begin_file(_decode(options[b"filename"]))
        else:
            self._begin_text()

    def _begin_file(self, filename: str) -> None:
        if self._name != self.file_field:
            raise invalid_upload(f"Only {self.file_field!r} may carry a file", self._name)
        if self.upload.file is not None:
            raise invalid_upload("Send one file only")
        spool = SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - closed by close()
        self.upload.file = UploadFile(file=spool, size=0, filename=filename)  # type: ignore[arg-type]
        self._in_file = True

    def _begin_text(self) -> None:
        if self._name == self.file_field:
            raise invalid_upload("Send the file as a file part (with a filename)")
        if self._name in self.upload.fields:
            raise invalid_upload("Send each field once", self._name)
        if len(self.upload.fields) >= MAX_FIELDS:
            raise invalid_upload(f"At most {MAX_FIELDS} fields", None)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self.file_bytes += end - start
            if self.file_bytes > self.max_file_bytes:
                raise too_large(self.max_file_bytes)
            self.pending.append(data[start:end])
        else:
            if len(self._text) + end - start > MAX_FIELD_BYTES:
                raise invalid_upload(f"At most {MAX_FIELD_BYTES} bytes", self._name)
            self._text += data[start:end]

    def on_part_end(self) -> None:
        if not self._in_file:
            self.upload.fields[self._name] = _decode(bytes(self._text))

    def on_end(self) -> None:
        self.upload.complete = True

    async def flush(self) -> None:
        if self.pending and self.upload.file is not None:
            # UploadFile writes in a worker thread once the spool has moved to disk.
            await self.upload.file.write(b"".join(self.pending))
        self.pending.clear()


def too_large(limit: int) -> DocumentTooLarge:
    return DocumentTooLarge(f"A document may have at most {limit} bytes")


def _boundary(request: Request) -> bytes:
    media_type, options = parse_options_header(request.headers.get("content-type"))
    if media_type != b"multipart/form-data":
        raise NotMultipart("Send the document as multipart/form-data")
    boundary = options.get(b"boundary")
    if not boundary:
        raise invalid_upload("The multipart Content-Type has no boundary", None)
    return boundary


def _refuse_declared_excess(request: Request, limit: int) -> None:
    """A Content-Length well past the limit is refused before a single byte is read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
        raise too_large(limit)


async def receive_upload(
    request: Request, *, max_file_bytes: int, file_field: str = "file"
) -> ReceivedUpload:
    """The text fields and the one file of a multipart body, the file spooled (in memory up to
    1 MiB, then on disk). 413 as soon as the file passes ``max_file_bytes`` or the body passes
    it plus ``MULTIPART_OVERHEAD``; 415 for another content type; 422 for a malformed body.
    The caller closes the answer."""
    boundary = _boundary(request)
    _refuse_declared_excess(request, max_file_bytes)
    collector = _Collector(file_field, max_file_bytes)
    try:
        parser = MultipartParser(boundary, collector.callbacks())
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_file_bytes + MULTIPART_OVERHEAD:
                raise too_large(max_file_bytes)
            parser.write(chunk)
            await collector.flush()
        parser.finalize()
    except FormParserError as exc:
        collector.upload.close()
        raise invalid_upload("The multipart body is malformed", None) from exc
    except BaseException:
        collector.upload.close()
        raise
    if not collector.upload.complete:
        collector.upload.close()
        raise invalid_upload("The multipart body ended before its closing boundary", None)
    return collector.upload


def validate_form(upload: ReceivedUpload, model: type[M]) -> M:
    """The text fields as ``model``, and the file present; else one 422 listing every problem,
    shaped like FastAPI's validation errors (``loc`` starting with ``body``)."""
    errors: list[dict[str, Any]] = []
    parsed: M | None = None
    try:
        parsed = model.model_validate(upload.fields)
    except ValidationError as exc:
        errors.extend(_errors_of(exc.errors()))
    if upload.file is None:
        errors.append({"loc": ["body", "file"], "msg": "Field required", "type": "missing"})
    if errors or parsed is None:
        fields = ", ".join(str(error["loc"][-1]) for error in errors[:5])
        raise Unprocessable(f"Invalid input: {fields}", code="validation.invalid", errors=errors)
    return parsed


def _errors_of(errors: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {"loc": ["body", *error.get("loc", ())], "msg": error["msg"], "type": error["type"]}
        for error in errors
    ]
