"""`/sign-up`: the page that creates an account, as `POST /users/register` does."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import PASSWORD, Accounts
from tests.mail_server import Inbox, body_of
from tests.web.support import assert_page_headers, csrf_of, link_of

NEW = {"username": "juan", "email": "juan@example.com", "full_name": "Juan Pérez"}


async def sign_up(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    page = await client.get("/sign-up")
    form: dict[str, Any] = {"csrf_token": csrf_of(page), **NEW, "password": PASSWORD}
    return await client.post("/sign-up", data=form | fields)


async def test_the_form_in_both_languages(client: httpx.AsyncClient) -> None:
    page = await client.get("/sign-up")
    assert page.status_code == 200
    assert_page_headers(page)
    assert "Create your account" in page.text
    for name, label in (
        ("username", "Username"),
        ("email", "Email address"),
        ("full_name", "Full name"),
        ("password", "Password"),
    ):
        assert f'<label for="{name}">{label}</label>' in page.text
    for autocomplete in ("username", "email", "name", "new-password"):
        assert f'autocomplete="{autocomplete}"' in page.text
    assert page.text.count(" required") == 3  # the full name is optional
    spanish = await client.get("/sign-up", headers={"Accept-Language": "es"})
    assert "Crea tu cuenta" in spanish.text
    assert "Nombre de usuario" in spanish.text


async def test_sign_up_then_confirm_the_address(mail_accounts: Accounts, inbox: Inbox) -> None:
    client = mail_accounts.client
    done = await sign_up(client)
    assert done.status_code == 200
    assert_page_headers(done)
    assert "Check your inbox to confirm your email address." in done.text
    assert "<form" not in done.text

    message = await inbox.next()
    assert message["To"] == "juan@example.com"
    link = link_of(message)
    assert link.startswith("/verify-email?token=")
    page = await client.get(link)
    token = link.split("token=", 1)[1]
    confirmed = await client.post(
        "/verify-email", data={"csrf_token": csrf_of(page), "token": token}
    )
    assert confirmed.status_code == 200
    profile = await mail_accounts.profile("juan")
    assert profile["full_name"] == "Juan Pérez"
    assert profile["email_verified_at"] is not None
    assert profile["locale"] == "en"  # the page's language


async def test_the_page_language_becomes_the_preferred_one(mail_accounts: Accounts) -> None:
    client = mail_accounts.client
    page = await client.get("/sign-up?ui_locales=es")
    form: dict[str, Any] = {"csrf_token": csrf_of(page), **NEW, "password": PASSWORD}
    done = await client.post("/sign-up?ui_locales=es", data=form)
    assert done.status_code == 200, done.text
    assert (await mail_accounts.profile("juan"))["locale"] == "es"


async def test_a_taken_email_gets_the_same_page(mail_accounts: Accounts, inbox: Inbox) -> None:
    client = mail_accounts.client
    first = await sign_up(client)
    await inbox.next()
    second = await sign_up(client, username="juan2")
    assert second.status_code == first.status_code == 200
    assert second.text == first.text
    # The address's owner is told, and no second account exists.
    notice = await inbox.next()
    assert notice["To"] == "juan@example.com"
    assert "already have an account" in notice["Subject"]
    answer = await client.post("/api/v1/token", data={"username": "juan2", "password": PASSWORD})
    assert answer.status_code == 401
    assert "/verify-email" not in body_of(notice)


async def test_a_taken_username_is_shown_in_the_form(mail_accounts: Accounts) -> None:
    client = mail_accounts.client
    await mail_accounts.register("juan")
    answer = await sign_up(client, email="other@example.com")
    assert answer.status_code == 409
    assert_page_headers(answer)
    assert 'role="alert"' in answer.text
    assert "That username is already taken." in answer.text
    assert 'id="username" name="username" value="juan"' in answer.text
    assert 'value="other@example.com"' in answer.text
    assert 'value="Juan Pérez"' in answer.text
    assert PASSWORD not in answer.text
    spanish = await client.post(
        "/sign-up",
        data={"csrf_token": csrf_of(answer), **NEW, "password": PASSWORD},
        headers={"Accept-Language": "es"},
    )
    assert "Ese nombre de usuario ya está en uso." in spanish.text


async def test_what_the_form_refuses(client: httpx.AsyncClient) -> None:
    refused = {
        ("password", "password123"): (422, "This password is too common."),
        ("password", "short"): (422, "The password is too short."),
        ("username", "j"): (422, "Choose another username"),
        ("username", "me"): (422, "Choose another username"),
        ("email", "juan@"): (422, "Enter a valid email address"),
    }
    for (field, value), (status, message) in refused.items():
        answer = await sign_up(client, **{field: value})
        assert answer.status_code == status, (field, value)
        assert message in answer.text
        assert f'id="{field}" name="{field}"' in answer.text
        assert 'aria-invalid="true"' in answer.text
    # Nothing was created.
    login = await client.post("/api/v1/token", data={"username": "juan", "password": PASSWORD})
    assert login.status_code == 401


async def test_a_form_without_its_csrf_token_creates_nothing(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    client = mail_accounts.client
    await client.get("/sign-up")
    for extra in ({}, {"csrf_token": "forged"}):
        refused = await client.post("/sign-up", data={**NEW, "password": PASSWORD} | extra)
        assert refused.status_code == 403
        assert "csrf_failed" in refused.text
    login = await client.post("/api/v1/token", data={"username": "juan", "password": PASSWORD})
    assert login.status_code == 401
    await mail_accounts.state.jobs.drain()
    assert inbox.is_empty()
