"""Driving pages as a browser does: GET the page, post its form with the CSRF token."""

from __future__ import annotations

import re
from email.message import EmailMessage

import httpx

from tests.account_email.conftest import LINKS
from tests.mail_server import body_of

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def assert_page_headers(response: httpx.Response) -> None:
    """The headers every page sends."""
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'none'" in csp
    assert "script-src" not in csp  # no script at all
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def link_of(message: EmailMessage) -> str:
    """The path and query of the email's link, to open on the service under test."""
    return body_of(message).split(LINKS, 1)[1].split()[0]


async def submit(
    client: httpx.AsyncClient, page_path: str, action: str, **fields: str
) -> httpx.Response:
    """Open the page, then post its form (with the page's CSRF token) to `action`."""
    page = await client.get(page_path)
    return await client.post(action, data={"csrf_token": csrf_of(page), **fields})
