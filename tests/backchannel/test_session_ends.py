"""Every way a person's session at Aurum ends tells the apps it signed them in to: a logout
token is posted to each app's back-channel logout URI (a real HTTP server here), and
verified with PyJWT and the published keys."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, select, update

from aurum.app_state import AppState
from aurum.backchannel.jobs import BACKCHANNEL_LOGOUT
from aurum.backchannel.notices import sessions_ended
from aurum.db.base import utcnow
from aurum.jobs.housekeeping import Housekeeping
from aurum.models.auth_session import AuthSession
from aurum.models.authorization import AuthorizationCode
from aurum.models.job import Job, JobStatus
from tests.backchannel.receiver import (
    Receiver,
    serving,
    verified_logout_token,
)
from tests.conftest import PASSWORD, Accounts, AppFactory
from tests.live_server import free_port
from tests.oauth.code_flow import (
    AFTER_LOGOUT,
    AUTHORIZE,
    TOKEN_ENDPOINT,
    browse,
    register_app,
    relying_party,
    verified_id_token,
)
from tests.oauth.support import OAuthClients
from tests.web.support import csrf_of


@pytest.fixture
async def app(make_app: AppFactory) -> FastAPI:
    return await make_app(backchannel_logout_retry_base_seconds=0.1)


async def sign_in(
    app: FastAPI, browser: httpx.AsyncClient, client: dict[str, Any]
) -> dict[str, Any]:
    """Through the hosted pages and a code exchange: the app's tokens."""
    rp = relying_party(app, client, "openid")
    verifier = secrets.token_urlsafe(48)
    url, _ = rp.create_authorization_url(AUTHORIZE, code_verifier=verifier)
    back = await browse(browser, url)
    async with rp:
        token: dict[str, Any] = await rp.fetch_token(
            TOKEN_ENDPOINT, authorization_response=back.headers["location"], code_verifier=verifier
        )
    return token


async def end_session(browser: httpx.AsyncClient, id_token: str) -> None:
    query = {"id_token_hint": id_token, "post_logout_redirect_uri": AFTER_LOGOUT}
    page = await browser.get("/end-session", params=query)
    out = await browser.post("/end-session", data={**query, "csrf_token": csrf_of(page)})
    assert out.status_code == 303


async def delivered(state: AppState) -> None:
    await state.jobs.drain()


async def test_signing_out_tells_every_app_of_the_session(
    app: FastAPI,
    state: AppState,
    accounts: Accounts,
    clients: OAuthClients,
    client: httpx.AsyncClient,
    receiver: Receiver,
) -> None:
    await accounts.user("juan")
    notas = await register_app(clients, "Notas", backchannel_logout_uri=receiver.url)
    agenda = await register_app(clients, "Agenda", backchannel_logout_uri=receiver.url)
    quiet = await register_app(clients, "Quiet")  # no back-channel URI: not told
    tokens = [await sign_in(app, client, rp) for rp in (notas, agenda, quiet)]
    id_claims = await verified_id_token(client, tokens[0]["id_token"], notas["client_id"])
    async with state.sessionmaker.begin() as db:  # codes are purged within minutes
        await db.execute(delete(AuthorizationCode))

    await end_session(client, tokens[0]["id_token"])
    await delivered(state)

    assert len(receiver.tokens) == 2
    assert receiver.content_types == ["application/x-www-form-urlencoded"] * 2
    audiences = set()
    for token in receiver.tokens:
        claims = await verified_logout_token(client, token, audience_of(token, notas, agenda))
        assert claims["sub"] == id_claims["sub"]
        assert claims["sid"] == id_claims["sid"]
        audiences.add(claims["aud"])
    assert audiences == {notas["client_id"], agenda["client_id"]}


def audience_of(token: str, *registered: dict[str, Any]) -> str:
    audience = jwt.decode(token, options={"verify_signature": False})["aud"]
    assert audience in {client["client_id"] for client in registered}
    return str(audience)


Ending = Callable[[httpx.AsyncClient, Accounts, OAuthClients, str], Awaitable[None]]


async def log_out_everywhere(
    http: httpx.AsyncClient, accounts: Accounts, _: OAuthClients, __: str
) -> None:
    response = await http.delete(
        "/api/v1/users/me/sessions", headers=await accounts.headers("juan")
    )
    assert response.status_code == 204


async def admin_revokes_all(
    http: httpx.AsyncClient, accounts: Accounts, clients: OAuthClients, _: str
) -> None:
    response = await http.delete("/api/v1/users/juan/sessions", headers=await clients.admin())
    assert response.status_code == 204


async def admin_revokes_one(
    http: httpx.AsyncClient, _: Accounts, clients: OAuthClients, sid: str
) -> None:
    response = await http.delete(
        f"/api/v1/users/juan/sessions/{sid}", headers=await clients.admin()
    )
    assert response.status_code == 204


async def password_change(
    http: httpx.AsyncClient, accounts: Accounts, _: OAuthClients, __: str
) -> None:
    response = await http.post(
        "/api/v1/users/me/change-password",
        json={"old_password": PASSWORD, "new_password": "another-long-passphrase-42"},
        headers=await accounts.headers("juan"),
    )
    assert response.status_code == 204


async def account_disabled(
    http: httpx.AsyncClient, _: Accounts, clients: OAuthClients, __: str
) -> None:
    response = await http.patch(
        "/api/v1/users/juan", json={"disabled": True}, headers=await clients.admin()
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "ending",
    [log_out_everywhere, admin_revokes_all, admin_revokes_one, password_change, account_disabled],
)
async def test_every_way_a_session_ends_tells_the_app(
    app: FastAPI,
    state: AppState,
    accounts: Accounts,
    clients: OAuthClients,
    client: httpx.AsyncClient,
    receiver: Receiver,
    ending: Ending,
) -> None:
    await accounts.user("juan")
    notas = await register_app(clients, backchannel_logout_uri=receiver.url)
    token = await sign_in(app, client, notas)
    id_claims = await verified_id_token(client, token["id_token"], notas["client_id"])
    await ending(client, accounts, clients, id_claims["sid"])
    await delivered(state)

    [logout_token] = receiver.tokens
    claims = await verified_logout_token(client, logout_token, notas["client_id"])
    assert (claims["sub"], claims["sid"]) == (id_claims["sub"], id_claims["sid"])


async def test_taking_back_a_consent_tells_that_app_only(
    app: FastAPI,
    state: AppState,
    accounts: Accounts,
    clients: OAuthClients,
    client: httpx.AsyncClient,
    receiver: Receiver,
) -> None:
    headers = await accounts.user("juan")
    notas = await register_app(clients, "Notas", backchannel_logout_uri=receiver.url)
    agenda = await register_app(clients, "Agenda", backchannel_logout_uri=receiver.url)
    token = await sign_in(app, client, notas)
    await sign_in(app, client, agenda)
    id_claims = await verified_id_token(client, token["id_token"], notas["client_id"])

    response = await client.delete(
        f"/api/v1/users/me/consents/{notas['client_id']}", headers=headers
    )
    assert response.status_code == 204
    await delivered(state)

    [logout_token] = receiver.tokens
    claims = await verified_logout_token(client, logout_token, notas["client_id"])
    assert claims["sid"] == id_claims["sid"]
    assert (await client.get("/account")).status_code == 200  # still signed in at Aurum


async def test_a_session_the_app_never_used_tells_it_nothing(
    app: FastAPI,
    state: AppState,
    accounts: Accounts,
    clients: OAuthClients,
    client: httpx.AsyncClient,
    receiver: Receiver,
) -> None:
    await accounts.user("juan")
    await accounts.user("ana")
    notas = await register_app(clients, backchannel_logout_uri=receiver.url)
    await sign_in(app, client, notas)  # juan's session
    response = await client.delete(
        "/api/v1/users/me/sessions", headers=await accounts.headers("ana")
    )
    assert response.status_code == 204
    await delivered(state)
    assert receiver.tokens == []


async def test_the_person_is_not_kept_waiting_by_a_receiver_that_is_down(
    app: FastAPI,
    state: AppState,
    accounts: Accounts,
    clients: OAuthClients,
    client: httpx.AsyncClient,
) -> None:
    """Signing out answers at once; the token arrives once the app's endpoint is up."""
    port = free_port()
    await accounts.user("juan")
    notas = await register_app(
        clients, backchannel_logout_uri=f"http://127.0.0.1:{port}/backchannel-logout"
    )
    token = await sign_in(app, client, notas)
    await end_session(client, token["id_token"])
    async with state.sessionmaker() as db:
        [job] = await db.scalars(select(Job).where(Job.kind == BACKCHANNEL_LOGOUT))
    assert job.status is not JobStatus.DONE  # recorded with the sign-out, not yet delivered
    async with serving(Receiver(port)) as receiver:
        await delivered(state)
    async with state.sessionmaker() as db:
        assert await db.scalar(select(Job.status).where(Job.id == job.id)) == JobStatus.DONE
    [logout_token] = receiver.tokens
    await verified_logout_token(client, logout_token, notas["client_id"])


async def test_a_disabled_app_is_not_told(
    app: FastAPI,
    state: AppState,
    accounts: Accounts,
    clients: OAuthClients,
    client: httpx.AsyncClient,
    receiver: Receiver,
) -> None:
    await accounts.user("juan")
    notas = await register_app(clients, backchannel_logout_uri=receiver.url)
    await sign_in(app, client, notas)
    disabled = await client.patch(
        f"/api/v1/oauth/clients/{notas['client_id']}",
        json={"disabled": True},
        headers=await clients.admin(),
    )
    assert disabled.status_code == 200
    page = await client.get("/end-session")  # signing out at Aurum itself
    out = await client.post("/end-session", data={"csrf_token": csrf_of(page)})
    assert out.status_code == 200
    assert (await client.get("/account")).status_code == 303  # signed out
    await delivered(state)
    assert receiver.tokens == []


async def test_a_session_that_runs_out_tells_its_apps_when_housekeeping_removes_it(
    app: FastAPI,
    state: AppState,
    accounts: Accounts,
    clients: OAuthClients,
    client: httpx.AsyncClient,
    receiver: Receiver,
) -> None:
    """Nobody ends it: its time runs out. The next housekeeping run deletes it and the app
    gets its logout token; an ended session's apps were told once, when it ended."""
    await accounts.user("juan")
    notas = await register_app(clients, "Notas", backchannel_logout_uri=receiver.url)
    tokens = await sign_in(app, client, notas)
    id_claims = await verified_id_token(client, tokens["id_token"], notas["client_id"])
    async with state.sessionmaker.begin() as db:
        await db.execute(
            update(AuthSession)
            .where(AuthSession.id == uuid.UUID(id_claims["sid"]))
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    await state.jobs.drain()
    assert receiver.tokens == []  # running out alone sends nothing yet

    housekeeping = Housekeeping(state.sessionmaker, state.settings, sessions_expired=sessions_ended)
    assert (await housekeeping.run())["sessions"] == 1
    await delivered(state)
    [token] = receiver.tokens
    claims = await verified_logout_token(client, token, notas["client_id"])
    assert (claims["sub"], claims["sid"]) == (id_claims["sub"], id_claims["sid"])
    assert (await housekeeping.run())["sessions"] == 0
    await delivered(state)
    assert len(receiver.tokens) == 1
