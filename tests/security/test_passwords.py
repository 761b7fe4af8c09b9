from __future__ import annotations

import asyncio
import gc
import os
import signal
import time
from pathlib import Path

import bcrypt
import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import undefer
from sqlalchemy.pool import QueuePool

from aurum.app_state import AppState
from aurum.models.user import User
from aurum.security.password_process import IDLE_SECONDS_BEFORE_TRIM
from aurum.security.passwords import Verification
from tests.conftest import PASSWORD, Accounts, AppFactory


async def set_hash(state: AppState, username: str, password_hash: str) -> None:
    async with state.sessionmaker.begin() as db:
        await db.execute(
            update(User).where(User.username == username).values(password_hash=password_hash)
        )


async def stored_hash(state: AppState, username: str) -> str:
    async with state.sessionmaker() as db:
        user = await db.scalar(
            select(User).where(User.username == username).options(undefer(User.password_hash))
        )
        assert user is not None
        return user.password_hash


async def signed_up(state: AppState) -> None:
    """Wait for the sign-up's verification email, which a job prepares in a transaction of
    its own after the response, then stop the job runner (its loop, woken by the wait, may
    still hold a connection): the tests that count pooled connections count only the
    request they watch."""
    await state.jobs.drain()
    await state.jobs.close(grace=5)


async def assert_sign_in_refused(accounts: Accounts, username: str, password: str) -> None:
    response = await accounts.client.post(
        "/api/v1/token", data={"username": username, "password": password}
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_credentials"


async def test_new_hashes_are_argon2id(accounts: Accounts, state: AppState) -> None:
    await accounts.register("juan")
    assert (await stored_hash(state, "juan")).startswith("$argon2id$")


async def test_legacy_bcrypt_hash_verifies_and_is_upgraded(
    accounts: Accounts, state: AppState
) -> None:
    await accounts.register("juan")
    legacy = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    await set_hash(state, "juan", legacy)
    await accounts.login("juan")
    assert (await stored_hash(state, "juan")).startswith("$argon2id$")
    await accounts.login("juan")


async def test_bcrypt_never_truncates_a_long_password(accounts: Accounts, state: AppState) -> None:
    """A bcrypt hash only saw 72 bytes: a longer password is refused, not truncated."""
    await accounts.register("juan")
    long_password = "p" * 100
    truncated_hash = bcrypt.hashpw(long_password[:72].encode(), bcrypt.gensalt(rounds=4))
    await set_hash(state, "juan", truncated_hash.decode())
    await assert_sign_in_refused(accounts, "juan", long_password)


async def test_hashing_does_not_block_the_event_loop(make_app: AppFactory) -> None:
    """While logins hash at OWASP cost, the loop keeps serving other requests at once."""
    app = await make_app(argon2_memory_cost=19456, argon2_time_cost=2, password_hash_threads=1)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        body = {"username": "slow", "email": "slow@example.com", "password": PASSWORD}
        assert (await client.post("/api/v1/users/register", json=body)).status_code == 201

        started = time.perf_counter()
        single = await client.post("/api/v1/token", data={"username": "slow", "password": PASSWORD})
        one_login = time.perf_counter() - started
        assert single.status_code == 200

        # Four logins queue on the one hashing thread; meanwhile, measure how long the
        # loop takes to answer health checks and to wake from short sleeps. The test
        # process's own heap is frozen first, as a served worker's is (aurum.server): a
        # full collection of the whole test session's objects pauses for longer than a
        # hash, and that is not what this measures.
        gc.collect()
        gc.freeze()
        logins = [
            asyncio.create_task(
                client.post("/api/v1/token", data={"username": "slow", "password": PASSWORD})
            )
            for _ in range(4)
        ]
        lags = []
        answered = 0
        try:
            while not all(task.done() for task in logins):
                before = time.perf_counter()
                await asyncio.sleep(0.001)
                lags.append(time.perf_counter() - before)
                if (await client.get("/health")).status_code == 200:
                    answered += 1
        finally:
            gc.unfreeze()
        assert all(task.result().status_code == 200 for task in logins)
        # The loop woke up many times during ~4 hashes, never stalling for a hash's time.
        assert answered >= 4
        assert max(lags) < one_login


async def test_a_sign_in_holds_no_connection_while_it_hashes(
    accounts: Accounts, state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The account is read on an autocommit connection that is back in the pool before
    the slow password check starts, so a sign-in flood cannot starve other requests."""
    await accounts.register("juan")
    await signed_up(state)
    verify = state.passwords.verify
    checked_out: list[int] = []

    async def watched(password: str, stored_hash: str | None) -> Verification:
        pools = [state.engine.pool, state.read_engine.pool]
        assert all(isinstance(pool, QueuePool) for pool in pools)
        checked_out.append(sum(pool.checkedout() for pool in pools if isinstance(pool, QueuePool)))
        return await verify(password, stored_hash)

    monkeypatch.setattr(state.passwords, "verify", watched)
    await accounts.login("juan")
    wrong = await accounts.client.post(
        "/api/v1/token", data={"username": "juan", "password": "not the password"}
    )
    assert wrong.status_code == 401
    assert checked_out == [0, 0]


async def test_changing_a_password_holds_no_connection_while_it_hashes(
    accounts: Accounts, state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checking the current password and hashing the new one both run before the
    request's transaction begins (on SQLite it would hold the write lock through them)."""
    headers = await accounts.user("juan")
    await signed_up(state)
    verify, hash_ = state.passwords.verify, state.passwords.hash
    checked_out: list[int] = []

    def connections() -> int:
        pools = [state.engine.pool, state.read_engine.pool]
        return sum(pool.checkedout() for pool in pools if isinstance(pool, QueuePool))

    async def watched_verify(password: str, stored_hash: str | None) -> Verification:
        checked_out.append(connections())
        return await verify(password, stored_hash)

    async def watched_hash(password: str) -> str:
        checked_out.append(connections())
        return await hash_(password)

    monkeypatch.setattr(state.passwords, "verify", watched_verify)
    monkeypatch.setattr(state.passwords, "hash", watched_hash)
    response = await accounts.client.post(
        "/api/v1/users/me/change-password",
        data={"old_password": PASSWORD, "new_password": "a brand new secret"},
        headers=headers,
    )
    assert response.status_code == 204, response.text
    assert checked_out == [0, 0]
    await accounts.login("juan", "a brand new secret")


def _resident_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling policies")
async def test_hashing_runs_in_a_process_at_the_lowest_priority(state: AppState) -> None:
    await state.passwords.hash("start the process")
    pid = state.passwords.process_id
    assert pid is not None
    assert pid != os.getpid()
    assert os.sched_getscheduler(pid) == os.SCHED_IDLE
    assert os.sched_getscheduler(0) != os.SCHED_IDLE  # the worker keeps its own


async def test_a_dead_hashing_process_is_replaced(accounts: Accounts, state: AppState) -> None:
    await accounts.register("juan")
    pid = state.passwords.process_id
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    for _ in range(200):  # until the service has noticed
        if state.passwords.process_id is None:
            break
        await asyncio.sleep(0.01)
    token = await accounts.login("juan")
    assert token
    assert state.passwords.process_id not in (None, pid)


async def test_a_request_in_flight_when_the_process_dies_gets_503(
    accounts: Accounts, state: AppState
) -> None:
    await accounts.register("juan")
    pid = state.passwords.process_id
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # the next check waits in the pipe
    login = asyncio.create_task(
        accounts.client.post("/api/v1/token", data={"username": "juan", "password": PASSWORD})
    )
    await asyncio.sleep(0.2)
    assert not login.done()
    os.kill(pid, signal.SIGKILL)
    response = await login
    assert response.status_code == 503
    assert response.json()["error"] == "service_unavailable"
    assert (await accounts.login("juan")) is not None


async def test_an_unreadable_stored_hash_refuses_the_password(
    accounts: Accounts, state: AppState
) -> None:
    await accounts.register("juan")
    await set_hash(state, "juan", "not-a-password-hash")
    await assert_sign_in_refused(accounts, "juan", PASSWORD)


async def test_an_idle_hashing_process_gives_its_buffers_back(make_app: AppFactory) -> None:
    """Under load each thread keeps its 19 MiB buffer; once idle, the process shrinks."""
    app = await make_app(argon2_memory_cost=19456, argon2_time_cost=2, password_hash_threads=2)
    state: AppState = app.state.aurum
    await state.passwords.hash("warm up the process")
    pid = state.passwords.process_id
    assert pid is not None
    await asyncio.sleep(IDLE_SECONDS_BEFORE_TRIM + 0.5)
    at_rest = _resident_kib(pid)
    await asyncio.gather(*(state.passwords.hash(f"password {n}") for n in range(6)))
    busy = _resident_kib(pid)
    await asyncio.sleep(IDLE_SECONDS_BEFORE_TRIM + 0.5)
    assert busy > at_rest + 19 * 1024  # each of the two threads held its buffer
    assert _resident_kib(pid) < at_rest + 4 * 1024
