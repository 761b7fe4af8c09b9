"""Rate limits on top of the `limits` library: moving windows, in Redis or in memory.

Every limit has a name (`login.ip`, `register.account`...) and a default such as
`"10/minute;100/hour"`; `RATE_LIMITS` overrides any of them by name. With Redis the counters
are shared by every instance; without it, each process keeps its own.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import Redis

from aurum.config import Settings
from aurum.errors import ServiceUnavailable
from aurum.metrics.instruments import instruments
from aurum.security.rate_limit_errors import RateLimited

logger = logging.getLogger(__name__)

IPV6_PREFIX = 64  # one IPv6 host usually owns a whole /64


def client_key(address: str | None) -> str:
    """The rate-limit key of a client address: the address, or its /64 for IPv6."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False))
    return str(ip)


def account_key(value: str) -> str:
    """Account names and emails are keyed by digest: never stored as typed, any length."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def build_storage(settings: Settings, redis: Redis | None) -> Storage | None:
    if not settings.rate_limit_enabled:
        return None
    if redis is None or settings.redis_url is None:
        return MemoryStorage()
    # The app's Redis connection pool is shared, not a second set of connections.
    shared: dict[str, Any] = {"connection_pool": redis.connection_pool}
    return RedisStorage(
        f"async+{settings.redis_url}",
        implementation="redispy",
        key_prefix=f"{settings.redis_prefix}limits",
        wrap_exceptions=True,
        **shared,
    )


class RateLimiter:
    """Counts requests against named limits. Disabled (no storage): every check passes."""

    def __init__(self, storage: Storage | None, overrides: Mapping[str, str]) -> None:
        self._limiter = MovingWindowRateLimiter(storage) if storage is not None else None
        self._overrides = {name: _parse(name, value) for name, value in overrides.items()}
        self._defaults: dict[str, list[RateLimitItem]] = {}

    @property
    def enabled(self) -> bool:
        return self._limiter is not None

    def limits_for(self, name: str, default: str) -> list[RateLimitItem]:
        if name in self._overrides:
            return self._overrides[name]
        if default not in self._defaults:
            self._defaults[default] = _parse(name, default)
        return self._defaults[default]

    async def hit(self, name: str, key: str, default: str) -> None:
        """Count one request for `key` under limit `name`; RateLimited when over it."""
        if self._limiter is None:
            return
        for item in self.limits_for(name, default):
            async with self._storage_guard():
                if not await self._limiter.hit(item, name, key):
                    raise RateLimited(await self._wait(item, name, key))

    async def used(self, item: RateLimitItem, *ids: str) -> int:
        """How many slots of `item` are taken right now."""
        if self._limiter is None:
            return 0
        async with self._storage_guard():
            stats = await self._limiter.get_window_stats(item, *ids)
        return item.amount - stats.remaining

    async def wait_time(self, items: Sequence[RateLimitItem], *ids: str) -> float:
        """Seconds until every one of `items` has room again; 0 when all have room now."""
        if self._limiter is None:
            return 0.0
        wait = 0.0
        async with self._storage_guard():
            for item in items:
                if not await self._limiter.test(item, *ids):
                    wait = max(wait, await self._wait(item, *ids), 1.0)
        return wait

    async def acquire(self, items: Sequence[RateLimitItem], *ids: str) -> float:
        """Take one slot of each item; the wait time of the first without room, else 0."""
        if self._limiter is None:
            return 0.0
        async with self._storage_guard():
            for item in items:
                if not await self._limiter.hit(item, *ids):
                    return max(await self._wait(item, *ids), 1.0)
        return 0.0

    async def record(self, items: Sequence[RateLimitItem], *ids: str) -> None:
        """Take one slot of every item that has room."""
        if self._limiter is None:
            return
        async with self._storage_guard():
            for item in items:
                await self._limiter.hit(item, *ids)

    async def clear(self, items: Sequence[RateLimitItem], *ids: str) -> None:
        if self._limiter is None:
            return
        async with self._storage_guard():
            for item in items:
                await self._limiter.clear(item, *ids)

    async def _wait(self, item: RateLimitItem, *ids: str) -> float:
        assert self._limiter is not None  # noqa: S101 - only called when enabled
        stats = await self._limiter.get_window_stats(item, *ids)
        return max(stats.reset_time - time.time(), 0.0)

    @asynccontextmanager
    async def _storage_guard(self) -> AsyncIterator[None]:
        # Without its counters the service cannot keep its promises: refuse (503, retried
        # by clients) rather than let sign-in guessing run unchecked.
        try:
            yield
        except StorageError as exc:
            instruments().redis_errors.labels("rate_limits").inc()
            logger.warning("rate-limit storage unavailable: %s", type(exc.storage_error).__name__)
            raise ServiceUnavailable from exc


def _parse(name: str, value: str) -> list[RateLimitItem]:
    try:
        items = parse_many(value)
    except ValueError as exc:
        msg = f"rate limit {name!r}: cannot parse {value!r}"
        raise ValueError(msg) from exc
    return sorted(items, key=lambda item: item.get_expiry())
