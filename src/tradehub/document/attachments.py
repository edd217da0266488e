"""What documents can be attached to, and who may see each entity.

A module makes its entities attachable with one line in ``tradehub/attachables.py``:

    register_attachable("partner", partner_visible, list_permission="partner:read")

The resolver ``(session, principal, entity_id)`` returns when the entity exists *and* the
caller may see it, and raises a ``NotFound`` otherwise (both look the same from outside: no
existence leaks). Every document route re-runs it for the document's entity, so a document is
exactly as visible as what it is attached to (api.md: BOLA → 404).

``list_permission`` is held by staff who see every entity of the type: their document list
without an entity filter includes that type's documents.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.principal import Principal
from tradehub.document.errors import EntityNotFound, unknown_entity_type
from tradehub.kit.errors import NotFound

AttachableResolver = Callable[[AsyncSession, Principal, uuid.UUID], Awaitable[None]]


@dataclass(frozen=True)
class Attachable:
    entity_type: str
    resolve: AttachableResolver
    list_permission: str | None


_REGISTRY: dict[str, Attachable] = {}


def register_attachable(
    entity_type: str, resolver: AttachableResolver, *, list_permission: str | None = None
) -> None:
    """Idempotent (create_app runs once per app, tests build many apps); registering a
    different resolver under a taken name is a programming error."""
    entry = Attachable(entity_type, resolver, list_permission)
    existing = _REGISTRY.get(entity_type)
    if existing is not None and existing != entry:
        raise ValueError(f"entity type {entity_type!r} is already attachable with another resolver")
    _REGISTRY[entity_type] = entry


def attachable_types() -> list[str]:
    return sorted(_REGISTRY)


def attachable(entity_type: str, *, location: str = "body") -> Attachable:
    """The registration of ``entity_type``, or a 422 naming ``entity_type``."""
    entry = _REGISTRY.get(entity_type)
    if entry is None:
        raise unknown_entity_type(location, entity_type, attachable_types())
    return entry


async def require_visible_entity(
    session: AsyncSession,
    principal: Principal,
    entity_type: str,
    entity_id: uuid.UUID,
    *,
    location: str = "body",
) -> None:
    """422 for an unknown type; 404 ``document.entity_not_found`` for a missing or unseen
    entity."""
    entry = attachable(entity_type, location=location)
    try:
        await entry.resolve(session, principal, entity_id)
    except NotFound as exc:
        raise EntityNotFound(f"No such {entity_type}") from exc


async def is_visible(
    session: AsyncSession, principal: Principal, entity_type: str, entity_id: uuid.UUID
) -> bool:
    """Whether the caller sees the entity a stored document is attached to. A type no longer
    registered is seen by nobody."""
    entry = _REGISTRY.get(entity_type)
    if entry is None:
        return False
    try:
        await entry.resolve(session, principal, entity_id)
    except NotFound:
        return False
    return True


def types_listed_in_full(principal: Principal) -> list[str]:
    """Entity types whose every document the caller may list without naming the entity:
    staff holding the type's ``list_permission``; partner users none."""
    if principal.is_partner_user:
        return []
    return sorted(
        entry.entity_type
        for entry in _REGISTRY.values()
        if entry.list_permission is not None and principal.can(entry.list_permission)
    )
