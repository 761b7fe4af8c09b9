"""Rotation: a new key signs from the hand-over on; old ones verify until their tokens expire.

Each instance reloads its keys every KEY_REFRESH_SECONDS (and on an unknown kid), and
retires keys whose tokens have all expired. A hand-over a little longer than that interval
means no instance signs with a key that another instance (or a verifier) has not seen.
Never commits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aurum.config import Settings
from aurum.db.base import utcnow
from aurum.keys.errors import KeyNotFound, NextSigningKey, SigningKeyInUse
from aurum.keys.repository import SigningKeyRepository
from aurum.models.signing_key import SigningKey
from aurum.security.keys import KeyMaterialError, KeyStore

logger = logging.getLogger(__name__)

# Tokens live for the access-token lifetime; this covers clock skew between instances.
RETIRE_MARGIN = timedelta(minutes=1)
# Time for the slowest instance's periodic reload to finish, on top of its interval.
HANDOVER_MARGIN = timedelta(seconds=10)


def default_handover(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.key_refresh_seconds) + HANDOVER_MARGIN


class KeyRotation:
    def __init__(
        self,
        keys: SigningKeyRepository,
        store: KeyStore,
        token_ttl: timedelta,
        reload_window: timedelta = timedelta(0),
    ) -> None:
        self.keys = keys
        self.store = store
        self.token_ttl = token_ttl
        # How long instances may take to load a new key (`default_handover`): until then,
        # one that has not reloaded still signs with the key it had.
        self.reload_window = reload_window

    async def rotate(
        self, algorithm: str, handover: timedelta = timedelta(0)
    ) -> tuple[SigningKey, list[str]]:
        """Add a key to `algorithm`'s chain that signs once `handover` has passed; returns
        it and the keys of that chain it supersedes (they sign until then, and verify until
        their tokens expire). Other chains keep their signing key."""
        superseded = await self.keys.supersede_signers(algorithm, utcnow() + handover)
        key = self.store.new_key(algorithm)
        await self.keys.add(key)
        await self.retire_expired()
        return key, superseded

    async def retire_expired(self) -> list[str]:
        """Retire superseded keys once every token they signed has expired."""
        now = utcnow()
        return await self.keys.retire_superseded_before(now - self.token_ttl - RETIRE_MARGIN, now)

    async def retire(self, kid: str, *, force: bool = False) -> SigningKey:
        """Retire one key now (a compromised key): its tokens stop being accepted.

        Unless `force`, refused for a key that signs or may still sign somewhere, and for
        the key that takes over at the end of a hand-over, both within the key's own chain
        (its algorithm)."""
        key = await self.keys.get(kid)
        if key is None:
            raise KeyNotFound
        if key.retired_at is None:
            if not force:
                await self._check_retirable(key)
            key.retired_at = utcnow()
            await self.keys.session.flush()
        return key

    async def _check_retirable(self, key: SigningKey) -> None:
        now = utcnow()
        # The key's chain, oldest first: the other chains sign on their own.
        keys = [k for k in await self.keys.list_all() if k.algorithm == key.algorithm]
        live = [k for k in keys if k.retired_at is None]
        # As `KeyStore.signing_key_for` picks it; the newest key when all are superseded.
        signer = next(
            (k for k in live if k.superseded_at is None or k.superseded_at > now), live[-1]
        )
        if key.kid == signer.kid:
            raise SigningKeyInUse
        if key.superseded_at is None:
            raise NextSigningKey
        if key.superseded_at > now:
            raise SigningKeyInUse  # signs later in a chain of hand-overs
        # Superseded: an instance that has not loaded its successor yet still signs with it.
        successor = next((k for k in keys if k.created_at > key.created_at), None)
        if successor is not None and successor.created_at + self.reload_window > now:
            raise SigningKeyInUse

    async def list_keys(self) -> list[SigningKey]:
        return await self.keys.list_all()


async def maintain_keys_once(
    store: KeyStore, sessionmaker: async_sessionmaker[AsyncSession], token_ttl: timedelta
) -> None:
    """Retire what has expired, then reload: picks up rotations made elsewhere."""
    async with sessionmaker.begin() as db:
        await KeyRotation(SigningKeyRepository(db), store, token_ttl).retire_expired()
    await store.refresh()


async def _maintain_keys(
    store: KeyStore, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    ttl = timedelta(minutes=settings.access_token_expire_minutes)
    while True:
        await asyncio.sleep(settings.key_refresh_seconds)
        try:
            await maintain_keys_once(store, sessionmaker, ttl)
        except (SQLAlchemyError, OSError, KeyMaterialError) as exc:
            # The database may be briefly away; the keys in memory keep working.
            logger.warning("signing keys not refreshed: %s", type(exc).__name__)


@asynccontextmanager
async def key_maintenance(
    store: KeyStore, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> AsyncIterator[None]:
    """Run the periodic key refresh while the application runs."""
    task = asyncio.create_task(_maintain_keys(store, sessionmaker, settings))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
