"""Identity errors with their stable codes (api.md §3)."""

from __future__ import annotations

from typing import Any

from tradehub.kit.errors import (
    BadRequest,
    Forbidden,
    Locked,
    NotAuthenticated,
    NotFound,
    Unprocessable,
)


class InvalidCredentials(NotAuthenticated):
    code, title = "auth.invalid_credentials", "Invalid e-mail or password"
    keeps_changes = True  # the failure count and the audit event must survive the 401


class AccountLocked(Locked):
    code, title = "auth.locked", "Account locked"
    keeps_changes = True


class RefreshTokenReused(NotAuthenticated):
    """A rotated refresh token came back: the session is revoked, and that must stick."""

    keeps_changes = True


class InvalidToken(BadRequest):
    code, title = "auth.invalid_token", "Invalid or expired token"


class PermissionDenied(Forbidden):
    code, title = "auth.forbidden", "Not allowed"
    keeps_changes = True  # the denial is audited


class PasswordChangeRequired(Forbidden):
    code, title = "auth.password_change_required", "Change your password first"


class UserNotFound(NotFound):
    code = "user.not_found"


class RoleNotFound(NotFound):
    code = "role.not_found"


class BuiltinRoleImmutable(Forbidden):
    code = "role.builtin"


class InvitationNotFound(NotFound):
    code = "invitation.not_found"


class NotPrimaryUser(Forbidden):
    code, title = "invitation.not_primary", "Only a partner's primary user may do this"


def weak_password(reasons: list[str], field: str) -> Unprocessable:
    errors: list[dict[str, Any]] = [
        {"loc": ["body", field], "msg": reason, "type": "weak_password"} for reason in reasons
    ]
    return Unprocessable(
        "The password does not meet the policy: " + "; ".join(reasons),
        code="auth.weak_password",
        errors=errors,
        reasons=reasons,
    )


def field_error(field: str, message: str, code: str) -> Unprocessable:
    return Unprocessable(
        message, code=code, errors=[{"loc": ["body", field], "msg": message, "type": code}]
    )
