"""`/accept-invitation?token=…`: what an invitation link opens before anyone signs in."""

from __future__ import annotations

from html import unescape
from urllib.parse import parse_qs, urlsplit

import httpx

from aurum.companies.invitation_mail import ACCEPT_PATH
from tests.web.support import assert_page_headers

SIGN_IN = 'href="/sign-in?'


def sign_in_link(page: httpx.Response) -> str:
    start = page.text.index(SIGN_IN) + len('href="')
    return unescape(page.text[start : page.text.index('"', start)])


async def test_the_link_sends_the_person_to_sign_in_and_back(client: httpx.AsyncClient) -> None:
    page = await client.get(f"{ACCEPT_PATH}?token=abc_DEF-123")  # the email's link
    assert page.status_code == 200
    assert_page_headers(page)
    assert "Join a company on Aurum" in page.text
    assert "<form" not in page.text  # nothing is accepted or spent here
    back = parse_qs(urlsplit(sign_in_link(page)).query)["next"]
    assert back == ["/accept-invitation?token=abc_DEF-123"]
    assert 'href="/sign-up"' in page.text


async def test_in_spanish(client: httpx.AsyncClient) -> None:
    page = await client.get("/accept-invitation?token=abc&ui_locales=es")
    assert '<html lang="es">' in page.text
    assert "Únete a una empresa en Aurum" in page.text
    assert "Iniciar sesión para aceptar" in page.text
    query = parse_qs(urlsplit(sign_in_link(page)).query)
    assert query["ui_locales"] == ["es"]


async def test_a_link_without_its_token(client: httpx.AsyncClient) -> None:
    page = await client.get("/accept-invitation")
    assert page.status_code == 200
    assert "This link is incomplete" in page.text
    assert SIGN_IN not in page.text
