"""SMS: a provider interface, a console provider for development and a JSON-over-HTTP gateway.

``TRADEHUB_SMS_PROVIDER=console`` (the default) writes each text to standard output, never to
the structured logs, and refuses to pretend to send in production. ``http`` posts
``{"to", "message", "sender", "reference"}`` to ``TRADEHUB_SMS_HTTP_URL`` with
``Authorization: Bearer TRADEHUB_SMS_HTTP_API_KEY``; a gateway with another shape is one more
class with the same ``send``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, Protocol

import httpx

from tradehub.config import Environment, Settings
from tradehub.kit.outbox import Claim
from tradehub.notification.domain import http_status_is_permanent
from tradehub.notification.recorder import Recorder
from tradehub.notification.rendering import TemplateProblem, render_sms

# The request provably did not reach the provider: safe to send again.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.UnsupportedProtocol,
    httpx.ProxyError,
)


class SmsRefused(Exception):
    """The provider did not take the message (``permanent``: it never will)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class SmsUnanswered(Exception):
    """The request went out but no answer came back: it may or may not have been sent."""


class SmsProvider(Protocol):
    async def send(self, *, to: str, text: str, reference: str) -> str | None:
        """Send one text; the provider's id for it. Raises SmsRefused or SmsUnanswered."""
        ...


class ConsoleSmsProvider:
    """Development only: prints the text (which may hold an OTP) on standard output."""

    def __init__(self, settings: Settings) -> None:
        self._production = settings.env is Environment.PRODUCTION

    async def send(self, *, to: str, text: str, reference: str) -> str | None:
        if self._production:
            raise SmsRefused(
                "the console SMS provider does not send in production; set TRADEHUB_SMS_PROVIDER",
                permanent=True,
            )
        sys.stdout.write(f"[sms to {to}] {text}\n")
        sys.stdout.flush()
        return f"console-{reference}"


class HttpSmsProvider:
    def __init__(self, settings: Settings, *, client: httpx.AsyncClient | None = None) -> None:
        if not settings.sms_http_url:
            raise ValueError("TRADEHUB_SMS_HTTP_URL is required for TRADEHUB_SMS_PROVIDER=http")
        self._url = settings.sms_http_url
        self._sender = settings.sms_sender
        self._timeout = settings.sms_timeout_seconds
        self._headers = {"Accept": "application/json"}
        if settings.sms_http_api_key is not None:
            key = settings.sms_http_api_key.get_secret_value()
            self._headers["Authorization"] = f"Bearer {key}"
        self._client = client

    async def send(self, *, to: str, text: str, reference: str) -> str | None:
        body = {"to": to, "message": text, "sender": self._sender, "reference": reference}
        try:
            if self._client is not None:
                response = await self._post(self._client, body)
            else:
                async with httpx.AsyncClient(timeout=self._timeout) as client:
                    response = await self._post(client, body)
        except _NOT_SENT as exc:
            raise SmsRefused(
                f"SMS gateway unreachable: {type(exc).__name__}", permanent=False
            ) from exc
        except httpx.HTTPError as exc:
            raise SmsUnanswered(f"no answer from the SMS gateway: {type(exc).__name__}") from exc
        if response.is_success:
            return _reference(response)
        # The body is not stored: gateways echo the request, and the request holds the text.
        raise SmsRefused(
            f"SMS gateway answered HTTP {response.status_code}",
            permanent=http_status_is_permanent(response.status_code),
        )

    async def _post(self, client: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
        return await client.post(self._url, json=body, headers=self._headers)


def _reference(response: httpx.Response) -> str | None:
    try:
        data = response.json()
    except ValueError:
        return None
    if isinstance(data, dict):
        for key in ("id", "message_id", "request_id"):
            if data.get(key) is not None:
                return str(data[key])
    return None


def sms_provider_for(settings: Settings) -> SmsProvider:
    name = settings.sms_provider.strip().lower()
    if name == "console":
        return ConsoleSmsProvider(settings)
    if name == "http":
        return HttpSmsProvider(settings)
    raise ValueError(f"unknown TRADEHUB_SMS_PROVIDER {settings.sms_provider!r}: console or http")


def _nothing() -> None:
    """Over HTTP the request itself is the release; it follows the hand-over at once."""


class SmsTransport:
    def __init__(self, settings: Settings, provider: SmsProvider | None = None) -> None:
        self._settings = settings
        self._provider = provider

    async def deliver(self, claims: Sequence[Claim], recorder: Recorder) -> None:
        try:
            provider = self._provider or sms_provider_for(self._settings)
        except ValueError as exc:  # misconfigured: retried once an operator fixes the setting
            for claim in claims:
                await recorder.failed(claim, error=str(exc), permanent=False)
            return
        for claim in claims:
            try:
                text = render_sms(claim.template, claim.payload, settings=self._settings)
            except TemplateProblem as exc:
                await recorder.failed(claim, error=str(exc), permanent=True)
                continue
            if not await recorder.hand_over(claim, release=_nothing):
                continue
            try:
                reference = await provider.send(
                    to=claim.recipient, text=text, reference=str(claim.id)
                )
            except SmsRefused as exc:
                await recorder.failed(
                    claim, error=str(exc), permanent=exc.permanent, handed_over=True
                )
            except SmsUnanswered as exc:
                await recorder.unconfirmed(
                    claim, error=f"{exc}; not resent, so that it cannot arrive twice"
                )
            else:
                await recorder.confirmed(claim, reference=reference)
