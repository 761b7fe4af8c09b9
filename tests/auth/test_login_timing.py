"""Statistical test: sign-in timing does not tell an unknown account from a wrong password.

Slow by design (marked `slow`): it uses the real Argon2 parameters, because the leak it
guards against is one skipped hash. Three kinds of samples are taken interleaved in a
shuffled order, so load on the machine hits them alike: sign-in with an unknown name,
sign-in with a wrong password, and one bare verification of a wrong password against a
real hash (the size of the leak the test must be able to see). The medians of the two
sign-in kinds must differ by less than half a verification. Medians ignore the pauses a
busy machine adds to a few samples; on a very busy one a round is measured again (up to
three), which can only hide a leak if the noise swamps a whole hash three times over.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Awaitable, Callable

import pytest

from aurum.app_state import AppState
from tests.conftest import AppFactory
from tests.rate_limits.conftest import client_at, register, sign_in

SAMPLES = 30
WARM_UP = 5
ROUNDS = 3
# Real OWASP Argon2id parameters; limits stay on (the counters are part of the path timed)
# but high enough never to refuse during the test.
TIMED_APP = {
    "argon2_memory_cost": 19456,
    "argon2_time_cost": 2,
    "rate_limit_enabled": True,
    "login_free_failures": 100,
    "login_account_failures_per_hour": 100_000,
    "rate_limits": {"login.ip": "100000/minute"},
}


async def timed(action: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await action()
    return time.perf_counter() - start


@pytest.mark.slow
async def test_unknown_user_and_wrong_password_take_the_same_time(
    make_app: AppFactory,
) -> None:
    app = await make_app(**TIMED_APP)
    state: AppState = app.state.aurum
    rng = random.Random(6)
    async with client_at(app, "192.0.2.10") as client:
        accounts = ["juan", "ana", "luis"]
        for name in accounts:
            await register(client, name, "a perfectly fine passphrase")

        async def unknown() -> None:
            response = await sign_in(client, f"ghost{rng.randrange(10**6)}", "some guess 1")
            assert response.status_code == 401

        async def wrong() -> None:
            response = await sign_in(client, rng.choice(accounts), "some guess 1")
            assert response.status_code == 401

        stored_hash = await state.passwords.hash("a perfectly fine passphrase")

        async def one_hash() -> None:
            await state.passwords.verify("some guess 1", stored_hash)

        kinds = {"unknown": unknown, "wrong": wrong, "hash": one_hash}
        for _ in range(WARM_UP):
            for action in kinds.values():
                await action()
        for _ in range(ROUNDS):
            order = [kind for kind in kinds for _ in range(SAMPLES)]
            rng.shuffle(order)
            samples: dict[str, list[float]] = {kind: [] for kind in kinds}
            for kind in order:
                samples[kind].append(await timed(kinds[kind]))
            median = {kind: statistics.median(values) for kind, values in samples.items()}
            difference = abs(median["unknown"] - median["wrong"])
            if difference < median["hash"] / 2:
                break
    assert difference < median["hash"] / 2, median
