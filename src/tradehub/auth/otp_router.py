"""One-time codes (api.md §1 lists OTP request and verify among the public routes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

from tradehub.auth import otp_service
from tradehub.auth.dependencies import CallerDep, IdentityDep, RateLimiterDep
from tradehub.auth.errors import field_error
from tradehub.auth.otp_service import OtpPurpose
from tradehub.kit.errors import problem_responses
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession

otp_router = api_router(prefix="/auth/otp", tags=["identity"])


class OtpRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    purpose: OtpPurpose
    destination: Annotated[str, Field(min_length=3, max_length=254)]


class OtpVerify(OtpRequest):
    code: Annotated[str, Field(pattern=r"^\d{6}$")]


class OtpVerified(BaseModel):
    verified: bool = True


def _destination(body: OtpRequest) -> str:
    destination = otp_service.normalise_destination(body.purpose, body.destination)
    if destination is None:
        kind = "mobile number" if body.purpose is OtpPurpose.VERIFY_MOBILE else "e-mail address"
        raise field_error("destination", f"Not a valid {kind}", "otp.invalid_destination")
    return destination


@otp_router.post("/request", status_code=202, responses=problem_responses(429))
async def request_code(
    body: OtpRequest,
    session: DbSession,
    identity: IdentityDep,
    caller: CallerDep,
    limiter: RateLimiterDep,
) -> Response:
    """Send a 6-digit code, valid 10 minutes, to the e-mail address or mobile number."""
    destination = _destination(body)
    settings = identity.settings
    await limiter.hit(f"{settings.otp_requests_per_address_per_hour}/hour", "otp", caller.ip or "-")
    await limiter.hit(f"{settings.otp_sends_per_destination_per_hour}/hour", "otp-to", destination)
    await otp_service.request_code(session, identity, purpose=body.purpose, destination=destination)
    return Response(status_code=202)


@otp_router.post("/verify", response_model=OtpVerified, responses=problem_responses(400, 429))
async def verify_code(
    body: OtpVerify,
    session: DbSession,
    identity: IdentityDep,
    caller: CallerDep,
    limiter: RateLimiterDep,
) -> OtpVerified:
    """Check a code: single use, three tries, bound to its purpose and destination."""
    destination = _destination(body)
    settings = identity.settings
    await limiter.hit(f"{settings.otp_requests_per_address_per_hour}/hour", "otp", caller.ip or "-")
    await otp_service.verify_code(
        session, identity, purpose=body.purpose, destination=destination, code=body.code
    )
    return OtpVerified()
