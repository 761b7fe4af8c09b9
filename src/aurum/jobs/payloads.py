"""Job payloads are encrypted at rest: they hold addresses and, for invitations, links.

The key is derived from SECRET_KEY; a payload written under another key cannot be read and
its job fails for good (dead), so rotating SECRET_KEY loses only pending jobs.
"""

from __future__ import annotations

import json

from cryptography.fernet import InvalidToken

from aurum.jobs.kinds import Payload, PermanentFailure
from aurum.security.derived_keys import derive_fernet


class PayloadCipher:
    def __init__(self, secret_key: str) -> None:
        self._fernet = derive_fernet(secret_key, "aurum job payloads")

    def seal(self, payload: Payload) -> str:
        return self._fernet.encrypt(json.dumps(payload, separators=(",", ":")).encode()).decode()

    def open(self, sealed: str | None) -> Payload:
        if sealed is None:
            return {}
        try:
            data = json.loads(self._fernet.decrypt(sealed.encode()))
        except InvalidToken as exc:
            raise PermanentFailure("payload_unreadable") from exc
        if not isinstance(data, dict):
            raise PermanentFailure("payload_unreadable")
        return data
