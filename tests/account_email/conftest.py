from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from aurum.app_state import AppState
from tests.conftest import Accounts, AppFactory
from tests.mail_server import Inbox

LINKS = "https://app.example"


@pytest.fixture
async def mail_app(make_app: AppFactory, inbox: Inbox) -> FastAPI:
    """The service sending through the local SMTP server."""
    return await make_app(
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,
        smtp_tls="none",
        mail_retry_base_seconds=0.05,
        public_base_url=LINKS,
        email_from="Aurum <no-reply@aurum.example>",
    )


@pytest.fixture
def mail_state(mail_app: FastAPI) -> AppState:
    state: AppState = mail_app.state.aurum
    return state


@pytest.fixture
async def mail_client(mail_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=mail_app, client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def mail_accounts(mail_client: httpx.AsyncClient, mail_state: AppState) -> Accounts:
    return Accounts(mail_client, mail_state)
