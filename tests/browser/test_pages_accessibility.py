"""Every page for people, in each state a person can see, in English and in Spanish:
axe-core finds no WCAG 2.1 A/AA or best-practice violation in the real Chromium, the
page itself runs no script and loads nothing from another host, and its text at twice the
size still fits a phone.

axe-core comes from the committed lock file in `axe/` (see tests/node.py), never a CDN.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize

from tests.browser.conftest import OfflinePage, screenshot
from tests.conftest import PASSWORD
from tests.live_server import live_server
from tests.mail_server import Inbox, body_of
from tests.node import install_packages

AXE_DIR = Path(__file__).parent / "axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
LANGUAGES = ("en", "es")
MOBILE = ViewportSize(width=375, height=812)
DESKTOP = ViewportSize(width=1280, height=900)
LINKS = "https://app.example"  # the service's public address, in the links it emails


class Emails:
    """Links the service emails, each made for a test by a new account's sign-up."""

    def __init__(self, base_url: str, inbox: Inbox) -> None:
        self.base_url = base_url
        self.inbox = inbox

    async def verification_link(self) -> str:
        """The path of a sign-up's verification link, its token still unspent."""
        name = f"a11y{uuid.uuid4().hex[:8]}"
        body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        async with httpx.AsyncClient(base_url=self.base_url) as http:
            response = await http.post("/api/v1/users/register", json=body)
        assert response.status_code == 201, response.text
        return body_of(await self.inbox.next()).split(LINKS, 1)[1].split()[0]


@dataclass(frozen=True)
class PageState:
    """A page as a person sees it: `path` opened, then `press` (a button) pressed, if any;
    the state reached `shows` an element (a CSS selector), so it is the one described.

    `path` is a path, or what makes one for the test (a link the service emailed)."""

    path: str | Callable[[Emails], Awaitable[str]]
    description: str
    shows: str
    press: str | None = None


# Each state a person can see, one line each; every one is checked in each language.
BAD_LINK = "/verify-email?token=not-a-token"
PAGES = [
    PageState("/verify-email", "verification link without its token", shows="[role=alert]"),
    PageState(BAD_LINK, "verification link, its button", shows="form button"),
    PageState(Emails.verification_link, "verification confirmed", "[role=status]", "button"),
    PageState(BAD_LINK, "error page of a bad verification link", "[role=alert]", "button"),
    PageState("/sign-in", "sign-in form", shows="form button"),
    PageState("/sign-out", "signed out", shows="[role=status]"),
    PageState("/sign-up", "sign-up form", shows="form button"),
    PageState("/forgot-password", "forgotten password form", shows="form button"),
    PageState("/reset-password?token=not-a-token", "new password form", shows="form button"),
]
CASES = [
    pytest.param(state, language, id=f"{state.description} ({language})")
    for state in PAGES
    for language in LANGUAGES
]


def in_language(path: str, language: str) -> str:
    """The path, asking for `language` as an OpenID Connect client would (`ui_locales`)."""
    return f"{path}{'&' if '?' in path else '?'}ui_locales={language}"


@pytest.fixture
async def base_url(migrated_url: str, inbox: Inbox) -> AsyncIterator[str]:
    """The service, live on 127.0.0.1, emailing the test's inbox."""
    mail = {"smtp_host": "127.0.0.1", "smtp_port": inbox.port, "smtp_tls": "none"}
    async with live_server(migrated_url, public_base_url=LINKS, **mail) as (url, _):
        yield url


@pytest.fixture
def emails(base_url: str, inbox: Inbox) -> Emails:
    return Emails(base_url, inbox)


async def open_state(page: Page, emails: Emails, state: PageState, language: str) -> None:
    path = state.path if isinstance(state.path, str) else await state.path(emails)
    await page.goto(emails.base_url + in_language(path, language))
    if state.press is not None:
        async with page.expect_navigation():
            await page.locator(state.press).click()
    await page.locator(state.shows).wait_for()
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


def shot_name(state: PageState, language: str, view: str) -> str:
    return f"{state.description} {language} {view}.png".replace(" ", "-").replace(",", "")


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {' '.join(map(str, node['target']))}" for node in violation["nodes"])
    return "\n".join(lines)


@pytest.mark.parametrize(("state", "language"), CASES)
async def test_axe_finds_no_violation(
    emails: Emails,
    instrumented_page: OfflinePage,
    axe_script: str,
    state: PageState,
    language: str,
) -> None:
    page = instrumented_page.page
    await open_state(page, emails, state, language)
    await page.add_script_tag(content=axe_script)
    results = await page.evaluate("rules => axe.run(document, {runOnly: rules})", RULES)
    assert results["passes"], "axe-core checked nothing"
    if results["violations"]:
        found = describe(results["violations"])
        pytest.fail(f"axe-core, {state.description} ({language}):\n{found}", pytrace=False)
    assert instrumented_page.outside == []


@pytest.mark.parametrize(("state", "language"), CASES)
async def test_the_page_runs_no_script_and_loads_nothing_from_elsewhere(
    emails: Emails, offline_page: OfflinePage, state: PageState, language: str
) -> None:
    page = offline_page.page
    await open_state(page, emails, state, language)
    assert await page.locator("script").count() == 0
    assert offline_page.outside == []
    assert await offline_page.policy_violations() == []
    await screenshot(page, shot_name(state, language, "desktop"), full_page=True)
    await page.set_viewport_size(MOBILE)
    await screenshot(page, shot_name(state, language, "mobile"), full_page=True)


@pytest.mark.parametrize(("state", "language"), CASES)
async def test_text_at_twice_the_size_fits_a_phone(
    emails: Emails, offline_page: OfflinePage, state: PageState, language: str
) -> None:
    """WCAG 1.4.4: text resized to 200 % loses nothing; here, no sideways scrolling."""
    page = offline_page.page
    await page.set_viewport_size(MOBILE)
    await open_state(page, emails, state, language)
    await page.evaluate("document.documentElement.style.fontSize = '200%'")
    width = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    await screenshot(page, shot_name(state, language, "mobile text-200"), full_page=True)
    assert width[0] <= width[1], f"{state.description} ({language}) is wider than the phone"
