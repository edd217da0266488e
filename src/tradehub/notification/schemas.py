"""What the notifications API answers, and the list's sort fields."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from tradehub.kit.pagination import sort_enum

NotificationSort = sort_enum("NotificationSort", ["created_at", "next_attempt_at", "sent_at"])


class NotificationRead(BaseModel):
    """One queued or sent message. Its content (which may hold a reset link or a one-time
    code) is never shown."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="Also the e-mail's Message-ID: <id@sender-domain>")
    channel: str = Field(examples=["email", "sms"])
    recipient: str
    template: str = Field(examples=["password_reset", "invitation", "otp", "welcome"])
    status: str = Field(
        description="queued, sending, sent, failed (will be retried) or dead (given up)",
        examples=["sent"],
    )
    attempts: int
    next_attempt_at: datetime = Field(description="When a queued or failed message is tried")
    last_error: str | None = Field(description="Why the last attempt failed; never secrets")
    sent_at: datetime | None = Field(description="When it was handed to the provider")
    confirmed_at: datetime | None = Field(
        description="When the provider acknowledged it; null on a sent message means the "
        "provider's answer never came (it was not resent, so it cannot arrive twice)"
    )
    provider_reference: str | None = Field(description="The provider's id or reply")
    created_at: datetime
    updated_at: datetime
