"""Document use cases: store, find (as visible as the attached entity), list, soft-delete.

Bytes are written before the row: under a fresh key, then the row is inserted in the request's
transaction. If that transaction rolls back, the stored object is an orphan no row points at:
harmless (never served) and cheap to sweep; the reverse order could commit a row whose bytes
never arrived.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.document.attachments import (
    attachable,
    is_visible,
    require_visible_entity,
    types_listed_in_full,
)
from tradehub.document.content import PreparedContent
from tradehub.document.domain import Kind, download_name, sanitize_file_name, storage_key
from tradehub.document.errors import DocumentNotFound, NotUploader, field_problem
from tradehub.document.models import Document
from tradehub.document.schemas import UploadFields
from tradehub.kit.storage import Storage
from tradehub.kit.types import utcnow


async def upload_document(
    session: AsyncSession,
    storage: Storage,
    *,
    actor: AuditActor,
    principal: Principal,
    fields: UploadFields,
    file_name: str | None,
    content: PreparedContent,
) -> Document:
    await require_visible_entity(session, principal, fields.entity_type, fields.entity_id)
    document_id = uuid.uuid4()
    now = utcnow()
    key = storage_key(document_id, now)
    await storage.put(key, content.data, content_type=content.kind.value)
    document = Document(
        id=document_id,
        entity_type=fields.entity_type,
        entity_id=fields.entity_id,
        document_type=fields.document_type,
        file_name=sanitize_file_name(file_name),
        content_type=content.kind.value,
        size=content.size,
        sha256=content.sha256,
        storage_key=key,
        uploaded_by_id=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(document)
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="document",
        entity_id=document.id,
        changes=diff({}, snapshot(document)),
    )
    return document


async def get_document(
    session: AsyncSession, principal: Principal, document_id: uuid.UUID
) -> Document:
    """A live document whose entity the caller sees; anything else is the same 404."""
    document = await session.get(Document, document_id)
    if (
        document is None
        or document.deleted_at is not None
        or not await is_visible(session, principal, document.entity_type, document.entity_id)
    ):
        raise DocumentNotFound("No such document")
    return document


async def list_statement(
    session: AsyncSession,
    principal: Principal,
    *,
    entity_type: str | None,
    entity_id: uuid.UUID | None,
    document_type: str | None,
) -> Select[Any]:
    """One entity's documents when ``entity_id`` is given (404 if the caller cannot see it);
    otherwise those of the entity types the caller sees in full (staff only: partner users
    must name the entity)."""
    statement: Select[Any] = select(Document).where(Document.deleted_at.is_(None))
    if entity_id is not None:
        if entity_type is None:
            raise field_problem(
                "query", "entity_type", "Required with entity_id", code="validation.invalid"
            )
        await require_visible_entity(session, principal, entity_type, entity_id, location="query")
        statement = statement.where(
            Document.entity_type == entity_type, Document.entity_id == entity_id
        )
    else:
        statement = statement.where(Document.entity_type.in_(_listable(principal, entity_type)))
    if document_type is not None:
        statement = statement.where(Document.document_type == document_type)
    return statement


def _listable(principal: Principal, entity_type: str | None) -> list[str]:
    if entity_type is not None:
        attachable(entity_type, location="query")
    if principal.is_partner_user:
        raise field_problem(
            "query",
            "entity_id",
            "Send entity_type and entity_id: partner users list one entity's documents",
            code="document.entity_required",
        )
    types = types_listed_in_full(principal)
    return [t for t in types if t == entity_type] if entity_type is not None else types


async def delete_document(
    session: AsyncSession, actor: AuditActor, principal: Principal, document: Document
) -> None:
    """Soft delete: the row stays (hidden) and so do the stored bytes. Partner users may delete
    only what they uploaded."""
    if principal.is_partner_user and document.uploaded_by_id != principal.user_id:
        raise NotUploader("Only the uploader or the broker's staff may delete this document")
    before = snapshot(document)
    document.deleted_at = utcnow()
    document.deleted_by_id = principal.user_id
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="delete",
        entity_type="document",
        entity_id=document.id,
        changes=diff(before, snapshot(document)),
    )


@dataclass(frozen=True)
class Download:
    """Either a signed URL to send the caller to, or the bytes to stream ourselves."""

    file_name: str
    content_type: str
    size: int
    sha256: str
    url: str | None
    chunks: AsyncIterator[bytes] | None


async def open_download(storage: Storage, document: Document, *, presign_seconds: int) -> Download:
    name = download_name(document.file_name, Kind(document.content_type))
    url = await storage.presigned_url(
        document.storage_key,
        filename=name,
        content_type=document.content_type,
        expires_seconds=presign_seconds,
    )
    chunks = None if url is not None else await storage.open(document.storage_key)
    return Download(
        file_name=name,
        content_type=document.content_type,
        size=document.size,
        sha256=document.sha256,
        url=url,
        chunks=chunks,
    )
