"""What the pages say, in English and Spanish. Keys name the place; `{name}` is filled in."""

from __future__ import annotations

from collections.abc import Callable

# key: (English, Spanish)
MESSAGES: dict[str, tuple[str, str]] = {
    "site.name": ("Aurum", "Aurum"),
    "site.skip": ("Skip to the content", "Ir al contenido"),
    "error.title": ("Something went wrong", "Algo salió mal"),
    "error.code": ("Error code", "Código de error"),
    "link.incomplete": (
        "This link is incomplete. Open it again from the email, or copy the whole address.",
        "Este enlace está incompleto. Ábrelo de nuevo desde el correo o copia la dirección "
        "completa.",
    ),
    "verify.title": ("Confirm your email address", "Confirma tu correo electrónico"),
    "verify.intro": (
        "Press the button to confirm that this address is yours.",
        "Pulsa el botón para confirmar que esta dirección es tuya.",
    ),
    "verify.button": ("Confirm my address", "Confirmar mi dirección"),
    "verify.done": (
        "Your email address is confirmed. You can close this page.",
        "Tu correo electrónico está confirmado. Ya puedes cerrar esta página.",
    ),
}


def translator(language: str) -> Callable[..., str]:
    index = 1 if language == "es" else 0

    def t(key: str, **values: object) -> str:
        text = MESSAGES[key][index]
        return text.format(**values) if values else text

    return t
