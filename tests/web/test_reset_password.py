"""`/reset-password?token=…`: the page a reset email's link opens."""

from __future__ import annotations

import httpx

from tests.conftest import Accounts
from tests.mail_server import Inbox, token_of
from tests.web.support import assert_page_headers, csrf_of

NEW_PASSWORD = "a brand new secret"


async def reset_token(accounts: Accounts, inbox: Inbox) -> str:
    await accounts.register("juan")
    await inbox.next()  # the verification link
    response = await accounts.client.post(
        "/api/v1/password-reset/request", json={"email": "juan@example.com"}
    )
    assert response.status_code == 202
    return token_of(await inbox.next())


async def post_new_password(
    client: httpx.AsyncClient, token: str, password: str, again: str | None = None, **headers: str
) -> httpx.Response:
    page = await client.get(f"/reset-password?token={token}", headers=headers)
    form = {
        "csrf_token": csrf_of(page),
        "token": token,
        "new_password": password,
        "new_password_confirm": password if again is None else again,
    }
    return await client.post("/reset-password", data=form, headers=headers)


async def test_the_form_in_both_languages(client: httpx.AsyncClient) -> None:
    page = await client.get("/reset-password?token=x")
    assert page.status_code == 200
    assert_page_headers(page)
    assert "Choose a new password" in page.text
    assert '<label for="new_password">New password</label>' in page.text
    assert '<label for="new_password_confirm">New password, again</label>' in page.text
    assert page.text.count('autocomplete="new-password"') == 2
    assert page.text.count("required") == 2
    assert 'maxlength="1024"' in page.text
    assert "At least 8 characters" in page.text
    spanish = await client.get("/reset-password?token=x&ui_locales=es")
    assert '<html lang="es">' in spanish.text
    assert "Elige una contraseña nueva" in spanish.text
    assert "Cambiar mi contraseña" in spanish.text


async def test_a_link_without_its_token(client: httpx.AsyncClient) -> None:
    page = await client.get("/reset-password")
    assert page.status_code == 200
    assert "This link is incomplete" in page.text
    assert "<form" not in page.text
    assert 'href="/forgot-password"' in page.text


async def test_two_different_passwords_are_refused_and_spend_nothing(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    token = await reset_token(mail_accounts, inbox)
    client = mail_accounts.client
    answer = await post_new_password(client, token, NEW_PASSWORD, "a brand new secreT")
    assert answer.status_code == 422
    assert_page_headers(answer)
    assert 'role="alert"' in answer.text
    assert "The two passwords are not the same" in answer.text
    assert 'id="new_password_confirm" name="new_password_confirm" autocomplete' in answer.text
    assert 'aria-invalid="true" aria-describedby="form-error"' in answer.text
    assert NEW_PASSWORD not in answer.text  # passwords are never filled back in
    assert f'name="token" value="{token}"' in answer.text  # the form can be sent again
    assert (await post_new_password(client, token, NEW_PASSWORD)).status_code == 200


async def test_the_password_rules_are_shown_in_the_form(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    token = await reset_token(mail_accounts, inbox)
    client = mail_accounts.client
    refused = {
        "short": "The password is too short.",
        "password123": "This password is too common.",
        "juan@example.com": "must not be based on your username or email address",
    }
    for password, message in refused.items():
        answer = await post_new_password(client, token, password)
        assert answer.status_code == 422, password
        assert message in answer.text
        assert "<form" in answer.text
    spanish = await post_new_password(client, token, "short", **{"Accept-Language": "es"})
    assert "La contraseña es demasiado corta." in spanish.text
    # None of them spent the link.
    assert (await post_new_password(client, token, NEW_PASSWORD)).status_code == 200
    await mail_accounts.login("juan", NEW_PASSWORD)


async def test_a_used_or_wrong_link_offers_a_new_one(mail_accounts: Accounts, inbox: Inbox) -> None:
    token = await reset_token(mail_accounts, inbox)
    client = mail_accounts.client
    assert (await post_new_password(client, token, NEW_PASSWORD)).status_code == 200
    for dead in (token, "not-a-token"):
        answer = await post_new_password(client, dead, "another new secret")
        assert answer.status_code == 400
        assert_page_headers(answer)
        assert "The password reset link is invalid, expired or already used." in answer.text
        assert "<form" not in answer.text
        assert 'href="/forgot-password"' in answer.text
    await mail_accounts.login("juan", NEW_PASSWORD)


async def test_a_form_without_its_csrf_token_is_refused(
    mail_accounts: Accounts, inbox: Inbox
) -> None:
    token = await reset_token(mail_accounts, inbox)
    client = mail_accounts.client
    await client.get(f"/reset-password?token={token}")  # the browser has the cookie
    form = {"token": token, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}
    for extra in ({}, {"csrf_token": "forged"}):
        refused = await client.post("/reset-password", data=form | extra)
        assert refused.status_code == 403
        assert "csrf_failed" in refused.text
    # The link was not spent, and the old password still works.
    await mail_accounts.login("juan")
    assert (await post_new_password(client, token, NEW_PASSWORD)).status_code == 200
