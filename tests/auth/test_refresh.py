from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from aurum.app_state import AppState
from aurum.audit.events import AuditEventType
from aurum.db.base import utcnow
from aurum.models.audit_event import AuditEvent
from aurum.models.auth_session import AuthSession
from aurum.models.user import User
from tests.conftest import Accounts, AppFactory
from tests.statements import statements_sent

REFRESH = "/api/v1/refresh-token"
ME = "/api/v1/users/me"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_refresh_rotates_both_tokens(accounts: Accounts) -> None:
    await accounts.register("juan")
    first = await accounts.login("juan")
    response = await accounts.client.post(REFRESH, headers=bearer(first["refresh_token"]))
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert (
        await accounts.client.get(ME, headers=bearer(second["access_token"]))
    ).status_code == 200


async def test_refresh_token_in_json_or_form_body(accounts: Accounts) -> None:
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    by_json = await accounts.client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert by_json.status_code == 200
    by_form = await accounts.client.post(
        REFRESH, data={"refresh_token": by_json.json()["refresh_token"]}
    )
    assert by_form.status_code == 200


async def test_reused_refresh_token_revokes_the_family(accounts: Accounts) -> None:
    await accounts.register("juan")
    first = await accounts.login("juan")
    second = (await accounts.client.post(REFRESH, headers=bearer(first["refresh_token"]))).json()

    replay = await accounts.client.post(REFRESH, headers=bearer(first["refresh_token"]))
    assert replay.status_code == 401
    assert replay.json()["error"] == "invalid_refresh_token"

    # The legitimate holder's newer tokens die with the family.
    later = await accounts.client.post(REFRESH, headers=bearer(second["refresh_token"]))
    assert later.status_code == 401
    me = await accounts.client.get(ME, headers=bearer(second["access_token"]))
    assert me.status_code == 401


async def test_concurrent_uses_of_one_refresh_token(accounts: Accounts, state: AppState) -> None:
    """The claim of a token is atomic: of two requests racing with it, one rotates it and
    the other is a reuse, which ends the session."""
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    responses = await asyncio.gather(
        *(accounts.client.post(REFRESH, headers=bearer(tokens["refresh_token"])) for _ in "ab")
    )
    assert sorted(r.status_code for r in responses) == [200, 401]
    winner = next(r.json() for r in responses if r.status_code == 200)
    later = await accounts.client.post(REFRESH, headers=bearer(winner["refresh_token"]))
    assert later.status_code == 401
    me = await accounts.client.get(ME, headers=bearer(winner["access_token"]))
    assert me.status_code == 401
    async with state.sessionmaker() as db:
        reason = await db.scalar(select(AuthSession.revoked_reason))
        reused = await db.scalars(
            select(AuditEvent).where(AuditEvent.event_type == AuditEventType.REFRESH_TOKEN_REUSED)
        )
        assert reason == "refresh_token_reused"
        assert len(reused.all()) == 1


async def test_a_refused_rotation_leaves_the_token_usable(
    accounts: Accounts, state: AppState
) -> None:
    """A disabled user's token is refused without being spent: no reuse once re-enabled."""
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    async with state.sessionmaker.begin() as db:
        await db.execute(update(User).values(disabled=True))
    refused = await accounts.client.post(REFRESH, headers=bearer(tokens["refresh_token"]))
    assert refused.status_code == 401
    async with state.sessionmaker.begin() as db:
        await db.execute(update(User).values(disabled=False))
    again = await accounts.client.post(REFRESH, headers=bearer(tokens["refresh_token"]))
    assert again.status_code == 200


async def test_other_sessions_survive_a_reuse(accounts: Accounts) -> None:
    await accounts.register("juan")
    phone = await accounts.login("juan")
    laptop = await accounts.login("juan")
    await accounts.client.post(REFRESH, headers=bearer(phone["refresh_token"]))
    await accounts.client.post(REFRESH, headers=bearer(phone["refresh_token"]))
    assert (
        await accounts.client.get(ME, headers=bearer(laptop["access_token"]))
    ).status_code == 200


async def test_access_token_is_not_a_refresh_token(accounts: Accounts) -> None:
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    response = await accounts.client.post(REFRESH, headers=bearer(tokens["access_token"]))
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_missing_or_unknown_refresh_token(accounts: Accounts) -> None:
    assert (await accounts.client.post(REFRESH)).status_code == 401
    assert (await accounts.client.post(REFRESH, headers=bearer("nonsense"))).status_code == 401


async def test_expired_session_cannot_refresh(accounts: Accounts, state: AppState) -> None:
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    async with state.sessionmaker.begin() as db:
        await db.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = await accounts.client.post(REFRESH, headers=bearer(tokens["refresh_token"]))
    assert response.status_code == 401


async def test_idle_session_cannot_refresh(accounts: Accounts, state: AppState) -> None:
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    async with state.sessionmaker.begin() as db:
        await db.execute(update(AuthSession).values(last_used_at=utcnow() - timedelta(days=8)))
    response = await accounts.client.post(REFRESH, headers=bearer(tokens["refresh_token"]))
    assert response.status_code == 401


async def test_logout_ends_the_session(accounts: Accounts) -> None:
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    response = await accounts.client.post("/api/v1/logout", headers=bearer(tokens["access_token"]))
    assert response.status_code == 204
    assert (
        await accounts.client.get(ME, headers=bearer(tokens["access_token"]))
    ).status_code == 401
    refresh = await accounts.client.post(REFRESH, headers=bearer(tokens["refresh_token"]))
    assert refresh.status_code == 401


async def test_logout_by_refresh_token(accounts: Accounts) -> None:
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    response = await accounts.client.post(
        "/api/v1/logout", json={"refresh_token": tokens["refresh_token"]}
    )
    assert response.status_code == 204
    assert (
        await accounts.client.get(ME, headers=bearer(tokens["access_token"]))
    ).status_code == 401


async def test_logout_needs_a_token(accounts: Accounts) -> None:
    response = await accounts.client.post("/api/v1/logout")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


async def test_sessions_survive_a_restart(accounts: Accounts, make_app: AppFactory) -> None:
    """Keys are persisted: a token from one process is valid in the next."""
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    restarted = await make_app()
    transport = httpx.ASGITransport(app=restarted)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        me = await other.get(ME, headers=bearer(tokens["access_token"]))
        assert me.status_code == 200
        refreshed = await other.post(REFRESH, headers=bearer(tokens["refresh_token"]))
        assert refreshed.status_code == 200


async def test_a_rotation_is_run_by_the_driver_on_postgresql(
    accounts: Accounts, state: AppState
) -> None:
    """In a transaction of its own: nothing of it goes through SQLAlchemy's session (on
    SQLite, all of it does, in the request's transaction)."""
    await accounts.register("juan")
    tokens = await accounts.login("juan")
    await state.jobs.drain()
    async with statements_sent(state) as sent:
        response = await accounts.client.post(REFRESH, headers=bearer(tokens["refresh_token"]))
    assert response.status_code == 200
    by_driver = [query for query in sent.by_driver if "refresh_tokens" in query]
    through_sqlalchemy = [q for q in sent.through_sqlalchemy if "refresh_tokens" in q]
    if state.engine.dialect.name == "postgresql":
        assert by_driver != []
        assert through_sqlalchemy == []
    else:
        assert by_driver == []
        assert through_sqlalchemy != []
