"""`/forgot-password`, and the whole way back in: email, link, new password, sign-in."""

from __future__ import annotations

import httpx

from tests.conftest import PASSWORD, Accounts
from tests.error_bodies import headers_without_request_id
from tests.mail_server import Inbox
from tests.web.support import assert_page_headers, csrf_of, link_of, submit

NEW_PASSWORD = "a brand new secret"


async def test_the_page_in_both_languages(client: httpx.AsyncClient) -> None:
    page = await client.get("/forgot-password")
    assert page.status_code == 200
    assert_page_headers(page)
    assert "Forgot your password?" in page.text
    assert 'autocomplete="email"' in page.text
    assert '<label for="email">Email address</label>' in page.text
    spanish = await client.get("/forgot-password", headers={"Accept-Language": "es"})
    assert "¿Olvidaste tu contraseña?" in spanish.text
    assert "Enviarme un enlace" in spanish.text


async def test_from_the_request_to_a_new_password(mail_accounts: Accounts, inbox: Inbox) -> None:
    await mail_accounts.register("juan")
    await inbox.next()  # the verification link
    client = mail_accounts.client

    sent = await submit(client, "/forgot-password", "/forgot-password", email="Juan@Example.com")
    assert sent.status_code == 200
    assert_page_headers(sent)
    assert "If an account uses that address, an email is on its way." in sent.text
    message = await inbox.next()
    assert message["To"] == "juan@example.com"
    link = link_of(message)
    assert link.startswith("/reset-password?token=")

    form = await client.get(link)
    assert form.status_code == 200
    assert_page_headers(form)
    assert 'autocomplete="new-password"' in form.text
    token = link.split("token=", 1)[1]
    done = await client.post(
        "/reset-password",
        data={
            "csrf_token": csrf_of(form),
            "token": token,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    assert done.status_code == 200
    assert_page_headers(done)
    assert "Your password has changed" in done.text
    assert 'href="/sign-in"' in done.text

    await mail_accounts.login("juan", NEW_PASSWORD)  # POST /api/v1/token
    old = await client.post("/api/v1/token", data={"username": "juan", "password": PASSWORD})
    assert old.status_code == 401


async def test_the_answer_is_the_same_with_or_without_an_account(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    await mail_accounts.register("juan")
    await inbox.next()
    client = mail_accounts.client
    for language in ("en", "es"):
        headers = {"Accept-Language": language}
        page = await client.get("/forgot-password", headers=headers)
        answers = [
            await client.post(
                "/forgot-password",
                data={"csrf_token": csrf_of(page), "email": email},
                headers=headers,
            )
            for email in ("juan@example.com", "nobody@example.com")
        ]
        known, unknown = answers
        assert known.status_code == unknown.status_code == 200
        assert known.text == unknown.text
        assert headers_without_request_id(known, "date") == headers_without_request_id(
            unknown, "date"
        )
    assert "Si alguna cuenta usa esa dirección" in unknown.text
    # Only the real account got mail: one link per request about it.
    await mail_accounts.state.jobs.drain()
    for _ in range(2):
        assert (await inbox.next())["To"] == "juan@example.com"
    assert inbox.is_empty()


async def test_a_malformed_address_is_shown_in_the_form(client: httpx.AsyncClient) -> None:
    answer = await submit(client, "/forgot-password", "/forgot-password", email="juan@")
    assert answer.status_code == 422
    assert_page_headers(answer)
    assert 'role="alert"' in answer.text
    assert "Enter a valid email address" in answer.text
    assert 'value="juan@"' in answer.text
    assert 'aria-invalid="true"' in answer.text


async def test_a_form_without_its_csrf_token_sends_nothing(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    await mail_accounts.register("juan")
    await inbox.next()
    client = mail_accounts.client
    await client.get("/forgot-password")  # the browser has the cookie
    for extra in ({}, {"csrf_token": "forged"}):
        refused = await client.post("/forgot-password", data={"email": "juan@example.com"} | extra)
        assert refused.status_code == 403
        assert "csrf_failed" in refused.text
        assert_page_headers(refused)
    await mail_accounts.state.jobs.drain()
    assert inbox.is_empty()


async def test_the_language_chosen_on_the_page_stays_after_the_form(
    client: httpx.AsyncClient,
) -> None:
    english_browser = {"Accept-Language": "en"}
    page = await client.get("/forgot-password?ui_locales=es", headers=english_browser)
    assert 'action="/forgot-password?ui_locales=es"' in page.text
    answer = await client.post(
        "/forgot-password?ui_locales=es",
        data={"csrf_token": csrf_of(page), "email": "nobody@example.com"},
        headers=english_browser,
    )
    assert "Si alguna cuenta usa esa dirección, le estamos enviando un correo." in answer.text
