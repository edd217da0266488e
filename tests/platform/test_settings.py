"""Settings come from ``TRADEHUB_*`` variables and ``.env``; production demands a real secret."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from pydantic import ValidationError

from tradehub.config import DEVELOPMENT_SECRET_KEY, Environment, Settings, get_settings
from tradehub.main import create_app

TRADEHUB_VARIABLES = (
    "TRADEHUB_ENV",
    "TRADEHUB_SECRET_KEY",
    "TRADEHUB_PORT",
    "TRADEHUB_DATABASE_URL",
    "TRADEHUB_REDIS_URL",
    "TRADEHUB_SMTP_HOST",
)


@pytest.fixture(autouse=True)
def clean_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings_cache: None
) -> Path:
    """No inherited TRADEHUB_* variables, and a working directory without a ``.env``."""
    for name in TRADEHUB_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_production_without_a_secret_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="TRADEHUB_SECRET_KEY"):
        Settings(env="production")


def test_production_with_the_development_secret_key_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRADEHUB_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    with pytest.raises(ValidationError, match="TRADEHUB_SECRET_KEY"):
        Settings(env="production")


def test_production_with_a_short_secret_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(env="production", secret_key="x" * 31)


def test_production_with_a_long_random_secret_key_is_accepted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = secrets.token_urlsafe(32)
    monkeypatch.setenv("TRADEHUB_SECRET_KEY", key)
    settings = Settings(env="production")
    assert settings.env is Environment.PRODUCTION
    assert settings.secret_key.get_secret_value() == key
    assert key not in repr(settings)


def test_development_runs_with_the_built_in_secret_key() -> None:
    settings = Settings()
    assert settings.env is Environment.DEVELOPMENT
    assert settings.secret_key.get_secret_value() == DEVELOPMENT_SECRET_KEY


def test_defaults_are_the_documented_ones() -> None:
    settings = Settings()
    assert settings.port == 8000
    assert settings.database_url.startswith("sqlite+aiosqlite:///./var/")
    assert settings.redis_url is None


def test_tradehub_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEHUB_PORT", "9123")
    monkeypatch.setenv("TRADEHUB_REDIS_URL", "redis://127.0.0.1:6379/2")
    monkeypatch.setenv("TRADEHUB_SMTP_HOST", "mail.example.com")
    monkeypatch.setenv("PORT", "1")  # not ours: no prefix
    settings = Settings()
    assert settings.port == 9123
    assert settings.redis_url == "redis://127.0.0.1:6379/2"
    assert settings.smtp_host == "mail.example.com"


def test_an_invalid_port_in_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEHUB_PORT", "70000")
    with pytest.raises(ValidationError, match="port"):
        Settings()


def test_dotenv_in_the_working_directory_is_read(clean_environment: Path) -> None:
    key = secrets.token_urlsafe(32)
    (clean_environment / ".env").write_text(
        f"TRADEHUB_ENV=production\nTRADEHUB_SECRET_KEY={key}\nTRADEHUB_PORT=8765\n"
        "UNRELATED_VARIABLE=ignored\n",
        encoding="utf-8",
    )
    settings = Settings()
    assert settings.env is Environment.PRODUCTION
    assert settings.secret_key.get_secret_value() == key
    assert settings.port == 8765


def test_environment_variables_win_over_dotenv(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_environment / ".env").write_text("TRADEHUB_PORT=8765\n", encoding="utf-8")
    monkeypatch.setenv("TRADEHUB_PORT", "9321")
    assert Settings().port == 9321


def test_dotenv_production_without_a_secret_is_refused(clean_environment: Path) -> None:
    (clean_environment / ".env").write_text("TRADEHUB_ENV=production\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="TRADEHUB_SECRET_KEY"):
        Settings()


def test_the_app_cannot_be_built_for_production_without_a_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRADEHUB_ENV", "production")
    with pytest.raises(ValidationError, match="TRADEHUB_SECRET_KEY"):
        create_app()
    with pytest.raises(ValidationError, match="TRADEHUB_SECRET_KEY"):
        get_settings()


def test_the_app_is_built_for_production_with_a_real_secret(
    monkeypatch: pytest.MonkeyPatch, clean_environment: Path
) -> None:
    monkeypatch.setenv("TRADEHUB_ENV", "production")
    monkeypatch.setenv("TRADEHUB_SECRET_KEY", secrets.token_urlsafe(32))
    monkeypatch.setenv("TRADEHUB_DATABASE_URL", f"sqlite+aiosqlite:///{clean_environment}/p.db")
    app = create_app()
    assert app.state.settings.env is Environment.PRODUCTION
