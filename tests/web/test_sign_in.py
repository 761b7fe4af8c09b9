"""Signing in and out at Aurum's own pages: the browser session and its cookie."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from aurum.app_state import AppState
from aurum.models.audit_event import AuditEvent
from tests.conftest import PASSWORD, Accounts, AppFactory
from tests.mfa.test_totp import code, enrol, wrong_code
from tests.web.support import assert_page_headers, csrf_of

ME = "/api/v1/users/me"
SESSIONS = "/api/v1/users/me/sessions"
COOKIE = "aurum_session"


def session_cookie(client: httpx.AsyncClient) -> str | None:
    values = [cookie.value for cookie in client.cookies.jar if cookie.name == COOKIE]
    assert len(values) <= 1
    return values[0] if values else None


def plant_cookie(client: httpx.AsyncClient, value: str) -> None:
    """A cookie the browser holds for this site (httpx names the test host `.local`)."""
    client.cookies.set(COOKIE, value, domain="testserver.local", path="/")


async def sign_in(
    client: httpx.AsyncClient, login: str = "juan", password: str = PASSWORD, next: str = ""
) -> httpx.Response:
    page = await client.get("/sign-in", params={"next": next} if next else None)
    form = {"csrf_token": csrf_of(page), "login": login, "password": password, "next": next}
    return await client.post("/sign-in", data=form)


async def test_signing_in_opens_a_session_the_pages_know(
    accounts: Accounts, client: httpx.AsyncClient
) -> None:
    headers = await accounts.user("juan")
    page = await client.get("/sign-in")
    assert page.status_code == 200
    assert_page_headers(page)
    assert 'autocomplete="username"' in page.text
    assert 'autocomplete="current-password"' in page.text

    done = await sign_in(client)
    assert done.status_code == 303
    assert done.headers["location"] == "/account"
    assert_page_headers(done)
    cookie = done.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Path=/" in cookie

    account = await client.get("/account")
    assert account.status_code == 200
    assert "You are signed in as" in account.text
    assert "juan@example.com" in account.text
    # It is one of the user's sessions, listed with the others.
    listed = (await client.get(SESSIONS, headers=headers)).json()["items"]
    assert len(listed) == 2
    # An already signed-in person going to the sign-in page goes on.
    again = await client.get("/sign-in", params={"next": "/account"})
    assert again.status_code == 303
    assert again.headers["location"] == "/account"


async def test_the_cookie_never_authenticates_the_api(
    accounts: Accounts, client: httpx.AsyncClient
) -> None:
    await accounts.register("juan")
    assert (await sign_in(client)).status_code == 303
    assert session_cookie(client)
    me = await client.get(ME)
    assert me.status_code == 401


async def test_a_wrong_password_shows_the_form_again_and_is_counted(
    accounts: Accounts, client: httpx.AsyncClient, state: AppState
) -> None:
    await accounts.register("juan")
    wrong = await sign_in(client, password="not the password")
    assert wrong.status_code == 401
    assert "Incorrect username or password." in wrong.text
    assert 'value="juan"' in wrong.text
    assert "not the password" not in wrong.text
    assert "set-cookie" not in wrong.headers or COOKIE not in wrong.headers["set-cookie"]
    unknown = await sign_in(client, login="nobody")
    assert unknown.status_code == 401
    assert "Incorrect username or password." in unknown.text
    async with state.sessionmaker() as db:
        kinds = list(await db.scalars(select(AuditEvent.event_type)))
    assert kinds.count("sign_in.failed") == 2


async def test_every_sign_in_gets_a_new_cookie(
    accounts: Accounts, client: httpx.AsyncClient
) -> None:
    await accounts.register("juan")
    planted = "x" * 43  # a value someone else chose (session fixation)
    plant_cookie(client, planted)
    await sign_in(client)
    first = session_cookie(client)
    assert first not in {None, planted}
    client.cookies.clear()
    await sign_in(client)
    assert session_cookie(client) not in {None, first}


async def test_signing_out_ends_the_session(accounts: Accounts, client: httpx.AsyncClient) -> None:
    await accounts.register("juan")
    await sign_in(client)
    cookie = session_cookie(client)
    assert cookie is not None
    page = await client.get("/sign-out")
    assert "Sign out of Aurum on this browser?" in page.text
    out = await client.post("/sign-out", data={"csrf_token": csrf_of(page)})
    assert out.status_code == 200
    assert "You are signed out." in out.text
    assert session_cookie(client) is None
    # The old value is dead on the server too, not just forgotten by this browser.
    plant_cookie(client, cookie)
    account = await client.get("/account")
    assert account.status_code == 303
    assert account.headers["location"] == "/sign-in?next=/account"


async def test_signing_out_needs_the_form(accounts: Accounts, client: httpx.AsyncClient) -> None:
    await accounts.register("juan")
    await sign_in(client)
    refused = await client.post("/sign-out", data={})
    assert refused.status_code == 403
    assert (await client.get("/account")).status_code == 200


@pytest.mark.parametrize("how", ["everywhere", "password", "disable"])
async def test_what_ends_every_session_ends_the_browsers(
    accounts: Accounts, client: httpx.AsyncClient, how: str
) -> None:
    headers = await accounts.user("juan")
    await sign_in(client)
    assert (await client.get("/account")).status_code == 200
    if how == "everywhere":
        response = await client.delete(SESSIONS, headers=headers)
    elif how == "password":
        form = {"old_password": PASSWORD, "new_password": "a brand new secret"}
        response = await client.post(f"{ME}/change-password", data=form, headers=headers)
    else:
        admin = await accounts.admin()
        response = await client.patch("/api/v1/users/juan", json={"disabled": True}, headers=admin)
    assert response.status_code in {200, 204}
    assert (await client.get("/account")).status_code == 303


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "/\t/evil.example",
    ],
)
async def test_next_never_leaves_the_site(
    accounts: Accounts, client: httpx.AsyncClient, target: str
) -> None:
    await accounts.register("juan")
    done = await sign_in(client, next=target)
    assert done.headers["location"] == "/account"


async def test_next_within_the_site_is_kept(accounts: Accounts, client: httpx.AsyncClient) -> None:
    await accounts.register("juan")
    done = await sign_in(client, next="/sign-out?ui_locales=es")
    assert done.headers["location"] == "/sign-out?ui_locales=es"


async def test_the_sign_in_form_needs_its_csrf_token(
    accounts: Accounts, client: httpx.AsyncClient
) -> None:
    await accounts.register("juan")
    await client.get("/sign-in")
    refused = await client.post("/sign-in", data={"login": "juan", "password": PASSWORD})
    assert refused.status_code == 403
    assert "csrf_failed" in refused.text
    assert session_cookie(client) is None


async def test_two_step_sign_in(accounts: Accounts, client: httpx.AsyncClient) -> None:
    headers = await accounts.user("juan")
    totp, recovery = await enrol(accounts, headers)
    step = await sign_in(client)
    assert step.status_code == 200
    assert 'autocomplete="one-time-code"' in step.text
    assert session_cookie(client) is None
    token = step.text.split('name="mfa_token" value="', 1)[1].split('"', 1)[0]
    form = {"csrf_token": csrf_of(step), "mfa_token": token, "next": "/account"}

    wrong = await client.post("/sign-in/second-step", data={**form, "code": wrong_code(totp)})
    assert wrong.status_code == 400
    assert 'role="alert"' in wrong.text
    assert session_cookie(client) is None

    # The step the enrolment used is spent; the next one is accepted.
    done = await client.post("/sign-in/second-step", data={**form, "code": code(totp, 1)})
    assert done.status_code == 303
    assert done.headers["location"] == "/account"
    assert (await client.get("/account")).status_code == 200
    # The challenge is spent.
    replay = await client.post("/sign-in/second-step", data={**form, "code": recovery[0]})
    assert replay.status_code == 401
    assert "invalid_mfa_token" in replay.text


async def test_pages_speak_spanish(client: httpx.AsyncClient) -> None:
    page = await client.get("/sign-in", headers={"Accept-Language": "es-EC,es;q=0.9"})
    assert "Usuario o correo electrónico" in page.text
    assert '<html lang="es">' in page.text


async def test_cookies_are_secure_over_https(make_app: AppFactory, accounts: Accounts) -> None:
    app = await make_app(issuer="https://id.example.org")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        await Accounts(client, app.state.aurum).register("juan")
        done = await sign_in(client)
    cookies = done.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("__Host-aurum_session="))
    assert "Secure" in session
    assert "HttpOnly" in session
    assert "Path=/" in session
    assert "Domain" not in session
