"""What the lifespan builds once and every request shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

import httpx
from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from aurum.config import Settings
from aurum.jobs.runner import JobRunner
from aurum.security.access_tokens import AccessTokenCodec
from aurum.security.id_tokens import IdTokens
from aurum.security.keys import KeyStore
from aurum.security.passwords import PasswordHasher
from aurum.security.rate_limiter import RateLimiter
from aurum.sso.authenticator import SsoAuthenticator


@dataclass(slots=True)
class AppState:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    read_engine: AsyncEngine  # autocommit, for single-statement reads on the hot path
    read_sessionmaker: async_sessionmaker[AsyncSession]  # sessions on read_engine
    keys: KeyStore
    access_tokens: AccessTokenCodec
    id_tokens: IdTokens
    passwords: PasswordHasher
    redis: Redis | None  # shared state across instances; None: this process keeps it
    jobs: JobRunner  # background work: emails, housekeeping
    rate_limiter: RateLimiter
    http_client: httpx.AsyncClient | None = None  # outgoing calls (SSO provider), pooled
    sso: SsoAuthenticator | None = None  # None: single sign-on is not configured
    # (client_id, redirect_uri) -> the redirect URI's origin if that app registered it: how
    # far the sign-in pages' forms may lead (the OpenID Provider answers; None: nowhere).
    app_origins: Callable[[str, str], Awaitable[str | None]] | None = None


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.aurum
    return state


async def get_app_state(request: Request) -> AppState:
    return app_state(request)


AppStateDep = Annotated[AppState, Depends(get_app_state)]
