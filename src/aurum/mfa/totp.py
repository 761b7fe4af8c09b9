"""TOTP codes, secrets encrypted at rest, and recovery codes stored as keyed hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

import pyotp

from aurum.security.derived_keys import derive_fernet, derive_key

STEP_SECONDS = 30
DIGITS = 6
# One step either side of now: a phone clock a little off still works (RFC 6238 §5.2).
WINDOW = 1
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_BYTES = 10  # 80 bits: 16 base32 characters, shown as xxxx-xxxx-xxxx-xxxx

_TOTP_CODE = re.compile(r"[0-9]{6}")  # ASCII digits only: "١٢٣٤٥٦" is not a code


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def looks_like_totp(code: str) -> bool:
    return bool(_TOTP_CODE.fullmatch(code.strip().replace(" ", "")))


def matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step whose code this is, within the window; every step is compared."""
    given = code.strip().replace(" ", "").encode()
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = int(now // STEP_SECONDS)
    found = None
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step).encode(), given):
            found = step
    return found


def new_recovery_codes() -> list[str]:
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = base64.b32encode(secrets.token_bytes(RECOVERY_CODE_BYTES)).decode().lower()
        codes.append("-".join(raw[i : i + 4] for i in range(0, len(raw), 4)))
    return codes


def normalize_recovery_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


class MfaSecrets:
    """Keys derived from SECRET_KEY: one encrypts TOTP secrets, one keys the code hashes."""

    def __init__(self, secret_key: str) -> None:
        self._fernet = derive_fernet(secret_key, "aurum totp secrets")
        self._code_key = derive_key(secret_key, "aurum recovery codes")

    def encrypt(self, secret: str) -> bytes:
        return self._fernet.encrypt(secret.encode())

    def decrypt(self, data: bytes) -> str:
        return self._fernet.decrypt(data).decode()

    def recovery_code_hash(self, code: str) -> str:
        normalized = normalize_recovery_code(code).encode()
        return hmac.new(self._code_key, normalized, hashlib.sha256).hexdigest()
