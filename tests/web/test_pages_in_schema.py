"""Pages are for people: none of them is part of the API's OpenAPI document."""

from __future__ import annotations

import httpx

PAGES = ("/verify-email", "/forgot-password", "/reset-password", "/sign-up", "/accept-invitation")


async def test_no_page_is_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert not set(PAGES) & set(paths)
    for page in PAGES:
        assert (await client.get(page)).status_code == 200
