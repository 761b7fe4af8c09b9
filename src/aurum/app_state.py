"""What the lifespan builds once and every request shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from aurum.config import Settings
from aurum.security.access_tokens import AccessTokenCodec
from aurum.security.keys import KeyStore
from aurum.security.passwords import PasswordHasher


@dataclass(slots=True)
class AppState:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    read_engine: AsyncEngine  # autocommit, for single-statement reads on the hot path
    keys: KeyStore
    access_tokens: AccessTokenCodec
    passwords: PasswordHasher
    redis: Redis | None  # shared state across instances; None: this process keeps it


async def get_app_state(request: Request) -> AppState:
    state: AppState = request.app.state.aurum
    return state


AppStateDep = Annotated[AppState, Depends(get_app_state)]
