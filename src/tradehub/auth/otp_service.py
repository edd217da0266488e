"""One-time codes for verifying an e-mail address or a mobile number.

Six digits, valid ten minutes, three tries, single use, bound to their purpose and
destination. Only an HMAC (keyed with the secret key) is stored: a leaked table cannot be
brute-forced offline the way a plain hash of six digits could.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.domain import normalise_mobile
from tradehub.auth.models import OtpCode, User
from tradehub.auth.repository import normalise_email
from tradehub.auth.service import Identity
from tradehub.kit import outbox
from tradehub.kit.errors import BadRequest
from tradehub.kit.types import utcnow

CODE_DIGITS = 6


class OtpPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    VERIFY_MOBILE = "verify_mobile"


CHANNEL_OF = {OtpPurpose.VERIFY_EMAIL: "email", OtpPurpose.VERIFY_MOBILE: "sms"}


class InvalidOtp(BadRequest):
    code, title = "otp.invalid", "Invalid or expired code"
    keeps_changes = True  # the spent attempt must count


def normalise_destination(purpose: OtpPurpose, destination: str) -> str | None:
    if purpose is OtpPurpose.VERIFY_MOBILE:
        return normalise_mobile(destination)
    email = normalise_email(destination)
    return email if "@" in email and len(email) <= 254 else None


def code_digest(identity: Identity, purpose: str, destination: str, code: str) -> str:
    key = identity.settings.secret_key.get_secret_value().encode()
    message = f"{purpose}\x00{destination}\x00{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


async def request_code(
    session: AsyncSession, identity: Identity, *, purpose: OtpPurpose, destination: str
) -> None:
    """Send a fresh code; earlier unused codes for the same purpose and destination die."""
    now = utcnow()
    await session.execute(
        update(OtpCode)
        .where(
            OtpCode.purpose == purpose.value,
            OtpCode.destination == destination,
            OtpCode.consumed_at.is_(None),
        )
        .values(consumed_at=now)
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    minutes = identity.settings.otp_minutes
    session.add(
        OtpCode(
            purpose=purpose.value,
            channel=CHANNEL_OF[purpose],
            destination=destination,
            code_hash=code_digest(identity, purpose.value, destination, code),
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    await outbox.enqueue(
        session,
        channel=CHANNEL_OF[purpose],
        recipient=destination,
        template="otp",
        context={"code": code, "minutes": minutes, "purpose": purpose.value},
    )


async def verify_code(
    session: AsyncSession, identity: Identity, *, purpose: OtpPurpose, destination: str, code: str
) -> None:
    now = utcnow()
    otp = await session.scalar(
        select(OtpCode)
        .where(
            OtpCode.purpose == purpose.value,
            OtpCode.destination == destination,
            OtpCode.consumed_at.is_(None),
        )
        .order_by(OtpCode.created_at.desc())
        .limit(1)
        .with_for_update()
    )
    if otp is None or otp.expires_at <= now or otp.attempts >= identity.settings.otp_max_attempts:
        raise InvalidOtp("The code is invalid or has expired; ask for a new one")
    otp.attempts += 1
    expected = code_digest(identity, purpose.value, destination, code)
    if not hmac.compare_digest(expected, otp.code_hash):
        raise InvalidOtp("The code is invalid or has expired; ask for a new one")
    otp.consumed_at = now
    await _mark_verified(session, purpose, destination)


async def _mark_verified(session: AsyncSession, purpose: OtpPurpose, destination: str) -> None:
    now = utcnow()
    if purpose is OtpPurpose.VERIFY_EMAIL:
        await session.execute(
            update(User)
            .where(User.email == destination, User.email_verified_at.is_(None))
            .values(email_verified_at=now, version=User.version + 1)
        )
    else:
        await session.execute(
            update(User)
            .where(User.mobile == destination, User.mobile_verified_at.is_(None))
            .values(mobile_verified_at=now, version=User.version + 1)
        )
