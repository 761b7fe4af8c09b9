"""Every page for people, in each state a person can see, in English and in Spanish:
axe-core finds no WCAG 2.1 A/AA or best-practice violation in the real Chromium, and the
page itself runs no script and loads nothing from another host.

axe-core comes from the committed lock file in `axe/` (see tests/node.py), never a CDN.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, ViewportSize

from tests.browser.conftest import OfflinePage, screenshot
from tests.node import install_packages

AXE_DIR = Path(__file__).parent / "axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
LANGUAGES = ("en", "es")
MOBILE = ViewportSize(width=375, height=812)
DESKTOP = ViewportSize(width=1280, height=900)


@dataclass(frozen=True)
class PageState:
    """A page as a person sees it: `path` opened, then `press` (a button) pressed, if any."""

    path: str
    description: str
    press: str | None = None


# Each state a person can see, one line each; every one is checked in each language.
PAGES = [
    PageState("/verify-email", "verification link without its token"),
    PageState("/verify-email?token=not-a-token", "verification link, its button"),
    PageState("/verify-email?token=not-a-token", "error page of a bad verification link", "button"),
]
CASES = [
    pytest.param(state, language, id=f"{state.description} ({language})")
    for state in PAGES
    for language in LANGUAGES
]


def in_language(path: str, language: str) -> str:
    """The path, asking for `language` as an OpenID Connect client would (`ui_locales`)."""
    return f"{path}{'&' if '?' in path else '?'}ui_locales={language}"


async def open_state(page: Page, base_url: str, state: PageState, language: str) -> None:
    await page.goto(base_url + in_language(state.path, language))
    if state.press is not None:
        async with page.expect_navigation():
            await page.locator(state.press).click()
    # The state reached is in the language asked for, the form's answer included.
    assert await page.locator("html").get_attribute("lang") == language


@pytest.fixture(scope="session")
def axe_script() -> str:
    install_packages(AXE_DIR, "the accessibility tests")
    return AXE_SCRIPT.read_text()


@pytest.fixture
async def instrumented_page(browser: Browser) -> AsyncIterator[OfflinePage]:
    """A page that lets the test add axe-core to it.

    The pages' Content-Security-Policy allows no script at all, so axe-core could not be
    added under it. bypass_csp lifts the policy for this browser context only: axe runs as
    the test's instrument, not as part of the page. The policy itself is checked, in force,
    by test_the_page_runs_no_script_and_loads_nothing_from_elsewhere.
    """
    context = await browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = OfflinePage(await context.new_page())
    await page.block_outside_requests()
    yield page
    await context.close()


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}" for node in violation["nodes"])
    return "\n".join(lines)


@pytest.mark.parametrize(("state", "language"), CASES)
async def test_axe_finds_no_violation(
    base_url: str,
    instrumented_page: OfflinePage,
    axe_script: str,
    state: PageState,
    language: str,
) -> None:
    page = instrumented_page.page
    await open_state(page, base_url, state, language)
    await page.add_script_tag(content=axe_script)
    results = await page.evaluate("rules => axe.run(document, {runOnly: rules})", RULES)
    assert results["passes"], "axe-core checked nothing"
    violations = results["violations"]
    assert violations == [], f"{state.description} ({language}):\n{describe(violations)}"
    assert instrumented_page.outside == []


@pytest.mark.parametrize(("state", "language"), CASES)
async def test_the_page_runs_no_script_and_loads_nothing_from_elsewhere(
    base_url: str, offline_page: OfflinePage, state: PageState, language: str
) -> None:
    page = offline_page.page
    await open_state(page, base_url, state, language)
    assert await page.locator("script").count() == 0
    assert offline_page.outside == []
    assert await offline_page.policy_violations() == []
    name = f"{state.description} {language}".replace(" ", "-").replace(",", "")
    await screenshot(page, f"{name}-desktop.png", full_page=True)
    await page.set_viewport_size(MOBILE)
    await screenshot(page, f"{name}-mobile.png", full_page=True)


@pytest.mark.parametrize(("state", "language"), CASES)
async def test_text_at_twice_the_size_fits_a_phone(
    base_url: str, offline_page: OfflinePage, state: PageState, language: str
) -> None:
    """WCAG 1.4.4: text resized to 200 % loses nothing; here, no sideways scrolling."""
    page = offline_page.page
    await page.set_viewport_size(MOBILE)
    await open_state(page, base_url, state, language)
    await page.evaluate("document.documentElement.style.fontSize = '200%'")
    width = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    name = f"{state.description} {language}".replace(" ", "-").replace(",", "")
    await screenshot(page, f"{name}-mobile-text-200.png", full_page=True)
    assert width[0] <= width[1], f"{state.description} ({language}) is wider than the phone"
