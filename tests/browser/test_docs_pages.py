"""/docs and /redoc render the API from this machine alone: no CDN, no web fonts."""

from __future__ import annotations

from tests.browser.conftest import OfflinePage, is_elsewhere, screenshot


async def test_swagger_ui_shows_the_operations(base_url: str, offline_page: OfflinePage) -> None:
    page = offline_page.page
    await page.goto(f"{base_url}/docs", wait_until="networkidle")
    token = page.locator('.opblock-summary-path[data-path="/api/v1/token"]')
    await token.first.wait_for(state="visible")
    assert await page.locator(".opblock").count() > 50
    assert "Aurum Identity" in await page.locator(".info .title").inner_text()
    await screenshot(page, "docs.png")
    assert offline_page.outside == []
    assert await offline_page.policy_violations() == []


async def test_redoc_shows_the_operations(base_url: str, offline_page: OfflinePage) -> None:
    page = offline_page.page
    await page.goto(f"{base_url}/redoc", wait_until="networkidle")
    login = page.locator('[data-section-id="operation/login_api_v1_token_post"] h2')
    await login.wait_for(state="visible")
    assert await login.inner_text() == "Login"
    assert await page.locator("[data-section-id^='operation/'] h2").count() > 50
    await screenshot(page, "redoc.png")
    assert offline_page.outside == []
    # The policy may keep ReDoc from asking a CDN for Redocly's logo; nothing of its own.
    refused = await offline_page.policy_violations()
    assert all(is_elsewhere(url) for url in refused), refused
