"""No account enumeration: the same status, body and timing whether or not one exists.

Timing is compared with many interleaved samples and a rank statistic (the probability
that a request about a real account is slower than one about a missing account), which
stays near 0.5 when the two cannot be told apart and ignores outliers from a busy machine.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import httpx
import pytest

from aurum.app_state import AppState
from tests.conftest import PASSWORD, Accounts

SAMPLES = 80
# With no difference the statistic's standard error is about 0.045 for 80 + 80 samples; a
# real one (say, a database lookup on one path only) puts it above 0.9. The bounds leave
# room for a busy machine.
BOUNDS = (0.25, 0.75)
REGISTER = "/api/v1/users/register"


def slower_probability(a: list[float], b: list[float]) -> float:
    """P(a sample of `a` > a sample of `b`), ties counting half (the Mann-Whitney AUC)."""
    wins = sum((x > y) + 0.5 * (x == y) for x in a for y in b)
    return wins / (len(a) * len(b))


async def timed(client: httpx.AsyncClient, path: str, body: dict[str, str]) -> float:
    started = time.perf_counter()
    response = await client.post(path, json=body)
    elapsed = time.perf_counter() - started
    assert response.status_code == (201 if path == REGISTER else 202), response.text
    return elapsed


async def compare(
    client: httpx.AsyncClient,
    path: str,
    known: Callable[[int], dict[str, str]],
    unknown: Callable[[int], dict[str, str]],
) -> float:
    """Requests about real and missing accounts in a shuffled order; see the module doc."""
    order = [True] * SAMPLES + [False] * SAMPLES
    random.Random(6).shuffle(order)
    times: dict[bool, list[float]] = {True: [], False: []}
    for i, is_known in enumerate(order):
        body = known(i) if is_known else unknown(i)
        times[is_known].append(await timed(client, path, body))
    return slower_probability(times[True], times[False])


@pytest.mark.slow
async def test_reset_and_resend_answer_alike_for_real_and_missing_accounts(
    accounts: Accounts, state: AppState
) -> None:
    await accounts.register("juan")
    for path in ("/api/v1/password-reset/request", "/api/v1/email-verification/request"):
        real = await accounts.client.post(path, json={"email": "juan@example.com"})
        missing = await accounts.client.post(path, json={"email": "nadie@example.com"})
        assert real.status_code == missing.status_code == 202
        assert real.json() == missing.json()
        assert real.headers.keys() == missing.headers.keys()

        probability = await compare(
            accounts.client,
            path,
            lambda _: {"email": "juan@example.com"},
            lambda _: {"email": "nadie@example.com"},
        )
        assert BOUNDS[0] < probability < BOUNDS[1], (path, probability)
        await state.jobs.drain()


@pytest.mark.slow
async def test_registration_with_a_taken_email_answers_like_a_new_one(
    accounts: Accounts, state: AppState
) -> None:
    await accounts.register("juan")

    def taken(i: int) -> dict[str, str]:
        return {"username": f"taken{i}", "email": "juan@example.com", "password": PASSWORD}

    def new(i: int) -> dict[str, str]:
        return {"username": f"new{i}", "email": f"new{i}@example.com", "password": PASSWORD}

    first_taken = await accounts.client.post(REGISTER, json=taken(-1))
    first_new = await accounts.client.post(REGISTER, json=new(-1))
    assert first_taken.status_code == first_new.status_code == 201
    assert first_taken.headers.keys() == first_new.headers.keys()
    assert first_taken.json().keys() == first_new.json().keys()

    probability = await compare(accounts.client, REGISTER, taken, new)
    assert BOUNDS[0] < probability < BOUNDS[1], probability
    await state.jobs.drain()
