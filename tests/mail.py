"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording every message it accepts.

It never de-duplicates: a message sent twice is recorded twice, which is what the delivery
tests count. Replies can be scripted per stage (``fail_next``) to play a failing provider, and
``on_rcpt`` / ``on_data`` hooks run inside the server's handlers (the kill tests use them).
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == f"text/{subtype}":
                return str(part.get_content())
        raise AssertionError(f"no text/{subtype} part")


class RecordingHandler:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.received: list[Received] = []
        self._script: dict[str, deque[str]] = {"rcpt": deque(), "data": deque()}
        self.on_rcpt: Callable[[str], None] | None = None
        self.on_data: Callable[[Received], None] | None = None
        self.data_delay = 0.0
        self.sessions = 0

    def fail_next(self, stage: str, reply: str, times: int = 1) -> None:
        with self._lock:
            self._script[stage].extend([reply] * times)

    def _scripted(self, stage: str) -> str | None:
        with self._lock:
            return self._script[stage].popleft() if self._script[stage] else None

    async def handle_EHLO(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        with self._lock:
            self.sessions += 1
        return responses

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        reply = self._scripted("rcpt")
        if reply is not None:
            return reply
        if self.on_rcpt is not None:
            self.on_rcpt(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        reply = self._scripted("data")
        if reply is not None:
            return reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        received = Received(envelope.mail_from, tuple(envelope.rcpt_tos), message)  # type: ignore[arg-type]
        with self._lock:
            self.received.append(received)
            number = len(self.received)
        if self.on_data is not None:
            self.on_data(received)
        if self.data_delay:
            time.sleep(self.data_delay)  # a server that accepts, then answers too late
        return f"250 OK queued as Q{number}"

    def message_ids(self) -> Counter[str]:
        with self._lock:
            return Counter(received.message_id for received in self.received)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MailServer:
    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.host = "127.0.0.1"
        self.port = free_port()
        self._controller = Controller(self.handler, hostname=self.host, port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


def running_mail_server() -> Iterator[MailServer]:
    """Body of the ``mail_server`` fixture that the test packages' conftests declare."""
    server = MailServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
