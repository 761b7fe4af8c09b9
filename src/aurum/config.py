"""Settings, read once from the environment and `.env`."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Literal, Self

from pydantic import BeforeValidator, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET_KEY = "aurum-development-secret-change-me"  # noqa: S105 - refused in production
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./aurum.db"


class EmailBackend(StrEnum):
    CONSOLE = "console"  # prints each message to standard output (development)
    FILE = "file"  # writes each message as an .eml file into EMAIL_FILE_DIR
    SMTP = "smtp"


class SmtpTls(StrEnum):
    STARTTLS = "starttls"  # upgrade a plain connection (port 587); refuse if unsupported
    TLS = "tls"  # implicit TLS from the first byte (port 465)
    NONE = "none"  # plain text: only for a relay on the same host or a test server


class LogFormat(StrEnum):
    JSON = "json"  # one JSON object a line (production)
    CONSOLE = "console"  # readable lines (development)


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


def _comma_separated(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


CommaSeparated = Annotated[list[str], NoDecode, BeforeValidator(_comma_separated)]


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
    # A browser session (signed in at Aurum's own pages) ends this long after the sign-in.
    browser_session_hours: int = Field(default=12, ge=1, le=24 * 30)
    # Each algorithm has its own chain of keys, rotated on its own. `EdDSA` and `Ed25519`
    # (RFC 9864's name) are the same signature; verifiers on PyJWT only know `EdDSA`.
    signing_algorithm: str = Field(default="EdDSA", pattern="^(EdDSA|Ed25519|ES256)$")
    # OpenID Connect Core §15.1 makes RS256 the one every relying party accepts.
    # Back-channel logout: a logout token's lifetime; one POST's timeout; attempts, the
    # first retry after the base delay, then doubling.
    logout_token_expire_seconds: int = Field(default=120, ge=10, le=3600)
    backchannel_logout_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    backchannel_logout_max_attempts: int = Field(default=6, ge=1, le=20)
    backchannel_logout_retry_base_seconds: float = Field(default=2.0, gt=0, le=600)
    id_token_signing_algorithm: str = Field(
        default="RS256", pattern="^(RS256|ES256|Ed25519|EdDSA)$"
    )
    # RFC 9068 §2.2: every access token names a client; sign-ins at /api/v1/token (the
    # legacy password path of first-party scripts) name this built-in one.
    first_party_client_id: str = Field(default="aurum", min_length=1, max_length=64)
    # The legacy password grant: /api/v1/token, /api/v1/token/mfa and grant_type=password.
    password_grant_enabled: bool = True

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
    # Proxies whose X-Forwarded-For/-Proto are believed (addresses or networks, `*` for
    # any); none by default: the client is the connection's peer.
    forwarded_allow_ips: CommaSeparated = []
    # A request whose header block is larger gets 431 before the rest is read.
    max_request_header_bytes: int = Field(default=16 * 1024, ge=1024, le=1024 * 1024)

    # Logs
    log_format: LogFormat | None = None  # default: json in production, console elsewhere
    log_level: Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR"], BeforeValidator(_upper)] = (
        "INFO"
    )
    access_log: bool = True  # one line per request (`aurum serve --no-access-log`: off)

    # First administrator, created on start when both are set and the user is missing.
    first_admin_username: str | None = None
    first_admin_email: str | None = None
    first_admin_password: SecretStr | None = None

    # Single sign-on: bearer tokens of an external OIDC provider, checked by RFC 7662
    # introspection. Off unless SSO_ISSUER is set.
    sso_issuer: str | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    sso_audience: CommaSeparated = []  # accepted `aud` values: one or several
    sso_introspection_endpoint: str | None = None  # default: from the discovery document
    sso_client_auth_method: Literal["client_secret_basic", "client_secret_post"] = (
        "client_secret_basic"
    )
    sso_timeout_seconds: float = Field(default=3.0, gt=0, le=60)  # per token, retries included
    sso_max_connections: int = Field(default=20, ge=1)
    sso_cache_max_ttl_seconds: float = Field(default=300, ge=0)  # 0: no caching
    sso_cache_size: int = Field(default=10_000, ge=1)
    sso_negative_cache_ttl_seconds: float = Field(default=10, ge=0)
    sso_max_retries: int = Field(default=1, ge=0, le=5)
    sso_retry_budget_ratio: float = Field(default=0.2, ge=0, le=1)
    sso_breaker_failures: int = Field(default=5, ge=1)
    sso_breaker_reset_seconds: float = Field(default=10, gt=0)
    sso_create_users: bool = True  # provision a local user on first use; else link first
    # Email, verification, password reset and second factor (account security)
    email_backend: EmailBackend | None = None  # default: smtp when SMTP_HOST is set
    email_file_dir: str = "mail"
    # The console backend hides links (they carry tokens); true shows them, in development.
    email_console_links: bool = False
    email_from: str = "Aurum <no-reply@localhost>"
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: SmtpTls = SmtpTls.STARTTLS
    smtp_ca_file: str | None = None  # trust this CA bundle (a private CA) for the server
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    mail_max_attempts: int = Field(default=5, ge=1, le=20)
    mail_retry_base_seconds: float = Field(default=2.0, gt=0, le=600)
    public_base_url: str = "http://localhost:8000"  # links in emails start with it
    email_verification_expire_hours: int = Field(default=48, ge=1)
    password_reset_expire_minutes: int = Field(default=30, ge=5, le=24 * 60)
    mfa_challenge_expire_minutes: int = Field(default=5, ge=1, le=30)
    totp_issuer: str = "Aurum"
    # Account security: rate limits and sign-in failure counting (docs/security/)
    rate_limit_enabled: bool = True
    # Per-scope overrides, e.g. RATE_LIMITS='{"login.ip": "10/minute;100/hour"}'.
    rate_limits: dict[str, str] = {}
    login_free_failures: int = Field(default=5, ge=1, le=100)
    login_delay_base_seconds: int = Field(default=1, ge=1, le=3600)
    login_delay_max_seconds: int = Field(default=900, ge=1, le=86400)
    login_account_failures_per_hour: int = Field(default=100, ge=1, le=100_000)
    # Token service: how often each instance reloads signing keys (rotations made by
    # `aurum keys rotate` elsewhere) and retires keys whose tokens have all expired.
    key_refresh_seconds: int = Field(default=60, ge=1, le=3600)
    # Background jobs (docs/jobs.md): every instance runs them; housekeeping runs on one.
    jobs_poll_seconds: float = Field(default=5, gt=0, le=3600)
    jobs_lease_seconds: float = Field(default=120, ge=1, le=3600)
    jobs_concurrency: int = Field(default=4, ge=1, le=64)
    jobs_retention_days: int = Field(default=7, ge=0, le=3650)  # delivered jobs
    housekeeping_interval_seconds: int = Field(default=3600, ge=1, le=7 * 86400)
    housekeeping_batch_size: int = Field(default=1000, ge=1, le=100_000)
    audit_retention_days: int | None = Field(default=None, ge=1)  # None: keep every event
    # Companies
    company_invitation_expire_days: int = Field(default=7, ge=1, le=90)

    # Webhooks
    webhook_timeout_seconds: float = Field(default=5.0, gt=0, le=30)  # one attempt, in all
    webhook_secret_grace_hours: int = Field(default=24, ge=0, le=24 * 30)  # after a rotation
    # Attempts per message; the first retry waits WEBHOOK_RETRY_BASE_SECONDS, each next
    # one twice as long (with jitter), at most WEBHOOK_RETRY_MAX_SECONDS.
    webhook_max_attempts: int = Field(default=12, ge=1, le=50)
    webhook_retry_base_seconds: float = Field(default=5.0, gt=0, le=3600)
    webhook_retry_max_seconds: float = Field(default=3600, gt=0, le=86400)
    # Performance (benchmark): how long a request waits for a pooled database connection
    # before it gets a 503 (the pool is fixed: DATABASE_POOL_SIZE per worker, no overflow).
    database_pool_timeout: float = Field(default=10, gt=0, le=300)
    # Metrics (Prometheus, docs/operations/metrics.md): off unless one of these is set.
    # METRICS_PORT: `aurum serve` answers scrapes on a port of their own, on METRICS_HOST.
    # METRICS_TOKEN: /metrics on the service's own port, for `Authorization: Bearer` it.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"
    metrics_token: SecretStr | None = Field(default=None, min_length=16)

    @model_validator(mode="before")
    @classmethod
    def _split_origins(cls, data: object) -> object:
        if isinstance(data, dict):
            origins = data.get("cors_origins")
            if isinstance(origins, str):
                data["cors_origins"] = [o.strip() for o in origins.split(",") if o.strip()]
        return data

    @model_validator(mode="before")
    @classmethod
    def _smtp_tls_flags(cls, data: object) -> object:
        # The seed's example environment sets SMTP_TLS=true/false.
        if isinstance(data, dict):
            flag = data.get("smtp_tls")
            if isinstance(flag, str) and flag.strip().lower() in {"true", "1", "yes", "on"}:
                data["smtp_tls"] = SmtpTls.STARTTLS
            elif isinstance(flag, str) and flag.strip().lower() in {"false", "0", "no", "off"}:
                data["smtp_tls"] = SmtpTls.NONE
        return data

    @model_validator(mode="before")
    @classmethod
    def _blank_smtp_credentials(cls, data: object) -> object:
        # Compose passes `SMTP_USER=` when none is given: no credentials, not an empty login.
        if isinstance(data, dict):
            for name in ("smtp_user", "smtp_password"):
                if data.get(name) == "":
                    data[name] = None
        return data

    @model_validator(mode="after")
    def _check_production(self) -> Self:
        if self.environment is Environment.PRODUCTION:
            secret = self.secret_key.get_secret_value()
            if secret == DEFAULT_SECRET_KEY or len(secret) < 32:
                msg = "SECRET_KEY must be set to a random value of at least 32 characters"
                raise ValueError(msg)
            # Tokens name the issuer and emails carry links: neither may be a guess.
            unset = [
                name.upper()
                for name in ("issuer", "public_base_url")
                if name not in self.model_fields_set
            ]
            if unset:
                msg = f"{' and '.join(unset)} must be set to the service's public URL"
                raise ValueError(msg)
            # The console backend would print usable sign-in links to the logs.
            if self.mail_backend is EmailBackend.CONSOLE:
                msg = (
                    "EMAIL_BACKEND is console, which production refuses: "
                    "set SMTP_HOST (or EMAIL_BACKEND=file)"
                )
                raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def _check_sso(self) -> Self:
        if self.sso_issuer:
            missing = [
                name
                for name, value in (
                    ("CLIENT_ID", self.client_id),
                    ("CLIENT_SECRET", self.client_secret),
                    ("SSO_AUDIENCE", self.sso_audience),
                )
                if not value
            ]
            if missing:
                msg = f"SSO_ISSUER is set, so {', '.join(missing)} must be set too"
                raise ValueError(msg)
        return self

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS: always in production, and wherever the service is
        reached by https (a browser drops Secure cookies from a plain-http origin)."""
        return self.environment is Environment.PRODUCTION or self.issuer.startswith("https://")

    @property
    def metrics_enabled(self) -> bool:
        return self.metrics_port is not None or self.metrics_token is not None

    @property
    def sso_enabled(self) -> bool:
        return bool(self.sso_issuer)

    @property
    def mail_backend(self) -> EmailBackend:
        if self.email_backend is not None:
            return self.email_backend
        return EmailBackend.SMTP if self.smtp_host else EmailBackend.CONSOLE

    @property
    def log_renderer(self) -> LogFormat:
        if self.log_format is not None:
            return self.log_format
        return LogFormat.JSON if self.environment is Environment.PRODUCTION else LogFormat.CONSOLE

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
