"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from redis.asyncio import Redis

from aurum import __version__
from aurum.app_state import AppState
from aurum.auth.router import router as auth_router
from aurum.bootstrap import ensure_first_admin
from aurum.config import Settings, get_settings
from aurum.db.migrate import upgrade_database
from aurum.db.session import build_engine, build_read_engine, build_sessionmaker
from aurum.errors import install_error_handlers
from aurum.security.access_tokens import AccessTokenCodec
from aurum.security.keys import KeyStore
from aurum.security.passwords import PasswordHasher
from aurum.system.router import router as system_router
from aurum.users.router import router as users_router

API_PREFIX = "/api/v1"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    if settings.migrate_on_start:
        await upgrade_database(settings)
    engine = build_engine(settings)
    read_engine = build_read_engine(settings)
    sessionmaker = build_sessionmaker(engine)
    keys = KeyStore(sessionmaker, settings.secret_key.get_secret_value())
    passwords = PasswordHasher(settings)
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    try:
        await keys.ensure_signing_key(settings.signing_algorithm)
        app.state.aurum = AppState(
            settings=settings,
            engine=engine,
            sessionmaker=sessionmaker,
            read_engine=read_engine,
            keys=keys,
            access_tokens=AccessTokenCodec(
                keys,
                issuer=settings.issuer,
                audience=settings.token_audience,
                ttl=timedelta(minutes=settings.access_token_expire_minutes),
            ),
            passwords=passwords,
            redis=redis,
        )
        await ensure_first_admin(sessionmaker, passwords, settings)
        yield
    finally:
        passwords.close()
        if redis is not None:
            await redis.aclose()
        await read_engine.dispose()
        await engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Aurum Identity",
        version=__version__,
        description="Accounts, passwords, tokens and sessions for the Aurum platform.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type", "Accept-Language"],
            expose_headers=["X-Next-Cursor", "Link", "Retry-After"],
        )
    app.include_router(system_router)
    app.include_router(auth_router, prefix=API_PREFIX)
    app.include_router(users_router, prefix=API_PREFIX)
    return app
