"""`/verify-email`: the page a verification email's link opens."""

from __future__ import annotations

import httpx

from tests.conftest import Accounts
from tests.mail_server import Inbox, body_of, token_of
from tests.web.support import assert_page_headers, csrf_of

ME = "/api/v1/users/me"


async def test_the_link_opens_a_page_whose_button_confirms(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    headers = await mail_accounts.user("juan")
    message = await inbox.next()
    link = body_of(message).split("https://app.example", 1)[1].split()[0]
    assert link.startswith("/verify-email?token=")
    client = mail_accounts.client

    page = await client.get(link)
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert_page_headers(page)
    assert "Confirm my address" in page.text
    # Opening the link spends nothing: only the button does.
    assert (await client.get(ME, headers=headers)).json()["email_verified_at"] is None

    form = {"csrf_token": csrf_of(page), "token": token_of(message)}
    done = await client.post("/verify-email", data=form)
    assert done.status_code == 200
    assert "Your email address is confirmed" in done.text
    assert_page_headers(done)
    assert (await client.get(ME, headers=headers)).json()["email_verified_at"] is not None

    again = await client.post("/verify-email", data=form)
    assert again.status_code == 400
    assert "invalid_verification_token" in again.text
    assert_page_headers(again)


async def test_spanish_from_the_browser_or_ui_locales(client: httpx.AsyncClient) -> None:
    spanish = await client.get("/verify-email?token=x", headers={"Accept-Language": "es"})
    assert '<html lang="es">' in spanish.text
    assert "Confirmar mi dirección" in spanish.text
    # The browser asks for Spanish again when it posts the form.
    assert 'action="/verify-email"' in spanish.text
    chosen = await client.get(
        "/verify-email?token=x&ui_locales=en", headers={"Accept-Language": "es"}
    )
    assert '<html lang="en">' in chosen.text
    assert "/verify-email?token=x&amp;ui_locales=es" in chosen.text
    # A language chosen on the page is kept by its form, whatever the browser asks for.
    assert 'action="/verify-email?ui_locales=en"' in chosen.text


async def test_a_form_without_its_csrf_token_is_refused(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    await mail_accounts.user("juan")
    token = token_of(await inbox.next())
    client = mail_accounts.client
    await client.get("/verify-email?token=x")  # the browser has the cookie
    for form in ({"token": token}, {"token": token, "csrf_token": "forged"}):
        refused = await client.post("/verify-email", data=form)
        assert refused.status_code == 403
        assert "csrf_failed" in refused.text
    # Another browser (no cookie) with a token copied from this one's page is refused too.
    page = await client.get("/verify-email?token=x")
    transport = client._transport  # the same app, with a new cookie jar
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        copied = await other.post(
            "/verify-email", data={"token": token, "csrf_token": csrf_of(page)}
        )
    assert copied.status_code == 403
    # The token was never spent.
    ok = await client.post("/verify-email", data={"token": token, "csrf_token": csrf_of(page)})
    assert ok.status_code == 200


async def test_a_link_without_its_token(client: httpx.AsyncClient) -> None:
    page = await client.get("/verify-email")
    assert page.status_code == 200
    assert "This link is incomplete" in page.text
    assert "<form" not in page.text


async def test_the_stylesheet_is_served_by_the_service(client: httpx.AsyncClient) -> None:
    page = await client.get("/verify-email?token=x")
    assert 'href="http://testserver/assets/aurum.css"' in page.text
    css = await client.get("/assets/aurum.css")
    assert css.status_code == 200
    assert "text/css" in css.headers["content-type"]
