"""Sign-ins and sign-ups by outcome, and the password hashes they wait for."""

from __future__ import annotations

import httpx

from tests.conftest import PASSWORD, Accounts
from tests.metrics.conftest import Scraper
from tests.metrics.scrape import Samples, value

SIGN_INS = "aurum_sign_ins_total"
SIGN_UPS = "aurum_sign_ups_total"


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


async def test_sign_ins_by_outcome(
    client: httpx.AsyncClient, accounts: Accounts, scrape: Scraper
) -> None:
    await accounts.register("ana")
    before = await scrape()
    await accounts.login("ana")
    for login, password in (("ana", "not-her-password"), ("nobody", PASSWORD)):
        answer = await client.post("/api/v1/token", data={"username": login, "password": password})
        assert answer.status_code == 401
    after = await scrape()
    assert moved(before, after, SIGN_INS, outcome="succeeded") == 1
    assert moved(before, after, SIGN_INS, outcome="wrong_password") == 1
    assert moved(before, after, SIGN_INS, outcome="unknown_account") == 1
    # Each of the three waited for one hash check (the unknown account's too).
    verify = "aurum_password_hash_seconds_count"
    assert moved(before, after, verify, operation="verify") == 3
    assert value(after, "aurum_password_hash_seconds_sum", operation="verify") > 0
    assert value(after, "aurum_password_hash_queue") == 0  # nothing left waiting


async def test_sign_ups_by_outcome(
    client: httpx.AsyncClient, accounts: Accounts, scrape: Scraper
) -> None:
    before = await scrape()
    await accounts.register("ana")
    body = {"username": "ana2", "email": "ana@example.com", "password": PASSWORD}
    assert (await client.post("/api/v1/users/register", json=body)).status_code == 201
    body = {"username": "ana", "email": "other@example.com", "password": PASSWORD}
    assert (await client.post("/api/v1/users/register", json=body)).status_code == 409
    body = {"username": "bob", "email": "bob@example.com", "password": "password"}
    assert (await client.post("/api/v1/users/register", json=body)).status_code == 422
    after = await scrape()
    assert moved(before, after, SIGN_UPS, outcome="created") == 1
    assert moved(before, after, SIGN_UPS, outcome="email_taken") == 1
    assert moved(before, after, SIGN_UPS, outcome="username_taken") == 1
    assert moved(before, after, SIGN_UPS, outcome="weak_password") == 1
    hashes = "aurum_password_hash_seconds_count"
    assert moved(before, after, hashes, operation="hash") == 3  # the weak one never hashed


async def test_signing_keys_have_an_age_per_chain(scrape: Scraper) -> None:
    samples = await scrape()
    for algorithm in ("EdDSA", "RS256"):  # access tokens, ID tokens
        created = value(samples, "aurum_signing_key_created_timestamp_seconds", algorithm=algorithm)
        assert created > 1_700_000_000
        age = value(samples, "aurum_signing_key_age_seconds", algorithm=algorithm)
        assert 0 <= age < 24 * 3600  # this run's keys
