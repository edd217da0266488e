"""/documents (api.md §10): upload, list, metadata, download, soft delete."""

from __future__ import annotations

import base64
import uuid
from typing import Annotated, Any

import anyio.to_thread
from fastapi import Depends, Query, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.document import service
from tradehub.document.content import prepare_content
from tradehub.document.domain import (
    MAX_DOCUMENT_BYTES,
    Kind,
    content_disposition,
    normalise_document_type,
)
from tradehub.document.errors import field_problem
from tradehub.document.models import Document
from tradehub.document.schemas import (
    UPLOAD_REQUEST_BODY,
    DocumentRead,
    DocumentSort,
    UploadFields,
)
from tradehub.document.upload import receive_upload, validate_form
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.storage import Storage, storage_for
from tradehub.kit.transaction import DbSession

router = api_router(tags=["documents"])

CanRead = Annotated[Principal, Depends(require("document:read"))]
CanWrite = Annotated[Principal, Depends(require("document:write"))]
DOCUMENT_SORT = {"created_at": Document.created_at}


def get_storage(request: Request) -> Storage:
    """``app.state.storage`` when one was put there, else the one the settings name."""
    injected: Storage | None = getattr(request.app.state, "storage", None)
    if injected is not None:
        return injected
    settings = request.app.state.settings
    return storage_for(settings.storage_url, settings.s3_endpoint_url)


StorageDep = Annotated[Storage, Depends(get_storage)]


@router.post(
    "/documents",
    status_code=201,
    response_model=DocumentRead,
    responses=problem_responses(401, 403, 404, 413, 415),
    openapi_extra={"requestBody": UPLOAD_REQUEST_BODY},
)
async def upload_document(
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    storage: StorageDep,
    response: Response,
) -> DocumentRead:
    """Multipart ``file``, ``entity_type``, ``entity_id``, ``document_type``. PDF, PNG or JPEG
    by content (415 otherwise), at most 5 MiB (413, decided while the body streams in). Images
    are re-encoded: their metadata is not kept."""
    # The body arrives as fast as the client's network allows: end the transaction that
    # authentication opened first (on SQLite a POST's transaction holds the write lock).
    await session.commit()
    upload = await receive_upload(request, max_file_bytes=MAX_DOCUMENT_BYTES)
    try:
        fields = validate_form(upload, UploadFields)
        assert upload.file is not None  # validate_form requires it
        content = await anyio.to_thread.run_sync(prepare_content, upload.file.file)
        document = await service.upload_document(
            session,
            storage,
            actor=actor_of(principal, caller),
            principal=principal,
            fields=fields,
            file_name=upload.file.filename,
            content=content,
        )
    finally:
        upload.close()
    set_etag(response, document.version)
    return DocumentRead.model_validate(document)


def _document_type_filter(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        return normalise_document_type(raw)
    except ValueError as exc:
        raise field_problem("query", "document_type", str(exc), code="validation.invalid") from exc


@router.get(
    "/documents", response_model=Page[DocumentRead], responses=problem_responses(401, 403, 404)
)
async def list_documents(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: DocumentSort = DocumentSort("-created_at"),  # type: ignore[valid-type]
    entity_type: Annotated[
        str | None, Query(pattern=r"^[a-z][a-z0-9_]{0,49}$", examples=["organization"])
    ] = None,
    entity_id: uuid.UUID | None = None,
    document_type: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[DocumentRead]:
    """One entity's documents (``entity_type`` and ``entity_id``; 404 if the caller cannot see
    it), or, for staff, every document of the entity types they see in full. Partner users
    must name the entity (422 ``document.entity_required``)."""
    statement = await service.list_statement(
        session,
        principal,
        entity_type=entity_type,
        entity_id=entity_id,
        document_type=_document_type_filter(document_type),
    )
    items, total = await paginate(
        session, statement, paging, order_by(sort, DOCUMENT_SORT, Document.id)
    )
    return Page(
        items=[DocumentRead.model_validate(d) for d in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(
    "/documents/{document_id}",
    response_model=DocumentRead,
    responses=problem_responses(401, 403, 404),
)
async def get_document(
    document_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> DocumentRead:
    document = await service.get_document(session, principal, document_id)
    set_etag(response, document.version)
    return DocumentRead.model_validate(document)


DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, as an attachment",
        "content": {
            kind.value: {"schema": {"type": "string", "contentMediaType": kind.value}}
            for kind in Kind
        },
    },
    307: {"description": "Stored in S3: a signed URL (valid at most 15 minutes) in Location"},
    **problem_responses(401, 403, 404),
}


@router.get(
    "/documents/{document_id}/download",
    response_model=None,
    response_class=StreamingResponse,
    responses=DOWNLOAD_RESPONSES,
)
async def download_document(
    document_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanRead,
    storage: StorageDep,
) -> Response:
    document = await service.get_document(session, principal, document_id)
    download = await service.open_download(
        storage, document, presign_seconds=request.app.state.settings.storage_presign_seconds
    )
    if download.url is not None:
        # The URL is a bearer credential for 15 minutes: no cache may keep it.
        return RedirectResponse(
            download.url, status_code=307, headers={"Cache-Control": "no-store"}
        )
    assert download.chunks is not None
    digest = base64.b64encode(bytes.fromhex(download.sha256)).decode()
    headers = {
        "Content-Disposition": content_disposition(download.file_name),
        "Content-Length": str(download.size),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
        "Repr-Digest": f"sha-256=:{digest}:",
    }
    return StreamingResponse(download.chunks, media_type=download.content_type, headers=headers)


@router.delete(
    "/documents/{document_id}", status_code=204, responses=problem_responses(401, 403, 404, 412)
)
async def delete_document(
    document_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
) -> Response:
    """Soft delete: the document is 404 afterwards; its row and bytes are kept. Partner users
    may delete only documents they uploaded (403 ``document.not_uploader``)."""
    document = await service.get_document(session, principal, document_id)
    check_if_match(request, document.version)
    await service.delete_document(session, actor_of(principal, caller), principal, document)
    return Response(status_code=204)
