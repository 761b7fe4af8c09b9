"""HTTP requests by route template, method and status: counted after real requests."""

from __future__ import annotations

import httpx

from tests.conftest import Accounts
from tests.metrics.conftest import Scraper
from tests.metrics.scrape import series, value

REQUESTS = "aurum_http_request_duration_seconds_count"
SECONDS = "aurum_http_request_duration_seconds_sum"
ME = "/api/v1/users/me"


async def test_requests_are_counted_by_route_method_and_status(
    client: httpx.AsyncClient, accounts: Accounts, scrape: Scraper
) -> None:
    headers = await accounts.user("ana")
    before = await scrape()
    for _ in range(3):
        assert (await client.get(ME, headers=headers)).status_code == 200
    assert (await client.get(ME)).status_code == 401
    assert (await client.get("/api/v1/users/ana", headers=headers)).status_code == 200
    after = await scrape()
    ok = {"route": ME, "method": "GET", "status": "200"}
    assert value(after, REQUESTS, **ok) - value(before, REQUESTS, **ok) == 3
    assert value(after, SECONDS, **ok) > value(before, SECONDS, **ok)
    refused = {"route": ME, "method": "GET", "status": "401"}
    assert value(after, REQUESTS, **refused) - value(before, REQUESTS, **refused) == 1
    # The template, not the path: one series for every username.
    template = {"route": "/api/v1/users/{username}", "method": "GET", "status": "200"}
    assert value(after, REQUESTS, **template) - value(before, REQUESTS, **template) == 1
    assert not [labels for labels in series(after, REQUESTS) if "ana" in labels["route"]]


async def test_unknown_paths_and_methods_add_no_series(
    client: httpx.AsyncClient, scrape: Scraper
) -> None:
    await client.get("/no-such-page")  # the unmatched series exists from here on
    before = await scrape()
    for number in range(50):
        assert (await client.get(f"/no-such-page/{number}")).status_code == 404
        await client.request(f"BREW{number}", f"/also/missing/{number}")
    after = await scrape()
    assert len(series(after, REQUESTS)) <= len(series(before, REQUESTS)) + 2
    missing = {"route": "unmatched", "method": "GET", "status": "404"}
    assert value(after, REQUESTS, **missing) - value(before, REQUESTS, **missing) == 50
    assert {labels["method"] for labels in series(after, REQUESTS)} <= {
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "OPTIONS",
        "other",
    }
    assert not [labels for labels in series(after, REQUESTS) if "missing" in labels["route"]]


async def test_static_files_count_under_their_mount(
    client: httpx.AsyncClient, scrape: Scraper
) -> None:
    before = await scrape()
    response = await client.get("/assets/no-such-file.css")
    after = await scrape()
    labels = {"route": "/assets/{path}", "method": "GET", "status": str(response.status_code)}
    assert value(after, REQUESTS, **labels) - value(before, REQUESTS, **labels) == 1
