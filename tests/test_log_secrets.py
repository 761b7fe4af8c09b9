"""No secret reaches a log: the main flows run with every logger at DEBUG, and nothing
they handled (passwords, tokens, codes, client secrets, emailed links) is in the output.

The console mail backend's output is checked too: it prints messages with links hidden.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator, Iterator

import httpx
import pyotp
import pytest
from fastapi import FastAPI

from aurum.app_state import AppState
from tests.conftest import PASSWORD, Accounts, AppFactory
from tests.logs.capture import LogCapture, captured_logs
from tests.mail_server import Inbox, body_of, token_of
from tests.mfa.test_totp import MFA, TOKEN_MFA, challenge, code
from tests.oauth.code_flow import (
    AUTHORIZE,
    TOKEN_ENDPOINT,
    answer,
    browse,
    register_app,
    relying_party,
)
from tests.oauth.support import OAuthClients

NEW_PASSWORD = "a brand new secret"


class Secrets:
    """What the flows handled, to look for in the logs afterwards."""

    def __init__(self) -> None:
        self.values: set[str] = {PASSWORD, NEW_PASSWORD}

    def add(self, *values: str) -> None:
        self.values.update(v for v in values if v)

    def leaked_in(self, text: str) -> list[str]:
        found = []
        for value in self.values:
            # Short values (six-digit codes) as whole words: a timestamp may hold the digits.
            pattern = rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])"
            if re.search(pattern, text):
                found.append(value)
        return found


@pytest.fixture
def logs() -> Iterator[LogCapture]:
    with captured_logs() as capture:
        yield capture


@pytest.fixture
def clients(accounts: Accounts) -> OAuthClients:
    return OAuthClients(accounts)


@pytest.fixture
def handled() -> Secrets:
    return Secrets()


@pytest.fixture
async def mail_app(make_app: AppFactory, inbox: Inbox) -> FastAPI:
    return await make_app(
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,
        smtp_tls="none",
        log_level="DEBUG",
        public_base_url="https://app.example",
    )


@pytest.fixture
async def http(mail_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=mail_app, client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def people(http: httpx.AsyncClient, mail_app: FastAPI) -> Accounts:
    state: AppState = mail_app.state.aurum
    return Accounts(http, state)


def assert_no_secrets(logs: LogCapture, handled: Secrets, *outputs: str) -> None:
    assert "request" in logs.text  # the capture saw the requests' access lines
    for text in (logs.text, *outputs):
        assert handled.leaked_in(text) == []


async def test_sign_up_sign_in_refresh_and_reset(
    people: Accounts, inbox: Inbox, logs: LogCapture, handled: Secrets
) -> None:
    await people.register("juan")
    verification = await inbox.next()
    handled.add(token_of(verification), *re.findall(r"https?://\S+", body_of(verification)))
    tokens = await people.login("juan")
    handled.add(tokens["access_token"], tokens["refresh_token"])
    refreshed = await people.client.post(
        "/api/v1/refresh-token", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    handled.add(refreshed.json()["access_token"], refreshed.json()["refresh_token"])
    confirmed = await people.client.get(f"/verify-email?token={token_of(verification)}")
    assert confirmed.status_code == 200

    asked = await people.client.post(
        "/api/v1/password-reset/request", json={"email": "juan@example.com"}
    )
    assert asked.status_code == 202
    reset = await inbox.next()
    handled.add(token_of(reset), *re.findall(r"https?://\S+", body_of(reset)))
    page = await people.client.get(f"/reset-password?token={token_of(reset)}")
    assert page.status_code == 200
    done = await people.client.post(
        "/api/v1/password-reset/confirm",
        json={"token": token_of(reset), "new_password": NEW_PASSWORD},
    )
    assert done.status_code == 204
    wrong = await people.client.post(
        "/api/v1/token", data={"username": "juan", "password": PASSWORD}
    )
    assert wrong.status_code == 401
    assert_no_secrets(logs, handled)


async def test_a_second_factor(
    accounts: Accounts, logs: LogCapture, handled: Secrets, make_app: AppFactory
) -> None:
    headers = await accounts.user("juan")
    handled.add(headers["Authorization"].removeprefix("Bearer "))
    start = await accounts.client.post(f"{MFA}/totp", json={"password": PASSWORD}, headers=headers)
    uri = start.json()["otpauth_uri"]
    totp = pyotp.parse_uri(uri)
    assert isinstance(totp, pyotp.TOTP)
    handled.add(uri, totp.secret, code(totp))
    confirm = await accounts.client.post(
        f"{MFA}/totp/confirm", json={"code": code(totp)}, headers=headers
    )
    handled.add(*confirm.json()["recovery_codes"])
    mfa_token = await challenge(accounts)
    handled.add(mfa_token, code(totp, 1))
    tokens = await accounts.client.post(
        TOKEN_MFA, json={"mfa_token": mfa_token, "code": code(totp, 1)}
    )
    assert tokens.status_code == 200
    handled.add(tokens.json()["access_token"], tokens.json()["refresh_token"])
    assert_no_secrets(logs, handled)


async def test_the_code_flow_and_client_credentials(
    app: FastAPI,
    accounts: Accounts,
    clients: OAuthClients,
    client: httpx.AsyncClient,
    logs: LogCapture,
    handled: Secrets,
) -> None:
    await accounts.user("juan")
    notas = await register_app(clients)
    handled.add(notas["client_secret"])
    rp = relying_party(app, notas, "openid profile email offline_access")
    verifier = secrets.token_urlsafe(48)
    url, _ = rp.create_authorization_url(AUTHORIZE, code_verifier=verifier)
    back = await browse(client, url)
    handled.add(answer(back)["code"], verifier, back.headers["location"])
    async with rp:
        token = await rp.fetch_token(
            TOKEN_ENDPOINT, authorization_response=back.headers["location"], code_verifier=verifier
        )
        handled.add(token["access_token"], token["refresh_token"], token["id_token"])
        refreshed = await rp.refresh_token(TOKEN_ENDPOINT)
        handled.add(refreshed["access_token"], refreshed["refresh_token"])

    billing = await clients.register("billing")
    handled.add(billing["client_secret"])
    handled.add(await clients.service_token(billing))
    first_party = await clients.first_party()
    handled.add(first_party["client_secret"])
    grant = await clients.password_grant(first_party, "juan", PASSWORD)
    handled.add(grant["access_token"], grant["refresh_token"])
    assert_no_secrets(logs, handled)


async def test_the_console_backend_prints_no_usable_link(
    make_app: AppFactory, capsys: pytest.CaptureFixture[str], logs: LogCapture
) -> None:
    app = await make_app(email_backend="console", log_level="DEBUG")
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        accounts = Accounts(http, app.state.aurum)
        await accounts.register("juan")
        await app.state.aurum.mail.drain()
    printed = capsys.readouterr().out
    assert "To: juan@example.com" in printed
    assert "[link hidden" in printed
    assert "token=" not in printed
    assert "token=" not in logs.text
