"""Who may scrape: METRICS_TOKEN on the service's port; nothing there otherwise."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from aurum.config import Settings
from tests.conftest import AppFactory
from tests.metrics.scrape import TOKEN


async def test_the_token_is_required(client: httpx.AsyncClient) -> None:
    missing = await client.get("/metrics")
    assert missing.status_code == 401
    assert missing.json()["error"] == "not_authenticated"
    assert missing.headers["www-authenticate"] == "Bearer"
    for wrong in (TOKEN[:-1], TOKEN + "x", "x" * len(TOKEN)):
        answer = await client.get("/metrics", headers={"Authorization": f"Bearer {wrong}"})
        assert answer.status_code == 401
        assert answer.json()["error"] == "invalid_token"
    basic = await client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    good = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert good.status_code == 200
    assert "aurum_http_request_duration_seconds" in good.text


async def test_openmetrics_is_offered_to_a_scraper_that_asks(client: httpx.AsyncClient) -> None:
    answer = await client.get(
        "/metrics",
        headers={
            "Authorization": f"Bearer {TOKEN}",
            "Accept": "application/openmetrics-text; version=1.0.0",
        },
    )
    assert answer.headers["content-type"].startswith("application/openmetrics-text")
    assert answer.text.endswith("# EOF\n")


@pytest.mark.parametrize("settings", [{}, {"metrics_port": 9464}])
async def test_without_a_token_the_service_port_has_no_metrics(
    make_app: AppFactory, settings: dict[str, int]
) -> None:
    app = await make_app(**settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answer = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 404


def test_a_short_token_is_refused() -> None:
    with pytest.raises(ValidationError, match="metrics_token"):
        Settings(_env_file=None, metrics_token="too-short")
