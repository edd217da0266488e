"""E-mail over SMTP with aiosmtplib: one connection per batch, one SMTP transaction per message.

The message body goes out before the hand-over is committed; only the final "." (the byte that
lets the server accept it) waits for that commit. If the commit fails or the claim was lost,
the connection is dropped mid-DATA and the server discards the partial message.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.policy
import re
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any

import aiosmtplib
from aiosmtplib import (
    SMTPException,
    SMTPResponseException,
    SMTPServerDisconnected,
)

from tradehub.config import Settings
from tradehub.kit.outbox import Claim
from tradehub.notification.domain import SmtpStage, message_id, smtp_reply_is_permanent
from tradehub.notification.recorder import Recorder
from tradehub.notification.rendering import TemplateProblem, render_email

_LINE_ENDINGS = re.compile(rb"\r\n|\n|\r")
_LEADING_DOT = re.compile(rb"(?m)^\.")
END_OF_DATA = b".\r\n"
SMTP_ACCEPTED = 250
SMTP_START_INPUT = 354
TRANSPORT_ERRORS = (SMTPException, OSError, TimeoutError)


def describe(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def build_message(claim: Claim, settings: Settings) -> bytes:
    """The RFC 5322 message: text and HTML alternatives, with a Message-ID derived from the
    outbox id. Raises TemplateProblem (or ValueError for a malformed address)."""
    rendered = render_email(claim.template, claim.payload, settings=settings)
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = claim.recipient
    message["Subject"] = rendered.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(claim.id, settings.smtp_from)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message.as_bytes(policy=email.policy.SMTP)


def data_section(message: bytes) -> bytes:
    """The DATA payload without its terminating ".": CRLF lines, leading dots doubled."""
    body = _LINE_ENDINGS.sub(b"\r\n", message)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return _LEADING_DOT.sub(b"..", body)


async def _abandon(waiter: asyncio.Future[Any]) -> None:
    waiter.cancel()
    with contextlib.suppress(asyncio.CancelledError, *TRANSPORT_ERRORS):
        await waiter


class SmtpTransport:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._sender = parseaddr(settings.smtp_from)[1] or settings.smtp_from
        self._timeout = settings.smtp_timeout_seconds

    async def deliver(self, claims: Sequence[Claim], recorder: Recorder) -> None:
        client: aiosmtplib.SMTP | None = None
        pending = list(claims)
        try:
            while pending:
                claim = pending.pop(0)
                try:
                    data = data_section(build_message(claim, self._settings))
                except (TemplateProblem, ValueError) as exc:
                    await recorder.failed(claim, error=str(exc), permanent=True)
                    continue
                if client is None:
                    try:
                        client = await self._connect()
                    except TRANSPORT_ERRORS as exc:
                        error = f"SMTP server unavailable: {describe(exc)}"
                        for unsent in (claim, *pending):
                            await recorder.failed(unsent, error=error, permanent=False)
                        pending.clear()
                        return
                client = await self._send(client, claim, data, recorder)
        finally:
            if client is not None:
                await self._quit(client)

    async def _connect(self) -> aiosmtplib.SMTP:
        settings = self._settings
        client = aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            timeout=self._timeout,
            use_tls=settings.smtp_security == "tls",
            start_tls=settings.smtp_security == "starttls",
            username=settings.smtp_user,
            password=(
                settings.smtp_password.get_secret_value() if settings.smtp_password else None
            ),
        )
        await client.connect()
        return client

    async def _send(
        self, client: aiosmtplib.SMTP, claim: Claim, data: bytes, recorder: Recorder
    ) -> aiosmtplib.SMTP | None:
        """Send one message; the client to use for the next, or None when it is unusable."""
        stage = SmtpStage.MAIL
        try:
            await client.mail(self._sender)
            stage = SmtpStage.RCPT
            await client.rcpt(claim.recipient)
            stage = SmtpStage.DATA
            reply = await client.execute_command(b"DATA")
            if reply.code != SMTP_START_INPUT:
                raise SMTPResponseException(reply.code, reply.message)
        except SMTPResponseException as exc:
            await recorder.failed(
                claim,
                error=f"SMTP {stage}: {exc.code} {exc.message}",
                permanent=smtp_reply_is_permanent(exc.code, stage),
            )
            return await self._reset(client)
        except TRANSPORT_ERRORS as exc:
            await recorder.failed(claim, error=f"SMTP {stage}: {describe(exc)}", permanent=False)
            client.close()
            return None

        protocol = client.protocol
        try:
            if protocol is None:
                raise SMTPServerDisconnected("Connection lost")
            protocol.write(data)
        except TRANSPORT_ERRORS as exc:
            await recorder.failed(claim, error=f"SMTP data: {describe(exc)}", permanent=False)
            client.close()
            return None
        # Listen for the reply before the "." can leave: it may arrive while the hand-over's
        # session is still closing, and aiosmtplib drops replies nobody is waiting for.
        reply_waiter = asyncio.ensure_future(protocol.read_response(timeout=None))
        await asyncio.sleep(0)
        try:
            handed_over = await recorder.hand_over(
                claim, release=lambda: protocol.write(END_OF_DATA)
            )
        except TRANSPORT_ERRORS as exc:  # closed before the "." left: the server has nothing
            await _abandon(reply_waiter)
            await recorder.failed(
                claim, error=f"SMTP data: {describe(exc)}", permanent=False, handed_over=True
            )
            client.close()
            return None
        if not handed_over:
            await _abandon(reply_waiter)
            client.close()  # the server drops a DATA that never ends: nothing is delivered
            return None
        try:
            reply = await asyncio.wait_for(reply_waiter, timeout=self._timeout)
        except TRANSPORT_ERRORS as exc:
            await recorder.unconfirmed(
                claim,
                error=f"no answer from the SMTP server after the message: {describe(exc)}; "
                "not resent, so that it cannot arrive twice",
            )
            client.close()
            return None
        if reply.code == SMTP_ACCEPTED:
            await recorder.confirmed(claim, reference=reply.message)
            return client
        await recorder.failed(
            claim,
            error=f"SMTP end of data: {reply.code} {reply.message}",
            permanent=smtp_reply_is_permanent(reply.code, SmtpStage.END_OF_DATA),
            handed_over=True,
        )
        return client if client.is_connected else None

    async def _reset(self, client: aiosmtplib.SMTP) -> aiosmtplib.SMTP | None:
        if not client.is_connected:
            return None
        try:
            await client.rset()
        except TRANSPORT_ERRORS:
            client.close()
            return None
        return client

    async def _quit(self, client: aiosmtplib.SMTP) -> None:
        if not client.is_connected:
            return
        try:
            await client.quit()
        except TRANSPORT_ERRORS:
            client.close()
