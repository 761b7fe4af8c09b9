"""Settings, read once from the environment and `.env`."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET_KEY = "aurum-development-secret-change-me"  # noqa: S105 - refused in production
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./aurum.db"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def normalize_database_url(url: str) -> str:
    """Accept the usual `postgresql://` and `sqlite://` URLs and pick the async drivers."""
    for prefix, async_prefix in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgresql+psycopg2://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(prefix):
            return async_prefix + url.removeprefix(prefix)
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = DEFAULT_DATABASE_URL
    database_pool_size: int = Field(default=10, ge=1)
    redis_url: str | None = None
    redis_prefix: str = "aurum:"  # every key this service writes starts with it
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)

    # Tokens
    issuer: str = "http://localhost:8000"
    token_audience: str = "aurum"  # noqa: S105 - an audience, not a secret
    access_token_expire_minutes: int = Field(default=30, ge=1, le=24 * 60)
    refresh_token_expire_days: int = Field(default=30, ge=1)
    refresh_token_idle_days: int = Field(default=7, ge=1)
    signing_algorithm: str = Field(default="EdDSA", pattern="^(EdDSA|ES256)$")

    # Passwords (Argon2id; OWASP: m=19 MiB, t=2, p=1)
    argon2_memory_cost: int = Field(default=19456, ge=1024)
    argon2_time_cost: int = Field(default=2, ge=1)
    argon2_parallelism: int = Field(default=1, ge=1)
    password_min_length: int = Field(default=8, ge=8)
    password_max_length: int = Field(default=1024, ge=64, le=4096)
    password_hash_threads: int = Field(default=0, ge=0)

    # HTTP
    cors_origins: Annotated[list[str], NoDecode] = []
    auto_migrate: bool | None = None

    # First administrator, created on start when both are set and the user is missing.
    first_admin_username: str | None = None
    first_admin_email: str | None = None
    first_admin_password: SecretStr | None = None

    # Performance (benchmark): how long a request waits for a pooled database connection
    # before it gets a 503 (the pool is fixed: DATABASE_POOL_SIZE per worker, no overflow).
    database_pool_timeout: float = Field(default=10, gt=0, le=300)

    @model_validator(mode="before")
    @classmethod
    def _split_origins(cls, data: object) -> object:
        if isinstance(data, dict):
            origins = data.get("cors_origins")
            if isinstance(origins, str):
                data["cors_origins"] = [o.strip() for o in origins.split(",") if o.strip()]
        return data

    @model_validator(mode="after")
    def _check_production(self) -> Self:
        if self.environment is Environment.PRODUCTION:
            secret = self.secret_key.get_secret_value()
            if secret == DEFAULT_SECRET_KEY or len(secret) < 32:
                msg = "SECRET_KEY must be set to a random value of at least 32 characters"
                raise ValueError(msg)
        return self

    @property
    def async_database_url(self) -> str:
        return normalize_database_url(self.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.async_database_url.startswith("sqlite")

    @property
    def migrate_on_start(self) -> bool:
        """Embedded SQLite migrates itself; server databases migrate by command."""
        return self.is_sqlite if self.auto_migrate is None else self.auto_migrate


@lru_cache
def get_settings() -> Settings:
    return Settings()
