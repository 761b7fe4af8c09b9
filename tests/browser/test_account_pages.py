"""The account pages in a real browser: sign up, forget the password, reset it by email."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.account_email.conftest import LINKS
from tests.browser.conftest import OfflinePage
from tests.conftest import PASSWORD, AppFactory
from tests.live_server import live_server
from tests.mail_server import Inbox
from tests.web.support import link_of

NEW_PASSWORD = "a brand new secret"
SCREENSHOTS = os.environ.get("AURUM_TEST_SCREENSHOTS")
# The live server commits to the shared test database: a name no other test uses.
NAME = f"page{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def site(make_app: AppFactory, migrated_url: str, inbox: Inbox) -> AsyncIterator[str]:
    """The service sending through the local SMTP server. (`make_app` is not called: its
    teardown deletes the rows the test wrote.)"""
    mail = {"smtp_host": "127.0.0.1", "smtp_port": inbox.port, "smtp_tls": "none"}
    async with live_server(migrated_url, public_base_url=LINKS, **mail) as (url, _):
        yield url


async def screenshot(page: OfflinePage, name: str) -> None:
    if SCREENSHOTS:
        await page.page.screenshot(path=Path(SCREENSHOTS) / name, full_page=True)


async def submit(page: OfflinePage, button: str) -> None:
    async with page.page.expect_navigation():
        await page.page.get_by_role("button", name=button).click()


async def test_sign_up_then_reset_the_password(
    site: str, offline_page: OfflinePage, inbox: Inbox
) -> None:
    page = offline_page.page
    await page.goto(f"{site}/sign-up")
    await page.get_by_label("Username").fill(NAME)
    await page.get_by_label("Email address").fill(f"{NAME}@example.com")
    await page.get_by_label("Full name").fill("Juan Pérez")
    await page.get_by_label("Password").fill(PASSWORD)
    await screenshot(offline_page, "sign-up.png")
    await submit(offline_page, "Create my account")
    assert "Check your inbox" in await page.get_by_role("status").inner_text()
    assert (await inbox.next())["To"] == f"{NAME}@example.com"  # the verification link

    await page.goto(f"{site}/forgot-password")
    await page.get_by_label("Email address").fill(f"{NAME}@example.com")
    await submit(offline_page, "Send me a link")
    assert "an email is on its way" in await page.get_by_role("status").inner_text()

    await page.goto(f"{site}{link_of(await inbox.next())}")
    await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    await page.get_by_label("New password, again").fill("something else")
    await submit(offline_page, "Change my password")
    assert "not the same" in await page.get_by_role("alert").inner_text()
    confirm = page.get_by_label("New password, again")
    assert await confirm.get_attribute("aria-invalid") == "true"
    assert await confirm.input_value() == ""  # passwords are never filled back in
    await screenshot(offline_page, "reset-password-error.png")

    await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    await confirm.fill(NEW_PASSWORD)
    await submit(offline_page, "Change my password")
    assert "Your password has changed" in await page.get_by_role("status").inner_text()
    async with httpx.AsyncClient(base_url=site) as api:
        login = {"username": NAME, "password": NEW_PASSWORD}
        assert (await api.post("/api/v1/token", data=login)).status_code == 200

    assert offline_page.outside == []
    assert await offline_page.policy_violations() == []


async def test_an_invitation_link_in_spanish(site: str, offline_page: OfflinePage) -> None:
    page = offline_page.page
    await page.goto(f"{site}/accept-invitation?token=abc&ui_locales=es")
    sign_in = page.get_by_role("link", name="Iniciar sesión para aceptar")
    assert await sign_in.get_attribute("href") == (
        "/sign-in?next=%2Faccept-invitation%3Ftoken%3Dabc&ui_locales=es"
    )
    await screenshot(offline_page, "accept-invitation.png")
    assert offline_page.outside == []
    assert await offline_page.policy_violations() == []
