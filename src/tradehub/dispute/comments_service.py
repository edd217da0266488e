"""A dispute's threaded comments: internal notes for the broker's staff, external comments
for staff and both parties. Comments are written once and never changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.contract.domain import Side
from tradehub.dispute import domain, repository
from tradehub.dispute.domain import DisputeStatus, Visibility
from tradehub.dispute.errors import DisputeFinal, DisputeNotFound, InternalCommentForbidden
from tradehub.dispute.models import Dispute, DisputeComment
from tradehub.dispute.schemas import CommentCreate, CommentRead
from tradehub.kit.identifiers import invalid_field
from tradehub.kit.pagination import PageParams, paginate

ENTITY = "dispute"
BROKER = "broker"


def visibilities_for(principal: Principal) -> list[Visibility]:
    staff = not principal.is_partner_user
    return [v for v in Visibility if domain.sees_comment(viewer_is_staff=staff, visibility=v)]


def comment_read(comment: DisputeComment, dispute: Dispute, principal: Principal) -> CommentRead:
    """A party's users see the ids of their own partner's authors only."""
    if comment.author_partner_id is None:
        side = BROKER
    elif comment.author_partner_id == dispute.seller_id:
        side = Side.SELLER.value
    else:
        side = Side.BUYER.value
    shows_author = (
        not principal.is_partner_user or comment.author_partner_id == principal.partner_id
    )
    return CommentRead(
        id=comment.id,
        dispute_id=comment.dispute_id,
        parent_id=comment.parent_id,
        visibility=Visibility(comment.visibility),
        body=comment.body,
        author_side=side,
        author_id=comment.author_id if shows_author else None,
        created_at=comment.created_at,
    )


async def list_comments(
    session: AsyncSession,
    principal: Principal,
    dispute: Dispute,
    paging: PageParams,
    ordering: list[Any],
) -> tuple[list[CommentRead], int]:
    statement = repository.comments_statement(dispute.id, visibilities=visibilities_for(principal))
    rows, total = await paginate(session, statement, paging, ordering)
    return [comment_read(c, dispute, principal) for c in rows], total


async def add_comment(
    session: AsyncSession,
    principal: Principal,
    actor: AuditActor,
    dispute: Dispute,
    body: CommentCreate,
) -> DisputeComment:
    staff = not principal.is_partner_user
    if not domain.may_post(viewer_is_staff=staff, visibility=body.visibility):
        raise InternalCommentForbidden("Parties post external comments only")
    # The dispute's row lock orders comments against a racing close or withdrawal.
    locked = await repository.lock(session, dispute.id)
    if locked is None:  # pragma: no cover - it was just read
        raise DisputeNotFound("No such dispute")
    if DisputeStatus(locked.status) in domain.FINAL:
        raise DisputeFinal(f"The dispute is {locked.status}: it takes no more comments")
    if body.parent_id is not None:
        parent = await repository.comment_of(session, locked.id, body.parent_id)
        seen = parent is not None and domain.sees_comment(
            viewer_is_staff=staff, visibility=Visibility(parent.visibility)
        )
        if parent is None or not seen:
            raise invalid_field(
                "parent_id", "no such comment on this dispute", code="dispute.parent_unknown"
            )
        if not domain.may_reply(reply=body.visibility, parent=Visibility(parent.visibility)):
            raise invalid_field(
                "parent_id",
                "an external comment cannot reply to an internal note",
                code="dispute.parent_internal",
            )
    comment = DisputeComment(
        dispute_id=locked.id,
        parent_id=body.parent_id,
        visibility=body.visibility.value,
        body=body.body,
        author_id=actor.user_id,
        author_partner_id=principal.partner_id,
    )
    session.add(comment)
    await session.flush()
    # In the dispute's own trail, so one audit query shows the whole story.
    await audit(
        session,
        actor=actor,
        action="comment",
        entity_type=ENTITY,
        entity_id=locked.id,
        changes=diff(
            {},
            {
                "comment_id": comment.id,
                "visibility": comment.visibility,
                "parent_id": comment.parent_id,
                "body": comment.body,
            },
        ),
    )
    return comment
