"""The one file of a multipart upload, spooled, with its size limit applied as bytes arrive.

Starlette's ``request.form()`` spools a file part of any size before a handler runs; here
python-multipart's streaming parser is fed from ``request.stream()`` and the request is refused
(413) the moment the file passes the limit, without reading the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from tempfile import SpooledTemporaryFile
from typing import Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from tradehub.imports.errors import ImportTooLarge, NotMultipart, UnreadableImport

# Room for the boundaries and part headers (and small fields, which are ignored).
MULTIPART_OVERHEAD = 64 * 1024
SPOOL_IN_MEMORY = 1024 * 1024


@dataclass
class ReceivedFile:
    name: str
    file: SpooledTemporaryFile[bytes]
    size: int

    def close(self) -> None:
        self.file.close()


@dataclass
class _Collector:
    field_name: str
    max_bytes: int
    file: SpooledTemporaryFile[bytes] | None = None
    file_name: str = ""
    size: int = 0
    complete: bool = False
    _headers: dict[bytes, bytes] = field(default_factory=dict)
    _header: bytes = b""
    _value: bytes = b""
    _in_file: bool = False

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_end": self.on_end,
        }

    def on_part_begin(self) -> None:
        self._headers, self._in_file = {}, False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header.strip().lower()] = self._value
        self._header = self._value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        if options.get(b"name", b"").decode("utf-8", "replace") != self.field_name:
            return  # another field: its bytes are counted against the body limit, then dropped
        if self.file is not None:
            raise _invalid("Send one file only")
        if b"filename" not in options:
            raise _invalid(f"Send {self.field_name!r} as a file part (with a filename)")
        self.file_name = options[b"filename"].decode("utf-8", "replace")[:255]
        self.file = SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - closed by the caller
        self._in_file = True

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._in_file or self.file is None:
            return
        self.size += end - start
        if self.size > self.max_bytes:
            raise too_large(self.max_bytes)
        self.file.write(data[start:end])

    def on_end(self) -> None:
        self.complete = True

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def _invalid(message: str) -> UnreadableImport:
    return UnreadableImport(message, code="import.invalid_upload")


def too_large(limit: int) -> ImportTooLarge:
    return ImportTooLarge(f"An import file may have at most {limit} bytes ({limit >> 20} MiB)")


async def receive_file(
    request: Request, *, max_bytes: int, field_name: str = "file"
) -> ReceivedFile:
    """The file sent as ``field_name`` in a multipart/form-data body. 415 for another body,
    413 past ``max_bytes``, 422 without the file or for a malformed body. The caller closes it."""
    media_type, options = parse_options_header(request.headers.get("content-type"))
    if media_type != b"multipart/form-data" or not options.get(b"boundary"):
        raise NotMultipart(f"Send the file as multipart/form-data in the field {field_name!r}")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + MULTIPART_OVERHEAD:
        raise too_large(max_bytes)
    collector = _Collector(field_name, max_bytes)
    try:
        parser = MultipartParser(options[b"boundary"], collector.callbacks())
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes + MULTIPART_OVERHEAD:
                raise too_large(max_bytes)
            parser.write(chunk)
        parser.finalize()
    except FormParserError as error:
        collector.close()
        raise _invalid("The multipart body is malformed") from error
    except BaseException:
        collector.close()
        raise
    if not collector.complete or collector.file is None:
        collector.close()
        raise _invalid(
            "The multipart body ended early"
            if not collector.complete
            else f"Send the file in the field {field_name!r}"
        )
    collector.file.seek(0)
    return ReceivedFile(collector.file_name, collector.file, collector.size)
