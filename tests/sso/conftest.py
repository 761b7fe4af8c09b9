"""Fixtures of the single sign-on tests: a real OIDC provider and apps configured for it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import AppFactory
from tests.sso.oidc import API, OidcProvider, install_provider_packages

ME = "/api/v1/users/me"
POLL_DEADLINE = 15.0
ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]


def sso_settings(provider: OidcProvider, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "sso_issuer": provider.issuer,
        "client_id": "aurum",
        "client_secret": "aurum-secret",
        "sso_audience": API,
        "sso_timeout_seconds": 2.0,
    }
    return values | overrides


@pytest.fixture(scope="session")
async def shared_provider(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[OidcProvider]:
    install_provider_packages()
    provider = OidcProvider(tmp_path_factory.mktemp("oidc"))
    await provider.start()
    yield provider
    await provider.close()


@pytest.fixture
async def provider(shared_provider: OidcProvider) -> OidcProvider:
    """The shared provider, its counters at zero and its behaviour back to normal."""
    await shared_provider.reset()
    return shared_provider


@pytest.fixture
async def own_provider(tmp_path: Any) -> AsyncIterator[OidcProvider]:
    """A provider of this test's own, which the test may stop and start again."""
    install_provider_packages()
    provider = OidcProvider(tmp_path)
    await provider.start()
    yield provider
    await provider.close()


@pytest.fixture
async def app(make_app: AppFactory, provider: OidcProvider) -> FastAPI:
    return await make_app(**sso_settings(provider))


@pytest.fixture
async def open_client(make_app: AppFactory) -> AsyncIterator[ClientFactory]:
    """More apps, each with its own settings, and an HTTP client for each."""
    clients: list[httpx.AsyncClient] = []

    async def factory(**settings: Any) -> httpx.AsyncClient:
        app = await make_app(**settings)
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 5000))
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.aclose()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    """Poll until `check` holds; fail after POLL_DEADLINE seconds."""
    async with asyncio.timeout(POLL_DEADLINE):
        while True:
            if await check():
                return
            await asyncio.sleep(0.05)
