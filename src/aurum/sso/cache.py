"""Introspection results, kept briefly: in this process, and in Redis when there is one.

Keys are the SHA-256 of the token, never the token. Each entry carries its own deadline
(the token's expiry, bounded by the configured maximum; a short one for rejections).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass

from cachetools import TLRUCache
from redis.asyncio import Redis
from redis.exceptions import RedisError

from aurum.metrics.instruments import instruments

logger = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 0.5  # a slow Redis is skipped, never waited for


@dataclass(frozen=True, slots=True)
class CachedResult:
    """An accepted token (`token` set: ExternalToken JSON) or a rejection (`rejected`)."""

    token: str | None
    rejected: str | None
    expires_at: float  # wall clock

    def to_json(self) -> str:
        return json.dumps([self.token, self.rejected, self.expires_at])

    @classmethod
    def from_json(cls, raw: str | bytes) -> CachedResult | None:
        try:
            token, rejected, expires_at = json.loads(raw)
        except (ValueError, TypeError):
            return None
        return cls(token=token, rejected=rejected, expires_at=float(expires_at))


def _redis_failed(exc: Exception) -> None:
    instruments().redis_errors.labels("sso_cache").inc()
    logger.warning("SSO cache: Redis unavailable (%s)", type(exc).__name__)


def _expiry(_key: str, value: tuple[float, CachedResult], _now: float) -> float:
    return value[0]


class IntrospectionCache:
    def __init__(self, *, size: int, redis: Redis | None, prefix: str) -> None:
        self._memory: TLRUCache[str, tuple[float, CachedResult]] = TLRUCache(
            maxsize=size, ttu=_expiry, timer=time.monotonic
        )
        self._redis = redis
        self._prefix = f"{prefix}sso:introspection:"

    async def get(self, key: str) -> CachedResult | None:
        entry = self._memory.get(key)
        if entry is not None:
            return entry[1]
        if self._redis is None:
            return None
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
                raw = await self._redis.get(self._prefix + key)
        except (RedisError, OSError, TimeoutError) as exc:
            _redis_failed(exc)
            return None
        result = None if raw is None else CachedResult.from_json(raw)
        if result is not None:
            self._remember(key, result)
        return result

    async def put(self, key: str, result: CachedResult) -> None:
        ttl = result.expires_at - time.time()
        if ttl <= 0:
            return
        self._remember(key, result)
        if self._redis is None:
            return
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
                await self._redis.set(
                    self._prefix + key, result.to_json(), px=max(1, int(ttl * 1000))
                )
        except (RedisError, OSError, TimeoutError) as exc:
            _redis_failed(exc)

    def _remember(self, key: str, result: CachedResult) -> None:
        ttl = result.expires_at - time.time()
        if ttl > 0:
            self._memory[key] = (time.monotonic() + ttl, result)
