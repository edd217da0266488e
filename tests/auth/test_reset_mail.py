"""The password reset end to end: the mail reaches a real SMTP server and its link works once."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.auth_helpers import SignIn
from tests.conftest import savepoint_sessionmaker
from tests.mail import MailServer, running_mail_server
from tradehub.config import Settings
from tradehub.notification import service as notifications

TOKEN_IN_LINK = re.compile(r"reset-password\?token=([A-Za-z0-9_-]+)")


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    yield from running_mail_server()


async def test_the_reset_mail_arrives_and_its_token_works_once(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    connection: AsyncConnection,
    test_settings: Settings,
    mail_server: MailServer,
) -> None:
    signed = await sign_in(roles=["sales"])
    requested = await client.post(
        "/api/v1/auth/password/reset-request", json={"email": signed.user.email}
    )
    assert requested.status_code == 202
    assert mail_server.received == []  # nothing leaves inside the request

    settings = test_settings.model_copy(
        update={"smtp_host": mail_server.host, "smtp_port": mail_server.port}
    )
    report = await notifications.deliver_due(
        savepoint_sessionmaker(connection), settings, worker="reset-test"
    )
    assert report.claimed == 1
    [mail] = mail_server.wait_for(1)
    assert mail.rcpt_tos == (signed.user.email,)
    tokens = {TOKEN_IN_LINK.search(mail.part(kind)).group(1) for kind in ("plain", "html")}  # type: ignore[union-attr]
    assert len(tokens) == 1
    token = tokens.pop()

    reset = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": "Mailed#Reset2026"}
    )
    assert reset.status_code == 204
    again = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": "Second#Try2026"}
    )
    assert again.status_code == 400
    login = await client.post(
        "/api/v1/auth/login", json={"email": signed.user.email, "password": "Mailed#Reset2026"}
    )
    assert login.status_code == 200
