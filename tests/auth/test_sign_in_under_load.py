"""Statistical test: a client that keeps the service busy with reads cannot stop sign-ins.

The service's own process (here the test's event loop, serving every request) and its
password-hashing process are held to one CPU together, so they must share it whatever the
machine's size, and a few clients read `/users/me` without pause, which keeps that CPU
busy. A batch of sign-ins queued together must then finish within a deadline many times
what their hashes cost: with hashing's turns they finish in well under a second; hashing
that only runs when the CPU is otherwise idle (the lowest priority, without turns) gets
about one part in a hundred or less and misses the deadline several times over. Other load
on the machine slows both sides alike.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from aurum.app_state import AppState
from tests.conftest import PASSWORD, Accounts, AppFactory
from tests.rate_limits.conftest import client_at

READERS = 4
SIGN_INS = 16
DEADLINE_SECONDS = 2.5
# A small hash (about 4 ms of CPU), so the deadline is generous yet a starved hashing
# process cannot meet it.
SMALL_HASH = {"argon2_memory_cost": 4096, "argon2_time_cost": 1, "password_hash_threads": 1}


def _threads(pid: int) -> list[int]:
    return [int(task.name) for task in Path(f"/proc/{pid}/task").iterdir()]


@contextmanager
def one_cpu(*pids: int) -> Iterator[None]:
    """Every thread of these processes on the same CPU (threads started later inherit it)."""
    before = {tid: os.sched_getaffinity(tid) for pid in pids for tid in _threads(pid)}
    cpu = {min(os.sched_getaffinity(0))}
    for tid in before:
        os.sched_setaffinity(tid, cpu)
    try:
        yield
    finally:
        for pid in pids[:1]:  # this process; the hashing process goes with the app
            for tid in _threads(pid):
                os.sched_setaffinity(tid, before.get(tid, before[pid]))


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs Linux CPU affinity")
async def test_sign_ins_complete_while_reads_keep_the_service_busy(make_app: AppFactory) -> None:
    app = await make_app(**SMALL_HASH)
    state: AppState = app.state.aurum
    async with client_at(app, "192.0.2.20") as client:
        accounts = Accounts(client, state)
        headers = await accounts.user("reader")
        await accounts.register("signer")
        hashing = state.passwords.process_id
        assert hashing is not None
        stop = asyncio.Event()
        reads = 0

        async def read() -> None:
            nonlocal reads
            while not stop.is_set():
                response = await client.get("/api/v1/users/me", headers=headers)
                assert response.status_code == 200
                reads += 1

        async def sign_in() -> int:
            response = await client.post(
                "/api/v1/token", data={"username": "signer", "password": PASSWORD}
            )
            return response.status_code

        with one_cpu(os.getpid(), hashing):
            readers = [asyncio.create_task(read()) for _ in range(READERS)]
            try:
                await asyncio.sleep(0.2)  # the reads have the CPU to themselves
                reads_before = reads
                sign_ins = [asyncio.create_task(sign_in()) for _ in range(SIGN_INS)]
                done, late = await asyncio.wait(sign_ins, timeout=DEADLINE_SECONDS)
                reads_during = reads - reads_before
                for task in late:
                    task.cancel()
            finally:
                stop.set()
                await asyncio.gather(*readers)
    assert len(done) == SIGN_INS, f"{len(done)} of {SIGN_INS} sign-ins within the deadline"
    assert [task.result() for task in done] == [200] * SIGN_INS
    assert reads_during > SIGN_INS, "the reads went on meanwhile"
