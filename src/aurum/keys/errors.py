from __future__ import annotations

from aurum.errors import Conflict, NotFound


class KeyNotFound(NotFound):
    code = "key_not_found"
    message = "No signing key with that kid."
    message_es = "No existe una clave de firma con ese kid."


class SigningKeyInUse(Conflict):
    code = "signing_key_in_use"
    message = (
        "That key still signs new tokens, or may on an instance that has not reloaded the "
        "keys: rotate first, then retire it once its hand-over is over."
    )
    message_es = (
        "Esa clave aún firma tokens nuevos, o puede hacerlo en una instancia que no ha "
        "recargado las claves: rota primero y retírala cuando termine el relevo."
    )


class NextSigningKey(Conflict):
    code = "next_signing_key"
    message = (
        "That key signs once the current hand-over ends: retired, it would leave no key to "
        "hand over to. Rotate again instead."
    )
    message_es = (
        "Esa clave firmará cuando termine el relevo en curso: retirada, no quedaría clave "
        "a la que relevar. Rota de nuevo en su lugar."
    )
