"""One Settings class: every knob of the service, from ``TRADEHUB_*`` variables and ``.env``."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Used only in development and tests; production refuses it (see _require_real_secret).
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-not-for-production-use"  # noqa: S105
MINIMUM_SECRET_LENGTH = 32


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TRADEHUB_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Environment = Environment.DEVELOPMENT
    database_url: str = Field(
        default="sqlite+aiosqlite:///./var/tradehub.db",
        repr=False,  # may carry a password
        description="SQLAlchemy async URL: sqlite+aiosqlite:///path or postgresql+asyncpg://…",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET_KEY)
    redis_url: str | None = None
    live_channel_prefix: str = Field(
        default="tradehub:live:",
        min_length=1,
        description="Prefix of the Redis pub/sub channels of live events (one per deployment)",
    )

    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout_seconds: float = Field(default=30.0, gt=0)
    db_statement_timeout_ms: int = Field(default=30_000, ge=0)
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "TradeHub <no-reply@tradehub.local>"
    storage_url: str = "file://./var/storage"
    s3_endpoint_url: str | None = None
    storage_presign_seconds: int = Field(default=900, ge=1, le=900)
    sms_provider: str = "console"

    # Outbox delivery and scheduled jobs (tradehub.notification, tradehub.jobs).
    embedded_worker: bool | None = Field(
        default=None,
        description="Run the job runner inside `tradehub serve`; unset means on, except in tests",
    )
    worker_poll_seconds: float = Field(default=2.0, gt=0)
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    sms_http_url: str | None = None
    sms_http_api_key: SecretStr | None = None
    sms_sender: str = "TRDHUB"
    sms_timeout_seconds: float = Field(default=15.0, gt=0)
    outbox_batch_size: int = Field(default=50, ge=1, le=1000)
    outbox_lease_seconds: float = Field(default=120.0, gt=0)
    outbox_max_attempts: int = Field(default=8, ge=1)
    outbox_backoff_seconds: float = Field(default=30.0, gt=0)
    outbox_backoff_max_seconds: float = Field(default=6 * 3600.0, gt=0)

    cors_origins: list[str] = Field(default_factory=list)
    log_level: str = "INFO"
    log_json: bool = True
    idempotency_ttl_hours: int = Field(default=24, ge=1)

    public_url: str = Field(
        default="http://127.0.0.1:8000", description="Base of links in e-mails (password reset)"
    )
    jwt_issuer: str = "tradehub"
    jwt_audience: str = "tradehub-api"
    access_token_minutes: int = Field(default=30, ge=1)
    refresh_token_days: int = Field(default=7, ge=1)
    session_idle_minutes: int = Field(default=30, ge=1)
    password_reset_minutes: int = Field(default=60, ge=1)
    password_history: int = Field(default=5, ge=0)
    login_max_failures: int = Field(default=5, ge=1)
    login_failure_window_minutes: int = Field(default=15, ge=1)
    lockout_minutes: int = Field(default=30, ge=1)
    login_rate_per_minute: int = Field(default=20, ge=1)
    reset_rate_per_hour: int = Field(default=10, ge=1)
    otp_minutes: int = Field(default=10, ge=1)
    invitation_days: int = Field(default=7, ge=1, description="Life of a sub-user invitation")
    max_sub_users: int = Field(
        default=5, ge=0, description="Sub-users (active plus invited) per business partner"
    )
    otp_max_attempts: int = Field(default=3, ge=1)
    otp_sends_per_destination_per_hour: int = Field(default=5, ge=1)
    otp_requests_per_address_per_hour: int = Field(default=20, ge=1)
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)

    @model_validator(mode="after")
    def _require_real_secret(self) -> Settings:
        if self.env is Environment.PRODUCTION:
            secret = self.secret_key.get_secret_value()
            if secret == DEVELOPMENT_SECRET_KEY or len(secret) < MINIMUM_SECRET_LENGTH:
                raise ValueError(
                    "TRADEHUB_SECRET_KEY must be set to a random value of at least "
                    f"{MINIMUM_SECRET_LENGTH} characters in production"
                )
        return self

    @property
    def runs_embedded_worker(self) -> bool:
        """Whether `tradehub serve` runs the job runner in-process (off by default in tests)."""
        if self.embedded_worker is not None:
            return self.embedded_worker
        return self.env is not Environment.TEST

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """The database file of a SQLite URL (None for in-memory or other databases)."""
        if not self.is_sqlite:
            return None
        path = self.database_url.split("///", 1)[-1]
        return None if path in ("", ":memory:") else Path(path)


@lru_cache
def get_settings() -> Settings:
    return Settings()
