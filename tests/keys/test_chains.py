"""One chain of keys per algorithm: access tokens and ID tokens rotate on their own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select, update

from aurum.app_state import AppState
from aurum.db.base import utcnow
from aurum.keys.errors import NextSigningKey, SigningKeyInUse
from aurum.keys.repository import SigningKeyRepository
from aurum.keys.rotation import KeyRotation, maintain_keys_once
from aurum.models.signing_key import SigningKey
from aurum.security.keys import RSA_KEY_BITS, jwk_thumbprint
from tests.conftest import AppFactory
from tests.keys.test_rotation import age_superseded_keys

# RFC 7638 §3.1: the example RSA key and its thumbprint.
RFC7638_KEY = {
    "kty": "RSA",
    "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_B"
    "JECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FD"
    "W2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQ"
    "Fh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}
RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_the_rfc_7638_example_thumbprint() -> None:
    # Members outside e, kty and n (alg, kid) are left out of the hash.
    assert jwk_thumbprint(RFC7638_KEY) == RFC7638_THUMBPRINT


def test_an_rsa_key_is_created(state: AppState) -> None:
    key = state.keys.new_key("RS256")
    assert key.algorithm == "RS256"
    assert key.public_jwk["kty"] == "RSA"
    assert key.public_jwk["alg"] == "RS256"
    assert key.public_jwk["use"] == "sig"
    assert "key_ops" not in key.public_jwk
    assert key.kid == key.public_jwk["kid"] == jwk_thumbprint(key.public_jwk)
    assert b"PRIVATE KEY" not in key.private_key  # encrypted at rest


async def _rotation(state: AppState, algorithm: str, handover: timedelta) -> SigningKey:
    async with state.sessionmaker.begin() as db:
        rotation = KeyRotation(SigningKeyRepository(db), state.keys, state.access_tokens.ttl)
        key, _ = await rotation.rotate(algorithm, handover)
    await maintain_keys_once(state.keys, state.sessionmaker, state.access_tokens.ttl)
    return key


async def test_the_rsa_chain_signs_with_a_loaded_rsa_key(state: AppState) -> None:
    signer = state.keys.signing_key_for("RS256")
    assert isinstance(signer.private_key, rsa.RSAPrivateKey)
    assert signer.private_key.key_size == RSA_KEY_BITS
    assert state.keys.get(signer.kid) == signer


async def test_rotating_one_chain_leaves_the_other_signing(state: AppState) -> None:
    access = state.access_tokens.signing_key.kid
    id_tokens = state.keys.signing_key_for("RS256").kid

    new_rsa = await _rotation(state, "RS256", timedelta(0))
    assert state.keys.signing_key_for("RS256").kid == new_rsa.kid
    assert state.access_tokens.signing_key.kid == access

    new_eddsa = await _rotation(state, "EdDSA", timedelta(0))
    assert state.access_tokens.signing_key.kid == new_eddsa.kid
    assert state.keys.signing_key_for("RS256").kid == new_rsa.kid
    # Superseded keys of both chains still verify.
    assert state.keys.get(access) is not None
    assert state.keys.get(id_tokens) is not None


async def test_maintenance_retires_expired_keys_chain_by_chain(state: AppState) -> None:
    access = state.access_tokens.signing_key.kid
    old_rsa = state.keys.signing_key_for("RS256").kid
    new_rsa = await _rotation(state, "RS256", timedelta(0))

    await age_superseded_keys(state, timedelta(minutes=32))
    await maintain_keys_once(state.keys, state.sessionmaker, state.access_tokens.ttl)
    assert state.keys.get(old_rsa) is None
    assert state.keys.signing_key_for("RS256").kid == new_rsa.kid
    assert state.access_tokens.signing_key.kid == access  # never superseded: kept


async def test_retire_refusals_are_judged_within_the_keys_chain(state: AppState) -> None:
    window = timedelta(seconds=70)
    old_eddsa = state.access_tokens.signing_key.kid
    rsa_signer = state.keys.signing_key_for("RS256").kid
    await _rotation(state, "EdDSA", timedelta(0))
    await age_superseded_keys(state, timedelta(minutes=5))
    async with state.sessionmaker.begin() as db:  # backdate the EdDSA rotation itself
        await db.execute(
            update(SigningKey)
            .where(SigningKey.algorithm == "EdDSA", SigningKey.superseded_at.is_(None))
            .values(created_at=utcnow() - timedelta(minutes=5))
        )
    # An RS256 key published just now is not the old EdDSA key's successor.
    new_rsa = await _rotation(state, "RS256", timedelta(hours=1))

    async with state.sessionmaker.begin() as db:
        rotation = KeyRotation(
            SigningKeyRepository(db), state.keys, state.access_tokens.ttl, window
        )
        with pytest.raises(SigningKeyInUse):
            await rotation.retire(rsa_signer)  # signs RS256 until the hand-over
        with pytest.raises(NextSigningKey):
            await rotation.retire(new_rsa.kid)
        retired = await rotation.retire(old_eddsa)
    assert retired.retired_at is not None


async def test_ensure_creates_the_first_key_of_a_missing_chain(state: AppState) -> None:
    await state.keys.ensure_signing_key("ES256")
    es256 = state.keys.signing_key_for("ES256")
    await state.keys.ensure_signing_key("ES256")  # already live: nothing new
    async with state.sessionmaker() as db:
        kids = list(await db.scalars(select(SigningKey.kid).where(SigningKey.algorithm == "ES256")))
    assert kids == [es256.kid]


async def _retire_every_key(state: AppState) -> None:
    async with state.sessionmaker.begin() as db:
        await db.execute(update(SigningKey).values(retired_at=SigningKey.created_at))


async def test_start_up_creates_a_key_for_each_chain(state: AppState, make_app: AppFactory) -> None:
    await _retire_every_key(state)  # as on a fresh database: no live key
    fresh: AppState = (await make_app()).state.aurum
    access = fresh.access_tokens.signing_key
    id_tokens = fresh.keys.signing_key_for("RS256")
    assert (access.algorithm, id_tokens.algorithm) == ("EdDSA", "RS256")
    assert state.keys.get(access.kid) is None  # new keys, not the retired ones
    assert state.keys.get(id_tokens.kid) is None


async def test_one_chain_when_both_algorithms_agree(state: AppState, make_app: AppFactory) -> None:
    await _retire_every_key(state)
    fresh: AppState = (await make_app(id_token_signing_algorithm="EdDSA")).state.aurum
    assert fresh.keys.signing_key_for("EdDSA") == fresh.access_tokens.signing_key
    with pytest.raises(RuntimeError, match="no RS256 signing key"):
        fresh.keys.signing_key_for("RS256")
