"""Pure rules of delivery: which provider answers are worth retrying, and message identities."""

from __future__ import annotations

import uuid
from email.utils import parseaddr
from enum import StrEnum


class SmtpStage(StrEnum):
    CONNECT = "connect"
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"
    END_OF_DATA = "end_of_data"


def smtp_reply_is_permanent(code: int, stage: SmtpStage) -> bool:
    """A 5xx refusal of the recipient or of the message will be refused again: the message is
    dead. A 4xx is the server asking us to come back later. A 5xx at connect or on MAIL FROM
    is about our own sender or account, not this message: retried (and fixed by an operator)."""
    if code < 500:
        return False
    return stage in (SmtpStage.RCPT, SmtpStage.DATA, SmtpStage.END_OF_DATA)


def http_status_is_permanent(status: int) -> bool:
    """4xx from an HTTP provider means the request itself is wrong (bad number, bad key): dead.
    429 (rate limited), 408 (timeout) and 5xx are the provider's trouble: retried."""
    return 400 <= status < 500 and status not in (408, 425, 429)


def message_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    domain = address.rpartition("@")[2].strip().lower()
    return domain or "tradehub.local"


def message_id(outbox_id: uuid.UUID, sender: str) -> str:
    """The same outbox row always gets the same Message-ID, so any copy is recognisable."""
    return f"<{outbox_id}@{message_domain(sender)}>"
