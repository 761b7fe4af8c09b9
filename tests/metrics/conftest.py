from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import AppFactory
from tests.metrics.scrape import AUTHORIZATION, TOKEN, Samples, parse


@pytest.fixture
async def app(make_app: AppFactory) -> FastAPI:
    """The service with /metrics on its own port, behind a token."""
    return await make_app(metrics_token=TOKEN)


class Scraper:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(self) -> Samples:
        response = await self.client.get("/metrics", headers=AUTHORIZATION)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")
        return parse(response.text)


@pytest.fixture
def scrape(client: httpx.AsyncClient) -> Scraper:
    return Scraper(client)
