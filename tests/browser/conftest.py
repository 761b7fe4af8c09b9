"""Pages in a real headless Chromium (Debian's), that may fetch from this machine only.

Playwright drives the system's `chromium`; its own browser download is not used. Without
one the browser tests are skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, Route, async_playwright

from tests.live_server import live_server

# Where to leave screenshots of the pages, for a person to look at (unset: none are taken).
SCREENSHOTS = os.environ.get("AURUM_TEST_SCREENSHOTS")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# What the page's Content-Security-Policy refused, as the page itself saw it: a URL, or
# `inline`, `eval`, `blob`... for what the page would have run.
RECORD_POLICY_VIOLATIONS = """
window.policyViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.policyViolations.push(event.blockedURI);
});
"""


def is_local(url: str) -> bool:
    return urlsplit(url).hostname in LOCAL_HOSTS


def is_elsewhere(url: str) -> bool:
    """A URL of another machine (not `inline`, `eval` or one of this machine's)."""
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and parts.hostname not in LOCAL_HOSTS


@pytest.fixture
async def base_url(migrated_url: str) -> AsyncIterator[str]:
    """The service, live on 127.0.0.1."""
    async with live_server(migrated_url) as (url, _):
        yield url


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no `chromium` on PATH (Debian: apt-get install chromium)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        yield browser
        await browser.close()


class OfflinePage:
    """A page whose requests to any other host are refused and remembered."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.outside: list[str] = []

    async def block_outside_requests(self) -> None:
        await self.page.context.route("**/*", self._route)
        await self.page.add_init_script(RECORD_POLICY_VIOLATIONS)

    async def policy_violations(self) -> list[str]:
        """What the page's Content-Security-Policy kept it from loading or running."""
        violations: list[str] = await self.page.evaluate("window.policyViolations")
        return violations

    async def _route(self, route: Route) -> None:
        url = route.request.url
        if is_local(url):
            await route.continue_()
        else:
            self.outside.append(url)
            await route.abort()


@pytest.fixture
async def offline_page(browser: Browser) -> AsyncIterator[OfflinePage]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = OfflinePage(await context.new_page())
    await page.block_outside_requests()
    yield page
    await context.close()


async def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """`name` in AURUM_TEST_SCREENSHOTS, when it is set."""
    if SCREENSHOTS:
        await page.screenshot(path=Path(SCREENSHOTS) / name, full_page=full_page)
