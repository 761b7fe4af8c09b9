"""A provider that is down, slow or answering garbage gives a quick 503, never a 500 or a
hang; a dead provider is not hammered; the service recovers when the provider returns."""

from __future__ import annotations

import time

import httpx

from tests.sso.conftest import ME, ClientFactory, bearer, eventually, sso_settings
from tests.sso.oidc import OidcProvider


async def assert_unavailable(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get(ME, headers=bearer(token))
    assert response.status_code == 503, response.text
    assert response.json()["error"] == "sso_unavailable"
    assert "retry-after" in response.headers


async def test_provider_stopped_mid_test_then_back(
    open_client: ClientFactory, own_provider: OidcProvider
) -> None:
    client = await open_client(
        **sso_settings(
            own_provider,
            sso_timeout_seconds=1,
            sso_breaker_failures=2,
            sso_breaker_reset_seconds=0.2,
        )
    )
    seen = await own_provider.client_credentials()
    unseen = await own_provider.client_credentials()
    assert (await client.get(ME, headers=bearer(seen))).status_code == 200

    await own_provider.stop()
    # A token already confirmed keeps working from the cache while the provider is down.
    assert (await client.get(ME, headers=bearer(seen))).status_code == 200
    for _ in range(4):  # connection refused, then the open circuit: each answer is quick
        started = time.monotonic()
        await assert_unavailable(client, unseen)
        assert time.monotonic() - started < 3  # bounded by the 1 s timeout, with room

    await own_provider.start()  # same port, same tokens

    async def recovered() -> bool:
        return (await client.get(ME, headers=bearer(unseen))).status_code == 200

    await eventually(recovered)


async def test_a_slow_provider_gives_503_within_the_timeout(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    client = await open_client(**sso_settings(provider, sso_timeout_seconds=0.5))
    token = await provider.client_credentials()
    await provider.control(mode="slow", delay_ms=5000)
    started = time.monotonic()
    await assert_unavailable(client, token)
    assert time.monotonic() - started < 4  # the provider would have taken 5 s

    await provider.control(mode="normal")

    async def recovered() -> bool:
        return (await client.get(ME, headers=bearer(token))).status_code == 200

    await eventually(recovered)


async def test_garbage_opens_the_circuit_and_the_provider_is_left_alone(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    client = await open_client(
        **sso_settings(provider, sso_breaker_failures=2, sso_breaker_reset_seconds=0.3)
    )
    token = await provider.client_credentials()
    await provider.control(mode="garbage")
    await assert_unavailable(client, token)
    await assert_unavailable(client, token)
    assert await provider.introspections() == 2  # garbage is not retried
    for _ in range(5):
        await assert_unavailable(client, token)
    assert await provider.introspections() == 2  # open: the provider was not called

    await provider.control(mode="normal")

    async def recovered() -> bool:
        return (await client.get(ME, headers=bearer(token))).status_code == 200

    await eventually(recovered)
    assert await provider.introspections() == 3  # one probe closed the circuit


async def test_a_transient_failure_is_retried_within_the_budget(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    client = await open_client(**sso_settings(provider, sso_max_retries=1))
    token = await provider.client_credentials()
    await provider.control(fail_next=1)
    assert (await client.get(ME, headers=bearer(token))).status_code == 200
    assert await provider.introspections() == 2


async def test_without_retries_a_transient_failure_is_a_503(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    client = await open_client(**sso_settings(provider, sso_max_retries=0))
    token = await provider.client_credentials()
    await provider.control(fail_next=1)
    await assert_unavailable(client, token)
    assert await provider.introspections() == 1
    assert (await client.get(ME, headers=bearer(token))).status_code == 200


async def test_a_wrong_introspection_endpoint_is_a_503(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    client = await open_client(
        **sso_settings(provider, sso_introspection_endpoint=f"{provider.issuer}/nowhere")
    )
    await assert_unavailable(client, await provider.client_credentials())


async def test_an_issuer_without_discovery_is_a_503(
    open_client: ClientFactory, provider: OidcProvider
) -> None:
    client = await open_client(**sso_settings(provider, sso_issuer=f"{provider.issuer}/tenant"))
    await assert_unavailable(client, await provider.client_credentials())
