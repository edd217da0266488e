"""Requests and answers of the identity API (api.md §3)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from tradehub.kit.pagination import sort_enum

# Long enough to reject an over-long password with the policy's reason instead of a bare 422;
# nothing is ever truncated.
PasswordField = Annotated[str, Field(min_length=1, max_length=1024)]
RoleName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,49}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(Strict):
    email: Annotated[str, Field(min_length=1, max_length=254)]
    password: PasswordField


class RefreshRequest(Strict):
    refresh_token: Annotated[str, Field(min_length=1, max_length=200)]


class PasswordChangeRequest(Strict):
    current_password: PasswordField
    new_password: PasswordField


class PasswordResetRequest(Strict):
    email: Annotated[str, Field(min_length=1, max_length=254)]


class PasswordReset(Strict):
    token: Annotated[str, Field(min_length=1, max_length=200)]
    new_password: PasswordField


class Me(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    roles: list[str]
    permissions: list[str]
    partner_id: uuid.UUID | None
    branch_ids: list[uuid.UUID]
    must_change_password: bool


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a token kind, not a secret
    expires_in: int = Field(description="Seconds until the access token expires")
    user: Me


class UserCreate(Strict):
    email: EmailStr
    name: Annotated[str, Field(min_length=1, max_length=200)]
    password: PasswordField
    roles: Annotated[list[RoleName], Field(min_length=1, max_length=10)]
    branch_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    mobile: Annotated[str, Field(max_length=20)] | None = None
    must_change_password: bool = Field(
        default=False, description="The password is temporary: it must be changed at first login"
    )


class UserUpdate(Strict):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    mobile: Annotated[str, Field(max_length=20)] | None = None
    roles: Annotated[list[RoleName], Field(min_length=1, max_length=10)] | None = None
    branch_ids: Annotated[list[uuid.UUID], Field(max_length=100)] | None = None


class UserRead(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    mobile: str | None
    roles: list[str]
    branch_ids: list[uuid.UUID]
    partner_id: uuid.UUID | None
    is_active: bool
    must_change_password: bool
    last_login_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


UserSort = sort_enum("UserSort", ["created_at", "email", "name"])


class RoleCreate(Strict):
    name: RoleName
    description: Annotated[str, Field(max_length=200)] = ""
    permissions: Annotated[list[str], Field(max_length=200)]


class RoleUpdate(Strict):
    description: Annotated[str, Field(max_length=200)] | None = None
    permissions: Annotated[list[str], Field(max_length=200)] | None = None


class RoleRead(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    is_builtin: bool
    permissions: list[str]
    version: int


RoleSort = sort_enum("RoleSort", ["name", "created_at"])


class PermissionRead(BaseModel):
    name: str
    description: str
