"""Each delivery step's outcome, recorded at once in a short transaction of its own.

Transports call these in order: ``hand_over`` just before the provider can accept, then one of
``confirmed`` / ``failed(handed_over=True)`` / ``unconfirmed``; or ``failed`` before any hand-over.
Each commit happens before the transport does anything else, so a crash loses at most the step
in flight (see README.md).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from tradehub.config import Settings
from tradehub.kit import outbox
from tradehub.kit.db import reset_write_intent, session_scope, set_write_intent
from tradehub.kit.logging import get_logger
from tradehub.kit.outbox import Claim, OutboxStatus

log = get_logger("tradehub.notification")


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    unconfirmed: int = 0
    failed: int = 0
    dead: int = 0
    released: int = 0
    lost_claims: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "claimed": self.claimed,
            "sent": self.sent,
            "unconfirmed": self.unconfirmed,
            "failed": self.failed,
            "dead": self.dead,
            "released": self.released,
            "lost_claims": self.lost_claims,
        }


class Recorder:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._settings = settings
        self._rng = rng
        self.report = DeliveryReport()

    async def hand_over(self, claim: Claim, release: Callable[[], None]) -> bool:
        """Commit that the message is being given to the provider and call ``release`` (the
        write that lets the provider accept it) the moment the database confirms the commit,
        before anything else (even the connection's return to the pool): the gap between the
        two is the one window of the delivery guarantee (README.md).

        False when the message must not be sent: another worker took it over, or the database
        did not answer (it is retried once its lease expires). An exception from ``release``
        is raised after the hand-over was recorded, nothing having been released.
        """
        released: list[BaseException | None] = []

        def release_now(_session: Session) -> None:
            try:
                release()
            except BaseException as exc:  # noqa: BLE001 - re-raised below, outside the commit
                released.append(exc)
            else:
                released.append(None)

        token = set_write_intent(True)
        session = self._sessionmaker()
        try:
            event.listen(session.sync_session, "after_commit", release_now, once=True)
            try:
                held = await outbox.hand_over(session, claim)
                if held:
                    await session.commit()
            except Exception:  # any database failure before the commit means "do not send"
                if not released:
                    log.warning("outbox.hand_over_failed", message_id=str(claim.id), exc_info=True)
                    return False
            if not held:
                self.report.lost_claims += 1
                log.warning("outbox.claim_lost", message_id=str(claim.id))
                return False
        finally:
            await session.close()
            reset_write_intent(token)
        if released and released[0] is not None:
            raise released[0]
        return True

    async def confirmed(self, claim: Claim, *, reference: str | None) -> None:
        async with session_scope(self._sessionmaker) as session:
            await outbox.confirm(session, claim, reference=reference)
        self.report.sent += 1
        log.info(
            "outbox.sent",
            message_id=str(claim.id),
            channel=claim.channel,
            template=claim.template,
            attempt=claim.attempts,
        )

    async def unconfirmed(self, claim: Claim, *, error: str) -> None:
        async with session_scope(self._sessionmaker) as session:
            await outbox.note_unconfirmed(session, claim, error=error)
        self.report.unconfirmed += 1
        log.warning(
            "outbox.unconfirmed", message_id=str(claim.id), channel=claim.channel, error=error
        )

    async def failed(
        self, claim: Claim, *, error: str, permanent: bool, handed_over: bool = False
    ) -> OutboxStatus | None:
        backoff = outbox.backoff_delay(
            claim.attempts,
            base_seconds=self._settings.outbox_backoff_seconds,
            max_seconds=self._settings.outbox_backoff_max_seconds,
            rng=self._rng,
        )
        async with session_scope(self._sessionmaker) as session:
            status = await outbox.fail(
                session,
                claim,
                error=error,
                permanent=permanent,
                max_attempts=self._settings.outbox_max_attempts,
                backoff=backoff,
                handed_over=handed_over,
            )
        if status is OutboxStatus.DEAD:
            self.report.dead += 1
        elif status is OutboxStatus.FAILED:
            self.report.failed += 1
        log.warning(
            "outbox.failed",
            message_id=str(claim.id),
            channel=claim.channel,
            template=claim.template,
            attempt=claim.attempts,
            status=str(status) if status else "claim_lost",
            error=outbox.clean_error(error),
        )
        return status

    async def release(self, claims: Sequence[Claim]) -> None:
        if not claims:
            return
        async with session_scope(self._sessionmaker) as session:
            for claim in claims:
                await outbox.release(session, claim)
        self.report.released += len(claims)
