"""No other site can frame Aurum's pages (clickjacking): Chromium refuses to show them in
another origin's iframe (`frame-ancestors 'none'`, `X-Frame-Options: DENY`)."""

from __future__ import annotations

from html import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from tests.browser.conftest import OfflinePage
from tests.browser.relying_party import served

PAGES = [
    "/sign-in",
    "/sign-up",
    "/account",
    "/sign-out",
    "/forgot-password",
    "/reset-password?token=x",
    "/verify-email?token=x",
    "/accept-invitation?token=x",
    "/end-session",
    "/authorize?client_id=nobody",  # an error page
]


def framing_site(framed: list[str]) -> Starlette:
    async def page(request: Request) -> Response:
        frames = "".join(
            f'<iframe title="{index}" src="{escape(url)}"></iframe>'
            for index, url in enumerate(framed)
        )
        return HTMLResponse(f"<!doctype html><title>Framing</title>{frames}")

    return Starlette(routes=[Route("/", page)])


def unprotected_site() -> Starlette:
    """A page with a form and no headers against framing: the test's control."""

    async def page(request: Request) -> Response:
        return HTMLResponse("<!doctype html><title>Open</title><form></form>")

    return Starlette(routes=[Route("/", page)])


async def test_no_page_can_be_framed(base_url: str, offline_page: OfflinePage) -> None:
    page = offline_page.page
    async with (
        served(lambda _: unprotected_site()) as control,
        served(lambda _: framing_site([f"{control}/", *(base_url + p for p in PAGES)])) as site,
    ):
        await page.goto(f"{site}/")
        await page.wait_for_load_state("load")
        shown, *refused = page.main_frame.child_frames
        # The control frame shows its page: a refused frame would look different.
        assert shown.url == f"{control}/"
        assert await shown.query_selector("form") is not None
        assert len(refused) == len(PAGES)
        for frame in refused:
            # A refused frame shows Chromium's error page, never Aurum's.
            assert not frame.url.startswith(base_url), frame.url
            assert await frame.query_selector("form") is None
