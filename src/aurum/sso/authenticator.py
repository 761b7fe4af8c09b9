"""Validating an external bearer token: cache, then the provider (bounded, guarded)."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass

import httpx
from redis.asyncio import Redis

from aurum.config import Settings
from aurum.metrics.instruments import instruments
from aurum.security.opaque_tokens import token_digest
from aurum.sso.cache import CachedResult, IntrospectionCache
from aurum.sso.claims import ExternalToken, TokenRejected, validate
from aurum.sso.introspection import IntrospectionClient, ProviderUnavailable
from aurum.sso.resilience import CircuitBreaker, RetryBudget

logger = logging.getLogger(__name__)

MAX_TOKEN_LENGTH = 16 * 1024  # far above any real access token
RETRY_BACKOFF_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class Validation:
    token: ExternalToken
    fresh: bool  # just confirmed by the provider (not from the cache)


class SsoAuthenticator:
    def __init__(self, settings: Settings, http: httpx.AsyncClient, redis: Redis | None) -> None:
        assert settings.sso_issuer  # noqa: S101 - built only when SSO is configured
        self.issuer = settings.sso_issuer
        self.audiences = frozenset(settings.sso_audience)
        self.settings = settings
        self.introspection = IntrospectionClient(http, settings)
        self.cache = IntrospectionCache(
            size=settings.sso_cache_size, redis=redis, prefix=settings.redis_prefix
        )
        self.breaker = CircuitBreaker(
            settings.sso_breaker_failures, settings.sso_breaker_reset_seconds
        )
        self.retry_budget = RetryBudget(settings.sso_retry_budget_ratio)
        metrics = instruments()
        self._breaker_state = metrics.sso_breaker_state
        self._breaker_state.set(self.breaker.state)
        self._introspection_seconds = metrics.sso_introspection_seconds
        self._in_flight: dict[str, asyncio.Task[ExternalToken]] = {}

    async def validate(self, token: str) -> Validation:
        """The token's identity, or TokenRejected (401) or ProviderUnavailable (503)."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise TokenRejected("too_long")
        key = token_digest(token)
        cached = await self.cache.get(key)
        if cached is not None:
            if cached.token is None:
                raise TokenRejected(cached.rejected or "cached")
            result = ExternalToken.from_json(cached.token)
            result.check_time(time.time())
            return Validation(result, fresh=False)
        # Concurrent requests with one new token share a single introspection call.
        task = self._in_flight.get(key)
        fresh = task is None
        if task is None:
            task = asyncio.ensure_future(self._introspect(key, token))
            self._in_flight[key] = task
            task.add_done_callback(lambda done: self._forget(key, done))
        return Validation(await asyncio.shield(task), fresh=fresh)

    def _forget(self, key: str, task: asyncio.Task[ExternalToken]) -> None:
        self._in_flight.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved here too, in case every waiter was cancelled

    async def _introspect(self, key: str, token: str) -> ExternalToken:
        allowed = self.breaker.allow()
        self._breaker_state.set(self.breaker.state)
        if not allowed:
            raise ProviderUnavailable("circuit_open")
        response = await self._ask_provider(token)
        now = time.time()
        try:
            result = validate(response, issuer=self.issuer, audiences=self.audiences, now=now)
        except TokenRejected as exc:
            logger.info("external token rejected: %s", exc.reason)
            until = now + self.settings.sso_negative_cache_ttl_seconds
            await self.cache.put(
                key, CachedResult(token=None, rejected=exc.reason, expires_at=until)
            )
            raise
        until = now + self.settings.sso_cache_max_ttl_seconds
        if result.expires_at is not None:
            until = min(until, result.expires_at)
        await self.cache.put(
            key, CachedResult(token=result.to_json(), rejected=None, expires_at=until)
        )
        return result

    async def _ask_provider(self, token: str) -> dict[str, object]:
        """The provider's answer within the deadline, told to the breaker and timed."""
        started = time.perf_counter()
        outcome = "ok"
        try:
            async with asyncio.timeout(self.settings.sso_timeout_seconds):
                response = await self._call_with_retries(token)
        except TimeoutError as exc:
            outcome = "timeout"
            self.breaker.record_failure()
            logger.warning("SSO introspection failed: timeout")
            raise ProviderUnavailable("timeout") from exc
        except ProviderUnavailable as exc:
            outcome = "error"
            self.breaker.record_failure()
            logger.warning("SSO introspection failed: %s", exc.reason)
            raise
        except BaseException:
            outcome = "abandoned"  # cancelled: no answer either way
            self.breaker.abandon()
            raise
        else:
            self.breaker.record_success()
        finally:
            self._breaker_state.set(self.breaker.state)
            self._introspection_seconds.labels(outcome).observe(time.perf_counter() - started)
        return response

    async def _call_with_retries(self, token: str) -> dict[str, object]:
        self.retry_budget.record_call()
        attempt = 0
        while True:
            try:
                return await self.introspection.introspect(token)
            except ProviderUnavailable as exc:
                attempt += 1
                if (
                    not exc.transient
                    or attempt > self.settings.sso_max_retries
                    or not self.retry_budget.try_spend()
                ):
                    raise
            # Jittered backoff, still inside the caller's deadline.
            await asyncio.sleep(RETRY_BACKOFF_SECONDS * attempt * (1 + random.random()))  # noqa: S311
