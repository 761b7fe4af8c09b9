"""Rotation: old tokens verify until they expire, new ones carry the new kid, retired keys
are refused."""

from __future__ import annotations

from datetime import timedelta

import httpx
import jwt
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from aurum.app_state import AppState
from aurum.db.base import utcnow
from aurum.keys.errors import KeyNotFound, NextSigningKey, SigningKeyInUse
from aurum.keys.repository import SigningKeyRepository
from aurum.keys.rotation import KeyRotation, maintain_keys_once
from aurum.models.signing_key import SigningKey
from tests.conftest import Accounts, AppFactory
from tests.oauth.support import ME, OAuthClients, bearer

JWKS = "/.well-known/jwks.json"


async def rotate(state: AppState, algorithm: str = "EdDSA") -> str:
    async with state.sessionmaker.begin() as db:
        key, _ = await _rotation(state, db).rotate(algorithm)
    # What every instance does every KEY_REFRESH_SECONDS.
    await maintain_keys_once(state.keys, state.sessionmaker, state.access_tokens.ttl)
    return key.kid


def _rotation(state: AppState, db: AsyncSession) -> KeyRotation:
    return KeyRotation(SigningKeyRepository(db), state.keys, state.access_tokens.ttl)


async def age_superseded_keys(state: AppState, by: timedelta) -> None:
    """Pretend the rotation happened `by` ago."""
    async with state.sessionmaker.begin() as db:
        await db.execute(
            update(SigningKey)
            .where(SigningKey.superseded_at.is_not(None))
            .values(superseded_at=utcnow() - by)
        )


async def published_kids(client: httpx.AsyncClient, algorithm: str) -> list[str]:
    """The JWKS's kids of one chain, newest first."""
    keys = (await client.get(JWKS)).json()["keys"]
    return [key["kid"] for key in keys if key["alg"] == algorithm]


def kid(token: str) -> str:
    value: str = jwt.get_unverified_header(token)["kid"]
    return value


async def test_tokens_from_before_a_rotation_stay_valid(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient, state: AppState
) -> None:
    await accounts.register("juan")
    before = await accounts.login("juan")
    old_kid = kid(before["access_token"])

    new_kid = await rotate(state)
    assert new_kid != old_kid
    after = await accounts.login("juan")
    assert kid(after["access_token"]) == new_kid

    for tokens in (before, after):
        assert (await client.get(ME, headers=bearer(tokens["access_token"]))).status_code == 200
    resource = await clients.register("resource")
    assert (await clients.introspect(resource, before["access_token"]))["active"] is True
    published = await published_kids(client, "EdDSA")
    assert published == [new_kid, old_kid]

    # Maintenance does not retire the old key while its tokens may still be valid.
    await age_superseded_keys(state, timedelta(minutes=29))
    await maintain_keys_once(state.keys, state.sessionmaker, state.access_tokens.ttl)
    assert (await client.get(ME, headers=bearer(before["access_token"]))).status_code == 200


async def test_a_retired_keys_tokens_are_refused(
    accounts: Accounts, clients: OAuthClients, client: httpx.AsyncClient, state: AppState
) -> None:
    await accounts.register("juan")
    before = await accounts.login("juan")
    old_kid = kid(before["access_token"])
    service = await clients.register("billing", scopes=["sessions:read"])
    service_token = await clients.service_token(service)
    # Used once, so this process has verified (and remembers) both tokens.
    assert (await client.get(ME, headers=bearer(before["access_token"]))).is_success
    assert (await clients.introspect(service, service_token))["active"] is True
    new_kid = await rotate(state)

    # Once every token the old key signed has expired, maintenance retires it.
    await age_superseded_keys(state, timedelta(minutes=32))
    await maintain_keys_once(state.keys, state.sessionmaker, state.access_tokens.ttl)

    for token in (before["access_token"], service_token):
        refused = await client.get(ME, headers=bearer(token))
        assert refused.status_code == 401
        assert refused.json()["error"] == "invalid_token"
        assert await clients.introspect(service, token) == {"active": False}
    published = await published_kids(client, "EdDSA")
    assert published == [new_kid]
    assert old_kid not in published
    # The session itself lives on: a refresh gets a token signed by the new key.
    refreshed = await client.post("/api/v1/refresh-token", headers=bearer(before["refresh_token"]))
    assert kid(refreshed.json()["access_token"]) == new_kid
    assert (await client.get(ME, headers=bearer(refreshed.json()["access_token"]))).is_success


async def test_retiring_one_key_at_once(
    accounts: Accounts, client: httpx.AsyncClient, state: AppState
) -> None:
    await accounts.register("juan")
    before = await accounts.login("juan")
    compromised = kid(before["access_token"])
    assert (await client.get(ME, headers=bearer(before["access_token"]))).is_success
    new_kid = await rotate(state)

    async with state.sessionmaker.begin() as db:
        with pytest.raises(SigningKeyInUse):
            await _rotation(state, db).retire(new_kid)
        with pytest.raises(KeyNotFound):
            await _rotation(state, db).retire("no-such-kid")
        await _rotation(state, db).retire(compromised)
    await maintain_keys_once(state.keys, state.sessionmaker, state.access_tokens.ttl)
    assert (await client.get(ME, headers=bearer(before["access_token"]))).status_code == 401


async def test_the_old_key_signs_until_the_hand_over(
    accounts: Accounts, client: httpx.AsyncClient, state: AppState
) -> None:
    await accounts.register("juan")
    old_kid = state.access_tokens.signing_key.kid
    async with state.sessionmaker.begin() as db:
        new_key, superseded = await _rotation(state, db).rotate("EdDSA", timedelta(hours=1))
    assert superseded == [old_kid]
    await maintain_keys_once(state.keys, state.sessionmaker, state.access_tokens.ttl)

    # Published before it is used, so verifiers have it by the time tokens carry it.
    published = await published_kids(client, "EdDSA")
    assert published == [new_key.kid, old_kid]
    assert kid((await accounts.login("juan"))["access_token"]) == old_kid

    # Once the hand-over time has passed, the new key signs.
    await age_superseded_keys(state, timedelta(seconds=1))
    await maintain_keys_once(state.keys, state.sessionmaker, state.access_tokens.ttl)
    assert kid((await accounts.login("juan"))["access_token"]) == new_key.kid


async def test_other_instances_pick_up_a_rotation(
    accounts: Accounts, state: AppState, make_app: AppFactory
) -> None:
    other = await make_app()
    other_state: AppState = other.state.aurum
    new_kid = await rotate(state)
    assert other_state.access_tokens.signing_key.kid != new_kid

    await maintain_keys_once(
        other_state.keys, other_state.sessionmaker, other_state.access_tokens.ttl
    )
    assert other_state.access_tokens.signing_key.kid == new_kid
    assert other_state.access_tokens.signing_key.algorithm == "EdDSA"
    await accounts.register("juan")
    token = (await accounts.login("juan"))["access_token"]
    transport = httpx.ASGITransport(app=other)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        assert (await http.get(ME, headers=bearer(token))).status_code == 200


async def test_retire_refuses_a_key_that_may_still_sign(state: AppState) -> None:
    old_kid = state.access_tokens.signing_key.kid
    window = timedelta(seconds=70)
    async with state.sessionmaker.begin() as db:
        new_key, _ = await _rotation(state, db).rotate("EdDSA", timedelta(hours=1))
    async with state.sessionmaker.begin() as db:
        rotation = KeyRotation(
            SigningKeyRepository(db), state.keys, state.access_tokens.ttl, window
        )
        with pytest.raises(SigningKeyInUse):
            await rotation.retire(old_kid)  # signs until the hand-over
        with pytest.raises(NextSigningKey):
            await rotation.retire(new_key.kid)  # would leave nothing to hand over to

    # Past the hand-over, but the new key was published a moment ago: an instance that
    # has not reloaded since still signs with the old one.
    await age_superseded_keys(state, timedelta(seconds=1))
    async with state.sessionmaker.begin() as db:
        rotation = KeyRotation(
            SigningKeyRepository(db), state.keys, state.access_tokens.ttl, window
        )
        with pytest.raises(SigningKeyInUse):
            await rotation.retire(old_kid)
        with pytest.raises(SigningKeyInUse):
            await rotation.retire(new_key.kid)  # it signs now
        forced = await rotation.retire(old_kid, force=True)
    assert forced.retired_at is not None
    await maintain_keys_once(state.keys, state.sessionmaker, state.access_tokens.ttl)
    assert state.access_tokens.signing_key.kid == new_key.kid
