"""One request = one transaction, committed before the response is sent.

``TransactionalRoute`` wraps every API handler: the handler (with its dependencies) runs and
its answer is rendered; then, only if the answer is a success, the ``before_commit`` hooks run
(idempotency stores the rendered answer there) and the session commits. Any exception or error
answer rolls everything back. The session is created lazily, so routes that never touch the
database open no connection.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradehub.kit.db import reset_write_intent, set_write_intent
from tradehub.kit.errors import AppError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

BeforeCommit = Callable[[AsyncSession, Response], Awaitable[None]]


class EarlyResponse(Exception):
    """Raised by a dependency that already knows the full answer (e.g. an idempotent replay)."""

    def __init__(self, response: Response) -> None:
        super().__init__("early response")
        self.response = response


class RequestTransaction:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._session: AsyncSession | None = None
        self._before_commit: list[BeforeCommit] = []

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            self._session = self._sessionmaker()
        return self._session

    def before_commit(self, hook: BeforeCommit) -> None:
        self._before_commit.append(hook)

    async def commit(self, response: Response) -> None:
        if self._session is None:
            return
        for hook in self._before_commit:
            await hook(self._session, response)
        await self._session.commit()

    async def commit_evidence(self) -> None:
        """Commit without the success hooks: the request failed, but what it recorded stays."""
        if self._session is not None:
            await self._session.commit()

    async def rollback(self) -> None:
        if self._session is not None:
            await self._session.rollback()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class TransactionalRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_in_transaction(request: Request) -> Response:
            transaction = RequestTransaction(request.app.state.sessionmaker)
            request.state.transaction = transaction
            token = set_write_intent(request.method not in SAFE_METHODS)
            try:
                try:
                    response = await handle(request)
                except EarlyResponse as early:
                    await transaction.rollback()
                    return early.response
                except AppError as error:
                    if error.keeps_changes:
                        await transaction.commit_evidence()
                    else:
                        await transaction.rollback()
                    raise
                except BaseException:
                    await transaction.rollback()
                    raise
                if response.status_code >= 400:
                    await transaction.rollback()
                else:
                    await transaction.commit(response)
                return response
            finally:
                await transaction.close()
                reset_write_intent(token)

        return handle_in_transaction


def current_transaction(request: Request) -> RequestTransaction:
    transaction = getattr(request.state, "transaction", None)
    if transaction is None:
        raise RuntimeError("route is not a TransactionalRoute; use kit.routing.api_router()")
    return transaction  # type: ignore[no-any-return]


async def get_session(request: Request) -> AsyncSession:
    return current_transaction(request).session


DbSession = Annotated[AsyncSession, Depends(get_session)]
