"""Introspection results are cached: by a hash of the token, bounded in time and size."""

from __future__ import annotations

import uuid

import httpx
from redis.asyncio import Redis

from aurum.security.opaque_tokens import token_digest
from tests.conftest import REDIS_URL
from tests.sso.conftest import ME, ClientFactory, bearer, eventually, sso_settings
from tests.sso.oidc import OidcProvider


async def test_many_requests_with_one_token_make_one_introspection(
    client: httpx.AsyncClient, provider: OidcProvider
) -> None:
    token = await provider.client_credentials()
    for _ in range(20):
        assert (await client.get(ME, headers=bearer(token))).status_code == 200
    assert await provider.introspections() == 1


async def test_a_revocation_is_seen_once_the_bounded_ttl_passes(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    client = await open_client(**sso_settings(provider, sso_cache_max_ttl_seconds=1))
    token = await provider.client_credentials()  # valid for 10 minutes
    assert (await client.get(ME, headers=bearer(token))).status_code == 200
    await provider.revoke(token)
    # Still cached: the provider is not asked again before the bound.
    assert (await client.get(ME, headers=bearer(token))).status_code == 200
    assert await provider.introspections() == 1

    async def refused() -> bool:
        return (await client.get(ME, headers=bearer(token))).status_code == 401

    await eventually(refused)
    assert await provider.introspections() == 2


async def test_a_refusal_is_cached_briefly(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    client = await open_client(**sso_settings(provider, sso_negative_cache_ttl_seconds=0.5))
    for _ in range(5):
        assert (await client.get(ME, headers=bearer("forged"))).status_code == 401
    assert await provider.introspections() == 1

    async def asked_again() -> bool:
        await client.get(ME, headers=bearer("forged"))
        return await provider.introspections() == 2

    await eventually(asked_again)


async def test_no_caching_when_the_maximum_is_zero(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    client = await open_client(**sso_settings(provider, sso_cache_max_ttl_seconds=0))
    token = await provider.client_credentials()
    for _ in range(3):
        assert (await client.get(ME, headers=bearer(token))).status_code == 200
    assert await provider.introspections() == 3


async def test_instances_share_the_cache_through_redis(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    # Two instances of the service; with Redis they share results, without it each asks.
    prefix = f"aurum-sso-{uuid.uuid4().hex[:8]}:"
    settings = sso_settings(provider, redis_url=REDIS_URL, redis_prefix=prefix)
    first, second = await open_client(**settings), await open_client(**settings)
    token = await provider.client_credentials()
    assert (await first.get(ME, headers=bearer(token))).status_code == 200
    assert (await second.get(ME, headers=bearer(token))).status_code == 200
    assert await provider.introspections() == (1 if REDIS_URL else 2)
    if REDIS_URL:
        redis = Redis.from_url(REDIS_URL)
        try:
            keys = [key.decode() async for key in redis.scan_iter(f"{prefix}*")]
            await redis.delete(*keys)
        finally:
            await redis.aclose()
        # Keys are the token's SHA-256, never the token.
        assert keys == [f"{prefix}sso:introspection:{token_digest(token)}"]
