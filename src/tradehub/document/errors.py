"""The problems the documents module answers with (stable ``code``s)."""

from __future__ import annotations

from typing import Any

from tradehub.kit.errors import (
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
)


class DocumentNotFound(NotFound):
    code = "document.not_found"


class EntityNotFound(NotFound):
    code = "document.entity_not_found"


class DocumentTooLarge(PayloadTooLarge):
    code = "document.too_large"


class UnsupportedDocumentType(UnsupportedMediaType):
    code = "document.unsupported_type"


class NotMultipart(UnsupportedMediaType):
    code = "document.not_multipart"


class NotUploader(Forbidden):
    code = "document.not_uploader"


def field_problem(
    location: str, field: str | None, message: str, *, code: str, kind: str = "value_error"
) -> Unprocessable:
    """A 422 naming one input (or the whole ``location`` when ``field`` is None), shaped like
    FastAPI's validation errors."""
    loc = [location] if field is None else [location, field]
    errors: list[dict[str, Any]] = [{"loc": loc, "msg": message, "type": kind}]
    return Unprocessable(f"{field or location}: {message}", code=code, errors=errors)


def empty_document() -> Unprocessable:
    return field_problem("body", "file", "The file is empty", code="document.empty")


def image_too_large(limit: int) -> Unprocessable:
    return field_problem(
        "body",
        "file",
        f"The image has more than {limit} pixels",
        code="document.image_too_large",
    )


def invalid_upload(message: str, field: str | None = "file") -> Unprocessable:
    return field_problem("body", field, message, code="document.invalid_upload")


def unknown_entity_type(location: str, entity_type: str, known: list[str]) -> Unprocessable:
    return field_problem(
        location,
        "entity_type",
        f"Unknown entity type {entity_type!r}; one of: {', '.join(known)}",
        code="document.unknown_entity_type",
    )
