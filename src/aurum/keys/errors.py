from __future__ import annotations

from aurum.errors import Conflict, NotFound


class KeyNotFound(NotFound):
    code = "key_not_found"
    message = "No signing key with that kid."
    message_es = "No existe una clave de firma con ese kid."


class SigningKeyInUse(Conflict):
    code = "signing_key_in_use"
    message = "That key still signs new tokens: rotate first, then retire it."
    message_es = "Esa clave aún firma tokens nuevos: rota primero y luego retírala."
