"""The application factory."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi.telemetry import TelemetryConfig
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum import __version__
from aurum.account_email.router import router as account_email_router
from aurum.app_state import AppState
from aurum.audit.router import router as audit_router
from aurum.auth.browser import BrowserCookies
from aurum.auth.router import router as auth_router
from aurum.auth.user_tokens import UserTokens
from aurum.backchannel.jobs import LogoutJobs
from aurum.bootstrap import ensure_first_admin
from aurum.callers.authentication import Authenticator, install_authenticators
from aurum.catalogs.loader import load_catalogs
from aurum.catalogs.router import router as catalogs_router
from aurum.companies.router import router as companies_router
from aurum.config import Settings, get_settings
from aurum.db.migrate import upgrade_database
from aurum.db.session import build_engine, build_read_engine, build_sessionmaker
from aurum.errors import ERROR_RESPONSES, install_error_handlers
from aurum.external_identities.dependencies import SsoTokens
from aurum.external_identities.router import router as sso_router
from aurum.job_admin.router import router as jobs_router
from aurum.job_kinds import job_registry
from aurum.jobs.binding import bind_job_runner
from aurum.jobs.runner import JobRunner
from aurum.keys.rotation import key_maintenance
from aurum.logs.access import REQUEST_ID_HEADER, RequestLogging
from aurum.logs.setup import configure_logging
from aurum.mail.senders import build_sender
from aurum.metrics.requests import RequestMetrics
from aurum.metrics.router import router as metrics_router
from aurum.mfa.router import admin_router as mfa_admin_router
from aurum.mfa.router import login_router as mfa_login_router
from aurum.mfa.router import router as mfa_router
from aurum.oauth.app_origins import RegisteredAppOrigins
from aurum.oauth.authorize_router import router as authorize_router
from aurum.oauth.clients_router import router as oauth_clients_router
from aurum.oauth.consents_router import router as consents_router
from aurum.oauth.cors import OpenEndpointsCors
from aurum.oauth.discovery import router as discovery_router
from aurum.oauth.logout_router import router as logout_router
from aurum.oauth.principal import ClientTokens
from aurum.oauth.repository import ClientRepository
from aurum.oauth.router import router as oauth_router
from aurum.oauth.router import seed_router as oauth_seed_router
from aurum.oauth.userinfo import router as userinfo_router
from aurum.request_body import RequestSizeLimit
from aurum.security.access_tokens import AccessTokenCodec
from aurum.security.hash_turns import WaitForHashing
from aurum.security.id_tokens import IdTokens
from aurum.security.keys import KeyStore
from aurum.security.passwords import PasswordHasher
from aurum.security.rate_limiter import RateLimiter, build_storage
from aurum.sessions.router import router as sessions_router
from aurum.sso.authenticator import SsoAuthenticator
from aurum.sso.introspection import build_http_client
from aurum.system.docs import install_docs
from aurum.system.router import router as system_router
from aurum.users.router import router as users_router
from aurum.web import email_links, invitations, password_pages, sign_in, sign_up
from aurum.web.pages import ASSETS
from aurum.webhooks.router import router as webhooks_router
from aurum.xp.router import router as xp_router

API_PREFIX = "/api/v1"
JOBS_GRACE_SECONDS = 10.0  # at shutdown, running jobs get this long to finish


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    if settings.migrate_on_start:
        await upgrade_database(settings)
    engine = build_engine(settings)
    read_engine = build_read_engine(settings)
    sessionmaker = build_sessionmaker(engine)
    read_sessionmaker = build_sessionmaker(read_engine)
    keys = KeyStore(sessionmaker, settings.secret_key.get_secret_value(), reads=read_sessionmaker)
    passwords = PasswordHasher(settings)
    redis = (
        # A Redis that stops answering fails requests quickly (503) instead of hanging
        # them; `?socket_timeout=` in REDIS_URL overrides.
        Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
        if settings.redis_url
        else None
    )
    rate_limiter = RateLimiter(build_storage(settings, redis), settings.rate_limits)
    http_client = build_http_client(settings) if settings.sso_enabled else None
    logout = LogoutJobs.build(sessionmaker, keys, settings)
    jobs = JobRunner(
        sessionmaker,
        job_registry(sessionmaker, settings, build_sender(settings), logout),
        settings,
    )
    bind_job_runner(sessionmaker, jobs)  # services and the session store record jobs
    try:
        for algorithm in await signing_chains(settings, sessionmaker):
            await keys.ensure_signing_key(algorithm)
        state = app.state.aurum = AppState(
            settings=settings,
            engine=engine,
            sessionmaker=sessionmaker,
            read_engine=read_engine,
            read_sessionmaker=read_sessionmaker,
            keys=keys,
            access_tokens=AccessTokenCodec(
                keys,
                algorithm=settings.signing_algorithm,
                issuer=settings.issuer,
                audience=settings.token_audience,
                ttl=timedelta(minutes=settings.access_token_expire_minutes),
                first_party_client_id=settings.first_party_client_id,
            ),
            id_tokens=IdTokens(
                keys,
                issuer=settings.issuer,
                algorithm=settings.id_token_signing_algorithm,
                ttl=timedelta(minutes=settings.access_token_expire_minutes),
            ),
            passwords=passwords,
            redis=redis,
            http_client=http_client,
            sso=SsoAuthenticator(settings, http_client, redis) if http_client else None,
            jobs=jobs,
            rate_limiter=rate_limiter,
            app_origins=RegisteredAppOrigins(read_sessionmaker),
        )
        install_authenticators(
            app, authenticators(state), BrowserCookies(state.read_engine, settings)
        )
        await ensure_first_admin(sessionmaker, passwords, settings)
        if settings.migrate_on_start:  # embedded SQLite: a fresh file gets the catalogs too
            await load_catalogs(sessionmaker)
        jobs.start()
        async with key_maintenance(keys, sessionmaker, settings):
            yield
    finally:
        await jobs.close(grace=JOBS_GRACE_SECONDS)
        await logout.aclose()
        await passwords.close()
        if http_client is not None:
            await http_client.aclose()
        if redis is not None:
            await redis.aclose()
        await read_engine.dispose()
        await engine.dispose()


async def signing_chains(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> list[str]:
    """Access tokens and ID tokens each sign with their own chain (one if they agree), and
    so does each ID-token algorithm a client chose (registering it started its chain)."""
    async with sessionmaker() as db:
        chosen = await ClientRepository(db).id_token_algorithms()
    return list(
        dict.fromkeys((settings.signing_algorithm, settings.id_token_signing_algorithm, *chosen))
    )


def authenticators(state: AppState) -> list[Authenticator]:
    """Who a bearer token may stand for, asked in this order."""
    chain: list[Authenticator] = [
        UserTokens(state.access_tokens, state.read_engine),
        ClientTokens(state.access_tokens, state.read_sessionmaker),
    ]
    if state.sso is not None:
        chain.append(SsoTokens(state))
    return chain


def telemetry() -> TelemetryConfig | None:
    """FastAPI's own OpenTelemetry instrumentation, where an OpenTelemetry SDK is installed.

    Without one nothing can receive its spans or metrics, yet FastAPI would look for a
    configured provider on every request (~4 µs of CPU each). None: FastAPI's defaults.
    """
    try:
        sdk = importlib.util.find_spec("opentelemetry.sdk")
    except ModuleNotFoundError:
        sdk = None
    if sdk is not None:
        return None
    return {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)
    app = FastAPI(
        title="Aurum Identity",
        version=__version__,
        description="Accounts, passwords, tokens and sessions for the Aurum platform.",
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
        telemetry=telemetry(),
        docs_url=None,  # install_docs: served from this machine
        redoc_url=None,
    )
    app.state.settings = settings
    install_docs(app)
    install_error_handlers(app)
    app.add_middleware(RequestSizeLimit)
    app.add_middleware(WaitForHashing)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type", "Accept-Language"],
            expose_headers=["X-Next-Cursor", "Link", "Retry-After", REQUEST_ID_HEADER],
        )
    # Outside the operator's CORS: browser apps call these endpoints from any origin.
    app.add_middleware(OpenEndpointsCors)
    if settings.metrics_enabled:
        app.add_middleware(RequestMetrics)  # it times every layer inside the request log
    app.add_middleware(
        RequestLogging, access_log=settings.access_log
    )  # outermost: every other layer sees the request id
    app.include_router(system_router)
    if settings.metrics_token is not None:
        app.include_router(metrics_router)
    # Routes are matched in order: the ones every app calls most often come first.
    app.include_router(auth_router, prefix=API_PREFIX)
    app.include_router(oauth_router, prefix=API_PREFIX)
    app.include_router(userinfo_router, prefix=API_PREFIX)
    app.include_router(authorize_router)  # a page, but every code flow starts there
    app.include_router(consents_router, prefix=API_PREFIX)
    app.include_router(oauth_seed_router)
    app.include_router(users_router, prefix=API_PREFIX)
    app.include_router(sso_router, prefix=API_PREFIX)
    app.include_router(account_email_router, prefix=API_PREFIX)
    app.include_router(mfa_login_router, prefix=API_PREFIX)
    app.include_router(mfa_router, prefix=API_PREFIX)
    app.include_router(mfa_admin_router, prefix=API_PREFIX)
    app.include_router(audit_router, prefix=API_PREFIX)
    app.include_router(jobs_router, prefix=API_PREFIX)
    app.include_router(discovery_router)
    app.include_router(oauth_clients_router, prefix=API_PREFIX)
    app.include_router(sessions_router, prefix=API_PREFIX)
    app.include_router(catalogs_router, prefix=API_PREFIX)
    app.include_router(xp_router, prefix=API_PREFIX)
    app.include_router(companies_router, prefix=API_PREFIX)
    app.include_router(webhooks_router, prefix=API_PREFIX)
    # Pages for people (not part of the API's schema) and their stylesheet.
    app.include_router(email_links.router)
    app.include_router(sign_in.router)
    app.include_router(logout_router)
    app.include_router(password_pages.router)
    app.include_router(sign_up.router)
    app.include_router(invitations.router)
    app.mount("/assets", StaticFiles(directory=ASSETS), name="assets")
    return app
