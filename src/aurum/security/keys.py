"""Asymmetric signing keys: created, encrypted at rest, loaded once and kept in memory.

Keys form one chain per algorithm (access tokens sign with one, ID tokens with another).
Every key that is not retired verifies. Within a chain, the oldest key not yet superseded
signs: a rotation supersedes the chain's current key at a hand-over time a little in the
future, so every instance has loaded (and every verifier can fetch) the new key before any
token is signed with it. Instances pick up a rotation on `refresh()` (periodic) or when
they meet an unknown `kid`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from cryptography.fernet import InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import undefer

from aurum.db.base import utcnow
from aurum.metrics.instruments import instruments
from aurum.models.signing_key import SigningKey
from aurum.security.derived_keys import derive_fernet

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

ALGORITHMS = ("EdDSA", "Ed25519", "ES256", "RS256")
# Both names sign with an Ed25519 key: `EdDSA` (RFC 8037, deprecated by RFC 9864, the one
# PyJWT verifiers know) and `Ed25519` (RFC 9864's fully-specified name, the one joserfc,
# Authlib and other OpenID Connect libraries accept). A key keeps the name it was made
# with: its JWK's `alg` and its tokens' headers must agree.
ED25519_NAMES = ("EdDSA", "Ed25519")
# 2048 bits: what RS256 verifiers everywhere accept, and several times faster to sign with
# than 3072; NIST SP 800-57 counts it sound through 2030, and rotation replaces keys anyway.
RSA_KEY_BITS = 2048
# RFC 7638 §3.2: the members of each key type that the thumbprint covers.
_THUMBPRINT_MEMBERS = {
    "EC": ("crv", "kty", "x", "y"),
    "OKP": ("crv", "kty", "x"),
    "RSA": ("e", "kty", "n"),
}

_REFRESH_INTERVAL_SECONDS = 10.0
# An arbitrary constant naming the advisory lock taken while creating the first key.
_FIRST_KEY_LOCK = 0x41555255


class KeyMaterialError(RuntimeError):
    """Stored key material cannot be decrypted: SECRET_KEY changed or the data is corrupt."""


def _register_fully_specified_names() -> None:
    """PyJWT (2.15) knows the Ed25519 signature only as `EdDSA`: teach it RFC 9864's name
    too (the same OKPAlgorithm). Every decode names its algorithm explicitly (our
    key's), so a name more changes no other token's checks."""
    try:
        jwt.get_algorithm_by_name("Ed25519")
    except NotImplementedError:
        jwt.register_algorithm("Ed25519", OKPAlgorithm())


_register_fully_specified_names()


def _generate(algorithm: str) -> PrivateKey:
    if algorithm in ED25519_NAMES:
        return ed25519.Ed25519PrivateKey.generate()
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    msg = f"unsupported signing algorithm: {algorithm}"
    raise ValueError(msg)


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint, base64url: a stable kid derived from the key itself."""
    members = _THUMBPRINT_MEMBERS[jwk["kty"]]
    required = {name: jwk[name] for name in members}  # already in lexicographic order
    canonical = json.dumps(required, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _public_jwk(algorithm: str, public_key: PublicKey) -> dict[str, Any]:
    jwk: dict[str, Any]
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        jwk = OKPAlgorithm.to_jwk(public_key, as_dict=True)
    elif isinstance(public_key, rsa.RSAPublicKey):
        jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
        # RFC 7517 §4.3: `use` and `key_ops` should not appear together; `use` is the one
        # every verifier reads.
        jwk.pop("key_ops", None)
    else:
        jwk = ECAlgorithm.to_jwk(public_key, as_dict=True)
    return {**jwk, "kid": jwk_thumbprint(jwk), "alg": algorithm, "use": "sig"}


class KeyMaker:
    """New keys, their private halves encrypted with a key derived from SECRET_KEY."""

    def __init__(self, secret: str) -> None:
        self.fernet = derive_fernet(secret, "aurum signing keys")

    def new_key(self, algorithm: str) -> SigningKey:
        private_key = _generate(algorithm)
        jwk = _public_jwk(algorithm, private_key.public_key())
        pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return SigningKey(
            kid=jwk["kid"],
            algorithm=algorithm,
            private_key=self.fernet.encrypt(pem),
            public_jwk=jwk,
            created_at=utcnow(),
        )


@dataclass(frozen=True, slots=True)
class LoadedKey:
    kid: str
    algorithm: str
    public_key: PublicKey
    public_jwk: dict[str, Any]
    created_at: datetime
    superseded_at: datetime | None  # signs until then (a future time during a hand-over)
    private_key: PrivateKey | None


class KeyStore:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        secret: str,
        *,
        reads: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        # Reloads are one autocommit read when given: a reload in the middle of a request
        # (a chain this process has not loaded) must not wait for that request's write
        # lock on SQLite.
        self._reads = reads or sessionmaker
        self.maker = KeyMaker(secret)
        self._fernet = self.maker.fernet
        self._keys: dict[str, LoadedKey] = {}  # oldest first
        self._last_refresh = 0.0

    def signing_key_for(self, algorithm: str) -> LoadedKey:
        """The key of `algorithm`'s chain that signs now."""
        chain = [key for key in self._keys.values() if key.algorithm == algorithm]
        now = utcnow()
        for key in chain:
            if key.superseded_at is None or key.superseded_at > now:
                return key
        # Not reloaded since the hand-over (database away): the old key still verifies.
        if not chain:
            msg = f"no {algorithm} signing key loaded"
            raise RuntimeError(msg)
        return chain[-1]

    async def current_signer(self, algorithm: str) -> LoadedKey:
        """As `signing_key_for`, after loading the keys again if this process has none of
        that chain yet (a client just chose an algorithm, and its first key was made on
        another instance, or in the request that registered the client)."""
        if not any(key.algorithm == algorithm for key in self._keys.values()):
            await self.refresh()
        return self.signing_key_for(algorithm)

    def get(self, kid: str) -> LoadedKey | None:
        return self._keys.get(kid)

    def public_jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk for key in self._keys.values()]}

    async def ensure_signing_key(self, algorithm: str) -> None:
        """Load the keys; create the first key of `algorithm` when none of it is live."""
        await self.refresh()
        if not any(key.algorithm == algorithm for key in self._keys.values()):
            async with self._sessionmaker.begin() as session:
                # Workers and instances starting together on a fresh database must agree
                # on one first key: take a lock (SQLite's BEGIN IMMEDIATE is one), look again.
                if session.get_bind().dialect.name == "postgresql":
                    await session.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _FIRST_KEY_LOCK}
                    )
                live = (
                    select(SigningKey.kid)
                    .where(SigningKey.retired_at.is_(None), SigningKey.algorithm == algorithm)
                    .limit(1)
                )
                if await session.scalar(live) is None:
                    session.add(self.new_key(algorithm))
            await self.refresh()

    def new_key(self, algorithm: str) -> SigningKey:
        return self.maker.new_key(algorithm)

    async def refresh(self) -> None:
        async with self._reads() as session:
            rows = await session.scalars(
                select(SigningKey)
                .where(SigningKey.retired_at.is_(None))
                .options(undefer(SigningKey.private_key))
                .order_by(SigningKey.created_at)
            )
            keys = {row.kid: self._load(row) for row in rows}
        self._keys = keys
        self._last_refresh = time.monotonic()
        created = instruments().signing_key_created
        for algorithm in {key.algorithm for key in keys.values()}:
            signer = self.signing_key_for(algorithm)
            created.labels(algorithm).set(signer.created_at.timestamp())

    async def refresh_if_stale(self) -> bool:
        """Reload at most every few seconds; called when a token names an unknown kid."""
        if time.monotonic() - self._last_refresh < _REFRESH_INTERVAL_SECONDS:
            return False
        await self.refresh()
        return True

    def _load(self, row: SigningKey) -> LoadedKey:
        try:
            pem = self._fernet.decrypt(row.private_key)
        except InvalidToken as exc:
            raise KeyMaterialError(row.kid) from exc
        private_key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(
            private_key,
            ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
        ):
            raise KeyMaterialError(row.kid)
        return LoadedKey(
            kid=row.kid,
            algorithm=row.algorithm,
            public_key=private_key.public_key(),
            public_jwk=row.public_jwk,
            created_at=row.created_at,
            superseded_at=row.superseded_at,
            private_key=private_key,
        )
