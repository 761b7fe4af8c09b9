"""The delivery queue of logout tokens, for the life of the application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.backchannel.logout_tokens import LogoutTokens
from aurum.backchannel.outbox import install
from aurum.backchannel.queue import LogoutQueue
from aurum.config import Settings
from aurum.security.keys import KeyStore

DELIVERIES_AT_ONCE = 8
DRAIN_SECONDS = 5.0  # at shutdown, deliveries under way get this long to finish


@asynccontextmanager
async def logout_queue(
    keys: KeyStore, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> AsyncIterator[LogoutQueue]:
    tokens = LogoutTokens(
        keys,
        issuer=settings.issuer,
        algorithm=settings.id_token_signing_algorithm,
        ttl=timedelta(seconds=settings.logout_token_expire_seconds),
    )
    async with httpx.AsyncClient(
        timeout=settings.backchannel_logout_timeout_seconds, follow_redirects=False
    ) as http:
        queue = LogoutQueue(
            http,
            tokens,
            max_attempts=settings.backchannel_logout_max_attempts,
            retry_base=settings.backchannel_logout_retry_base_seconds,
            concurrency=DELIVERIES_AT_ONCE,
        )
        install(sessionmaker, queue)
        try:
            yield queue
        finally:
            await queue.close(grace=DRAIN_SECONDS)
